// stats.ts: softmax / log-softmax over the last axis (log-softmax with a gradient), and statistics with
// no gradient: column mean and standard deviation, the Pearson correlation matrix, the mean
// |off-diagonal| of a square matrix, and the Frobenius norm. Imports kernels, gpu types, util, and the
// ops it is composed from (matmul for the covariance; mul, sub and the row sums for log-softmax's gradient).
import type { ManagedBuffer } from '../gpu/buffers';
import { SHADERS } from '../kernels/shaders';
import { ceilDiv, groupPerItem, threadGrid, type Sized } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, numel, type Shape } from '../util/shape';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import { mul, sub } from './elementwise';
import { matmul } from './matmul';
import { broadcastCols, sumCols } from './reduce';
import {
  columnMeanRef,
  columnStdRef,
  frobeniusNormRef,
  meanAbsOffDiagonalRef,
  pearsonRef,
  softmaxRef,
} from './stats.ref';

type NoAttrs = Record<string, never>;

interface StatsParams {
  n: number;
  cols: number;
  kind?: number;
  root?: number;
  alpha?: number;
}

/** One call site of a stats.wgsl entry, its grid from the kernel; fields an entry does not use are bound as 0. */
function site(
  ctx: BuildContext,
  entry: string,
  resources: Record<string, ManagedBuffer>,
  p: StatsParams,
  grid: (kernel: Sized) => readonly [number, number, number],
): Dispatch {
  const kernel = ctx.registry.kernel(SHADERS.stats, entry);
  const params = { n: p.n, cols: p.cols, kind: p.kind ?? 0, root: p.root ?? 0, alpha: p.alpha ?? 1 };
  return { bound: ctx.registry.bind(kernel, resources, params), workgroups: grid(kernel) };
}

/** One thread per element (or row). */
const perThread = (n: number) => (kernel: Sized) => threadGrid(kernel, n);
/** One workgroup per column, wrapping onto y past 65,535 columns (the shader's column index). */
const perColumn = (cols: number) => () => groupPerItem(cols);
/** A fixed number of workgroups (a grid-stride pass). */
const groupsOf = (groups: number) => (): [number, number, number] => [groups, 1, 1];

/** Terms each reduce_sum thread adds, at least, before the workgroup tree. */
const TERMS_PER_THREAD = 4;
/** The most partials the first reduce_sum pass writes; the second pass, one workgroup, adds them up. */
const MAX_PARTIALS = 1024;

/**
 * Σ f(x) over n elements into out [1]: a grid-stride pass into at most MAX_PARTIALS partials, then one
 * pass over those. The last pass scales by alpha and takes the square root when `root` is 1.
 */
function reduceSites(
  ctx: BuildContext,
  name: string,
  x: ManagedBuffer,
  out: ManagedBuffer,
  n: number,
  cols: number,
  kind: number,
  alpha: number,
  root: number,
): Dispatch[] {
  const wg = ctx.registry.kernel(SHADERS.stats, 'reduce_sum').workgroupSize[0];
  const groups = Math.min(ceilDiv(n, wg * TERMS_PER_THREAD), MAX_PARTIALS);
  if (groups === 1) return [site(ctx, 'reduce_sum', { x, out }, { n, cols, kind, alpha, root }, groupsOf(1))];
  const partials = ctx.scratch(`${name}.reduce_sum:partials`, groups);
  return [
    site(ctx, 'reduce_sum', { x, out: partials }, { n, cols, kind }, groupsOf(groups)),
    site(ctx, 'reduce_sum', { x: partials, out }, { n: groups, cols: 1, kind: 0, alpha, root }, groupsOf(1)),
  ];
}

function rowsCols(name: string, s: Shape, minRows = 1): [number, number] {
  if (s.length !== 2 || s[0]! < minRows) {
    const rows = minRows > 1 ? ` with at least ${minRows} rows` : '';
    throw new ShapeError(`${name}: expected a 2-D [rows, cols] matrix${rows}; got ${fmt(s)}.`);
  }
  return [s[0]!, s[1]!];
}

function lastAxis(name: string) {
  return ([x]: readonly Shape[]): Shape => {
    if (x!.length < 1) throw new ShapeError(`${name}: expected at least one axis; got ${fmt(x!)}.`);
    return x!;
  };
}

function softmaxOp(name: string, log: boolean, backward: OpDef<NoAttrs>['backward']): OpDef<NoAttrs> {
  return defineOp<NoAttrs>({
    name,
    inferShape: lastAxis(name),
    build: (ctx, [x], [s], out) => {
      const cols = s![s!.length - 1]!;
      const rows = numel(s!) / cols;
      return [site(ctx, 'softmax_rows', { x: x!, out }, { n: rows, cols, kind: log ? 1 : 0 }, perThread(rows))];
    },
    reference: ([x], [s]) => softmaxRef(x!, s![s!.length - 1]!, log),
    backward,
  });
}

/** softmax over the last axis, exp(x − max) / Σ exp(x − max) per row: [..., C] → [..., C]. */
export const softmax: OpDef<NoAttrs> = softmaxOp('softmax', false, 'none');

/**
 * log-softmax over the last axis, (x − max) − log Σ exp(x − max) per row: [..., C] → [..., C].
 * Gradient: dx = dy − softmax(x) · Σ_j dy_j, per row.
 */
