// conv-transfer.ts: experiment `conv-transfer`, the report's fourth practical question — a pretrained latent-15 encoder followed by an
// MLP (latent → 64 → 32 → 10) classifies MNIST digits after training on 100 labelled images, with the
// encoder frozen (transfer learning) or trained along (full network) (conv-transfer).
// Imports nn, data, util and the experiments' helpers; no DOM.
import { deriveSeed, sampleIndices } from '../../data/sampling';
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import { ConvAutoencoder } from '../../nn/conv-autoencoder';
import { Activation, Linear, Module, Sequential } from '../../nn/module';
import { loadSafetensors, saveSafetensors } from '../../nn/state';
import { Rng } from '../../util/rng';
import type { Runtime } from '../runtime';
import { trainModel, type Samples, type TrainRun } from '../train';
import { badValue, defineExperiment, formatSignificant, progress, stopped } from '../kit/index';
import type { ExperimentContext, ExperimentResult } from '../types';
import { checkBatch, convTrainSchema, type ConvTrainConfig } from './config';
import { beginRun, convKey, imageShape, type MnistData, obtainAutoencoder, PIXELS } from './trained-autoencoder';

export const CLASSES = 10;

/** An encoder (shared with, and named like, the autoencoder's) followed by Linear(L→64) ReLU Linear(64→32) ReLU Linear(32→10). */
export class EncoderClassifier extends Module {
  readonly mlp: Sequential;

  constructor(
    gpu: Runtime['gpu'],
    readonly encoder: Sequential,
    latent: number,
    seed: number,
  ) {
    super();
    const rng = new Rng(deriveSeed(seed, 0xc1a55));
    this.mlp = new Sequential(
      new Linear(gpu, rng, latent, 64, 'mlp.0'),
      new Activation('relu'),
      new Linear(gpu, rng, 64, 32, 'mlp.2'),
      new Activation('relu'),
      new Linear(gpu, rng, 32, CLASSES, 'mlp.4'),
    );
  }

  override children(): [string, Module][] {
    return [
      ['encoder', this.encoder],
      ['mlp', this.mlp],
    ];
  }

  /** x: [N, 1, 28, 28] → logits [N, 10]. */
  forward(g: Graph, x: Tensor): Tensor {
    return this.mlp.forward(g, this.encoder.forward(g, x));
  }
}

/** Fraction of rows of `logits` ([n, classes]) whose largest entry is at the row's label. */
export function accuracy(logits: Float32Array, labels: ArrayLike<number>, classes = CLASSES): number {
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k]! > logits[i * classes + best]!) best = k;
    if (best === labels[i]) correct++;
  }
  return n ? correct / n : NaN;
}

/** The weight key of a trained classifier: `conv-classifier:latent=<L>:c=<c>:seed=<n>:encoder=<frozen|trained>`. */
export function classifierKey(latent: number, capacity: number, seed: number, mode: TransferMode): string {
  return `conv-classifier:latent=${latent}:c=${capacity}:seed=${seed}:encoder=${mode === 'frozen' ? 'frozen' : 'trained'}`;
}

export type TransferMode = 'frozen' | 'full';

export interface ConvTransferConfig extends ConvTrainConfig {
  latent: number;
  /** How the autoencoder is trained when no weights are handed in (the classifier's images are drawn from its training subset). */
  pretrainSize: number;
  pretrainEpochs: number;
  pretrainBatch: number;
  pretrainLr: number;
}

const labelled = (x: Float32Array, labels: Uint8Array): Samples => ({
  x,
  width: PIXELS,
  count: labels.length,
  y: Float32Array.from(labels),
  targetWidth: 1,
});

