// trained-autoencoder.ts: the second report's convolutional autoencoder as its experiments use it —
// MNIST as training samples, the weight key, a trained model (reused from ctx.weights or trained here
// through the kit), its final losses and a reconstruction grid. Imports nn, graph types, experiments
// (kit, datasets, train, types), util; no DOM.
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import { ConvAutoencoder } from '../../nn/conv-autoencoder';
import { ConfigError } from '../../util/errors';
import type { Shape } from '../../util/shape';
import type { Prepared } from '../datasets';
import { firstImages, loadSplits, newResult, type Obtained, reconstruct, stopped, trainOrReuse } from '../kit/index';
import { evaluateLoss, type TrainRun } from '../train';
import type { ExperimentContext, ExperimentResult, ImageGrid } from '../types';
import type { ConvTrainConfig, StopOptions } from './config';

/** A batch of n MNIST images as the conv autoencoder takes them. */
export const imageShape = (n: number): Shape => [n, 1, 28, 28];
export const PIXELS = 784;

/** The weight key of a trained conv autoencoder: `conv:latent=<L>:c=<c>:seed=<n>`. */
export function convKey(latent: number, capacity: number, seed: number): string {
  return `conv:latent=${latent}:c=${capacity}:seed=${seed}`;
}

/** A seeded MNIST subset with the reports' 'global' preprocessing; the splits serve as unsupervised samples. */
export type MnistData = Prepared;

/**
 * The common start of every conv experiment: the clock, an empty result, the check that required
 * weights were handed in (before any work), and the MNIST subset with the reports' preprocessing.
 */
export async function beginRun(
  ctx: ExperimentContext,
  experiment: string,
  cfg: object,
  weights: { mode: ConvTrainConfig['weights']; keys: readonly string[] },
  sizes: Pick<ConvTrainConfig, 'trainSize' | 'testSize' | 'seed'>,
): Promise<{ started: number; result: ExperimentResult; data: MnistData }> {
  const started = performance.now();
  const result = newResult(ctx, experiment, cfg);
  checkWeightsAvailable(ctx, experiment, weights.mode, weights.keys);
  return { started, result, data: await loadSplits(ctx, experiment, 'mnist', sizes) };
}

/** Throws ConfigError (before any work) when `mode` is 'require' and ctx.weights lacks a key. */
export function checkWeightsAvailable(
  ctx: ExperimentContext,
  experiment: string,
  mode: ConvTrainConfig['weights'],
  keys: readonly string[],
): void {
  if (mode !== 'require') return;
  const missing = keys.filter((k) => !ctx.weights?.has(k));
  if (missing.length) {
    const have = ctx.weights?.size ? [...ctx.weights.keys()].join(', ') : 'none';
    throw new ConfigError(
      `${experiment}.weights: "require" was set but ctx.weights lacks ${missing.join(', ')}; expected those keys, got ${have}. Run the experiment that trains them first, or set weights to "auto".`,
    );
  }
}

export type ObtainedModel = Obtained<ConvAutoencoder>;

export interface ObtainSpec {
  latent: number;
  capacity: number;
  /** Training settings (their capacity, if any, is ignored: `capacity` above is used). */
  cfg: Omit<ConvTrainConfig, 'capacity'>;
  data: MnistData;
  /** Names the run in progress and stopReasons, e.g. "latent=8". */
  name: string;
  experiment: string;
  stop?: StopOptions;
}

/**
 * A trained conv autoencoder: loaded from ctx.weights when the mode allows and the key is there,
 * otherwise trained on spec.data (MSE, AdamW). The caller owns (and disposes) the model.
 */
