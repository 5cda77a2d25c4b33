// model.ts: one fully connected autoencoder of the first report — its data, training (or reuse of
// weights handed in), evaluation and sample reconstructions. Shared by every fc-* experiment.
// Imports nn, graph, experiments (train, datasets, runtime, types), util.
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import { FcAutoencoder } from '../../nn/autoencoders';
import { loadSafetensors, saveSafetensors } from '../../nn/state';
import { prepare, type Prepared, type PreparedSplit } from '../datasets';
import { adapterName } from '../../gpu/index';
import { infer, trainModel, type Samples, type TrainRun } from '../train';
import type { Chart, ExperimentContext, ExperimentResult, ImageGrid, Progress } from '../types';
import { effectiveSlope, learningRate, weightKey, type FcModelConfig } from './config';
import { LOSS_HEADS } from './heads';
import { reconstructionErrors, targetRange, type ReconstructionError } from './metrics';

/** Fashion-MNIST with the reports' 'global' preprocessing (x/255), a seeded subset of each split. */
export function loadData(
  ctx: ExperimentContext,
  c: Pick<FcModelConfig, 'trainSize' | 'testSize' | 'seed'>,
): Promise<Prepared> {
  return prepare('fashion-mnist', {
    trainSize: c.trainSize,
    testSize: c.testSize,
    seed: c.seed,
    mode: 'global',
    baseUrl: ctx.dataBaseUrl,
  });
}

export function emit(
  ctx: ExperimentContext,
  experiment: string,
  stage: string,
  message: string,
  extra: Partial<Progress> = {},
): void {
  ctx.onProgress?.({ experiment, stage, message, ...extra });
}

export function buildModel(
  ctx: ExperimentContext,
  c: Pick<FcModelConfig, 'latent' | 'activation' | 'slope' | 'seed'>,
): FcAutoencoder {
  return new FcAutoencoder(ctx.runtime.gpu, {
    latent: c.latent,
    activation: c.activation,
    slope: effectiveSlope(c.activation, c.slope),
    seed: c.seed,
  });
}

export interface TrainedModel {
  model: FcAutoencoder;
  key: string;
  /** True when the weights came from ctx.weights instead of training. */
  reused: boolean;
  /** The training run (null when reused or epochs = 0). */
  run: TrainRun | null;
  /** Why training stopped (or why there was none). */
  stopReason: string;
  /** The weights as safetensors (present when this call trained them). */
  bytes: Uint8Array | null;
}

function samples(split: PreparedSplit, c: FcModelConfig): Samples {
  const y = LOSS_HEADS[c.loss].targets(split.x, split.count, split.width);
  return y
    ? { x: split.x, width: split.width, count: split.count, y, targetWidth: split.width }
    : { x: split.x, width: split.width, count: split.count };
}

/**
 * The model of setting `c`: weights from ctx.weights under its key when present (or under
 * `explicitKey`), else trained now. The caller owns the model (dispose() it).
 */
