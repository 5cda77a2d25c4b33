// reduce.ts: column sums and the (scaled) sum of all elements. Imports kernels, gpu types, util.
import { SHADERS } from '../kernels/shaders';
import { ceilDiv } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, numel } from '../util/shape';
import { defineOp, type Dispatch, type OpDef } from './op';
import { sumAllRef, sumRowsRef } from './reduce.ref';
import { broadcastRows, broadcastScalar } from './elementwise';

/** Σ over rows: a [rows, cols] → [cols] (any leading dims are folded into rows). */
export const sumRows: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'sumRows',
  inferShape: ([a]) => {
    if (a!.length < 2) throw new ShapeError(`sumRows: expected a [rows, cols] tensor; got ${fmt(a!)}.`);
    return [a![a!.length - 1]!];
  },
  build: (ctx, [a], [s], out) => {
    const cols = s![s!.length - 1]!;
    const kernel = ctx.registry.kernel(SHADERS.reduce, 'sum_rows');
    return [
      {
        bound: ctx.registry.bind(kernel, { a: a!, out }, { n: numel(s!), cols, alpha: 1 }),
        workgroups: [ceilDiv(cols, 256), 1, 1],
      },
    ];
  },
  reference: ([a], [s]) => sumRowsRef(a!, s![s!.length - 1]!),
  backward: (g, { dy, inputs }) => [g.apply(broadcastRows, [dy, inputs[0]!], {})],
});

export interface SumAttrs {
  /** Multiplies the result: 1 for a sum, 1/n for a mean. */
  alpha: number;
}

/** alpha · Σ a, a scalar [1]. Chained passes of 1024 → 1. */
export const sumAll: OpDef<SumAttrs> = defineOp<SumAttrs>({
  name: 'sumAll',
  inferShape: () => [1],
  build: (ctx, [a], [s], out, _o, { alpha }) => {
    const kernel = ctx.registry.kernel(SHADERS.reduce, 'sum_all');
    const dispatches: Dispatch[] = [];
    let n = numel(s!);
    let src = a!;
    while (true) {
      const groups = ceilDiv(n, 1024);
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
