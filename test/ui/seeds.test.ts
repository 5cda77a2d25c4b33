// Results over several seeds in the page and the PNGs: renderChart shades a ±1 sd band around a line
// (pixels of the band colour, twice as many for twice the sd) and draws error bars on bars (dark
// pixels above and below each bar's top that a chart without sd lacks); <ae-chart> gives uPlot the
// band edges (y ± sd) and a band between them, and error bars on bars; the lab's settings panel has a
// `seeds` field whose bad value is explained beneath it with the validator's message; the page address
// carries `seeds`; tables and metrics of a result show "mean ± sd".
import { expect } from 'chai';
import type { Chart, ExperimentDef, ExperimentResult } from '../../src/experiments/types';
import '../../src/ui/index';
import { linkTo } from '../../src/ui/components/ae-experiment/address';
import { metricRows, renderTable } from '../../src/ui/components/ae-experiment/results';
import { BAND_ALPHA, SERIES_COLORS, renderChart } from '../../src/ui/render/index';
import { TEXT_COLOR } from '../../src/ui/render/text';
import { render } from 'lit';
import type uPlot from 'uplot';
import { findExperiment } from '../../src/experiments/registry';
import type { AeExperiment } from '../../src/ui/index';
import { mount, part } from './helpers';

/** The bands uPlot was given (kept on the instance; its typings leave them out). */
const bandsOf = (u: uPlot): uPlot.Band[] => (u as unknown as { bands?: uPlot.Band[] }).bands ?? [];

const hexRgb = (hex: string): number[] => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
const onWhite = (hex: string) => hexRgb(hex).map((c) => Math.round(255 * (1 - BAND_ALPHA) + c * BAND_ALPHA));

/** How many pixels are within `tol` of `rgb`, and in which columns. */
function count(canvas: HTMLCanvasElement, rgb: number[], tol = 3): { n: number; xs: Set<number> } {
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  const xs = new Set<number>();
  for (let i = 0; i < data.length; i += 4)
    if ([0, 1, 2].every((c) => Math.abs(data[i + c]! - rgb[c]!) <= tol)) {
      n++;
      xs.add((i / 4) % canvas.width);
    }
  return { n, xs };
}

const line = (sd: number | null): Chart => ({
  id: 'loss',
  title: 'Loss',
  xLabel: 'epoch',
  yLabel: 'loss',
  series: [
    {
      name: 'mean',
      x: [0, 1, 2, 3, 4],
      y: [0.5, 0.5, 0.5, 0.5, 0.5],
      ...(sd === null ? {} : { sd: [sd, sd, sd, sd, sd] }),
    },
    // Holds the y axis at 0…1 whatever the band.
    { name: 'frame', x: [0, 4], y: [0, 1] },
  ],
});