export const logSoftmax: OpDef<NoAttrs> = softmaxOp('logSoftmax', true, (g, { inputs: [x], dy }) => {
  const p = g.apply(softmax, [x!], {});
  const rowSum = g.apply(broadcastCols, [g.apply(sumCols, [dy], {}), dy], {});
  return [g.apply(sub, [dy, g.apply(mul, [p, rowSum], {})], {})];
});

/** Mean of each column: [N, D] → [D]. Computed about the first row, so a constant column is exact. */
export const columnMean: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'columnMean',
  inferShape: ([x]) => [rowsCols('columnMean', x!)[1]],
  build: (ctx, [x], [s], out) => {
    const [rows, cols] = rowsCols('columnMean', s!);
    return [site(ctx, 'col_mean', { x: x!, out }, { n: rows, cols, kind: 0 }, perColumn(cols))];
  },
  reference: ([x], [s]) => columnMeanRef(x!, ...rowsCols('columnMean', s!)),
  backward: 'none',
});

/**
 * SAMPLE standard deviation of each column (divisor N − 1, like torch.std's default and consistent with
 * numpy.corrcoef): [N, D] → [D]; N must be at least 2. Two passes about the shifted mean, so a constant
 * column gives exactly 0.
 */
export const columnStd: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'columnStd',
  inferShape: ([x]) => [rowsCols('columnStd', x!, 2)[1]],
  build: (ctx, [x], [s], out) => {
    const [rows, cols] = rowsCols('columnStd', s!, 2);
    return [site(ctx, 'col_std', { x: x!, out }, { n: rows, cols }, perColumn(cols))];
  },
  reference: ([x], [s]) => columnStdRef(x!, ...rowsCols('columnStd', s!, 2)),
  backward: 'none',
});

/**
 * Pearson correlation matrix of the columns of x: [N, D] → [D, D], columns are the variables (like
 * numpy.corrcoef(x, rowvar=False)). The columns are centered first (about their first row, then their
 * shifted mean, so a constant column centers to exactly 0), the covariance is a matmul xcᵀ·xc, and
 * r_ij = c_ij / (√c_ii √c_jj), clamped to [−1, 1] and exactly symmetric.
 * NaN-free convention: the diagonal is exactly 1, and a column with zero variance (constant) has
 * correlation 0 with every other column, where numpy would give NaN.
 * Scratch: D means, N·D centered values, D·D covariances.
 */
export const pearson: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'pearson',
  inferShape: ([x]) => {
    const d = rowsCols('pearson', x!)[1];
    return [d, d];
  },
  build: (ctx, [x], [s], out) => {
    const [rows, cols] = rowsCols('pearson', s!);
    const means = ctx.scratch('pearson.col_mean:m', cols);
    const centered = ctx.scratch('pearson.center:out', rows * cols);
    const cov = ctx.scratch('pearson.matmul:cov', cols * cols);
    return [
      site(ctx, 'col_mean', { x: x!, out: means }, { n: rows, cols, kind: 1 }, perColumn(cols)),
      site(ctx, 'center', { x: x!, m: means, out: centered }, { n: rows * cols, cols }, perThread(rows * cols)),
      ...matmul.build(
        ctx,
        [centered, centered],
        [
          [rows, cols],
          [rows, cols],
        ],
        cov,
        [cols, cols],
        { transA: true },
      ),
      site(ctx, 'corr_normalize', { cov, out }, { n: cols * cols, cols }, perThread(cols * cols)),
    ];
  },
  reference: ([x], [s]) => pearsonRef(x!, ...rowsCols('pearson', s!)),
  backward: 'none',
});

function squareSide(name: string, s: Shape): number {
  if (s.length !== 2 || s[0] !== s[1] || s[0]! < 2) {
    throw new ShapeError(
      `${name}: expected a square [d, d] matrix with d ≥ 2 (so there are off-diagonal entries); got ${fmt(s)}.`,
    );
  }
  return s[0]!;
}

/** Mean of |a_ij| over i ≠ j of a [d, d] matrix → [1] (the "overall correlation" of a correlation matrix). */
export const meanAbsOffDiagonal: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'meanAbsOffDiagonal',
  inferShape: ([a]) => {
    squareSide('meanAbsOffDiagonal', a!);
    return [1];
  },
  build: (ctx, [a], [s], out) => {
    const d = squareSide('meanAbsOffDiagonal', s!);
    return reduceSites(ctx, 'meanAbsOffDiagonal', a!, out, d * d, d, 2, 1 / (d * (d - 1)), 0);
  },
  reference: ([a], [s]) => Float64Array.of(meanAbsOffDiagonalRef(a!, squareSide('meanAbsOffDiagonal', s!))),
  backward: 'none',
});

/** √(Σ a²) over every element of a tensor of any shape → [1]; summed in a tree, in f32. */
export const frobeniusNorm: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'frobeniusNorm',
  inferShape: () => [1],
  build: (ctx, [a], [s], out) => reduceSites(ctx, 'frobeniusNorm', a!, out, numel(s!), 1, 1, 1, 1),
  reference: ([a]) => Float64Array.of(frobeniusNormRef(a!)),
  backward: 'none',
});
