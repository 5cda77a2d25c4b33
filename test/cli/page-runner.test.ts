// What the experiment page does with one request (cli/run-experiment-core.ts), driven with a fake
// experiment: refusals before any work, progress boiled down to one line per epoch or stage, and the
// files the CLI writes (result.json, PNGs, weights carrying their key).
import { expect } from 'chai';
import type { Runtime } from '../../src/experiments/runtime';
import type { ExperimentContext, ExperimentDef, ExperimentResult, Progress, Scale } from '../../src/experiments/types';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors';
import { base64ToBytes } from '../../src/ui/render/index';
import { ConfigError, DeviceLostError } from '../../src/util/errors';
import {
  ProgressLines,
  formatEta,
  formatRate,
  listsFromScalars,
  outputFileName,
  runExperimentRequest,
  type PageOutcome,
} from '../../cli/run-experiment-core';

interface FakeConfig {
  epochs: number;
  latent: number;
  seed: number;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** A stand-in experiment: validates like the real ones, reports progress like trainModel, returns one of everything. */
function fakeExperiment(behaviour: { throwInRun?: Error; validateThrows?: Error } = {}) {
  const calls = { run: 0, ctx: null as ExperimentContext | null };
  const def: ExperimentDef<FakeConfig> = {
    name: 'fake-train',
    title: 'A fake experiment',
    description: 'for tests',
    defaults: (scale: Scale) => ({ epochs: scale === 'tiny' ? 2 : 5, latent: 4, seed: 1 }),
    validate(config, scale = 'small') {
      if (behaviour.validateThrows) throw behaviour.validateThrows;
      const merged = { ...this.defaults(scale), ...config } as FakeConfig;
      for (const k of Object.keys(config))
        if (!['epochs', 'latent', 'seed'].includes(k))
          throw new ConfigError(`fake-train: unknown key "${k}"; expected one of epochs, latent, seed.`);
      if (!(merged.latent > 0)) throw new ConfigError(`fake-train: latent must be > 0; got ${merged.latent}.`);
      return merged;
    },
    async run(ctx, config): Promise<ExperimentResult> {
      calls.run++;
      calls.ctx = ctx;
      const emit = (p: Omit<Progress, 'experiment'>) => ctx.onProgress?.({ experiment: 'fake-train', ...p });
      emit({ stage: 'load data', message: 'loading 64 images' });
      const stage = `train latent=${config.latent}`;
      for (let epoch = 1; epoch <= config.epochs; epoch++) {
        for (let step = 1; step <= 3; step++) {
          emit({
            stage,
            epoch,
            epochs: config.epochs,
            step: (epoch - 1) * 3 + step,
            steps: config.epochs * 3,
            loss: 1 / step,
            samplesPerSec: 1840.4,
            etaSeconds: 42,
            message: 'step',
          });
        }
        emit({
          stage,
          epoch,
          epochs: config.epochs,
          loss: 0.0213 / epoch,
          point: { chart: 'loss', series: 'train', x: epoch, y: 0.0213 / epoch },
          message: `epoch ${epoch}`,
        });
        emit({ stage, epoch, message: '', point: { chart: 'loss', series: 'test', x: epoch, y: 0.03 / epoch } });
      }
      if (behaviour.throwInRun) throw behaviour.throwInRun;
      emit({ stage: 'invert decoder', step: 1, steps: 2, message: 'inverting' });
      emit({ stage: 'invert decoder', step: 2, steps: 2, message: 'inverting' });
      const epochs = Array.from({ length: config.epochs }, (_, i) => i + 1);
      const images = new Float32Array(2 * 784).map((_, i) => (i % 784) / 783);
      const weights = encodeSafetensors([{ name: 'enc.weight', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }], {
        latent: String(config.latent),
      });
      return {
        experiment: 'fake-train',
        config: { ...config },
        metrics: { test_loss: 0.0123, per_latent: { '4': [0.1, NaN] } },
        charts: [
          {
            id: 'loss',
            title: 'Loss',
            xLabel: 'epoch',
            yLabel: 'MSE',
            yScale: 'log',
            series: [{ name: 'train', x: epochs, y: epochs.map((e) => 0.0213 / e) }],
          },
          {
            id: 'loss',
            title: 'Same id again',
            xLabel: 'epoch',
            yLabel: 'MSE',
            series: [{ name: 'test', x: [1], y: [Infinity] }],
          },
          { id: 'broken', title: 'Ragged', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [1, 2], y: [1] }] },
        ],
        grids: [
          { id: 'recon', title: 'Reconstructions', images, count: 2, cols: 2, labels: ['original', 'reconstruction'] },
        ],
        tables: [{ id: 't', title: 'Table', columns: ['latent', 'mse'], rows: [[4, 0.0123]] }],
        heatmaps: [
          {
            id: 'corr latent/4',
            title: 'Correlation',
            size: 2,
            values: new Float32Array([1, -0.5, -0.5, 1]),
            min: -1,
            max: 1,
          },
        ],
        weights: [{ key: `fake:latent=${config.latent}:seed=${config.seed}`, bytes: weights }],
        stopReasons: { [`latent=${config.latent}`]: 'max epochs reached' },
        adapter: 'fake adapter',
        elapsedMs: 12.5,
        notes: ['Report: X. Measured: Y.'],
      };
    },
  };
  return { def: def as unknown as ExperimentDef<object>, calls };
}

