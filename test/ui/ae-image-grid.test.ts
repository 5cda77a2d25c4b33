// <ae-image-grid>: pixels read back from the canvas equal the source images; layout, labels, errors.
import { expect } from 'chai';
import '../../src/ui/index';
import type { AeImageGrid } from '../../src/ui/index';
import { mount, nextEvent, part } from './helpers';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** Image k, pixel p: a value that differs between images and positions (0..255). */
const byteAt = (k: number, p: number): number => (k * 37 + p * 7) % 256;

function bytesImages(n: number): Uint8Array {
  const a = new Uint8Array(n * PIXELS);
  for (let k = 0; k < n; k++) for (let p = 0; p < PIXELS; p++) a[k * PIXELS + p] = byteAt(k, p);
  return a;
}

function rgbaAt(grid: AeImageGrid, x: number, y: number): number[] {
  const canvas = part(grid, 'canvas') as HTMLCanvasElement;
  return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data);
}

/** Checks pixel (x, y) of image k against `expected` through the grid's own cell origin. */
function expectPixel(grid: AeImageGrid, k: number, x: number, y: number, expected: number): void {
  const o = grid.cellOrigin(k);
  expect(rgbaAt(grid, o.x + x, o.y + y), `image ${k} pixel (${x}, ${y})`).to.deep.equal([
    expected,
    expected,
    expected,
    255,
  ]);
}

const SAMPLE_POINTS: [number, number][] = [
  [0, 0],
  [27, 0],
  [0, 27],
  [27, 27],
  [13, 14],
  [5, 21],
];

describe('<ae-image-grid>', () => {
  afterEach(() => document.body.replaceChildren());

  it('draws Uint8Array images byte for byte in a rows×cols layout', async () => {
    const grid = await mount('ae-image-grid', (g) => {
      g.images = bytesImages(6);
      g.rows = 2;
      g.cols = 3;
      g.gap = 2;
      g.scale = 3;
    });
    const canvas = part(grid, 'canvas') as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).to.deep.equal([3 * SIDE + 2 * 2, 2 * SIDE + 2]);
    expect(canvas.style.width).to.equal(`${(3 * SIDE + 4) * 3}px`);
    expect(getComputedStyle(canvas).imageRendering).to.be.oneOf(['pixelated', 'crisp-edges']);
    expect(grid.cellOrigin(4)).to.deep.equal({ x: SIDE + 2, y: SIDE + 2 });
    for (let k = 0; k < 6; k++) {
      for (const [x, y] of SAMPLE_POINTS) expectPixel(grid, k, x, y, byteAt(k, y * SIDE + x));
    }
    // The gap between images stays transparent.
    expect(rgbaAt(grid, SIDE, 0)[3]).to.equal(0);
  });

  it('maps Float32Array values in [0, 1] to 0..255, clamping out-of-range values and drawing NaN as 0', async () => {
    const images = new Float32Array(2 * PIXELS);
    for (let p = 0; p < PIXELS; p++) images[p] = (p % 256) / 255;
    images[PIXELS + 0] = -0.5;
    images[PIXELS + 1] = 1.5;
    images[PIXELS + 2] = Number.NaN;
    images[PIXELS + 3] = 0.5;
    const grid = await mount('ae-image-grid', (g) => {
      g.images = images;
    });
    expect(grid.layout).to.include({ count: 2, rows: 1, cols: 2 });
    for (const [x, y] of SAMPLE_POINTS) expectPixel(grid, 0, x, y, (y * SIDE + x) % 256);
    expectPixel(grid, 1, 0, 0, 0);
    expectPixel(grid, 1, 1, 0, 255);
    expectPixel(grid, 1, 2, 0, 0);
    expectPixel(grid, 1, 3, 0, 128); // round(0.5 * 255) = round(127.5) = 128
  });

  it('draws only `count` images and writes a label under each, leaving room for the labels', async () => {
    const grid = await mount('ae-image-grid', (g) => {
      g.images = bytesImages(10);
      g.count = 5;
      g.cols = 4;
      g.scale = 2;
      g.labels = ['zero', 'one', 'two', 'three', 'four', 'five'];
    });
    const { layout } = grid;
    expect(layout).to.include({ count: 5, rows: 2, cols: 4, labelBand: 8 });
    const canvas = part(grid, 'canvas') as HTMLCanvasElement;
    expect(canvas.height).to.equal(2 * (SIDE + 8) + 2);
    const labels = [...grid.shadowRoot!.querySelectorAll('[part="label"]')].map((e) => e.textContent!.trim());
    expect(labels).to.deep.equal(['zero', 'one', 'two', 'three', 'four']);
    for (let k = 0; k < 5; k++) expectPixel(grid, k, 13, 14, byteAt(k, 14 * SIDE + 13));
    // The label strip under image 0 is not painted.
    expect(rgbaAt(grid, 0, SIDE)[3]).to.equal(0);
  });

  it('reports images that are not whole 28×28 images in part="error" and with ae-error', async () => {
    const grid = document.createElement('ae-image-grid');
    grid.images = new Uint8Array(PIXELS + 10);
    const error = nextEvent(grid, 'ae-error', 5000);
    document.body.append(grid);
    const event = await error;
    await grid.updateComplete;
    const message = part(grid, '[part="error"]').textContent!;
    expect(message).to.contain('expected a multiple of 784 values, got 794');
    expect(event.detail.error.message).to.contain('ae-image-grid');
    expect(grid.layout.count).to.equal(1);
  });
});