export async function trainOrLoad(
  ctx: ExperimentContext,
  experiment: string,
  c: FcModelConfig,
  data: Prepared,
  name: string,
  explicitKey?: string,
): Promise<TrainedModel> {
  const key = explicitKey ?? weightKey(c);
  const model = buildModel(ctx, c);
  try {
    const stored = ctx.weights?.get(key);
    if (stored) {
      loadSafetensors(model, stored, `${key}.safetensors`);
      emit(ctx, experiment, `load ${name}`, `${name}: reusing the weights "${key}"`);
      return { model, key, reused: true, run: null, stopReason: `weights "${key}" reused (not trained)`, bytes: null };
    }
    if (c.epochs === 0)
      return { model, key, reused: false, run: null, stopReason: 'epochs = 0: initial weights evaluated', bytes: null };
    const head = LOSS_HEADS[c.loss];
    const lr = learningRate(c);
    const run = await trainModel(
      ctx.runtime,
      {
        name,
        model,
        forward: (g, x) => head.prediction(g, model.forward(g, x)),
        inputShape: (n) => [n, 784],
        loss: head.engineLoss,
        train: samples(data.train, c),
        test: samples(data.test, c),
        optimizer: c.optimizer,
        optimizerOptions: lr === undefined ? {} : { lr },
        batchSize: c.batch,
        stop: { maxEpochs: c.epochs },
        seed: c.seed,
      },
      { signal: ctx.signal, onProgress: ctx.onProgress, recover: ctx.recover, experiment },
    );
    const meta = Object.fromEntries(Object.entries({ ...c, key, steps: run.steps }).map(([k, v]) => [k, String(v)]));
    const bytes = await saveSafetensors(model, meta);
    return { model, key, reused: false, run, stopReason: run.stopReason, bytes };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The outputs whose error is reported: the image the model shows, and the raw output where it differs. */
export function outputsOf(model: FcAutoencoder, c: Pick<FcModelConfig, 'loss'>) {
  const head = LOSS_HEADS[c.loss];
  return (g: Graph, x: Tensor): Record<string, Tensor> => {
    const raw = model.forward(g, x);
    return head.separateImage ? { image: head.image(g, raw, x), raw } : { image: raw };
  };
}

export interface Evaluation {
  train: Record<string, ReconstructionError>;
  test: Record<string, ReconstructionError>;
  /** nrmse_train, nrmse_test, mse_train, mse_test, and *_raw where the shown image is not the raw output. */
  metrics: Record<string, number>;
}

/** NRMSE and MSE of the shown image (and of the raw output) on both splits, on the GPU. */
export async function evaluate(
  ctx: ExperimentContext,
  experiment: string,
  model: FcAutoencoder,
  c: FcModelConfig,
  data: Prepared,
  name: string,
): Promise<Evaluation> {
  emit(
    ctx,
    experiment,
    `evaluate ${name}`,
    `${name}: NRMSE over ${data.train.count} training and ${data.test.count} test images`,
  );
  const build = outputsOf(model, c);
  const train = await reconstructionErrors(ctx.runtime, build, data.train, { range: targetRange(data.train.x) });
  const test = await reconstructionErrors(ctx.runtime, build, data.test, { range: targetRange(data.test.x) });
  const metrics: Record<string, number> = {};
  for (const [split, errs] of [
    ['train', train],
    ['test', test],
  ] as const) {
    for (const [k, e] of Object.entries(errs)) {
      const suffix = k === 'image' ? '' : `_${k}`;
      metrics[`nrmse_${split}${suffix}`] = e.nrmse;
      metrics[`mse_${split}${suffix}`] = e.mse;
    }
  }
  return { train, test, metrics };
}

/** The first `count` test images. */
export function firstImages(split: PreparedSplit, count: number): Float32Array {
  return split.x.slice(0, Math.min(count, split.count) * split.width);
}

const clamp01 = (a: Float32Array) => a.map((v) => Math.min(1, Math.max(0, v)));

/** Reconstructions of `images` (rows of 784): the raw output and, where it differs, the shown image; clamped to [0, 1] for display. */
export async function reconstruct(
  ctx: ExperimentContext,
  model: FcAutoencoder,
  c: Pick<FcModelConfig, 'loss'>,
  images: Float32Array,
): Promise<{ raw: Float32Array; image: Float32Array }> {
  const n = images.length / 784;
  const build = outputsOf(model, c);
  const raw = await infer(
    ctx.runtime,
    (g, x) => model.forward(g, x),
    (k) => [k, 784],
    images,
    n,
  );
  const image = LOSS_HEADS[c.loss].separateImage
    ? await infer(
        ctx.runtime,
        (g, x) => build(g, x).image!,
        (k) => [k, 784],
        images,
        n,
      )
    : raw;
  return { raw: clamp01(raw), image: clamp01(image) };
}

/** A grid of rows of equal length (originals first), one label per image. */
export function imageGrid(id: string, title: string, rows: { label: string; images: Float32Array }[]): ImageGrid {
  const cols = rows[0]!.images.length / 784;
  const images = new Float32Array(rows.length * cols * 784);
  rows.forEach((r, i) => images.set(r.images, i * cols * 784));
  return {
    id,
    title,
    images,
    count: rows.length * cols,
    cols,
    labels: rows.flatMap((r) => Array<string>(cols).fill(r.label)),
  };
}

/** Per-epoch train/test loss series of a run, named `<prefix>train` / `<prefix>test`. */
export function lossSeries(run: TrainRun | null, prefix = ''): Chart['series'] {
  if (!run || run.epochs.length === 0) return [];
  const x = run.epochs.map((e) => e.epoch);
  const out: Chart['series'] = [{ name: `${prefix}train`, x, y: run.epochs.map((e) => e.trainLoss) }];
  if (run.epochs.every((e) => e.testLoss !== undefined))
    out.push({ name: `${prefix}test`, x, y: run.epochs.map((e) => e.testLoss!) });
  return out;
}

/** An empty result for `experiment`, filled in by the caller. */
export function emptyResult(ctx: ExperimentContext, experiment: string, config: object): ExperimentResult {
  return {
    experiment,
    config: { ...config },
    metrics: {},
    charts: [],
    grids: [],
    tables: [],
    heatmaps: [],
    weights: [],
    stopReasons: {},
    adapter: adapterName(ctx.runtime.gpu.adapter),
    elapsedMs: 0,
    notes: [],
  };
}

/** Formats a number for notes and tables. */
export const fmtNum = (v: number | undefined, digits = 4): string =>
  v === undefined || !Number.isFinite(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(digits);
