// Components and the shared GPU: removing a training <ae-*-lab> element mid-run (or after it
// finished) frees every GPU buffer its run made, and six lab elements training at once on one page
// share one device (getRuntime() hands all of them the same runtime) and all finish. GPU objects are
// counted twice: by the engine's buffer tracker, and at the source, by wrapping the device's
// createBuffer / destroy, createBindGroup and createQuerySet (test/helpers/raw-objects.ts).
// Imports src/ui (the elements, ModelStore), experiments runtime, and the UI and GPU test helpers.
import { expect } from 'chai';
import '../../src/ui/index';
import { getRuntime, type Runtime } from '../../src/experiments/runtime';
import { ModelStore, type AeExperiment } from '../../src/ui/index';
import { countRawObjects, type RawCounter } from '../helpers/raw-objects';
import { nextEvent } from '../ui/helpers';

type LabTag = 'ae-fc-train-lab' | 'ae-conv-latent-lab';

let storeCount = 0;
const stores: ModelStore[] = [];
function freshStore(): ModelStore {
  const s = new ModelStore(`reliability-models-${Date.now()}-${storeCount++}`);
  stores.push(s);
  return s;
}

/** Runtimes handed out to elements through their provider seam (which still calls getRuntime()). */
const handedOut: Runtime[] = [];

/** A lab element at scale tiny with `attrs` (config keys), its own empty model store, not yet in the page. */
function lab(tag: LabTag, attrs: Record<string, string>): AeExperiment {
  const el = document.createElement(tag);
  el.setAttribute('scale', 'tiny');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.store = freshStore();
  el.runtimeProvider = () =>
    getRuntime().then((rt) => {
      handedOut.push(rt);
      return rt;
    });
  return el;
}

const FC_TINY = { 'train-size': '64', 'test-size': '32', epochs: '1', batch: '16' };
const CONV_TINY = { latents: '3', 'train-size': '64', 'test-size': '32', batch: '32' };

let raw: RawCounter | null = null;

/** Live GPU buffers: the tracker's count, and the raw buffers made (and not destroyed) since counting began. */
async function live(): Promise<{ count: number; labels: string[]; raw: number; rawQuerySets: number }> {
  const { gpu } = await getRuntime();
  const r = raw!.counts();
  return {
    count: gpu.buffers.liveBufferCount(),
    labels: [...gpu.buffers.liveLabels(), ...raw!.liveBufferLabels().map((l) => `raw ${l}`)],
    raw: r.liveBuffers,
    rawQuerySets: r.liveQuerySets,
  };
}

