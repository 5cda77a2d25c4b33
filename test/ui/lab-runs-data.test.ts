// Runs kept for comparison (pin, overlay, CSV / JSON) and the learner's own images: the seeded
// train/test split of an uploaded set (checked against hand-worked expectations), IDX files read
// through a lab's file inputs (a valid one accepted; wrong size, truncated and empty ones refused
// with messages that say what was expected), and a real experiment (fc-train, tiny) trained on them
// on the GPU, its result's config naming the data.
import { expect } from 'chai';
import '../../src/ui/index';
import type { ImageSet } from '../../src/data/types';
import { prepareUserData } from '../../src/experiments/datasets';
import { defineExperiment, newResult } from '../../src/experiments/kit/index';
import type { ExperimentContext, ExperimentDef, ExperimentResult } from '../../src/experiments/types';
import { KEEP_UNPINNED, RunStore, flatMetrics } from '../../src/ui/components/ae-experiment/runs';
import { forgetUserData, keptUserData, readUserData } from '../../src/ui/components/ae-experiment/user-data';
import { type AeChart, type AeExperiment, ModelStore } from '../../src/ui/index';
import { idxBytes, mount, part } from './helpers';
import { fakeRuntime } from './lab-helpers';

function result(
  config: Record<string, unknown>,
  series: { name: string; y: number[] }[],
  metrics = {},
): ExperimentResult {
  return {
    experiment: 'e',
    config,
    metrics,
    charts: [
      { id: 'bars', title: 'Bars', xLabel: 'x', yLabel: 'y', kind: 'bar', series: [{ name: 'b', x: [1], y: [1] }] },
      {
        id: 'loss',
        title: 'Loss',
        xLabel: 'epoch',
        yLabel: 'loss',
        series: series.map((s) => ({ name: s.name, x: s.y.map((_, i) => i + 1), y: s.y })),
      },
    ],
    grids: [],
    tables: [],
    heatmaps: [],
    weights: [],
    stopReasons: {},
    adapter: '',
    elapsedMs: 1,
    notes: [],
  };
}

/** `count` 28×28 images; image i has first pixel i % 256, the rest a fixed pattern spanning 0..255. */
function images(count: number, labelled: boolean): ImageSet {
  const px = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++)
      px[i * 784 + p] = p === 0 ? i % 256 : p === 1 ? 255 : p === 2 ? 0 : (p * 7 + i * 13) % 256;
  }
  return {
    images: px,
    labels: labelled ? Uint8Array.from({ length: count }, (_, i) => i % 10) : null,
    count,
    rows: 28,
    cols: 28,
  };
}

const file = (bytes: Uint8Array<ArrayBuffer>, name: string) => new File([bytes], name);

async function choose(el: AeExperiment, slot: 'images' | 'labels', f: File): Promise<void> {
  const input = part(el, `input[data-upload="${slot}"]`) as HTMLInputElement;
  const dt = new DataTransfer();
  dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
  for (
    let i = 0;
    i < 50 && /Reading/.test(el.shadowRoot!.querySelector('[data-note="upload"]')?.textContent ?? 'Reading');
    i++
  )
    await new Promise((r) => setTimeout(r, 20));
  await el.updateComplete;
}

const uploadError = (el: Element) => el.shadowRoot!.querySelector('[data-error="upload"]')?.textContent?.trim() ?? null;

afterEach(() => {
  for (const el of document.querySelectorAll('ae-experiment, ae-fc-train-lab')) el.remove();
});