export function obtainAutoencoder(ctx: ExperimentContext, spec: ObtainSpec): Promise<ObtainedModel> {
  const { latent, capacity, cfg } = spec;
  const key = convKey(latent, capacity, cfg.seed);
  const model = new ConvAutoencoder(ctx.runtime.gpu, { latent, capacity, seed: cfg.seed });
  return trainOrReuse(ctx, {
    experiment: spec.experiment,
    name: spec.name,
    key,
    model,
    reuse: cfg.weights !== 'train',
    training: {
      forward: (g, x) => model.forward(g, x),
      inputShape: imageShape,
      loss: 'mse',
      train: spec.data.train,
      test: spec.data.test,
      optimizer: 'adamw',
      optimizerOptions: { lr: cfg.lr },
      batchSize: cfg.batch,
      stop: { ...spec.stop, maxEpochs: cfg.epochs },
      seed: cfg.seed,
    },
    metadata: (run) => ({
      key,
      latent: String(latent),
      capacity: String(capacity),
      seed: String(cfg.seed),
      epochs: String(run.epochs.length),
      trainSize: String(spec.data.train.count),
      lr: String(cfg.lr),
      batch: String(cfg.batch),
      stopReason: run.stopReason,
    }),
  });
}

/** One model of a run over several: its label (names the run, e.g. "latent=8"), latent size and capacity. */
export interface ModelPoint {
  label: string;
  latent: number;
  capacity: number;
}

/** One point per latent size, labelled `latent=<L>`. */
export const latentPoints = (latents: readonly number[], capacity: number): ModelPoint[] =>
  latents.map((latent) => ({ label: `latent=${latent}`, latent, capacity }));

/**
 * For each point in turn, until the user stops: the trained (or reused) autoencoder, with its stop
 * reason and new weights recorded in `result`, handed to `use`, then disposed.
 */
export async function eachModel(
  ctx: ExperimentContext,
  result: ExperimentResult,
  run: { points: readonly ModelPoint[]; cfg: Omit<ConvTrainConfig, 'capacity'>; data: MnistData; stop?: StopOptions },
  use: (got: ObtainedModel, point: ModelPoint) => Promise<void>,
): Promise<void> {
  for (const point of run.points) {
    if (stopped(ctx, result, `before ${point.label}`)) break;
    const got = await obtainAutoencoder(ctx, {
      latent: point.latent,
      capacity: point.capacity,
      cfg: run.cfg,
      data: run.data,
      name: point.label,
      experiment: result.experiment,
      stop: run.stop,
    });
    try {
      result.stopReasons[point.label] = got.stopReason;
      if (got.bytes) result.weights.push({ key: got.key, bytes: got.bytes });
      await use(got, point);
    } finally {
      got.model.dispose();
    }
  }
}

/** Originals in the first row, reconstructions in the second, labelled by digit. */
export async function reconstructionGrid(
  ctx: ExperimentContext,
  model: ConvAutoencoder,
  data: MnistData,
  id: string,
  title: string,
  n = 10,
): Promise<ImageGrid> {
  const x = firstImages(data.test, n);
  const count = x.length / PIXELS;
  const recon = await reconstruct(ctx, (g, t) => model.forward(g, t), imageShape, x, PIXELS);
  const images = new Float32Array(2 * count * PIXELS);
  images.set(x, 0);
  images.set(recon, count * PIXELS);
  const digits = Array.from(data.test.labels.subarray(0, count), String);
  return {
    id,
    title,
    images,
    count: 2 * count,
    cols: count,
    labels: [...digits.map((d) => `original ${d}`), ...digits.map((d) => `reconstruction ${d}`)],
  };
}

/** The last epoch's train and test losses of a run (NaN when missing). */
export function finalLosses(run: TrainRun): { train: number; test: number } {
  const last = run.epochs[run.epochs.length - 1];
  return { train: last?.trainLoss ?? NaN, test: last?.testLoss ?? NaN };
}

/**
 * Final train and test losses: the last epoch of the run, or, for reused weights, the MSE evaluated
 * now over the configured subsets (on the GPU).
 */
export async function modelLosses(
  ctx: ExperimentContext,
  got: ObtainedModel,
  data: MnistData,
  batch: number,
): Promise<{ train: number; test: number }> {
  if (got.run) return finalLosses(got.run);
  const spec = {
    forward: (g: Graph, x: Tensor) => got.model.forward(g, x),
    inputShape: imageShape,
    loss: 'mse' as const,
    batchSize: batch,
  };
  const train = (await evaluateLoss(ctx.runtime, spec, data.train)).loss;
  const test = (await evaluateLoss(ctx.runtime, spec, data.test)).loss;
  return { train, test };
}