const lostRuntime = { gpu: { lostError: null } } as unknown as Runtime;

function deps(def: ExperimentDef<object>, lines: string[] = [], runtime: Runtime = lostRuntime) {
  return {
    find: (name: string) => {
      if (name !== def.name) throw new ConfigError(`experiment: unknown name "${name}"; expected one of ${def.name}.`);
      return def;
    },
    runtime: () => Promise.resolve(runtime),
    onLine: (l: string) => lines.push(l),
  };
}

function ok(outcome: PageOutcome): Extract<PageOutcome, { status: 'ok' }> {
  if (outcome.status !== 'ok') throw new Error(`expected ok, got ${outcome.status}: ${outcome.message}`);
  return outcome;
}

describe('runExperimentRequest', () => {
  it('refuses an unknown name or a bad config before running anything', async () => {
    const { def, calls } = fakeExperiment();
    const unknown = await runExperimentRequest({ name: 'nope', config: {}, scale: 'tiny' }, deps(def));
    expect(unknown).to.deep.equal({
      status: 'config-error',
      message: 'experiment: unknown name "nope"; expected one of fake-train.',
    });
    const bad = await runExperimentRequest({ name: 'fake-train', config: { latent: 0 }, scale: 'tiny' }, deps(def));
    expect(bad).to.deep.equal({ status: 'config-error', message: 'fake-train: latent must be > 0; got 0.' });
    const extra = await runExperimentRequest({ name: 'fake-train', config: { latnet: 2 }, scale: 'tiny' }, deps(def));
    expect(extra.status).to.equal('config-error');
    expect(calls.run).to.equal(0);
    const buggy = fakeExperiment({ validateThrows: new TypeError('x is undefined') });
    const crashed = await runExperimentRequest({ name: 'fake-train', config: {}, scale: 'tiny' }, deps(buggy.def));
    expect(crashed).to.deep.equal({
      status: 'failed',
      message: 'fake-train: validate() threw TypeError: x is undefined',
      deviceLost: false,
    });
  });

  it('writes result.json with the validated config, scale, seed and everything the experiment returned', async () => {
    const { def, calls } = fakeExperiment();
    const weightsIn = encodeSafetensors([{ name: 'w', shape: [1], data: new Float32Array([5]) }]);
    const lines: string[] = [];
    const outcome = ok(
      await runExperimentRequest(
        {
          name: 'fake-train',
          config: { latent: 3 },
          scale: 'tiny',
          weights: { 'k=1': btoa(String.fromCharCode(...weightsIn)) },
        },
        deps(def, lines),
      ),
    );
    expect([...calls.ctx!.weights!.keys()]).to.deep.equal(['k=1']);
    expect(calls.ctx!.weights!.get('k=1')).to.deep.equal(weightsIn);
    expect(calls.ctx!.dataBaseUrl).to.equal('/data/');
    const r = JSON.parse(outcome.resultJson);
    expect(r.experiment).to.equal('fake-train');
    expect(r.scale).to.equal('tiny');
    expect(r.seed).to.equal(1);
    expect(r.config).to.deep.equal({ epochs: 2, latent: 3, seed: 1 });
    expect(r.metrics).to.deep.equal({ test_loss: 0.0123, per_latent: { '4': [0.1, null] } });
    expect(r.charts.map((c: { file: string | null }) => c.file)).to.deep.equal(['loss.png', 'loss-2.png', null]);
    expect(r.charts[0].series[0].y).to.deep.equal([0.0213, 0.0213 / 2]);
    expect(r.charts[1].series[0].y).to.deep.equal([null]);
    expect(r.renderErrors).to.have.length(1);
    expect(r.renderErrors[0]).to.match(/could not draw chart "broken": .*2 x values and 1 y values/);
    expect(r.grids).to.deep.equal([
      {
        id: 'recon',
        title: 'Reconstructions',
        count: 2,
        cols: 2,
        labels: ['original', 'reconstruction'],
        file: 'recon.png',
      },
    ]);
    expect(r.heatmaps[0].values).to.deep.equal([
      [1, -0.5],
      [-0.5, 1],
    ]);
    expect(r.heatmaps[0].file).to.equal('corr_latent_4.png');
    expect(r.tables[0].rows).to.deep.equal([[4, 0.0123]]);
    expect(r.stopReasons).to.deep.equal({ 'latent=3': 'max epochs reached' });
    expect(r.notes).to.deep.equal(['Report: X. Measured: Y.']);
    expect([r.adapter, r.elapsedMs]).to.deep.equal(['fake adapter', 12.5]);
    expect(r.weights).to.deep.equal([
      { key: 'fake:latent=3:seed=1', file: 'fake_latent=3_seed=1.safetensors', bytes: r.weights[0].bytes },
    ]);

    const names = outcome.files.map((f) => f.name);
    expect(names).to.deep.equal([
      'loss.png',
      'loss-2.png',
      'recon.png',
      'corr_latent_4.png',
      'fake_latent=3_seed=1.safetensors',
    ]);
    for (const f of outcome.files.filter((x) => x.name.endsWith('.png')))
      expect(Array.from(base64ToBytes(f.base64).subarray(0, 8)), f.name).to.deep.equal(PNG_SIGNATURE);
    const saved = decodeSafetensors(base64ToBytes(outcome.files[4]!.base64));
    expect(saved.metadata).to.deep.equal({ latent: '3', key: 'fake:latent=3:seed=1' });
    expect(Array.from(saved.tensors.get('enc.weight')!.data)).to.deep.equal([1, 2, 3, 4]);
    expect(r.weights[0].bytes).to.equal(base64ToBytes(outcome.files[4]!.base64).length);
  });

  it('reports one line per stage and per epoch, the test loss folded into its epoch line', async () => {
    const { def } = fakeExperiment();
    const lines: string[] = [];
    const outcome = ok(await runExperimentRequest({ name: 'fake-train', config: {}, scale: 'tiny' }, deps(def, lines)));
    expect(lines.slice(0, 6)).to.deep.equal([
      '[fake-train] load data: loading 64 images',
      '[fake-train] train latent=4 · epoch 1/2 · step 1/6 · loss 1 · 1,840 samples/s · ETA 0:42',
      '[fake-train] train latent=4 · epoch 1/2 loss 0.0213 (test 0.03) · 1,840 samples/s · ETA 0:42',
      '[fake-train] train latent=4 · epoch 2/2 loss 0.0106 (test 0.015) · 1,840 samples/s · ETA 0:42',
      '[fake-train] invert decoder · step 1/2',
      '[fake-train] could not draw chart "broken": renderChart(broken): series "s" has 2 x values and 1 y values; expected the same count.',
    ]);
    expect(lines).to.have.length(6);
    expect(outcome.lines).to.equal(6);
  });

  it('says the run failed with its message, and whether the GPU device was lost', async () => {
    const failing = fakeExperiment({ throwInRun: new Error('fake-train: out of patience') });
    const lines: string[] = [];
    const failed = await runExperimentRequest(
      { name: 'fake-train', config: {}, scale: 'tiny' },
      deps(failing.def, lines),
    );
    expect(failed).to.deep.equal({ status: 'failed', message: 'fake-train: out of patience', deviceLost: false });
    expect(lines.at(-1)).to.match(/epoch 2\/2 loss 0\.0106 \(test 0\.015\)/);

    const lostError = new DeviceLostError(
      'destroyed',
      'training stopped at step 6. Reload the page to get a new device.',
    );
    const lost = await runExperimentRequest(
      { name: 'fake-train', config: {}, scale: 'tiny' },
      deps(fakeExperiment({ throwInRun: lostError }).def),
    );
    expect(lost).to.deep.equal({ status: 'failed', message: lostError.message, deviceLost: true });

    // A device lost behind the experiment's back: the later error is some mapAsync failure.
    const runtime = { gpu: { lostError } } as unknown as Runtime;
    const behind = await runExperimentRequest(
      { name: 'fake-train', config: {}, scale: 'tiny' },
      deps(fakeExperiment({ throwInRun: new Error('mapAsync failed') }).def, [], runtime),
    );
    expect(behind.status).to.equal('failed');
    expect(behind).to.include({ deviceLost: true });
    expect((behind as { message: string }).message).to.match(
      /^GPU device lost during fake-train: .*destroyed.*\(then: mapAsync failed\)$/,
    );
  });
});