describe('runs kept for comparison', () => {
  it('remembers runs with settings, curves of the first line chart and flat metrics; pins and overlays them', () => {
    const store = new RunStore();
    const a = store.add(
      result(
        { optimizer: 'adam', lr: null, latents: [3, 5] },
        [
          { name: 'train', y: [3, 2] },
          { name: 'test', y: [4, 3] },
        ],
        { nrmse: 0.5, m: { a: 1, b: [1, 2] }, list: [1] },
      ),
      false,
    );
    const b = store.add(result({ optimizer: 'sgd', lr: 0.01, latents: [3, 5] }, [{ name: 'train', y: [5, 4] }]), true);
    expect(a.curves.map((s) => s.name)).to.deep.equal(['train', 'test']);
    expect(a.curvesTitle).to.equal('Loss');
    expect(a.metrics).to.deep.equal({ nrmse: 0.5, 'm.a': 1 });
    expect(flatMetrics({ x: 2, y: { z: 3 } })).to.deep.equal({ x: 2, 'y.z': 3 });
    expect(store.overlay()).to.deep.equal([]);
    expect(store.pin(a.id)).to.equal(true);
    expect(store.pin(99)).to.equal(false);
    expect(store.overlay().length).to.equal(2);
    store.pin(b.id);
    const overlay = store.overlay();
    expect(overlay.map((s) => s.name)).to.deep.equal(['#1 train', '#1 test', '#2 train']);
    expect(overlay[2]!.y).to.deep.equal([5, 4]);
    expect(RunStore.differingKeys(store.pinned)).to.deep.equal(['optimizer', 'lr']);
    expect(store.csv()).to.equal(
      'run,experiment,pinned,stopped,optimizer,lr,latents,nrmse,m.a\n' +
        '1,e,true,false,adam,default,3 5,0.5,1\n' +
        '2,e,true,true,sgd,0.01,3 5,,\n',
    );
    const json = JSON.parse(store.json()) as { runs: { id: number; curves: { y: number[] }[]; config: object }[] };
    expect(json.runs.map((r) => r.id)).to.deep.equal([1, 2]);
    expect(json.runs[0]!.curves[1]!.y).to.deep.equal([4, 3]);
    expect(json.runs[1]!.config).to.deep.equal({ optimizer: 'sgd', lr: 0.01, latents: [3, 5] });
  });

  it('quotes CSV cells with commas or quotes, and forgets the oldest unpinned runs beyond the limit', () => {
    const store = new RunStore();
    store.add(result({ note: 'a,"b"' }, []), false);
    expect(store.csv().split('\n')[1]).to.equal('1,e,false,false,"a,""b"""');
    store.pin(1);
    for (let i = 0; i < KEEP_UNPINNED + 2; i++) store.add(result({ i }, []), false);
    expect(store.runs.length).to.equal(KEEP_UNPINNED + 1);
    expect(store.runs[0]!.id).to.equal(1);
    expect(store.runs[1]!.id).to.equal(4);
  });

  it('shows the runs in the lab; two pinned runs draw their curves on one chart', async () => {
    const def = defineExperiment<{ latent: number }>({
      name: 'runs-fake',
      title: 'Runs fake',
      description: '',
      schema: { latent: { type: 'int', min: 1, help: 'code size', default: { tiny: 2, small: 2, full: 8 } } },
      async run(ctx: ExperimentContext, c) {
        const r = newResult(ctx, 'runs-fake', c);
        r.metrics.loss = 1 / c.latent;
        r.charts.push({
          id: 'loss',
          title: 'Loss',
          xLabel: 'epoch',
          yLabel: 'loss',
          series: [{ name: 'train', x: [1, 2, 3], y: [c.latent, 2, 1] }],
        });
        return r;
      },
    });
    const el = await mount('ae-experiment', (e) => {
      e.definition = def as unknown as ExperimentDef<object>;
      e.store = null;
      e.runtimeProvider = fakeRuntime;
    });
    await el.start();
    el.setAttribute('latent', '5');
    await new Promise((r) => setTimeout(r, 0));
    await el.start();
    await el.updateComplete;
    const rows = el.shadowRoot!.querySelectorAll('[data-table="runs"] tbody tr');
    expect(rows.length).to.equal(2);
    expect(el.shadowRoot!.querySelector('ae-chart[data-chart="compare"]')).to.equal(null);
    for (const box of el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[data-pin]')) {
      box.checked = true;
      box.dispatchEvent(new Event('change'));
      await el.updateComplete;
    }
    const chart = part(el, 'ae-chart[data-chart="compare"]') as AeChart;
    expect(chart.series!.map((s) => s.name)).to.deep.equal(['#1 train', '#2 train']);
    expect(chart.series![1]!.y).to.deep.equal([5, 2, 1]);
    // The table names the setting that differs and the final metric.
    const head = part(el, '[data-table="runs"] thead').textContent!;
    expect(head).to.contain('latent').and.contain('loss');
  });
});

