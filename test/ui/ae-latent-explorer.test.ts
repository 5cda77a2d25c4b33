// <ae-latent-explorer>: the placed codes equal a float64 CPU encoder forward; the principal axes equal
// a CPU power-iteration PCA (and pca2 the closed form of a known set); the pointer over the plane and
// the arrow keys move the point and change the decoded canvas, whose image equals a float64 CPU
// decoder forward of the point's code; two clicked points give a strip whose ends are their decoded
// codes, and so do two images clicked (or activated with Enter) in an <ae-image-grid>, encoded like the
// float64 CPU encoder; a missing adapter shows its advice; with nothing stored a quick model is trained and stored.
import { expect } from 'chai';
import '../../src/ui/index';
import type { AeImageGrid, AeLatentExplorer } from '../../src/ui/index';
import type { AeImagePickDetail } from '../../src/ui/components/ae-image-grid/ae-image-grid';
import { ModelStore } from '../../src/ui/model-store';
import { ConvAutoencoder } from '../../src/nn/conv-autoencoder';
import { saveSafetensors } from '../../src/nn/state';
import { getRuntime } from '../../src/experiments/runtime';
import { pca2, projectPca, type LatentModel } from '../../src/experiments/latent-codes';
import { WebGPUUnavailableError } from '../../src/util/errors';
import { ADVICE } from '../../src/ui/components/ae-gpu-status/ae-gpu-status';
import { mount, nextEvent, part } from './helpers';
import {
  cpuConvDecode,
  cleanUp,
  cpuDecode,
  cpuEncode,
  expectClose,
  fcWeights,
  keysOn,
  fcModelStore,
  syntheticImages,
} from './latent-reference';

const LATENT = 4;
const SLOPE = 0.5;
/** A store holding one fully connected model of latent size LATENT with seeded (untrained) weights. */
const storeWithModel = (seed = 3) => fcModelStore('explorer', LATENT, SLOPE, seed);

const COUNT = 40;

async function mountExplorer(store: ModelStore, setup?: (el: AeLatentExplorer) => void): Promise<AeLatentExplorer> {
  const el = await mount('ae-latent-explorer', (e) => {
    e.store = store;
    e.latent = LATENT;
    e.testSet = syntheticImages(COUNT);
    e.style.width = '640px';
    setup?.(e);
  });
  await el.start();
  expect(el.status, (el.shadowRoot?.querySelector('[part="error"]') as HTMLElement | null)?.textContent).to.equal(
    'ready',
  );
  await el.updateComplete;
  await el.settled();
  return el;
}

function canvasBytes(el: Element, selector: string): Uint8ClampedArray {
  const c = part(el, selector) as HTMLCanvasElement;
  return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
}

function over(el: AeLatentExplorer): HTMLElement {
  return part(el, '.u-over');
}

function pointer(target: HTMLElement, type: string, x: number, y: number): void {
  target.dispatchEvent(
    new PointerEvent(type, { clientX: x, clientY: y, bubbles: true, composed: true, pointerId: 1, button: 0 }),
  );
}

/** Covariance's leading eigenvectors by power iteration with deflation (float64), independent of pca2. */
function powerPca(codes: ArrayLike<number>, n: number, d: number): { mean: number[]; axes: number[][] } {
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += codes[i * d + j]!;
    return s / n;
  });
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        cov[a]![b]! += ((codes[i * d + a]! - mean[a]!) * (codes[i * d + b]! - mean[b]!)) / (n - 1);
  const axes: number[][] = [];
  for (let k = 0; k < 2; k++) {
    let v = Array.from({ length: d }, (_, j) => 1 + j * 0.37);
    for (let it = 0; it < 5000; it++) {
      const w = cov.map((row) => row.reduce((s, c, j) => s + c * v[j]!, 0));
      for (const u of axes) {
        const dot = w.reduce((s, x, j) => s + x * u[j]!, 0);
        for (let j = 0; j < d; j++) w[j]! -= dot * u[j]!;
      }
      const norm = Math.hypot(...w);
      v = w.map((x) => x / norm);
    }
    axes.push(v);
  }
  return { mean, axes };
}

