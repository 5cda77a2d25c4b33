// metrics.ts: the first report's reconstruction error, defined once — MSE and NRMSE of a whole split,
// computed on the GPU in batches. Imports graph, ops, util.
//
// For targets y and outputs ŷ over all N images and D pixels of a split:
//
//   MSE   = (1 / (N·D)) · Σₙ Σ_d (ŷₙd − yₙd)²
//   RMSE  = √MSE
//   NRMSE = RMSE / (max(y) − min(y))          max and min over every pixel of the target split
//
// With the reports' 'global' preprocessing Fashion-MNIST pixels are x/255, so the range is 1 and
// NRMSE equals RMSE (the range is still measured, not assumed). The squared error of each batch is
// summed on the GPU (the mseLoss op, a mean over the batch's n·D terms); the batch means are
// weighted by n and added in float64 on the CPU, so the last, smaller batch counts correctly.
import { runBatched } from '../batched';
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import { mseLoss } from '../../ops/loss';
import { ConfigError, ShapeError } from '../../util/errors';
import type { Runtime } from '../runtime';

export interface ReconstructionError {
  mse: number;
  rmse: number;
  nrmse: number;
  /** max − min of the target split (the NRMSE denominator). */
  range: number;
}

/** Rows of a split: `count` samples of `width` floats each. */
export interface Rows {
  x: Float32Array;
  count: number;
  width: number;
}

/** max − min over every value of `x` (one CPU pass over the prepared data). */
export function targetRange(x: Float32Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}

/** The NRMSE formula above, from a mean squared error and the target range. */
export function errorFromMse(mse: number, range: number): ReconstructionError {
  if (!(range > 0))
    throw new ConfigError(
      `nrmse: the target range is ${range}; expected max − min > 0 (a constant target has no NRMSE).`,
    );
  const rmse = Math.sqrt(mse);
  return { mse, rmse, nrmse: rmse / range, range };
}

/** Default rows per evaluation batch. */
export const EVAL_BATCH = 512;

/**
 * MSE and NRMSE against the inputs themselves (autoencoder targets) of every output `outputs` builds
 * from a batch x, e.g. { image, raw }. Each output must have x's shape. One graph per batch size
 * (the full batch and the remainder), compiled once and freed before returning.
 */
export async function reconstructionErrors<K extends string>(
  runtime: Runtime,
  outputs: (g: Graph, x: Tensor) => Record<K, Tensor>,
  data: Rows,
  options: { batchSize?: number; range?: number } = {},
): Promise<Record<K, ReconstructionError>> {
  const { x, count, width } = data;
  if (x.length !== count * width)
    throw new ShapeError(
      `reconstructionErrors: data holds ${x.length} values; expected count × width = ${count} × ${width}, got ${x.length}.`,
    );
  const B = Math.min(options.batchSize ?? EVAL_BATCH, count);
  const range = options.range ?? targetRange(x);
  const sums = new Map<K, number>();
  await runBatched(
    runtime,
    count,
    B,
    (g, n) => {
      const input = g.input('x', [n, width]);
      const outs = outputs(g, input);
      const keys = Object.keys(outs) as K[];
      const losses = keys.map((k) => {
        const out = outs[k];
        if (out.shape.length !== 2 || out.shape[0] !== n || out.shape[1] !== width) {
          throw new ShapeError(
            `reconstructionErrors: output "${k}" has shape [${out.shape.join(',')}]; expected the input's [${n},${width}].`,
          );
        }
        return g.apply(mseLoss, [out, input], {}, `mse:${k}`);
      });
      return { keep: losses, graph: { input, keys, losses } };
    },
    async ({ exe, graph, start, n }) => {
      exe.write(graph.input, x.subarray(start * width, (start + n) * width));
      exe.run();
      for (let i = 0; i < graph.keys.length; i++) {
        const mean = (await exe.read(graph.losses[i]!))[0]!;
        sums.set(graph.keys[i]!, (sums.get(graph.keys[i]!) ?? 0) + mean * n);
      }
    },
    'nrmse',
  );
  const result = {} as Record<K, ReconstructionError>;
  for (const [k, s] of sums) result[k] = errorFromMse(s / count, range);
  return result;
}