describe('spread in the PNG charts (renderChart)', () => {
  it('shades a ±1 sd band around a line, its area proportional to the sd', () => {
    const colour = onWhite(SERIES_COLORS[0]);
    const none = count(renderChart(line(null), { width: 600, height: 400 }), colour).n;
    const narrow = count(renderChart(line(0.05), { width: 600, height: 400 }), colour).n;
    const wide = count(renderChart(line(0.1), { width: 600, height: 400 }), colour).n;
    // Without an sd only a few anti-aliased edge pixels come near the band colour.
    expect(none).to.be.lessThan(narrow / 100);
    expect(narrow).to.be.greaterThan(2000);
    // Twice the sd, twice the band's height (the line over its middle and the edges cost a few rows).
    expect(wide / narrow).to.be.within(1.8, 2.3);
  });

  it('leaves out the band where the sd is not known (NaN)', () => {
    const chart = line(0.1);
    chart.series[0]!.sd = [0.1, 0.1, Number.NaN, Number.NaN, Number.NaN];
    const part = count(renderChart(chart, { width: 600, height: 400 }), onWhite(SERIES_COLORS[0]));
    const whole = count(renderChart(line(0.1), { width: 600, height: 400 }), onWhite(SERIES_COLORS[0]));
    expect(part.n).to.be.greaterThan(500);
    expect(part.n).to.be.lessThan(whole.n * 0.4);
  });

  it('draws an error bar at a line of a single point (one epoch), where a band cannot show', () => {
    const one = (sd: number[] | null): Chart => ({
      id: 'one',
      title: 'One epoch',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { name: 'train', x: [1], y: [0.5], ...(sd ? { sd } : {}) },
        { name: 'frame', x: [0, 2], y: [0, 1] },
      ],
    });
    const colour = hexRgb(SERIES_COLORS[0]);
    const plain = count(renderChart(one(null), { width: 600, height: 400 }), colour, 12);
    const bar = count(renderChart(one([0.2]), { width: 600, height: 400 }), colour, 12);
    // The point alone (and the legend swatch); with the sd a 1.5 px line ±0.2 of a 0…1 axis (~130 px tall) and caps.
    expect(bar.n - plain.n).to.be.greaterThan(80);
  });

  it('draws an error bar on each bar, over the bar top and past it', () => {
    const bars = (sd: number[] | null): Chart => ({
      id: 'cap',
      title: 'Loss by capacity',
      xLabel: 'capacity',
      yLabel: 'loss',
      kind: 'bar',
      series: [{ name: 'test', x: [2, 4, 8], y: [0.6, 0.4, 0.2], ...(sd ? { sd } : {}) }],
    });
    const dark = hexRgb(TEXT_COLOR);
    const plain = renderChart(bars(null), { width: 600, height: 400 });
    const spread = renderChart(bars([0.1, 0.1, 0.1]), { width: 600, height: 400 });
    const a = plain.getContext('2d')!.getImageData(0, 0, 600, 400).data;
    const b = spread.getContext('2d')!.getImageData(0, 0, 600, 400).data;
    // Dark pixels of the error bars: where the chart with sd is dark and the one without is not.
    const columns = new Set<number>();
    let n = 0;
    for (let i = 0; i < a.length; i += 4) {
      const isDark = (d: Uint8ClampedArray) => [0, 1, 2].every((c) => Math.abs(d[i + c]! - dark[c]!) <= 40);
      if (isDark(b) && !isDark(a)) {
        n++;
        columns.add(Math.round(((i / 4) % 600) / 40));
      }
    }
    expect(n).to.be.greaterThan(60);
    // Three bars: error bars in three separate places across the plot.
    expect(columns.size).to.be.at.least(3);
  });
});

