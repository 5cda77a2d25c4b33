// models.ts: what every experiment does with a model — load its seeded dataset subset, train it or
// reuse weights handed in, and run it over a few images. Imports nn (state), graph types, data types,
// experiments (datasets, train, types), util.
import type { DatasetName } from '../../data/types';
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import type { Module } from '../../nn/module';
import { loadSafetensors, saveSafetensors } from '../../nn/state';
import type { Shape } from '../../util/shape';
import { type Prepared, prepare, prepareUserData } from '../datasets';
import { infer, type TrainRun, type TrainSpec, trainModel } from '../train';
import type { ExperimentContext } from '../types';
import { progress } from './result';

/** Experiments that cannot run on unlabelled images, and why. */
const NEEDS_LABELS: Readonly<Record<string, string>> = {
  'conv-transfer': 'conv-transfer trains a classifier on the classes.',
  'conv-interpolate': 'conv-interpolate picks two images of different classes.',
};

/**
 * A seeded subset of each split of `dataset` with the reports' 'global' preprocessing (x/255), or,
 * when ctx.data holds the learner's own images, a seeded train/test split of those instead.
 */
export async function loadSplits(
  ctx: ExperimentContext,
  experiment: string,
  dataset: DatasetName,
  sizes: { trainSize: number; testSize: number; seed: number },
): Promise<Prepared> {
  if (ctx.data) {
    const { name, images } = ctx.data;
    progress(
      ctx,
      experiment,
      'load data',
      `splitting ${images.count} images of ${name}: ${sizes.trainSize} / ${sizes.testSize}`,
    );
    return prepareUserData(images, name, { ...sizes, mode: 'global', requireLabels: NEEDS_LABELS[experiment] });
  }
  progress(ctx, experiment, 'load data', `loading ${sizes.trainSize} / ${sizes.testSize} ${dataset} images`);
  return prepare(dataset, {
    trainSize: sizes.trainSize,
    testSize: sizes.testSize,
    seed: sizes.seed,
    mode: 'global',
    baseUrl: ctx.dataBaseUrl,
  });
}

/** A model to train or to fill from ctx.weights. */
export interface TrainOrReuseSpec<M extends Module & { dispose(): void }> {
  experiment: string;
  /** Names the run in progress and stopReasons, e.g. "latent=8". */
  name: string;
  /** Its key in ctx.weights and in the result's weights. */
  key: string;
  /** The freshly built model; disposed here if this call throws, else the caller's. */
  model: M;
  /** Whether weights handed in under `key` may be used instead of training. */
  reuse: boolean;
  /** How to train it (name and model are filled in); null trains nothing (`untrained` says why). */
  training: Omit<TrainSpec, 'name' | 'model'> | null;
  untrained?: string;
  /** The safetensors metadata of the trained weights. */
  metadata(run: TrainRun): Record<string, string>;
  /** Keep the weights of a run that was stopped or ended on a non-finite loss (default: only finished runs). */
  keepUnfinished?: boolean;
}

export interface Obtained<M> {
  model: M;
  key: string;
  /** True when the weights came from ctx.weights. */
  reused: boolean;
  /** The training run; null when reused or nothing was trained. */
  run: TrainRun | null;
  /** Why training stopped, or why there was none. */
  stopReason: string;
  /** The trained weights as safetensors (null when reused, untrained, or unfinished and not kept). */
  bytes: Uint8Array | null;
}

/** The reason recorded for a model whose weights were handed in. */
export const reusedReason = (key: string): string => `weights "${key}" reused from ctx.weights (not trained)`;

/**
 * A trained model: loaded from ctx.weights when allowed and the key is there, otherwise trained now
 * (or left at its initial weights when `training` is null). The caller owns (and disposes) the model.
 */
export async function trainOrReuse<M extends Module & { dispose(): void }>(
  ctx: ExperimentContext,
  spec: TrainOrReuseSpec<M>,
): Promise<Obtained<M>> {
  const { model, key, name, experiment } = spec;
  try {
    const stored = spec.reuse ? ctx.weights?.get(key) : undefined;
    if (stored) {
      loadSafetensors(model, stored, `${key}.safetensors`);
      progress(ctx, experiment, `load ${name}`, `${name}: reusing the trained weights "${key}"`);
      return { model, key, reused: true, run: null, stopReason: reusedReason(key), bytes: null };
    }
    if (spec.training === null)
      return { model, key, reused: false, run: null, stopReason: spec.untrained ?? 'not trained', bytes: null };
    const run = await trainModel(
      ctx.runtime,
      { ...spec.training, name, model },
      { signal: ctx.signal, onProgress: ctx.onProgress, recover: ctx.recover, store: ctx.checkpoints, experiment },
    );
    const finished = !run.failed && !ctx.signal?.aborted;
    const bytes = finished || spec.keepUnfinished ? await saveSafetensors(model, spec.metadata(run)) : null;
    return { model, key, reused: false, run, stopReason: run.stopReason, bytes };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Rows of images: `count` of `width` floats each. */
export interface ImageRows {
  x: Float32Array;
  width: number;
  count: number;
}

/** A copy of the first `n` rows (fewer when there are fewer). */
export function firstImages(rows: ImageRows, n: number): Float32Array {
  return rows.x.slice(0, Math.min(n, rows.count) * rows.width);
}

/** A function of the model (its output, a code, …) over `images` (rows of `width`), on the GPU in batches. */
export function reconstruct(
  ctx: ExperimentContext,
  forward: (g: Graph, x: Tensor) => Tensor,
  inputShape: (n: number) => Shape,
  images: Float32Array,
  width: number,
): Promise<Float32Array> {
  return infer(ctx.runtime, forward, inputShape, images, images.length / width);
}
