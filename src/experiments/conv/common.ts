// common.ts: what the second report's experiments share — MNIST as training samples, the weight keys,
// getting a trained convolutional autoencoder (reused from ctx.weights or trained here), result
// scaffolding and a few formatting helpers. Imports nn, data (through ../datasets), graph (through
// ../train), util; no DOM.
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import { ConvAutoencoder } from '../../nn/conv-autoencoder';
import { loadSafetensors, saveSafetensors } from '../../nn/state';
import { ConfigError } from '../../util/errors';
import type { Shape } from '../../util/shape';
import { prepare } from '../datasets';
import { describeAdapter } from '../runtime';
import { evaluateLoss, infer, trainModel, type Samples, type TrainRun } from '../train';
import type { ExperimentContext, ExperimentResult, ImageGrid } from '../types';
import type { ConvTrainConfig, StopOptions } from './config';

/** A batch of n MNIST images as the conv autoencoder takes them. */
export const imageShape = (n: number): Shape => [n, 1, 28, 28];
export const PIXELS = 784;

/** The weight key of a trained conv autoencoder: `conv:latent=<L>:c=<c>:seed=<n>`. */
export function convKey(latent: number, capacity: number, seed: number): string {
  return `conv:latent=${latent}:c=${capacity}:seed=${seed}`;
}

export interface MnistData {
  train: Samples;
  test: Samples;
  trainLabels: Uint8Array;
  testLabels: Uint8Array;
}

/** A seeded MNIST subset with the reports' 'global' preprocessing, as unsupervised samples. */
export async function loadMnist(
  ctx: ExperimentContext,
  cfg: Pick<ConvTrainConfig, 'trainSize' | 'testSize' | 'seed'>,
): Promise<MnistData> {
  const p = await prepare('mnist', {
    trainSize: cfg.trainSize,
    testSize: cfg.testSize,
    seed: cfg.seed,
    mode: 'global',
    baseUrl: ctx.dataBaseUrl,
  });
  return {
    train: { x: p.train.x, width: PIXELS, count: p.train.count },
    test: { x: p.test.x, width: PIXELS, count: p.test.count },
    trainLabels: p.train.labels,
    testLabels: p.test.labels,
  };
}

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
  progress(ctx, experiment, 'load data', `loading MNIST (${sizes.trainSize} train / ${sizes.testSize} test)`);
  return { started, result, data: await loadMnist(ctx, sizes) };
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

export interface ObtainedModel {
  model: ConvAutoencoder;
  key: string;
  /** The training run, or null when the weights came from ctx.weights. */
  run: TrainRun | null;
  /** The trained weights as safetensors (null when reused, stopped by the user or failed). */
  bytes: Uint8Array | null;
}

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
export async function obtainAutoencoder(ctx: ExperimentContext, spec: ObtainSpec): Promise<ObtainedModel> {
  const { latent, capacity, cfg } = spec;
  const key = convKey(latent, capacity, cfg.seed);
  const model = new ConvAutoencoder(ctx.runtime.gpu, { latent, capacity, seed: cfg.seed });
  try {
    const stored = cfg.weights !== 'train' ? ctx.weights?.get(key) : undefined;
    if (stored) {
      loadSafetensors(model, stored, key);
      progress(ctx, spec.experiment, `load ${spec.name}`, `${spec.name}: reusing trained weights "${key}"`);
      return { model, key, run: null, bytes: null };
    }
    const run = await trainModel(
      ctx.runtime,
      {
        name: spec.name,
        model,
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
      { signal: ctx.signal, onProgress: ctx.onProgress, recover: ctx.recover, experiment: spec.experiment },
    );
    const complete = !run.failed && !ctx.signal?.aborted;
    const metadata = {
      key,
      latent: String(latent),
      capacity: String(capacity),
      seed: String(cfg.seed),
      epochs: String(run.epochs.length),
      trainSize: String(spec.data.train.count),
      lr: String(cfg.lr),
      batch: String(cfg.batch),
      stopReason: run.stopReason,
    };
    return { model, key, run, bytes: complete ? await saveSafetensors(model, metadata) : null };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The empty result of an experiment, filled in by its run. */
export function newResult(ctx: ExperimentContext, experiment: string, config: object): ExperimentResult {
  return {
    experiment,
    config: { ...config } as Record<string, unknown>,
    metrics: {},
    charts: [],
    grids: [],
    tables: [],
    heatmaps: [],
    weights: [],
    stopReasons: {},
    adapter: describeAdapter(ctx.runtime).name,
    elapsedMs: 0,
    notes: [],
  };
}

export function progress(ctx: ExperimentContext, experiment: string, stage: string, message: string): void {
  ctx.onProgress?.({ experiment, stage, message });
}

/** True (and a note saying so) when the user aborted; the run then returns what it has. */
export function stopped(ctx: ExperimentContext, result: ExperimentResult, what: string): boolean {
  if (!ctx.signal?.aborted) return false;
  if (!result.notes.some((n) => n.startsWith('Stopped by the user')))
    result.notes.push(`Stopped by the user ${what}; the results are partial.`);
  return true;
}

/** The first n rows of a samples set (n clipped to what is there). */
export function firstImages(s: Samples, n: number): { x: Float32Array; count: number } {
  const count = Math.min(n, s.count);
  return { x: s.x.subarray(0, count * s.width), count };
}

/** Reconstructions of `count` images by `model` (on the GPU, batched). */
export function reconstruct(
  ctx: ExperimentContext,
  model: ConvAutoencoder,
  x: Float32Array,
  count: number,
): Promise<Float32Array> {
  return infer(ctx.runtime, (g, t) => model.forward(g, t), imageShape, x, count);
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
  const { x, count } = firstImages(data.test, n);
  const recon = await reconstruct(ctx, model, x, count);
  const images = new Float32Array(2 * count * PIXELS);
  images.set(x, 0);
  images.set(recon, count * PIXELS);
  const digits = Array.from(data.testLabels.subarray(0, count), String);
  return {
    id,
    title,
    images,
    count: 2 * count,
    cols: count,
    labels: [...digits.map((d) => `original ${d}`), ...digits.map((d) => `reconstruction ${d}`)],
  };
}

/** A loss to four significant digits. */
export const sig = (v: number, digits = 4): string =>
  Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v);

/** "a (3), b (5), ..." from values keyed by a sweep variable. */
export function listBy(keys: readonly number[], values: readonly number[], label = ''): string {
  return keys.map((k, i) => `${sig(values[i]!)} (${label}${k})`).join(', ');
}

/** Whether values strictly fall along the list; otherwise the first pair where they do not. */
export function fallsAlong(
  keys: readonly number[],
  values: readonly number[],
): { falls: boolean; at?: [number, number] } {
  for (let i = 1; i < values.length; i++)
    if (!(values[i]! < values[i - 1]!)) return { falls: false, at: [keys[i - 1]!, keys[i]!] };
  return { falls: true };
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