describe('reliability: components on the shared GPU', () => {
  let baseline = 0;
  let rawBaseline = 0;
  before(async () => {
    raw = countRawObjects((await getRuntime()).gpu.device);
    baseline = (await live()).count;
  });
  after(() => raw?.restore());
  beforeEach(async () => {
    rawBaseline = (await live()).raw;
  });
  /** Both counts back where the test began, no query set left. */
  const expectAllFreed = async (when: string) => {
    const now = await live();
    expect(now.count, `${when}: tracked buffers still live: ${now.labels.join(', ')}`).to.equal(baseline);
    expect(now.raw, `${when}: raw buffers still live: ${now.labels.join(', ')}`).to.equal(rawBaseline);
    expect(now.rawQuerySets, `${when}: query sets still live`).to.equal(0);
  };
  afterEach(async () => {
    document.querySelectorAll('ae-fc-train-lab, ae-conv-latent-lab').forEach((e) => e.remove());
    await Promise.all(stores.splice(0).map((s) => s.destroy()));
    handedOut.length = 0;
  });

  it('removing a training element mid-run frees every GPU buffer its run made', async function () {
    this.timeout(60_000);
    const el = lab('ae-fc-train-lab', { ...FC_TINY, epochs: '50' });
    document.body.append(el);
    await el.updateComplete;
    expect(el.effectiveConfig, 'the tiny config is valid').to.not.equal(null);
    const training = new Promise<void>((resolve) => {
      el.addEventListener('ae-progress', (e) => (e.detail.stage ?? '').startsWith('train') && resolve());
    });
    const run = el.start();
    await training;
    const during = await live();
    expect(during.count, 'the run holds GPU buffers while it trains').to.be.greaterThan(baseline);
    expect(during.raw, 'the device made raw buffers for it').to.be.greaterThan(rawBaseline);
    expect(raw!.counts().bindGroupsCreated, 'and bind groups').to.be.greaterThan(0);
    let done = false;
    el.addEventListener('ae-done', () => (done = true));
    const started = performance.now();
    el.remove();
    const partial = await run; // the aborted run settles (its result goes nowhere)
    console.log(`components: removed mid-run; the run settled ${(performance.now() - started).toFixed(0)} ms later`);
    expect(done, 'a removed element fires no ae-done').to.equal(false);
    expect(el.running).to.equal(false);
    // 50 epochs of 4 steps were asked for; the removal cut the run short.
    if (partial) expect(partial.metrics.steps ?? 0).to.be.lessThan(200);
    await expectAllFreed('after removal mid-run');
  });

  it('a completed run, and removing its element afterwards, leave no GPU buffer behind', async function () {
    this.timeout(60_000);
    const el = lab('ae-fc-train-lab', FC_TINY);
    document.body.append(el);
    await el.updateComplete;
    const done = nextEvent(el, 'ae-done', 60_000);
    await el.start();
    const d = (await done).detail;
    expect(d.task === 'experiment' && !d.stopped).to.equal(true);
    await expectAllFreed('after the run');
    // The trained weights went to the model store as CPU bytes, not GPU buffers.
    expect((await el.store!.list()).length).to.equal(1);
    el.remove();
    await expectAllFreed('after removal');
  });

  it('six elements training at once share one device and all finish', async function () {
    this.timeout(120_000);
    const els = [
      lab('ae-fc-train-lab', { ...FC_TINY, latent: '2', seed: '1' }),
      lab('ae-fc-train-lab', { ...FC_TINY, latent: '4', seed: '2', optimizer: 'sgd' }),
      lab('ae-fc-train-lab', { ...FC_TINY, latent: '8', seed: '3', activation: 'sigmoid' }),
      lab('ae-conv-latent-lab', { ...CONV_TINY, seed: '1' }),
      lab('ae-conv-latent-lab', { ...CONV_TINY, seed: '2', latents: '5' }),
      lab('ae-conv-latent-lab', { ...CONV_TINY, seed: '3', capacity: '2' }),
    ];
    document.body.append(...els);
    await Promise.all(els.map((e) => e.updateComplete));
    els.forEach((e, i) => expect(e.effectiveConfig, `element ${i} has a valid config`).to.not.equal(null));
    const errors: string[] = [];
    els.forEach((e) =>
      e.addEventListener('ae-error', (ev) =>
        errors.push(`${e.localName}: ${ev.detail.message ?? ev.detail.error.message}`),
      ),
    );
    // How many elements were between their first training step and their end at the same moment.
    const training = new Set<Element>();
    let overlap = 0;
    els.forEach((e) => {
      e.addEventListener('ae-progress', (ev) => {
        if ((ev.detail.stage ?? '').startsWith('train')) training.add(e);
        overlap = Math.max(overlap, training.size);
      });
      e.addEventListener('ae-done', () => training.delete(e));
    });
    const done = els.map((e) => nextEvent(e, 'ae-done', 110_000));
    const started = performance.now();
    const runs = els.map((e) => e.start());
    expect(
      els.every((e) => e.running),
      'all six run at once',
    ).to.equal(true);
    const results = await Promise.all(runs);
    const details = await Promise.all(done);
    console.log(
      `components: six elements trained together in ${((performance.now() - started) / 1000).toFixed(1)} s; up to ${overlap} were training at the same moment`,
    );
    expect(overlap, 'training steps of different elements interleaved').to.be.at.least(2);
    expect(errors).to.deep.equal([]);
    expect(results.every((r) => r !== null)).to.equal(true);
    expect(details.map((d) => d.detail.task === 'experiment' && d.detail.stopped)).to.deep.equal([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(handedOut.length).to.equal(6);
    const shared = await getRuntime();
    expect(
      handedOut.every((rt) => rt === shared && rt.gpu === shared.gpu),
      'every element got the one shared runtime',
    ).to.equal(true);
    els.forEach((e) => e.remove());
    await expectAllFreed('after six runs and their removal');
  });
});