/** The `trainSize` labelled images of the classifier: a seeded random draw from the training subset. */
function classifierData(data: MnistData, n: number, seed: number): { x: Float32Array; labels: Uint8Array } {
  const idx = sampleIndices(data.train.count, n, deriveSeed(seed, 0x7a5f));
  const x = new Float32Array(n * PIXELS);
  const labels = new Uint8Array(n);
  idx.forEach((i, k) => {
    x.set(data.train.x.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    labels[k] = data.train.labels[i]!;
  });
  return { x, labels };
}

/** One classifier run from a fresh copy of the pretrained weights; returns the run and its weights. */
async function trainClassifier(
  ctx: ExperimentContext,
  cfg: ConvTransferConfig,
  mode: TransferMode,
  pretrained: Uint8Array,
  train: Samples,
  test: Samples,
  testLabels: Uint8Array,
): Promise<{ run: TrainRun; bytes: Uint8Array }> {
  const ae = new ConvAutoencoder(ctx.runtime.gpu, { latent: cfg.latent, capacity: cfg.capacity, seed: cfg.seed });
  let clf: EncoderClassifier | null = null;
  try {
    loadSafetensors(ae, pretrained, convKey(cfg.latent, cfg.capacity, cfg.seed));
    if (mode === 'frozen') ae.encoder.setTrainable(false);
    const model = new EncoderClassifier(ctx.runtime.gpu, ae.encoder, cfg.latent, cfg.seed);
    clf = model;
    const run = await trainModel(
      ctx.runtime,
      {
        name: mode,
        model,
        forward: (g, x) => model.forward(g, x),
        inputShape: imageShape,
        targetShape: (n) => [n],
        loss: 'cross-entropy',
        train,
        test,
        optimizer: 'adamw',
        optimizerOptions: { lr: cfg.lr },
        batchSize: cfg.batch,
        stop: { maxEpochs: cfg.epochs },
        seed: cfg.seed,
        onTestPredictions: (logits) => ({ accuracy: accuracy(logits, testLabels) }),
      },
      {
        signal: ctx.signal,
        onProgress: ctx.onProgress,
        recover: ctx.recover,
        store: ctx.checkpoints,
        experiment: 'conv-transfer',
      },
    );
    const key = classifierKey(cfg.latent, cfg.capacity, cfg.seed, mode);
    const bytes = await saveSafetensors(model, {
      key,
      encoder: mode === 'frozen' ? 'frozen' : 'trained',
      latent: String(cfg.latent),
      capacity: String(cfg.capacity),
      seed: String(cfg.seed),
    });
    return { run, bytes };
  } finally {
    clf?.mlp.dispose();
    ae.dispose();
  }
}

function transferNotes(result: ExperimentResult, cfg: ConvTransferConfig, acc: Record<TransferMode, number[]>): void {
  result.notes.push(
    `Report: trained on 100 random training images, the pretrained encoder kept frozen with only the MLP trained (transfer learning) reaches a higher test accuracy than training the whole network (encoder + MLP) from the same pretrained weights.`,
  );
  const last = (a: number[]) => a[a.length - 1] ?? NaN;
  const best = (a: number[]) => (a.length ? Math.max(...a) : NaN);
  const f = acc.frozen;
  const u = acc.full;
  if (!f.length || !u.length) return;
  const wins = f.filter((v, i) => u[i] !== undefined && v > u[i]!).length;
  const verdict =
    last(f) > last(u)
      ? 'frozen ahead at the end, as the report says'
      : last(f) < last(u)
        ? 'the full network ahead at the end, unlike the report'
        : 'a tie at the end';
  result.notes.push(
    `Measured (${cfg.trainSize} labelled images, ${cfg.epochs} epochs, ${cfg.testSize} test images, c = ${cfg.capacity}${cfg.lr === 0.003 ? '' : `, lr ${cfg.lr}`}): final test accuracy frozen ${formatSignificant(last(f), 3)} vs full ${formatSignificant(last(u), 3)} (best ${formatSignificant(best(f), 3)} vs ${formatSignificant(best(u), 3)}); ` +
      `frozen is ahead in ${wins} of ${Math.min(f.length, u.length)} epochs — ${verdict}.`,
  );
}

const TRAIN = convTrainSchema('auto');

export const convTransfer = defineExperiment<ConvTransferConfig>({
  name: 'conv-transfer',
  title: 'Conv autoencoder: transfer learning to digit classification',
  description:
    'A pretrained latent-15 encoder + MLP (→64→32→10) trained with cross-entropy on 100 labelled images, encoder frozen vs trained; test accuracy and loss per epoch.',
  schema: {
    latent: {
      type: 'int',
      min: 1,
      unit: 'dimensions',
      help: 'latent size of the pretrained encoder (the report: 15)',
      default: { tiny: 15, small: 15, full: 15 },
    },
    capacity: TRAIN.capacity,
    epochs: {
      ...TRAIN.epochs,
      help: 'passes of the classifier over its labelled images',
      default: { tiny: 2, small: 10, full: 20 },
    },
    batch: { ...TRAIN.batch, help: 'labelled images per classifier step', default: { tiny: 10, small: 10, full: 10 } },
    lr: {
      ...TRAIN.lr,
      help: "the classifier's AdamW learning rate",
      default: { tiny: 0.003, small: 0.003, full: 0.003 },
    },
    trainSize: {
      ...TRAIN.trainSize,
      help: 'labelled images the classifier trains on, drawn from the pretraining images (the report: 100)',
      default: { tiny: 100, small: 100, full: 100 },
    },
    testSize: { ...TRAIN.testSize, default: { tiny: 200, small: 1000, full: 10000 } },
    seed: TRAIN.seed,
    weights: TRAIN.weights,
    pretrainSize: { ...TRAIN.trainSize, help: 'training images of the autoencoder (when it is trained here)' },
    pretrainEpochs: { ...TRAIN.epochs, help: 'epochs of the autoencoder (when it is trained here)' },
    pretrainBatch: { ...TRAIN.batch, help: 'batch of the autoencoder (when it is trained here)' },
    pretrainLr: { ...TRAIN.lr, help: 'AdamW learning rate of the autoencoder (when it is trained here)' },
  },
  check(cfg) {
    checkBatch('conv-transfer', 'batch', cfg.batch, 'trainSize', cfg.trainSize);
    checkBatch('conv-transfer', 'pretrainBatch', cfg.pretrainBatch, 'pretrainSize', cfg.pretrainSize);
    if (cfg.trainSize > cfg.pretrainSize)
      throw badValue(
        'conv-transfer.trainSize',
        cfg.trainSize,
        `at most pretrainSize = ${cfg.pretrainSize} (the classifier's images are drawn from the pretraining images)`,
        'Raise pretrainSize.',
      );
  },
  async run(ctx, cfg) {
    const started = performance.now();
    const key = convKey(cfg.latent, cfg.capacity, cfg.seed);
    const { result, data } = await beginRun(
      ctx,
      'conv-transfer',
      cfg,
      { mode: cfg.weights, keys: [key] },
      { trainSize: cfg.pretrainSize, testSize: cfg.testSize, seed: cfg.seed },
    );
    const aeCfg: ConvTrainConfig = {
      ...cfg,
      trainSize: cfg.pretrainSize,
      epochs: cfg.pretrainEpochs,
      batch: cfg.pretrainBatch,
      lr: cfg.pretrainLr,
    };
    const name = `pretrain latent=${cfg.latent}`;
    const got = await obtainAutoencoder(ctx, {
      latent: cfg.latent,
      capacity: cfg.capacity,
      cfg: aeCfg,
      data,
      name,
      experiment: 'conv-transfer',
    });
    let pretrained: Uint8Array;
    try {
      result.stopReasons[name] = got.stopReason;
      if (got.bytes) result.weights.push({ key, bytes: got.bytes });
      // Trained here: its weights even when the run ended early (failed runs keep the last finite ones).
      pretrained = got.run ? (got.bytes ?? (await saveSafetensors(got.model))) : ctx.weights!.get(key)!;
    } finally {
      got.model.dispose();
    }
    const { x, labels } = classifierData(data, cfg.trainSize, cfg.seed);
    const train = labelled(x, labels);
    const test = labelled(data.test.x, data.test.labels);
    const acc: Record<TransferMode, number[]> = { frozen: [], full: [] };
    const loss: Record<TransferMode, number[]> = { frozen: [], full: [] };
    const trainLoss: Record<TransferMode, number[]> = { frozen: [], full: [] };
    for (const mode of ['frozen', 'full'] as const) {
      if (stopped(ctx, result, `before the ${mode} run`)) break;
      progress(
        ctx,
        'conv-transfer',
        `train ${mode}`,
        `${mode === 'frozen' ? 'encoder frozen, MLP trained' : 'encoder and MLP trained'} on ${cfg.trainSize} labelled images`,
      );
      const { run, bytes } = await trainClassifier(ctx, cfg, mode, pretrained, train, test, data.test.labels);
      result.stopReasons[mode] = run.stopReason;
      result.weights.push({ key: classifierKey(cfg.latent, cfg.capacity, cfg.seed, mode), bytes });
      acc[mode] = run.epochs.map((e) => e.extra?.accuracy ?? NaN);
      loss[mode] = run.epochs.map((e) => e.testLoss ?? NaN);
      trainLoss[mode] = run.epochs.map((e) => e.trainLoss);
    }
    result.metrics.accuracy_frozen = acc.frozen;
    result.metrics.accuracy_full = acc.full;
    result.metrics.loss_frozen = loss.frozen;
    result.metrics.loss_full = loss.full;
    const epochs = (a: number[]) => a.map((_, i) => i + 1);
    result.charts.push({
      id: 'accuracy',
      title: `Test accuracy per epoch (${cfg.trainSize} labelled training images)`,
      xLabel: 'epoch',
      yLabel: 'accuracy',
      series: [
        { name: 'frozen encoder (transfer)', x: epochs(acc.frozen), y: acc.frozen },
        { name: 'full network', x: epochs(acc.full), y: acc.full },
      ],
    });
    result.charts.push({
      id: 'loss',
      title: 'Cross-entropy per epoch',
      xLabel: 'epoch',
      yLabel: 'cross-entropy',
      series: [
        { name: 'frozen test', x: epochs(loss.frozen), y: loss.frozen },
        { name: 'full test', x: epochs(loss.full), y: loss.full },
        { name: 'frozen train', x: epochs(trainLoss.frozen), y: trainLoss.frozen },
        { name: 'full train', x: epochs(trainLoss.full), y: trainLoss.full },
      ],
    });
    const rows = Math.max(acc.frozen.length, acc.full.length);
    result.tables.push({
      id: 'per-epoch',
      title: 'Test accuracy and loss per epoch',
      columns: ['epoch', 'accuracy frozen', 'accuracy full', 'test loss frozen', 'test loss full'],
      rows: Array.from({ length: rows }, (_, i) => [
        i + 1,
        acc.frozen[i] ?? NaN,
        acc.full[i] ?? NaN,
        loss.frozen[i] ?? NaN,
        loss.full[i] ?? NaN,
      ]),
    });
    transferNotes(result, cfg, acc);
    result.elapsedMs = performance.now() - started;
    return result;
  },
});
