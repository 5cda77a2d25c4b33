// <ae-experiment>: attributes become a validated config before any GPU work; a run reports progress,
// grows the live chart, renders its result and stores its weights; Stop keeps what was computed and
// Resume hands the saved weights back; removal aborts. A fake ExperimentDef (through `.definition`)
// makes the control flow deterministic; one real experiment runs at a tiny size on SwiftShader.
import { expect } from 'chai';
import '../../src/ui/index';
import { experiments } from '../../src/experiments/registry';
import { getRuntime } from '../../src/experiments/runtime';
import type { ExperimentContext, ExperimentDef, ExperimentResult, Scale } from '../../src/experiments/types';
import { ConfigError, WebGPUUnavailableError } from '../../src/util/errors';
import { type AeChart, AeExperiment, LAB_ELEMENTS, ModelStore } from '../../src/ui/index';
import { mount, nextEvent, part } from './helpers';

interface FakeConfig {
  latent: number;
  latents: number[];
  epochs: number;
  trainSize: number;
  optimizer: string;
  lr: number;
  weights: string;
}

const KEYS = ['latent', 'latents', 'epochs', 'trainSize', 'optimizer', 'lr', 'weights'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in experiment: `epochs` progress points, then a result with one of everything. */
function fakeDef(
  hooks: { gate?: Promise<void>; untilAborted?: boolean; seen?: ExperimentContext[]; configs?: FakeConfig[] } = {},
): ExperimentDef<FakeConfig> {
  return {
    name: 'fake',
    title: 'A fake experiment',
    description: 'Counts epochs.',
    defaults: (scale?: Scale) => ({
      latent: 8,
      latents: [3, 5],
      epochs: scale === 'tiny' ? 2 : 4,
      trainSize: 100,
      optimizer: 'adam',
      lr: 0.01,
      weights: 'auto',
    }),
    validate(config: Record<string, unknown>, scale?: Scale): FakeConfig {
      for (const k of Object.keys(config))
        if (!KEYS.includes(k)) throw new ConfigError(`fake: unknown key "${k}"; expected one of: ${KEYS.join(', ')}.`);
      const c = { ...this.defaults(scale ?? 'small'), ...config } as FakeConfig;
      if (!Number.isInteger(c.latent) || c.latent < 1)
        throw new ConfigError(`latent: out of range; expected an integer ≥ 1, got ${JSON.stringify(c.latent)}.`);
      if (!Number.isInteger(c.epochs) || c.epochs < 0)
        throw new ConfigError(`epochs: out of range; expected an integer ≥ 0, got ${JSON.stringify(c.epochs)}.`);
      return c;
    },
    async run(ctx: ExperimentContext, c: FakeConfig): Promise<ExperimentResult> {
      hooks.seen?.push(ctx);
      hooks.configs?.push(c);
      const reused = c.weights === 'train' ? undefined : ctx.weights?.get(`fake:latent=${c.latent}`);
      let epoch = reused ? reused[3]! : 0;
      const curve = { name: 'train', x: [] as number[], y: [] as number[] };
      while (hooks.untilAborted ? !ctx.signal?.aborted : epoch < c.epochs) {
        if (reused && !hooks.untilAborted) break;
        epoch++;
        const loss = 1 / epoch;
        curve.x.push(epoch);
        curve.y.push(loss);
        ctx.onProgress?.({
          experiment: 'fake',
          stage: 'train',
          epoch,
          epochs: c.epochs,
          loss,
          samplesPerSec: 1000,
          etaSeconds: 3,
          message: `epoch ${epoch}`,
          point: { chart: 'loss', series: 'train', x: epoch, y: loss },
        });
        if (epoch === 2 && hooks.gate) await hooks.gate;
        await sleep(5);
      }
      const images = new Float32Array(4 * 784).map((_, i) => (i % 784) / 784);
      return {
        experiment: 'fake',
        config: { ...c },
        metrics: { finalLoss: 1 / epoch, perLatent: { '3': 0.2, '5': 0.1 } },
        charts: [{ id: 'loss', title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: [curve] }],
        grids: [{ id: 'recon', title: 'Reconstructions', images, count: 4, cols: 2, labels: ['a', 'b', 'c', 'd'] }],
        tables: [
          {
            id: 'summary',
            title: 'Summary',
            columns: ['latent', 'loss'],
            rows: [
              [3, 0.2],
              [5, 0.1],
            ],
          },
        ],
        heatmaps: [
          { id: 'corr', title: 'Correlation', size: 2, values: new Float32Array([1, -0.5, -0.5, 1]), min: -1, max: 1 },
        ],
        weights: [{ key: `fake:latent=${c.latent}`, bytes: new Uint8Array([1, 2, 3, epoch]) }],
        stopReasons: { run: ctx.signal?.aborted ? 'stopped by the user' : 'max epochs reached' },
        adapter: 'fake adapter',
        elapsedMs: 12,
        notes: ['Report: loss falls. Measured: it falls.'],
      };
    },
  };
}

let storeCount = 0;
const freshStore = () => new ModelStore(`ae-test-models-${Date.now()}-${storeCount++}`);

describe('<ae-experiment>', () => {
  const stores: ModelStore[] = [];
  afterEach(async () => {
    document.body.replaceChildren();
    await Promise.all(stores.splice(0).map((s) => s.destroy()));
  });

  function withFake(el: AeExperiment, def: ExperimentDef<FakeConfig>, store: ModelStore | null = null): void {
    el.definition = def as unknown as ExperimentDef<object>;
    el.store = store;
    if (store) stores.push(store);
  }

  it('reads attributes as typed config keys (epochs="3" → 3, train-size, lists) and validates them', async () => {
    const el = document.createElement('ae-experiment');
    for (const [k, v] of [
      ['epochs', '3'],
      ['train-size', '50'],
      ['latents', '3,5,10'],
      ['optimizer', 'sgd'],
      ['lr', '1e-3'],
    ])
      el.setAttribute(k!, v!);
    withFake(el, fakeDef());
    document.body.append(el);
    await el.updateComplete;
    expect(el.effectiveConfig).to.deep.equal({
      latent: 8,
      latents: [3, 5, 10],
      epochs: 3,
      trainSize: 50,
      optimizer: 'sgd',
      lr: 0.001,
      weights: 'auto',
    });
    expect(part(el, '.config').textContent)
      .to.contain('epochs 3')
      .and.contain('train-size 50')
      .and.contain('latents 3,5,10');
    el.setAttribute('epochs', '7');
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect((el.effectiveConfig as FakeConfig).epochs).to.equal(7);
    el.scale = 'tiny';
    el.removeAttribute('epochs');
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect((el.effectiveConfig as FakeConfig).epochs, 'the tiny default').to.equal(2);
  });

  it('shows an invalid attribute in part="error" and fires ae-error before any GPU work', async () => {
    let gpuCalls = 0;
    const el = document.createElement('ae-experiment');
    el.setAttribute('latent', '-1');
    withFake(el, fakeDef());
    el.runtimeProvider = () => {
      gpuCalls++;
      return getRuntime();
    };
    const errored = nextEvent(el, 'ae-error', 5000);
    document.body.append(el);
    const event = await errored;
    expect(event.detail.task).to.equal('experiment');
    expect(event.detail.error).to.be.instanceOf(ConfigError);
    expect(event.detail.message).to.contain('latent: out of range').and.contain('got -1');
    await el.updateComplete;
    const box = part(el, '[part="error"]');
    expect(box.getAttribute('role')).to.equal('alert');
    expect(box.textContent).to.contain('latent: out of range; expected an integer ≥ 1, got -1.');
    expect((part(el, '[data-action="start"]') as HTMLButtonElement).disabled).to.equal(true);
    const again = nextEvent(el, 'ae-error', 5000);
    expect(await el.start()).to.equal(null);
    expect((await again).detail.message).to.contain('latent');
    expect(gpuCalls, 'no runtime requested for an invalid config').to.equal(0);

    el.setAttribute('latent', '4');
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error"]')).to.equal(null);
  });

  it('names an unknown experiment or key with what is accepted', async () => {
    const errored = nextEvent(document.body, 'ae-error', 5000);
    const el = await mount('ae-experiment', (e) => e.setAttribute('experiment', 'no-such-thing'));
    expect((await errored).detail.message).to.contain('unknown name "no-such-thing"');
    expect(part(el, '[part="error"]').textContent).to.contain('no-such-thing');

    const keyError = nextEvent(document.body, 'ae-error', 5000);
    await mount('ae-experiment', (e) => {
      e.setAttribute('colour', 'blue');
      withFake(e, fakeDef());
    });
    expect((await keyError).detail.message)
      .to.contain('unknown key "colour"')
      .and.contain('trainSize');
  });

  it('start() fires ae-progress then ae-done, grows the live chart and renders the result', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const el = await mount('ae-experiment', (e) => {
      e.setAttribute('epochs', '4');
      withFake(e, fakeDef({ gate }));
    });
    const events: string[] = [];
    el.addEventListener('ae-progress', () => events.push('progress'));
    el.addEventListener('ae-done', () => events.push('done'));
    const firstProgress = nextEvent(el, 'ae-progress', 5000);
    const done = nextEvent(el, 'ae-done', 10000);
    const run = el.start();
    const p = await firstProgress;
    expect(p.detail).to.include({ task: 'experiment', experiment: 'fake', stage: 'train', epoch: 1, epochs: 4 });
    expect(el.running).to.equal(true);
    expect(el.hasAttribute('running')).to.equal(true);
    await sleep(30);
    await el.updateComplete;
    const live = part(el, '[part="chart"] ae-chart') as AeChart;
    live.flush();
    expect(live.drawnPointCount, 'live points before the run ends').to.equal(2);
    expect(part(el, '[part="status"]').textContent).to.contain('epoch 2').and.contain('1,000 samples/s');
    expect(part(el, '[part="status"]').getAttribute('aria-live')).to.equal('polite');
    open();
    const result = await run;
    const d = (await done).detail;
    expect(d.task === 'experiment' && d.result).to.equal(result);
    expect(events[0]).to.equal('progress');
    expect(events[events.length - 1]).to.equal('done');
    await el.updateComplete;
    expect(el.running).to.equal(false);
    const results = part(el, '[part="results"]');
    const grid = results.querySelector('ae-image-grid')!;
    expect(grid, 'an image grid appears').to.not.equal(null);
    expect(grid.images!.length).to.equal(4 * 784);
    expect(results.querySelector('ae-chart[data-chart="loss"]')).to.not.equal(null);
    expect(results.querySelector('ae-heatmap')).to.not.equal(null);
    expect(results.querySelector('table[data-table="summary"]')!.textContent).to.contain('0.2');
    expect(results.textContent).to.contain('Report: loss falls. Measured: it falls.');
    expect(results.querySelector('table[data-table="metrics"]')!.textContent).to.contain('perLatent › 5');
  });

  it('stop() aborts and keeps what was computed; the weights are stored and Resume hands them back', async () => {
    const seen: ExperimentContext[] = [];
    const store = freshStore();
    const el = await mount('ae-experiment', (e) => withFake(e, fakeDef({ untilAborted: true, seen }), store));
    const progress = nextEvent(el, 'ae-progress', 5000);
    const done = nextEvent(el, 'ae-done', 10000);
    const run = el.start();
    await progress;
    await sleep(40);
    await el.stop();
    const d = (await done).detail;
    expect(d.task === 'experiment' && d.stopped).to.equal(true);
    expect(seen[0]!.signal!.aborted).to.equal(true);
    const result = (await run)!;
    expect(result.stopReasons.run).to.equal('stopped by the user');
    await el.updateComplete;
    expect(part(el, '[part="results"]').textContent).to.contain('Stopped early');
    expect(part(el, '[part="controls"]').textContent).to.contain('reuses the 1 model');
    const stored = await store.list();
    expect(stored.map((i) => [i.key, i.experiment, i.scale, i.complete])).to.deep.equal([
      ['fake:latent=8', 'fake', 'small', false],
    ]);
    expect(Array.from((await store.load('fake:latent=8'))!)).to.deep.equal(Array.from(result.weights[0]!.bytes));

    const resumed = el.resume();
    await sleep(20);
    await el.stop();
    await resumed;
    expect(seen[1]!.weights?.get('fake:latent=8'), 'Resume passes the stored weights').to.deep.equal(
      result.weights[0]!.bytes,
    );
  });

  it('reuses models stored by another element at the same scale, and says so', async () => {
    const store = freshStore();
    const first = await mount('ae-experiment', (e) => withFake(e, fakeDef(), store));
    await first.start();
    const seen: ExperimentContext[] = [];
    const second = await mount('ae-experiment', (e) => withFake(e, fakeDef({ seen }), store));
    await second.updateComplete;
    await sleep(50);
    await second.updateComplete;
    expect(part(second, '[part="controls"]').textContent).to.contain('(1 at scale small)');
    const result = (await second.start())!;
    expect(seen[0]!.weights!.get('fake:latent=8')).to.deep.equal(new Uint8Array([1, 2, 3, 4]));
    await second.updateComplete;
    expect(part(second, '[part="results"]').textContent).to.contain('Reused 1 trained model');
    expect(result).to.not.equal(null);

    const tiny: ExperimentContext[] = [];
    const third = await mount('ae-experiment', (e) => {
      e.scale = 'tiny';
      withFake(e, fakeDef({ seen: tiny }), store);
    });
    await third.start();
    expect(tiny[0]!.weights, 'models of another scale are not offered').to.equal(undefined);
  });

  it('an experiment set to train its own models is offered no stored weights, except on Resume', async () => {
    const store = freshStore();
    await mount('ae-experiment', (e) => withFake(e, fakeDef(), store)).then((e) => e.start());
    const seen: ExperimentContext[] = [];
    const configs: FakeConfig[] = [];
    const el = await mount('ae-experiment', (e) => {
      e.setAttribute('weights', 'train');
      e.setAttribute('latent', '5');
      withFake(e, fakeDef({ untilAborted: true, seen, configs }), store);
    });
    expect(part(el, '[part="controls"]').textContent).to.contain('Trains its own models');
    expect(el.shadowRoot!.querySelector('[part="controls"] input[type="checkbox"]')).to.equal(null);
    const run = el.start();
    await sleep(30);
    await el.stop();
    await run;
    expect(seen[0]!.weights, 'nothing offered to a run that trains its own').to.equal(undefined);
    const resumed = el.resume();
    await sleep(30);
    await el.stop();
    await resumed;
    expect(configs[1]!.weights, 'Resume reuses what the stopped run finished').to.equal('auto');
    expect([...seen[1]!.weights!.keys()], "only the stopped run's own model").to.deep.equal(['fake:latent=5']);
  });

  it('starts by itself with autostart', async () => {
    const done = nextEvent(document.body, 'ae-done', 10000);
    await mount('ae-experiment', (e) => {
      e.autostart = true;
      withFake(e, fakeDef());
    });
    const d = (await done).detail;
    expect(d.task === 'experiment' && d.result.metrics.finalLoss).to.equal(0.25);
  });

  it('explains a missing WebGPU in part="error" instead of a blank box', async () => {
    const el = await mount('ae-experiment', (e) => {
      withFake(e, fakeDef());
      e.runtimeProvider = () => Promise.reject(new WebGPUUnavailableError('no-api', 'navigator.gpu is undefined.'));
    });
    const errored = nextEvent(el, 'ae-error', 5000);
    expect(await el.start()).to.equal(null);
    expect((await errored).detail.error).to.be.instanceOf(WebGPUUnavailableError);
    await el.updateComplete;
    const text = part(el, '[part="error"]').textContent!.replace(/\s+/g, ' ');
    expect(text)
      .to.contain('does not offer WebGPU')
      .and.contain('Chrome or Edge 113')
      .and.contain('navigator.gpu is undefined');
  });

  it('aborts the run and destroys its charts when removed mid-run', async () => {
    const seen: ExperimentContext[] = [];
    const el = await mount('ae-experiment', (e) => withFake(e, fakeDef({ untilAborted: true, seen })));
    const progress = nextEvent(el, 'ae-progress', 5000);
    void el.start();
    await progress;
    await sleep(20);
    await el.updateComplete;
    const live = part(el, '[part="chart"] ae-chart') as AeChart;
    expect(live.uplot).to.not.equal(null);
    el.remove();
    expect(seen[0]!.signal!.aborted).to.equal(true);
    expect(live.uplot, 'uPlot destroyed').to.equal(null);
    expect(el.running).to.equal(false);
  });

  it('runs a real experiment (conv-latent, tiny) on the GPU and stores its trained weights', async () => {
    const store = freshStore();
    stores.push(store);
    const el = document.createElement('ae-conv-latent-lab');
    for (const [k, v] of [
      ['scale', 'tiny'],
      ['latents', '3'],
      ['train-size', '64'],
      ['test-size', '32'],
      ['batch', '32'],
    ])
      el.setAttribute(k!, v!);
    el.store = store;
    document.body.append(el);
    await el.updateComplete;
    expect(part(el, 'header h3').textContent).to.contain('latent size');
    const stages: string[] = [];
    el.addEventListener('ae-progress', (e) => stages.push(e.detail.stage!));
    const done = nextEvent(el, 'ae-done', 60000);
    await el.start();
    const d = (await done).detail;
    expect(d.task === 'experiment' && d.experiment).to.equal('conv-latent');
    expect(stages.some((s) => s.startsWith('train'))).to.equal(true);
    await el.updateComplete;
    const results = part(el, '[part="results"]');
    const loss = results.querySelector('ae-chart[data-chart="loss"]') as AeChart;
    expect(loss.pointCount, 'train and test loss of the one epoch').to.be.greaterThan(0);
    const grid = results.querySelector('ae-image-grid')!;
    expect(grid.images!.length % 784).to.equal(0);
    expect(grid.images!.length).to.be.greaterThan(0);
    expect((await store.list()).map((i) => i.key)).to.deep.equal(['conv:latent=3:c=4:seed=0']);
  });

  it('shows the real validate() message for a bad attribute of a registered experiment', async () => {
    const errored = nextEvent(document.body, 'ae-error', 5000);
    const el = await mount('ae-conv-latent-lab', (e) => e.setAttribute('latents', '3,-1'));
    const message = (await errored).detail.message!;
    expect(message).to.contain('latents[1]');
    expect(part(el, '[part="error"]').textContent).to.contain(message);
  });

  it('defines one element per experiment of the reports, each fixed to a registered experiment', async () => {
    const names = new Set(experiments().map((e) => e.name));
    for (const [tag, name] of Object.entries(LAB_ELEMENTS)) {
      const el = document.createElement(tag) as AeExperiment;
      expect(el, tag).to.be.instanceOf(AeExperiment);
      expect(names.has(name), `${name} is registered`).to.equal(true);
    }
  });
});