describe('ProgressLines', () => {
  it('prints an ordinary step only after the heartbeat interval, and a stage line when the message changes', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new ProgressLines('x', (l) => lines.push(l), { heartbeatMs: 1000, now: () => now });
    const step = (s: number): Progress => ({
      experiment: 'x',
      stage: 'train',
      epoch: 1,
      epochs: 1,
      step: s,
      steps: 100,
      loss: 0.5,
      message: `${s}`,
    });
    log.push(step(1));
    now = 500;
    log.push(step(2));
    now = 1600;
    log.push(step(3));
    log.push({ experiment: 'x', stage: 'evaluate', message: 'latent=2' });
    log.push({ experiment: 'x', stage: 'evaluate', message: 'latent=2' });
    log.push({ experiment: 'x', stage: 'evaluate', message: 'latent=4' });
    expect(lines).to.deep.equal([
      '[x] train · epoch 1/1 · step 1/100 · loss 0.5',
      '[x] train · epoch 1/1 · step 3/100 · loss 0.5',
      '[x] evaluate: latent=2',
      '[x] evaluate: latent=4',
    ]);
  });

  it('makes a single value for a list-valued key a one-item list, nothing else', () => {
    const defaults = { latents: [2, 4], lr: 0.1, stop: { maxEpochs: 3 } };
    expect(listsFromScalars({ latents: 8, lr: 0.5, stop: { maxEpochs: 1 }, other: 'x' }, defaults)).to.deep.equal({
      latents: [8],
      lr: 0.5,
      stop: { maxEpochs: 1 },
      other: 'x',
    });
    expect(listsFromScalars({ latents: [3] }, defaults)).to.deep.equal({ latents: [3] });
  });

  it('formats rates, ETAs and file names', () => {
    expect(formatRate(1840.4)).to.equal('1,840');
    expect(formatRate(3.14)).to.equal('3.1');
    expect(formatEta(42)).to.equal('0:42');
    expect(formatEta(3725)).to.equal('1:02:05');
    expect(formatEta(NaN)).to.equal('?');
    const used = new Set<string>(['result.json']);
    expect(outputFileName('fc:latent=8:act=leaky', '.safetensors', used)).to.equal('fc_latent=8_act=leaky.safetensors');
    expect(outputFileName('../../etc/passwd', '.png', used)).to.equal('etc_passwd.png');
    expect(outputFileName('result', '.json', used)).to.equal('result-2.json');
    expect(outputFileName('', '.png', used)).to.equal('unnamed.png');
    expect(outputFileName('loss.png', '.png', used)).to.equal('loss.png');
    expect(outputFileName('LOSS', '.png', used)).to.equal('LOSS-2.png');
  });
});
