// The PNG renderers: a chart has the asked size, draws its series where the data says (a log axis
// straightens an exponential) and a legend; a grid's pixels equal the source images; a heat map puts
// min and max at the two ends of the colour map, and <ae-heatmap> paints the same colours as the PNG;
// canvasToPng round-trips the pixels; ui/format writes ticks, clocks and percentages.
import { expect } from 'chai';
import type { Chart, HeatMap, ImageGrid } from '../../src/experiments/types';
import '../../src/ui/index';
import { formatClock, formatPercent, formatTick, formatValue } from '../../src/ui/format';
import { formatClock as reportClock } from '../../scripts/report-html.mjs';
import {
  DIVERGING_STOPS,
  GRID_SCALE,
  SERIES_COLORS,
  base64ToBytes,
  bytesToBase64,
  canvasToPng,
  divergingColor,
  grayByte,
  heatColor,
  heatPosition,
  gridLayout,
  heatmapLayout,
  renderChart,
  renderGrid,
  renderHeatmap,
} from '../../src/ui/render/index';
import { ConfigError } from '../../src/util/errors';
import { mount, part } from './helpers';

function rgbaAt(canvas: HTMLCanvasElement, x: number, y: number): number[] {
  return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data);
}

const hexRgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Pixels of the canvas within `tol` of `color` (per channel), as [x, y], rows [y0, y1). */
function pixelsOf(
  canvas: HTMLCanvasElement,
  color: number[],
  y0 = 0,
  y1 = canvas.height,
  tol = 12,
): [number, number][] {
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  const out: [number, number][] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const o = 4 * (y * canvas.width + x);
      if (
        Math.abs(data[o]! - color[0]!) <= tol &&
        Math.abs(data[o + 1]! - color[1]!) <= tol &&
        Math.abs(data[o + 2]! - color[2]!) <= tol
      )
        out.push([x, y]);
    }
  }
  return out;
}