describe('<ae-latent-explorer>', () => {
  let store: ModelStore | null = null;
  afterEach(async () => {
    store = await cleanUp(store);
  });

  it('pca2 finds the principal axes and variances of a set built with known ones', () => {
    // 8 points in 3-D: mean m plus 3·h1·u1 + 2·h2·u2 + 1·h3·u3 with u an orthonormal basis and h1..h3
    // orthogonal ±1 columns of a Hadamard matrix: variances 9·8/7, 4·8/7, 1·8/7 along u1, u2, u3.
    const h = [
      [1, 1, 1, -1, -1, -1, -1, 1],
      [1, -1, -1, 1, 1, -1, -1, 1],
      [1, 1, -1, 1, -1, 1, -1, -1],
    ];
    const [c, s] = [Math.cos(0.6), Math.sin(0.6)];
    const u = [
      [c, s, 0],
      [-s * 0.8, c * 0.8, 0.6],
      [s * 0.6, -c * 0.6, 0.8],
    ];
    const m = [2, -1, 0.5];
    const codes = new Float64Array(24);
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 3; j++)
        codes[i * 3 + j] = m[j]! + 3 * h[0]![i]! * u[0]![j]! + 2 * h[1]![i]! * u[1]![j]! + h[2]![i]! * u[2]![j]!;
    const p = pca2(codes, 8, 3);
    expect(p.variances[0]).to.be.closeTo((9 * 8) / 7, 1e-10);
    expect(p.variances[1]).to.be.closeTo((4 * 8) / 7, 1e-10);
    p.mean.forEach((v, j) => expect(v).to.be.closeTo(m[j]!, 1e-12));
    for (const k of [0, 1]) {
      const dot = p.axes[k]!.reduce((acc, v, j) => acc + v * u[k]![j]!, 0);
      expect(Math.abs(dot), `axis ${k}`).to.be.closeTo(1, 1e-10);
    }
    // Point i's coordinates are (±3·h1_i, ±2·h2_i).
    for (let i = 0; i < 8; i++) {
      const [x, y] = projectPca(p, codes.subarray(i * 3, i * 3 + 3));
      expect(Math.abs(x)).to.be.closeTo(3, 1e-10);
      expect(Math.abs(y)).to.be.closeTo(2, 1e-10);
    }
  });

  it('places each test image at its code (float64 CPU encoder) on the principal plane (CPU PCA)', async () => {
    const made = await storeWithModel();
    store = made.store;
    const el = await mountExplorer(store);
    const placed = el.placed!;
    const weights = await fcWeights(el.latentModel as LatentModel);
    const test = syntheticImages(COUNT);
    expectClose(placed.codes, cpuEncode(weights, test.x, COUNT, SLOPE), 'codes');
    const ref = powerPca(placed.codes, COUNT, LATENT);
    for (const k of [0, 1]) {
      const dot = placed.pca!.axes[k]!.reduce((acc, v, j) => acc + v * ref.axes[k]![j]!, 0);
      expect(Math.abs(dot), `principal axis ${k + 1}`).to.be.closeTo(1, 1e-6);
    }
    for (let i = 0; i < COUNT; i++) {
      const proj = [0, 1].map((k) =>
        ref.axes[k]!.reduce((acc, a, j) => acc + a * (placed.codes[i * LATENT + j]! - ref.mean[j]!), 0),
      );
      expect(Math.abs(placed.x[i]!)).to.be.closeTo(Math.abs(proj[0]!), 1e-6);
      expect(Math.abs(placed.y[i]!)).to.be.closeTo(Math.abs(proj[1]!), 1e-6);
    }
    expect(part(el, '[part="legend"]').querySelectorAll('li').length).to.equal(10);
  });

  it('decodes the point under the pointer live: canvas pixels change, and the image is the CPU decoder’s', async () => {
    const made = await storeWithModel();
    store = made.store;
    const el = await mountExplorer(store);
    const area = over(el);
    const r = area.getBoundingClientRect();
    const weights = await fcWeights(el.latentModel as LatentModel);

    pointer(area, 'pointermove', r.left + r.width * 0.2, r.top + r.height * 0.3);
    await el.settled();
    const first = canvasBytes(el, '[part="decoded-canvas"]');
    const a = el.decoded!;
    expectClose(a.code, el.code, 'decoded code');
    expectClose(a.image, cpuDecode(weights, a.code, 1, SLOPE), 'decoded image at the first point');

    pointer(area, 'pointermove', r.left + r.width * 0.85, r.top + r.height * 0.75);
    await el.settled();
    const second = canvasBytes(el, '[part="decoded-canvas"]');
    const b = el.decoded!;
    expectClose(b.image, cpuDecode(weights, b.code, 1, SLOPE), 'decoded image at the second point');
    let changed = 0;
    for (let i = 0; i < first.length; i += 4) if (first[i] !== second[i]) changed++;
    expect(changed, 'canvas pixels that changed').to.be.greaterThan(20);
    // The canvas shows the decoded values clamped to [0, 1] as bytes (white on black).
    for (let p = 0; p < 784; p++) {
      const want = Math.round(Math.min(1, Math.max(0, b.image[p]!)) * 255);
      expect(Math.abs(second[4 * p]! - want), `pixel ${p}`).to.be.at.most(1);
    }
    // A move to the left at the same height lowers the first plane coordinate only.
    const [left, height] = el.point;
    pointer(area, 'pointermove', r.left + r.width * 0.5, r.top + r.height * 0.75);
    expect(el.point[0]).to.be.lessThan(left);
    expect(el.point[1]).to.be.closeTo(height, 1e-9 * (1 + Math.abs(height)));
  });

  it('moves the point with the arrow keys (Shift: five steps) and decodes it', async () => {
    const made = await storeWithModel();
    store = made.store;
    const el = await mountExplorer(store);
    const key = keysOn(el, '[part="plane"]');
    const before = el.point;
    const placed = el.placed!;
    const span = (v: Float64Array) => {
      const lo = Math.min(...v);
      const hi = Math.max(...v);
      return (hi - lo) * 1.2;
    };
    key('ArrowRight');
    expect(el.point[0] - before[0]).to.be.closeTo(span(placed.x) / 40, 1e-9);
    expect(el.point[1]).to.be.closeTo(before[1], 1e-9);
    key('ArrowUp', true);
    expect(el.point[1] - before[1]).to.be.closeTo((5 * span(placed.y)) / 40, 1e-9);
    key('ArrowLeft');
    key('ArrowDown', true);
    expect(el.point[0]).to.be.closeTo(before[0], 1e-9);
    expect(el.point[1]).to.be.closeTo(before[1], 1e-9);
    key('ArrowRight');
    await el.settled();
    expectClose(el.decoded!.code, el.code, 'decoded code after the keys');
    // Enter picks the nearest test image.
    key('Enter');
    await el.settled();
    expect(el.picked.length).to.equal(1);
  });

  it('coordinates plane: the selects choose the axes, and a slider sets one code value', async () => {
    const made = await storeWithModel();
    store = made.store;
    const el = await mountExplorer(store);
    const plane = part(el, 'select[name="plane"]') as HTMLSelectElement;
    plane.value = 'coords';
    plane.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const ySel = part(el, 'select[name="y-coord"]') as HTMLSelectElement;
    ySel.value = '3';
    ySel.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const code = el.code;
    expect(el.point).to.deep.equal([code[0], code[3]]);
    const placed = el.placed!;
    for (let i = 0; i < COUNT; i++) expect(placed.y[i]).to.equal(placed.codes[i * LATENT + 3]);
    const slider = part(el, 'input[name="z2"]') as HTMLInputElement;
    slider.value = slider.min;
    slider.dispatchEvent(new Event('input'));
    await el.settled();
    const v = Number(slider.value);
    expect(v).to.be.closeTo(Number(slider.min), 1e-9);
    expect(el.code[1]).to.equal(v);
    expect(el.decoded!.code[1]).to.equal(Math.fround(v));
  });

  it('two clicked test images become the strip’s ends, which equal their decoded codes', async () => {
    const made = await storeWithModel();
    store = made.store;
    const el = await mountExplorer(store, (e) => (e.steps = 6));
    const weights = await fcWeights(el.latentModel as LatentModel);
    const placed = el.placed!;
    // The two test images farthest apart on the plane, so nothing else sits under the pointer.
    let best = [0, 1];
    let far = -1;
    for (let i = 0; i < COUNT; i++)
      for (let j = i + 1; j < COUNT; j++) {
        const d = Math.hypot(placed.x[i]! - placed.x[j]!, placed.y[i]! - placed.y[j]!);
        if (d > far) [far, best] = [d, [i, j]];
      }
    const [a, b] = best as [number, number];
    for (const k of [a, b]) {
      const p = el.clientPointOf(k)!;
      pointer(over(el), 'pointerdown', p.x, p.y);
    }
    await el.settled();
    expect(el.picked).to.deep.equal([a, b]);
    const strip = el.strip!;
    expect(strip.length).to.equal(6 * 784);
    const codeOf = (k: number) => placed.codes.slice(k * LATENT, (k + 1) * LATENT);
    expectClose(strip.subarray(0, 784), cpuDecode(weights, codeOf(a), 1, SLOPE), 'strip start');
    expectClose(strip.subarray(5 * 784), cpuDecode(weights, codeOf(b), 1, SLOPE), 'strip end');
    // The image shown after the second click is image b's decoded code.
    expectClose(el.decoded!.code, codeOf(b), 'code after picking b');
    expect(part(el, '[part="strip"]').querySelectorAll('canvas').length).to.equal(6);
  });

  it('two images clicked in an image grid (listen-grids) become the strip’s ends: their codes, decoded', async () => {
    const made = await storeWithModel();
    store = made.store;
    const el = await mountExplorer(store, (e) => {
      e.steps = 5;
      e.listenGrids = true;
    });
    const weights = await fcWeights(el.latentModel as LatentModel);
    const images = syntheticImages(6);
    const grid = document.createElement('ae-image-grid') as AeImageGrid;
    grid.images = images.x;
    grid.labels = Array.from(images.labels);
    grid.cols = 3;
    document.body.append(grid);
    await grid.updateComplete;
    const canvas = part(grid, 'canvas') as HTMLCanvasElement;
    const picks: AeImagePickDetail[] = [];
    const onPick = (e: CustomEvent<AeImagePickDetail>) => picks.push(e.detail);
    document.addEventListener('ae-image-pick', onPick);
    const clickTile = (i: number) => {
      const layout = grid.layout;
      const r = canvas.getBoundingClientRect();
      const o = grid.cellOrigin(i);
      const x = r.left + ((o.x + layout.side / 2) / layout.width) * r.width;
      const y = r.top + ((o.y + layout.side / 2) / layout.height) * r.height;
      canvas.dispatchEvent(new MouseEvent('click', { clientX: x, clientY: y, bubbles: true, composed: true }));
    };
    const imageOf = (k: number) => images.x.slice(k * 784, (k + 1) * 784);
    const expectStrip = async (a: number, b: number, fromGrid = true) => {
      await el.settled();
      const ends = el.stripCodes!;
      expectClose(ends[0], cpuEncode(weights, imageOf(a), 1, SLOPE), `code of grid image ${a}`);
      expectClose(ends[1], cpuEncode(weights, imageOf(b), 1, SLOPE), `code of grid image ${b}`);
      const strip = el.strip!;
      expect(strip.length).to.equal(5 * 784);
      expectClose(strip.subarray(0, 784), cpuDecode(weights, ends[0], 1, SLOPE), 'strip start');
      expectClose(strip.subarray(4 * 784), cpuDecode(weights, ends[1], 1, SLOPE), 'strip end');
      expectClose(el.decoded!.code, ends[1], 'the point is the second image’s code');
      if (fromGrid)
        expect(part(el, '[part="strip"] figcaption').textContent).to.contain(`From grid image ${a} (${a % 10}) (A)`);
    };
    clickTile(4);
    clickTile(1);
    await el.settled();
    expect(picks.map((p) => p.index)).to.deep.equal([4, 1]);
    expect(Array.from(picks[0]!.image)).to.deep.equal(Array.from(imageOf(4)));
    expect(picks[0]!.label).to.equal(4);
    await expectStrip(4, 1);
    // With the keyboard: focus the grid, arrows move the outlined image, Enter picks it.
    const key = keysOn(grid, 'canvas');
    key('ArrowDown');
    key('ArrowRight');
    key('Enter');
    key('ArrowLeft');
    key(' ');
    expect(picks.slice(2).map((p) => p.index)).to.deep.equal([5, 4]);
    await expectStrip(5, 4);
    expect(() => grid.pickImage(6)).to.throw(/expected an image index in \[0, 5\]/);
    await el.interpolateImages(imageOf(0), imageOf(2));
    await expectStrip(0, 2, false);
    document.removeEventListener('ae-image-pick', onPick);
    let refused = '';
    await el.interpolateImages(imageOf(0), new Float32Array(10)).catch((e: Error) => (refused = e.message));
    expect(refused).to.match(/the second image has 10 values; expected 784/);
  });

  it('showCode takes a code of the model’s latent size and refuses any other', async () => {
    const made = await storeWithModel();
    store = made.store;
    const el = await mountExplorer(store);
    expect(() => el.showCode([1, 2, 3])).to.throw(/showCode: the code has 3 values; expected 4/);
    el.showCode([0.5, -0.25, 1, 0]);
    await el.settled();
    expect(Array.from(el.decoded!.code)).to.deep.equal([0.5, -0.25, 1, 0]);
  });

  it('opens a conv model from its key and decodes the pointer’s point like the CPU conv decoder', async () => {
    const { gpu } = await getRuntime();
    store = new ModelStore(`ae-test-explorer-conv-${Date.now()}`);
    const conv = new ConvAutoencoder(gpu, { latent: 3, capacity: 2, seed: 4 });
    const key = 'conv:latent=3:c=2:seed=0';
    await store.save(key, await saveSafetensors(conv), { experiment: 'test', scale: 'tiny', complete: true });
    conv.dispose();
    const el = await mountExplorer(store, (e) => {
      e.model = 'conv';
      e.latent = 0;
      e.weights = key;
    });
    expect(el.latentModel!.key).to.equal(key);
    const r = over(el).getBoundingClientRect();
    pointer(over(el), 'pointermove', r.left + r.width * 0.3, r.top + r.height * 0.6);
    await el.settled();
    const d = el.decoded!;
    expect(d.code.length).to.equal(3);
    const weights = await fcWeights(el.latentModel as LatentModel);
    expectClose(d.image, cpuConvDecode(weights, d.code, 2), 'conv decoded image');
  });

  it('removed from the page mid-decode, it frees its model’s GPU buffers without reporting an error', async () => {
    const made = await storeWithModel();
    store = made.store;
    const { gpu } = await getRuntime();
    const baseline = gpu.buffers.liveBufferCount();
    const el = await mountExplorer(store, (e) => (e.steps = 4));
    el.pick(0);
    el.pick(1);
    await el.settled();
    expect(gpu.buffers.liveBufferCount()).to.be.greaterThan(baseline);
    const model = el.latentModel!;
    const errors: string[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent<{ error: Error }>).detail.error.message);
    document.addEventListener('ae-error', onError);
    const r = over(el).getBoundingClientRect();
    pointer(over(el), 'pointermove', r.left + r.width * 0.4, r.top + r.height * 0.4);
    pointer(over(el), 'pointermove', r.left + r.width * 0.6, r.top + r.height * 0.4);
    el.remove();
    await el.settled();
    document.removeEventListener('ae-error', onError);
    expect(errors).to.deep.equal([]);
    expect(el.status).to.equal('idle');
    let refused = '';
    await model.decodeOne(new Float32Array(LATENT)).catch((e: Error) => (refused = e.message));
    expect(refused).to.match(/disposed/);
    expect(gpu.buffers.liveBufferCount(), gpu.buffers.liveLabels().join(', ')).to.equal(baseline);
  });

  it('shows the advice for a missing WebGPU adapter', async () => {
    const el = await mount('ae-latent-explorer', (e) => {
      e.store = null;
      e.runtimeProvider = () => Promise.reject(new WebGPUUnavailableError('no-adapter', 'requestAdapter() gave null'));
    });
    const failed = nextEvent(el, 'ae-error', 5000);
    await el.start();
    expect((await failed).detail.task).to.equal('latent-explorer');
    await el.updateComplete;
    expect(el.status).to.equal('error');
    const text = part(el, '[part="error"]').textContent ?? '';
    expect(text).to.contain(ADVICE['no-adapter'].headline);
    expect(text).to.contain('requestAdapter() gave null');
    expect(part(el, 'button.primary').textContent?.trim()).to.equal('Try again');
  });

  it('names a weights key that is not stored in its message', async () => {
    store = new ModelStore(`ae-test-explorer-empty-${Date.now()}`);
    const el = await mount('ae-latent-explorer', (e) => {
      e.store = store;
      e.weights = 'conv:latent=9:c=4:seed=0';
    });
    await el.start();
    await el.updateComplete;
    expect(part(el, '[part="error"]').textContent).to.contain('weights: "conv:latent=9:c=4:seed=0" is not stored');
  });

  it('trains a quick model when none is stored, showing progress, and stores it for the labs', async () => {
    store = new ModelStore(`ae-test-explorer-train-${Date.now()}`);
    const steps: number[] = [];
    const el = await mount('ae-latent-explorer', (e) => {
      e.store = store;
      e.latent = 2;
      e.scale = 'tiny';
      e.testSize = 32;
      e.addEventListener('ae-progress', (ev) => ev.detail.step !== undefined && steps.push(ev.detail.step));
    });
    await el.start();
    expect(el.status).to.equal('ready');
    expect(steps.length, 'training progress events').to.be.greaterThan(0);
    const key = 'fc:latent=2:act=leakyRelu:slope=0.5:opt=adam:loss=mse:seed=0';
    const stored = await store.list();
    expect(stored.map((i) => [i.key, i.scale, i.experiment])).to.deep.equal([[key, 'tiny', 'latent-explorer']]);
    expect(el.placed!.codes.length).to.equal(64);
    expect(part(el, '[part="status"]').textContent).to.contain(`Newly trained model "${key}"`);
  });
});