describe('spread in <ae-chart>', () => {
  afterEach(() => document.body.replaceChildren());

  it('gives uPlot the band edges y ± sd and a band between them, hidden from the legend', async () => {
    const chart = await mount('ae-chart', (c) => {
      c.series = [
        { name: 'train', x: [1, 2, 3], y: [0.5, 0.4, 0.3], sd: [0.05, 0.02, 0.01] },
        { name: 'test', x: [1, 2, 3], y: [0.6, 0.5, 0.4] },
      ];
    });
    const plot = chart.uplot!;
    expect(chart.spreadNames).to.deep.equal(['train']);
    expect(plot.series.map((s) => s.label)).to.deep.equal(['x', 'train', 'test', 'train + 1 sd', 'train − 1 sd']);
    const hi = plot.data[3] as number[];
    const lo = plot.data[4] as number[];
    [0.55, 0.42, 0.31].forEach((v, i) => expect(hi[i]).to.be.closeTo(v, 1e-12));
    [0.45, 0.38, 0.29].forEach((v, i) => expect(lo[i]).to.be.closeTo(v, 1e-12));
    expect(bandsOf(plot).map((b) => b.series)).to.deep.equal([[3, 4]]);
    // Legend rows (series 1 on; the x series has none in a legend that does not follow the cursor).
    const rows = [...plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series')];
    expect(rows.map((r) => r.textContent?.trim().split(/\s/)[0])).to.deep.equal(['train', 'test', 'train', 'train']);
    expect(rows.map((r) => r.style.display)).to.deep.equal(['', '', 'none', 'none']);
  });

  it('a chart without sd has no bands; bars with sd draw error bars in a draw hook', async () => {
    const plain = await mount('ae-chart', (c) => {
      c.series = [{ name: 'train', x: [1, 2], y: [1, 2] }];
    });
    expect(plain.uplot!.series.length).to.equal(2);
    expect(bandsOf(plain.uplot!)).to.deep.equal([]);
    const bars = await mount('ae-chart', (c) => {
      c.kind = 'bar';
      c.series = [{ name: 'test', x: [2, 4], y: [0.6, 0.4], sd: [0.1, 0.05] }];
    });
    expect(bars.spreadNames).to.deep.equal(['test']);
    expect(bars.uplot!.hooks.draw?.length).to.equal(1);
    // The y range leaves room for the top of the tallest error bar (0.6 + 0.1).
    expect(bars.uplot!.scales.y!.max).to.be.at.least(0.7);
  });
});

describe('spread in the lab', () => {
  afterEach(() => {
    for (const el of document.querySelectorAll('ae-experiment, section.lab-test')) el.remove();
  });

  it('has a seeds field; a bad value is explained under it with the validator message', async () => {
    const def = findExperiment('fc-train');
    const el = await mount('ae-experiment', (e: AeExperiment) => {
      e.definition = def as unknown as ExperimentDef<object>;
      e.scale = 'tiny';
      e.store = null;
    });
    const field = part(el, '[part="settings"] [name="seeds"]') as unknown as HTMLInputElement;
    expect(field).to.not.equal(null);
    for (const [value, error] of [
      ['0', 'fc-train.seeds: bad value "0"; expected an integer from 1 to 100.'],
      ['101', 'fc-train.seeds: bad value "101"; expected an integer from 1 to 100.'],
    ]) {
      el.setAttribute('seeds', value!);
      await new Promise((r) => setTimeout(r, 0));
      await el.updateComplete;
      let expected = '';
      try {
        def.validate({ seeds: value }, 'tiny');
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).to.equal(error);
      const shown = el.shadowRoot!.querySelector('.field[data-key="seeds"] .field-error')?.textContent?.trim();
      expect(shown).to.equal(expected);
    }
    el.setAttribute('seeds', '3');
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.field[data-key="seeds"] .field-error')).to.equal(null);
    expect(el.effectiveConfig).to.include({ seeds: 3 });
  });

  it('the page address carries seeds', async () => {
    const section = document.createElement('section');
    section.id = 'seeds-lab';
    section.className = 'lab-test';
    document.body.append(section);
    const el = document.createElement('ae-fc-train-lab');
    el.setAttribute('scale', 'tiny');
    el.setAttribute('seeds', '4');
    el.store = null;
    section.append(el);
    await el.updateComplete;
    expect(new URL(linkTo(el)!).searchParams.get('seeds-lab.seeds')).to.equal('4');
    expect(el.effectiveConfig).to.include({ seeds: 4 });
  });

  it('tables and metrics show "mean ± sd", and the mean alone without an sd', () => {
    const host = document.createElement('div');
    render(
      renderTable({ id: 't', title: 't', columns: ['latent', 'loss'], rows: [[8, 0.1234]], sd: [[null, 0.0056]] }),
      host,
    );
    expect([...host.querySelectorAll('td')].map((td) => td.textContent)).to.deep.equal(['8', '0.1234 ± 0.0056']);
    const r = { metrics: { loss: 0.5, per: { 3: 0.25 } }, metricsSd: { loss: 0.01, per: { 3: Number.NaN } } };
    expect(metricRows(r.metrics, r.metricsSd as ExperimentResult['metrics'])).to.deep.equal([
      ['loss', '0.5 ± 0.01'],
      ['per › 3', '0.25'],
    ]);
  });
});
