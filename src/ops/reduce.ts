// reduce.ts: sums (over rows, over columns, of everything) and the broadcasts that are their
// gradients. Imports kernels, gpu types, util; no other op file (elementwise.ts imports this one).
import type { ManagedBuffer } from '../gpu/buffers';
import { SHADERS } from '../kernels/shaders';
import { ceilDiv, threadGrid } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, numel, type Shape } from '../util/shape';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import { broadcastColsRef, broadcastRowsRef, sumAllRef, sumColsRef, sumRowsRef } from './reduce.ref';

type NoAttrs = Record<string, never>;

/** One pass of an elementwise.wgsl entry over n outputs. */
function fillSite(
  ctx: BuildContext,
  entry: 'fill_row' | 'fill_col',
  b: ManagedBuffer,
  out: ManagedBuffer,
  n: number,
  cols: number,
  alpha: number,
): Dispatch {
  const kernel = ctx.registry.kernel(SHADERS.elementwise, entry);
  return {
    bound: ctx.registry.bind(kernel, { b, out }, { n, cols, alpha, beta: 0 }),
    workgroups: threadGrid(kernel, n),
  };
}

/** One thread per output of a reduce.wgsl entry that sums a line of the input. */
function lineSumSite(
  ctx: BuildContext,
  entry: 'sum_rows' | 'sum_cols',
  a: ManagedBuffer,
  out: ManagedBuffer,
  n: number,
  cols: number,
  outputs: number,
): Dispatch {
  const kernel = ctx.registry.kernel(SHADERS.reduce, entry);
  return {
    bound: ctx.registry.bind(kernel, { a, out }, { n, cols, alpha: 1 }),
    workgroups: threadGrid(kernel, outputs),
  };
}

const lastDim = (s: Shape): number => s[s.length - 1]!;

/** v [cols] repeated over the rows of `like` [..., cols]: the gradient of sumRows. */
export const broadcastRows: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'broadcastRows',
  inferShape: ([v, like]) => {
    if (v!.length !== 1 || v![0] !== lastDim(like!)) {
      throw new ShapeError(
        `broadcastRows: expected v=[cols] with cols = like's last dimension; got v=${fmt(v!)} like=${fmt(like!)}.`,
      );
    }
    return like!;
  },
  build: (ctx, [v], [vs, ls], out) => [fillSite(ctx, 'fill_row', v!, out, numel(ls!), vs![0]!, 1)],
  reference: ([v, like]) => broadcastRowsRef(v!, like!.length),
  backward: (g, { dy, needsGrad }) => [needsGrad[0] ? g.apply(sumRows, [dy], {}) : null, null],
});

/** Σ over rows: a [rows, cols] → [cols] (any leading dims are folded into rows). */
export const sumRows: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'sumRows',
  inferShape: ([a]) => {
    if (a!.length < 2) throw new ShapeError(`sumRows: expected a [rows, cols] tensor; got ${fmt(a!)}.`);
    return [lastDim(a!)];
  },
  build: (ctx, [a], [s], out) => [lineSumSite(ctx, 'sum_rows', a!, out, numel(s!), lastDim(s!), lastDim(s!))],
  reference: ([a], [s]) => sumRowsRef(a!, lastDim(s!)),
  backward: (g, { dy, inputs }) => [g.apply(broadcastRows, [dy, inputs[0]!], {})],
});

/** v [..., 1] repeated over the columns of `like` [..., cols] (same leading dims): the gradient of sumCols. */
export const broadcastCols: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'broadcastCols',
  inferShape: ([v, like]) => {
    const lead = (s: Shape) => s.slice(0, -1).join(',');
    if (like!.length < 1 || v!.length !== like!.length || lastDim(v!) !== 1 || lead(v!) !== lead(like!)) {
      throw new ShapeError(
        `broadcastCols: expected v=[..., 1] with like's leading dimensions, like=[..., cols]; got v=${fmt(v!)} like=${fmt(like!)}.`,
      );
    }
    return like!;
  },
  build: (ctx, [v], [, ls], out) => [fillSite(ctx, 'fill_col', v!, out, numel(ls!), lastDim(ls!), 1)],
  reference: ([v, like], [, ls]) => broadcastColsRef(v!, like!.length / lastDim(ls!), lastDim(ls!)),
  backward: (g, { dy, needsGrad }) => [needsGrad[0] ? g.apply(sumCols, [dy], {}) : null, null],
});

/**
 * Σ over columns: a [..., cols] → [..., 1], one sum per row, added left to right from 0 (the same
 * f32 sum as a product with a column of ones).
 */
export const sumCols: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'sumCols',
  inferShape: ([a]) => {
    if (a!.length < 1) throw new ShapeError(`sumCols: expected a [..., cols] tensor; got ${fmt(a!)}.`);
    return [...a!.slice(0, -1), 1];
  },
  build: (ctx, [a], [s], out) => [
    lineSumSite(ctx, 'sum_cols', a!, out, numel(s!), lastDim(s!), numel(s!) / lastDim(s!)),
  ],
  reference: ([a], [s]) => sumColsRef(a!, lastDim(s!)),
  backward: (g, { dy, inputs }) => [g.apply(broadcastCols, [dy, inputs[0]!], {})],
});

/** alpha · s for a scalar s [1], repeated to the shape of `like`: the gradient of sumAll. */
export const broadcastScalar: OpDef<{ alpha: number }> = defineOp<{ alpha: number }>({
  name: 'broadcastScalar',
  inferShape: ([s, like]) => {
    if (numel(s!) !== 1) throw new ShapeError(`broadcastScalar: expected a scalar [1]; got ${fmt(s!)}.`);
    return like!;
  },
  build: (ctx, [s], [, ls], out, _o, { alpha }) => [fillSite(ctx, 'fill_row', s!, out, numel(ls!), 1, alpha)],
  reference: ([s, like], _sh, { alpha }) => new Float64Array(like!.length).fill(alpha * s![0]!),
  backward: 'none',
});

export interface SumAttrs {
  /** Multiplies the result: 1 for a sum, 1/n for a mean. */
  alpha: number;
}

/**
 * alpha · Σ a, a scalar [1]. Chained passes of sum_all, each folding WG · TERMS values (the kernel's
 * reflected workgroup size and override) into one, until one value remains.
 */
export const sumAll: OpDef<SumAttrs> = defineOp<SumAttrs>({
  name: 'sumAll',
  inferShape: () => [1],
  build: (ctx, [a], [s], out, _o, { alpha }) => {
    const kernel = ctx.registry.kernel(SHADERS.reduce, 'sum_all');
    const perGroup = kernel.workgroupSize[0] * kernel.override('TERMS');
    const dispatches: Dispatch[] = [];
    let n = numel(s!);
    let src = a!;
    while (true) {
      const groups = ceilDiv(n, perGroup);
      const last = groups === 1;
      const dst = last ? out : ctx.scratch(`sumAll:partial${dispatches.length}`, groups);
      dispatches.push({
        bound: ctx.registry.bind(kernel, { a: src, out: dst }, { n, cols: 1, alpha: last ? alpha : 1 }),
        workgroups: [groups, 1, 1],
      });
      if (last) break;
      src = dst;
      n = groups;
    }
    return dispatches;
  },
  reference: ([a], _s, { alpha }) => sumAllRef(a!, alpha),
  backward: (g, { dy, inputs, attrs }) => [g.apply(broadcastScalar, [dy, inputs[0]!], { alpha: attrs.alpha })],
});