/** R² of the least-squares line y = a + b·x through the points. */
function rSquared(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return (sxy * sxy) / (sxx * syy);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('renderChart', () => {
  const chart: Chart = {
    id: 'loss',
    title: 'Loss per epoch',
    xLabel: 'epoch',
    yLabel: 'MSE',
    series: [
      { name: 'train', x: range(10).map((i) => i + 1), y: range(10).map((i) => 0.1 + 0.02 * i) },
      { name: 'test', x: [1, 5, 10], y: [0.5, 0.4, 0.45] },
    ],
  };

  it('draws a canvas of the asked size with both series in the plot and a swatch of each in the legend', () => {
    const canvas = renderChart(chart, { width: 640, height: 360 });
    expect([canvas.width, canvas.height]).to.deep.equal([640, 360]);
    const plotBottom = 360 - 40;
    // Rising y draws higher (smaller canvas y) towards the right.
    const train = pixelsOf(canvas, hexRgb(SERIES_COLORS[0]), 30, plotBottom);
    expect(train.length, 'train series pixels').to.be.greaterThan(100);
    const left = train.filter(([x]) => x < 250);
    const right = train.filter(([x]) => x > 450);
    const meanY = (ps: [number, number][]) => ps.reduce((s, p) => s + p[1], 0) / ps.length;
    expect(meanY(left)).to.be.greaterThan(meanY(right) + 40);
    expect(pixelsOf(canvas, hexRgb(SERIES_COLORS[1]), 30, plotBottom).length, 'test series pixels').to.be.greaterThan(
      30,
    );
    // The legend under the plot has a swatch in each colour.
    for (const c of [SERIES_COLORS[0], SERIES_COLORS[1]])
      expect(pixelsOf(canvas, hexRgb(c), plotBottom, 360).length, `legend ${c}`).to.be.greaterThan(20);
    // Title and axis labels put dark text on the canvas.
    expect(pixelsOf(canvas, [31, 35, 40], 0, 28, 40).length, 'title').to.be.greaterThan(50);
  });

  it('straightens an exponential on a log y axis and not on a linear one', () => {
    const expo: Chart = {
      id: 'e',
      title: 'e',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 'y = 10^(x/10 - 3)', x: range(31), y: range(31).map((i) => 10 ** (i / 10 - 3)) }],
    };
    const fit = (c: Chart) =>
      rSquared(pixelsOf(renderChart(c, { width: 600, height: 400 }), hexRgb(SERIES_COLORS[0]), 30, 400 - 40));
    const logFit = fit({ ...expo, yScale: 'log' });
    const linearFit = fit(expo);
    expect(logFit).to.be.greaterThan(0.99);
    expect(linearFit).to.be.lessThan(0.9);
  });

  it('draws grouped bars from zero, each series in its colour', () => {
    const bars: Chart = {
      id: 'acc',
      title: 'Accuracy by optimizer',
      xLabel: 'latent',
      yLabel: 'accuracy',
      kind: 'bar',
      series: [
        { name: 'adam', x: [2, 4, 8], y: [0.6, 0.7, 0.8] },
        { name: 'sgd', x: [2, 4, 8], y: [0.3, 0.35, 0.4] },
      ],
    };
    const canvas = renderChart(bars, { width: 600, height: 400 });
    const adam = pixelsOf(canvas, hexRgb(SERIES_COLORS[0]), 30, 400 - 40, 2);
    const sgd = pixelsOf(canvas, hexRgb(SERIES_COLORS[1]), 30, 400 - 40, 2);
    // Filled bars: thousands of pixels; adam's bars are about twice as tall as sgd's.
    expect(adam.length).to.be.greaterThan(3000);
    expect(adam.length / sgd.length).to.be.within(1.6, 2.6);
    // Both series' bars end on the same baseline.
    const bottom = (ps: [number, number][]) => Math.max(...ps.map((p) => p[1]));
    expect(Math.abs(bottom(adam) - bottom(sgd))).to.be.at.most(1);
  });

  it('draws "no data" for a chart without finite points, skips values ≤ 0 on a log axis, refuses ragged series', () => {
    const empty = renderChart({
      id: 'n',
      title: 'none',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 'nan', x: [1, 2], y: [NaN, NaN] }],
    });
    expect([empty.width, empty.height]).to.deep.equal([800, 450]);
    const withZero = renderChart({
      id: 'z',
      title: 'z',
      xLabel: 'x',
      yLabel: 'y',
      yScale: 'log',
      series: [{ name: 's', x: [1, 2, 3], y: [0, 0.1, 0.01] }],
    });
    expect(pixelsOf(withZero, hexRgb(SERIES_COLORS[0]), 30, 450 - 40).length).to.be.greaterThan(20);
    expect(() =>
      renderChart({ id: 'r', title: 'r', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [1, 2], y: [1] }] }),
    ).to.throw(ConfigError, /2 x values and 1 y values/);
  });
});

describe('renderGrid', () => {
  const count = 5;
  const images = new Float32Array(count * 784);
  for (let k = 0; k < count; k++) for (let p = 0; p < 784; p++) images[k * 784 + p] = ((k * 37 + p * 7) % 256) / 255;
  images[3 * 784 + 5] = NaN;
  images[3 * 784 + 6] = 1.5;
  const grid: ImageGrid = {
    id: 'g',
    title: 'originals and reconstructions',
    images,
    count,
    cols: 3,
    labels: ['a', 'b', 'c', 'd', 'reconstruction 4'],
  };

  it('draws every image pixel as a 3×3 block of its gray value at the layout origin', () => {
    const canvas = renderGrid(grid);
    const layout = gridLayout(grid);
    expect([canvas.width, canvas.height]).to.deep.equal([layout.width, layout.height]);
    expect(layout.rows).to.equal(2);
    for (let k = 0; k < count; k++) {
      const o = layout.imageOrigin(k);
      for (const [x, y] of [
        [0, 0],
        [27, 0],
        [0, 27],
        [27, 27],
        [13, 14],
        [5, 0],
        [6, 0],
      ] as const) {
        const g = grayByte(images[k * 784 + y * 28 + x]!);
        for (const [dx, dy] of [
          [0, 0],
          [2, 2],
        ] as const) {
          expect(
            rgbaAt(canvas, o.x + x * GRID_SCALE + dx, o.y + y * GRID_SCALE + dy),
            `image ${k} pixel (${x}, ${y})`,
          ).to.deep.equal([g, g, g, 255]);
        }
      }
    }
    expect(grayByte(NaN)).to.equal(0);
    expect(grayByte(1.5)).to.equal(255);
    // Labels: dark text in the strip under each image.
    const o = layout.imageOrigin(4);
    const strip = canvas.getContext('2d')!.getImageData(o.x - 10, o.y + 84, 104, layout.labelBand).data;
    let dark = 0;
    for (let i = 0; i < strip.length; i += 4) if (strip[i]! < 128) dark++;
    expect(dark).to.be.greaterThan(20);
  });

  it('refuses images that are not whole 28×28 images', () => {
    expect(() => renderGrid({ ...grid, images: new Float32Array(784 * 4) })).to.throw(
      ConfigError,
      /expected count × 784/,
    );
  });
});