describe('training on your own images', () => {
  it('splits an uploaded set by seed into disjoint train and test images, preprocessed as x / 255', () => {
    const set = images(50, true);
    const p = prepareUserData(set, 'mine', { trainSize: 30, testSize: 20, seed: 7 });
    expect(p.dataset).to.equal('upload');
    expect([p.train.count, p.test.count]).to.deep.equal([30, 20]);
    const ids = (x: Float32Array, n: number) => Array.from({ length: n }, (_, i) => Math.round(x[i * 784]! * 255));
    const train = ids(p.train.x, 30);
    const test = ids(p.test.x, 20);
    expect(new Set([...train, ...test]).size).to.equal(50);
    for (let k = 0; k < 30; k++) {
      expect(p.train.labels[k]).to.equal(train[k]! % 10);
      for (const q of [3, 500, 783])
        expect(p.train.x[k * 784 + q]).to.be.closeTo(((q * 7 + train[k]! * 13) % 256) / 255, 1e-6);
    }
    const again = prepareUserData(set, 'mine', { trainSize: 30, testSize: 20, seed: 7 });
    expect(ids(again.train.x, 30)).to.deep.equal(train);
    expect(ids(prepareUserData(set, 'mine', { trainSize: 30, testSize: 20, seed: 8 }).train.x, 30)).to.not.deep.equal(
      train,
    );
    // Unlabelled: class 0 throughout, unless the experiment needs labels.
    expect([
      ...prepareUserData(images(10, false), 'u', { trainSize: 5, testSize: 5, seed: 0 }).train.labels,
    ]).to.deep.equal([0, 0, 0, 0, 0]);
    expect(() =>
      prepareUserData(images(10, false), 'u', { trainSize: 5, testSize: 5, seed: 0, requireLabels: 'it classifies.' }),
    ).to.throw('u: no labels; it classifies. Add the IDX labels file that belongs to these images.');
    expect(() => prepareUserData(set, 'mine', { trainSize: 45, testSize: 10, seed: 0 })).to.throw(
      'train-size + test-size: 45 + 10 is more than the 50 images of mine; expected at most 50 in all, e.g. train-size 40 and test-size 10.',
    );
  });

  it('reads IDX files through the lab: a valid set is accepted; wrong size, truncated and empty files are refused', async () => {
    const el = await mount('ae-fc-train-lab', (e) => {
      e.store = null;
    });
    const good = images(12, true);
    await choose(el, 'labels', file(idxBytes([12], good.labels!), 'l.idx'));
    expect(el.userData).to.equal(null);
    await choose(el, 'images', file(idxBytes([12, 28, 28], good.images), 'x.idx'));
    expect(uploadError(el)).to.equal(null);
    expect(el.userData!.name).to.equal('x.idx + l.idx');
    expect(el.userData!.images.count).to.equal(12);
    expect([...el.userData!.images.labels!]).to.deep.equal([...good.labels!]);
    expect(part(el, '.config').textContent).to.contain('data x.idx + l.idx (12 images, labelled)');
    // Refusals keep the last good set and say what was expected.
    const refusals: [Uint8Array<ArrayBuffer>, string][] = [
      [
        idxBytes([2, 32, 32], new Uint8Array(2 * 32 * 32)),
        'bad.idx: unsupported image size; expected 28x28, got 32x32. Resize the images to 28x28.',
      ],
      [
        idxBytes([3, 28, 28], new Uint8Array(2 * 784)),
        'bad.idx: file is truncated for dimensions 3x28x28; expected 2368 bytes, got 1584 bytes. Download the file again; if it is compressed, decompress it completely.',
      ],
      [
        idxBytes([0, 28, 28], new Uint8Array(0)),
        'bad.idx: IDX file holds no items; expected at least 1 item, got 0. Use a non-empty file.',
      ],
    ];
    for (const [bytes, message] of refusals) {
      (part(el, 'input[data-upload="labels"]') as HTMLInputElement).value = '';
      await choose(el, 'images', file(bytes, 'bad.idx'));
      expect(uploadError(el)).to.equal(message);
      expect(el.userData!.name).to.equal('x.idx + l.idx');
    }
    // A labels file of another count is refused by name too.
    await expectRejects(
      readUserData(
        file(idxBytes([12, 28, 28], good.images), 'x.idx'),
        file(idxBytes([5], new Uint8Array(5)), 'l5.idx'),
      ),
      'l5.idx: label count does not match x.idx; expected 12 labels, got 5 labels. Use the labels file that belongs to these images.',
    );
  });

  it('keeps the uploaded set in IndexedDB only when the box is ticked; a new lab finds it; unticking forgets it', async () => {
    await forgetUserData('fc-train');
    try {
      const el = await mount('ae-fc-train-lab', (e) => {
        e.store = null;
      });
      const set = images(6, false);
      await choose(el, 'images', file(idxBytes([6, 28, 28], set.images), 'six.idx'));
      expect(el.userData!.name).to.equal('six.idx');
      expect(await keptUserData('fc-train')).to.equal(null);
      const keep = part(el, 'input[name="keep-data"]') as HTMLInputElement;
      keep.checked = true;
      keep.dispatchEvent(new Event('change'));
      for (let i = 0; i < 50 && !(await keptUserData('fc-train')); i++) await new Promise((r) => setTimeout(r, 20));
      const kept = await keptUserData('fc-train');
      expect(kept!.name).to.equal('six.idx');
      expect([...kept!.images.images]).to.deep.equal([...set.images]);
      el.remove();
      const next = await mount('ae-fc-train-lab', (e) => {
        e.store = null;
      });
      for (let i = 0; i < 50 && !next.userData; i++) await new Promise((r) => setTimeout(r, 20));
      expect(next.userData!.name).to.equal('six.idx');
      await next.updateComplete;
      const box = part(next, 'input[name="keep-data"]') as HTMLInputElement;
      expect(box.checked).to.equal(true);
      box.checked = false;
      box.dispatchEvent(new Event('change'));
      for (let i = 0; i < 50 && (await keptUserData('fc-train')); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await keptUserData('fc-train')).to.equal(null);
    } finally {
      await forgetUserData('fc-train');
    }
  });

  it('trains a real experiment (fc-train, tiny) on uploaded images, and stores no weights from them', async function () {
    this.timeout(180_000);
    const store = new ModelStore(`user-data-test-${Date.now()}`);
    const el = await mount('ae-fc-train-lab', (e) => {
      e.setAttribute('scale', 'tiny');
      e.setAttribute('train-size', '32');
      e.setAttribute('test-size', '8');
      e.setAttribute('epochs', '1');
      e.setAttribute('batch', '16');
      e.store = store;
    });
    await choose(el, 'images', file(idxBytes([40, 28, 28], images(40, false).images), 'synthetic.idx'));
    const r = await el.start();
    expect(r, el.shadowRoot!.querySelector('[part="error"]')?.textContent ?? '').to.not.equal(null);
    expect(r!.config.data).to.equal('synthetic.idx (40 images, unlabelled)');
    expect(r!.metrics.nrmse_test).to.be.a('number').and.satisfy(Number.isFinite);
    expect(r!.charts[0]!.series[0]!.y.length).to.equal(1);
    expect(await store.list()).to.deep.equal([]);
    expect(el.runs.runs[0]!.config.data).to.equal('synthetic.idx (40 images, unlabelled)');
  });
});

async function expectRejects(p: Promise<unknown>, message: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).to.equal(message);
    return;
  }
  throw new Error(`expected a rejection with "${message}"`);
}
