// model.ts: one fully connected autoencoder of the first report — its data, training (or reuse of
// weights handed in, through the kit), evaluation and sample reconstructions. Shared by every fc-*
// experiment. Imports nn, graph, experiments (kit, train, datasets, types), util.
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import { FcAutoencoder } from '../../nn/autoencoders';
import type { Prepared, PreparedSplit } from '../datasets';
import { loadSplits, type Obtained, progress, reconstruct, trainOrReuse } from '../kit/index';
import type { Samples, TrainRun } from '../train';
import type { Chart, ExperimentContext, ImageGrid } from '../types';
import { effectiveSlope, type FcModelConfig, learningRate, weightKey } from './config';
import { LOSS_HEADS } from './heads';
import { reconstructionErrors, targetRange, type ReconstructionError } from './metrics';

/** Fashion-MNIST with the reports' 'global' preprocessing (x/255), a seeded subset of each split. */
export function loadData(
  ctx: ExperimentContext,
  c: Pick<FcModelConfig, 'trainSize' | 'testSize' | 'seed'>,
  experiment = 'fc',
): Promise<Prepared> {
  return loadSplits(ctx, experiment, 'fashion-mnist', c);
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

/** A model of the first report, trained here or reused. */
export type TrainedModel = Obtained<FcAutoencoder>;

function samples(split: PreparedSplit, c: FcModelConfig): Samples {
  const y = LOSS_HEADS[c.loss].targets(split.x, split.count, split.width);
  return y
    ? { x: split.x, width: split.width, count: split.count, y, targetWidth: split.width }
    : { x: split.x, width: split.width, count: split.count };
}

/**
 * The model of setting `c`: weights from ctx.weights under its key when present (or under
 * `explicitKey`), else trained now (epochs = 0: left at its initial weights). The caller owns the
 * model (dispose() it).
 */
export function trainOrLoad(
  ctx: ExperimentContext,
  experiment: string,
  c: FcModelConfig,
  data: Prepared,
  name: string,
  explicitKey?: string,
): Promise<TrainedModel> {
  const key = explicitKey ?? weightKey(c);
  const head = LOSS_HEADS[c.loss];
  const model = buildModel(ctx, c);
  const lr = learningRate(c);
  return trainOrReuse(ctx, {
    experiment,
    name,
    key,
    model,
    reuse: true,
    training:
      c.epochs === 0
        ? null
        : {
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
    untrained: 'epochs = 0: initial weights evaluated',
    metadata: (run) =>
      Object.fromEntries(Object.entries({ ...c, key, steps: run.steps }).map(([k, v]) => [k, String(v)])),
    keepUnfinished: true,
  });
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
  progress(
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

const clamp01 = (a: Float32Array) => a.map((v) => Math.min(1, Math.max(0, v)));

/** Reconstructions of `images` (rows of 784): the raw output and, where it differs, the shown image; clamped to [0, 1] for display. */
export async function reconstructions(
  ctx: ExperimentContext,
  model: FcAutoencoder,
  c: Pick<FcModelConfig, 'loss'>,
  images: Float32Array,
): Promise<{ raw: Float32Array; image: Float32Array }> {
  const shape = (k: number) => [k, 784];
  const raw = await reconstruct(ctx, (g, x) => model.forward(g, x), shape, images, 784);
  const build = outputsOf(model, c);
  const image = LOSS_HEADS[c.loss].separateImage
    ? await reconstruct(ctx, (g, x) => build(g, x).image!, shape, images, 784)
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