describe('renderHeatmap', () => {
  const h: HeatMap = {
    id: 'corr',
    title: 'correlation',
    size: 3,
    values: new Float32Array([-1, 0.5, 0, 0.5, 1, -0.2, 0, -0.2, 1]),
    min: -1,
    max: 1,
  };

  it('maps min to the low end of the colour map, max to the high end, the midpoint to white', () => {
    const canvas = renderHeatmap(h);
    const { cell, left, top, bar, width, height } = heatmapLayout(h);
    expect([canvas.width, canvas.height]).to.deep.equal([width, height]);
    const centre = (r: number, c: number) =>
      rgbaAt(canvas, left + c * cell + (cell >> 1), top + r * cell + (cell >> 1)).slice(0, 3);
    expect(centre(0, 0)).to.deep.equal([...DIVERGING_STOPS[0]!]);
    expect(centre(1, 1)).to.deep.equal([...DIVERGING_STOPS[DIVERGING_STOPS.length - 1]!]);
    expect(centre(0, 2)).to.deep.equal([...DIVERGING_STOPS[2]!]);
    expect(centre(1, 0)).to.deep.equal(divergingColor(0.75));
    // The scale bar runs from max (top) to min (bottom).
    expect(rgbaAt(canvas, bar.x + 8, bar.y).slice(0, 3)).to.deep.equal([
      ...DIVERGING_STOPS[DIVERGING_STOPS.length - 1]!,
    ]);
    expect(rgbaAt(canvas, bar.x + 8, bar.y + bar.height - 1).slice(0, 3)).to.deep.equal([...DIVERGING_STOPS[0]!]);
  });

  it('interpolates between stops and clamps outside [0, 1]', () => {
    expect(divergingColor(-3)).to.deep.equal([...DIVERGING_STOPS[0]!]);
    expect(divergingColor(7)).to.deep.equal([...DIVERGING_STOPS[4]!]);
    const a = DIVERGING_STOPS[0]!;
    const b = DIVERGING_STOPS[1]!;
    expect(divergingColor(0.125)).to.deep.equal([0, 1, 2].map((k) => Math.round((a[k]! + b[k]!) / 2)));
    expect(() => renderHeatmap({ ...h, values: new Float32Array(8) })).to.throw(ConfigError, /expected size² = 9/);
  });
});

describe('one heat-map scale for the page and the PNG', () => {
  afterEach(() => document.body.replaceChildren());

  it('puts zero in the middle when min < 0 < max and runs one-signed data from the middle', () => {
    // Hand-worked positions: the larger of |min| and max reaches an end.
    expect(heatPosition(0, -0.5, 1)).to.equal(0.5);
    expect(heatPosition(-0.5, -0.5, 1)).to.equal(0.25);
    expect(heatPosition(1, -0.5, 1)).to.equal(1);
    expect(heatPosition(2, 0, 4)).to.equal(0.75);
    expect(heatPosition(-4, -4, 0)).to.equal(0);
    expect(heatPosition(3, 3, 3)).to.equal(0.5);
    expect(heatPosition(Number.NaN, -1, 1)).to.be.NaN;
    expect(heatColor(-0.5, -0.5, 1)).to.deep.equal([...DIVERGING_STOPS[1]!]);
    expect(heatColor(Number.POSITIVE_INFINITY, -1, 1)).to.deep.equal([160, 160, 160]);
  });

  it('<ae-heatmap> and renderHeatmap paint every cell the same colour for the same values', async () => {
    // Asymmetric range, a value outside it, zero and a NaN: every branch of the scale.
    const size = 4;
    const values = new Float32Array([
      -0.5,
      -0.25,
      0,
      0.1,
      0.3,
      0.5,
      0.75,
      1,
      1.4,
      -0.9,
      0.05,
      Number.NaN,
      0.2,
      -0.1,
      0.6,
      0.9,
    ]);
    const h: HeatMap = { id: 'same', title: 'same colours', size, values, min: -0.5, max: 1 };
    const png = renderHeatmap(h);
    const { cell, left, top } = heatmapLayout(h);
    const map = await mount('ae-heatmap', (el) => {
      el.style.setProperty('--ae-heat-cell', '20px');
      el.size = size;
      el.values = values;
      el.min = h.min;
      el.max = h.max;
    });
    const page = part(map, 'canvas') as HTMLCanvasElement;
    const pageCell = page.width / size;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const v = values[r * size + c]!;
        const fromPng = rgbaAt(png, left + c * cell + (cell >> 1), top + r * cell + (cell >> 1)).slice(0, 3);
        const fromPage = rgbaAt(page, Math.floor((c + 0.5) * pageCell), Math.floor((r + 0.5) * pageCell)).slice(0, 3);
        expect(fromPage, `cell (${r}, ${c}) = ${v}`).to.deep.equal(fromPng);
        expect(fromPng, `cell (${r}, ${c}) = ${v}`).to.deep.equal(heatColor(v, h.min, h.max));
      }
    }
    // Hand-worked ends: −0.5 is a quarter of the way (0 is the middle, 1 the top); 1 and beyond are red.
    expect(heatColor(values[0]!, -0.5, 1)).to.deep.equal([146, 197, 222]);
    expect(heatColor(values[2]!, -0.5, 1)).to.deep.equal([247, 247, 247]);
    expect(heatColor(values[8]!, -0.5, 1)).to.deep.equal([202, 0, 32]);
    expect(map.colourOf(0)).to.equal('rgb(247, 247, 247)');
  });
});

describe('ui/format', () => {
  it('writes values, ticks, clocks and percentages', () => {
    expect(formatValue(1140996)).to.equal('1,140,996');
    expect(formatValue(0.123456)).to.equal('0.1235');
    expect(formatTick(1140996)).to.equal('1.1e+6');
    expect(formatTick(-0.5)).to.equal('-0.5');
    expect(formatClock(59.4)).to.equal('0:59');
    expect(formatClock(61)).to.equal('1:01');
    expect(formatClock(3725)).to.equal('1:02:05');
    expect(formatClock(-1)).to.equal('?');
    expect(formatPercent(0.256)).to.equal('26%');
    expect(formatPercent(0.12345, 1)).to.equal('12.3%');
    expect(formatPercent(Number.NaN)).to.equal('—');
  });

  it("writes the same clock as the reproduce report's formatClock (which Node runs without TypeScript)", () => {
    const seconds = [-1, Number.NaN, Number.POSITIVE_INFINITY, 0, 0.49, 0.5, 59.5, 3599.4, 3599.5, 3600, 86399.6];
    for (let s = 0; s < 20000; s += 0.7) seconds.push(s);
    for (const s of seconds) expect(formatClock(s), `${s} s`).to.equal(reportClock(s));
  });
});

describe('canvasToPng', () => {
  it('gives PNG bytes that decode to the same pixels, and base64 round-trips them', async () => {
    const canvas = renderHeatmap({
      id: 'p',
      title: 'p',
      size: 2,
      values: new Float32Array([0, 1, 2, 3]),
      min: 0,
      max: 3,
    });
    const png = await canvasToPng(canvas);
    expect(Array.from(png.subarray(0, 8))).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(base64ToBytes(bytesToBase64(png))).to.deep.equal(png);
    const bitmap = await createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    const back = document.createElement('canvas');
    back.width = bitmap.width;
    back.height = bitmap.height;
    back.getContext('2d')!.drawImage(bitmap, 0, 0);
    const { cell, left, top } = heatmapLayout({ size: 2, title: 'p' });
    const at = (c: HTMLCanvasElement) => rgbaAt(c, left + cell + 3, top + cell + 3);
    expect(at(back)).to.deep.equal(at(canvas));
  });
});
