// elementwise.ts: add, sub, mul, scale and the row-broadcast bias add. Imports kernels, gpu types, util.
import { SHADERS } from '../kernels/shaders';
import { linearWorkgroups } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, numel, sameShape, type Shape } from '../util/shape';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import type { ManagedBuffer } from '../gpu/buffers';
import { addRowRef, axpbyRef, mulRef, scaleRef } from './elementwise.ref';
import { sumRows } from './reduce';

function same(name: string) {
  return (shapes: readonly Shape[]): Shape => {
    const [a, b] = shapes as [Shape, Shape];
    if (!sameShape(a, b))
      throw new ShapeError(`${name}: shapes differ; expected equal shapes, got a=${fmt(a)} b=${fmt(b)}.`);
    return a;
  };
}

function site(
  ctx: BuildContext,
  entry: string,
  resources: Record<string, ManagedBuffer>,
  n: number,
  cols: number,
  alpha: number,
  beta: number,
): Dispatch {
  const kernel = ctx.registry.kernel(SHADERS.elementwise, entry);
  return { bound: ctx.registry.bind(kernel, resources, { n, cols, alpha, beta }), workgroups: linearWorkgroups(n) };
}

/** a + b (same shapes). */
export const add: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'add',
  inferShape: same('add'),
  build: (ctx, [a, b], [s], out) => [site(ctx, 'axpby', { a: a!, b: b!, out }, numel(s!), 1, 1, 1)],
  reference: ([a, b]) => axpbyRef(a!, b!, 1, 1),
  backward: (_g, { dy, needsGrad }) => [needsGrad[0] ? dy : null, needsGrad[1] ? dy : null],
});

/** a − b (same shapes). */
export const sub: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'sub',
  inferShape: same('sub'),
  build: (ctx, [a, b], [s], out) => [site(ctx, 'axpby', { a: a!, b: b!, out }, numel(s!), 1, 1, -1)],
  reference: ([a, b]) => axpbyRef(a!, b!, 1, -1),
  backward: (g, { dy, needsGrad }) => [
    needsGrad[0] ? dy : null,
    needsGrad[1] ? g.apply(scale, [dy], { alpha: -1, beta: 0 }) : null,
  ],
});

/** a ⊙ b (same shapes). */
export const mul: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'mul',
  inferShape: same('mul'),
  build: (ctx, [a, b], [s], out) => [site(ctx, 'mul', { a: a!, b: b!, out }, numel(s!), 1, 0, 0)],
  reference: ([a, b]) => mulRef(a!, b!),
  backward: (g, { inputs, dy, needsGrad }) => [
    needsGrad[0] ? g.apply(mul, [dy, inputs[1]!], {}) : null,
    needsGrad[1] ? g.apply(mul, [dy, inputs[0]!], {}) : null,
  ],
});

export interface ScaleAttrs {
  alpha: number;
  beta: number;
}

/** alpha · a + beta. */
export const scale: OpDef<ScaleAttrs> = defineOp<ScaleAttrs>({
  name: 'scale',
  inferShape: ([a]) => a!,
  build: (ctx, [a], [s], out, _o, { alpha, beta }) => [site(ctx, 'scale', { a: a!, out }, numel(s!), 1, alpha, beta)],
  reference: ([a], _s, { alpha, beta }) => scaleRef(a!, alpha, beta),
  backward: (g, { dy, attrs }) => [g.apply(scale, [dy], { alpha: attrs.alpha, beta: 0 })],
});

/** a + bias broadcast over rows: a [..., cols], bias [cols]. */
export const addRow: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'addRow',
  inferShape: ([a, bias]) => {
    const cols = a![a!.length - 1];
    if (bias!.length !== 1 || bias![0] !== cols) {
      throw new ShapeError(
        `addRow: bias must be [cols] with cols = a's last dimension; got a=${fmt(a!)} bias=${fmt(bias!)}.`,
      );
    }
    return a!;
  },
  build: (ctx, [a, bias], [s, bs], out) => [site(ctx, 'add_row', { a: a!, b: bias!, out }, numel(s!), bs![0]!, 0, 0)],
  reference: ([a, bias]) => addRowRef(a!, bias!),
  backward: (g, { dy, needsGrad }) => [needsGrad[0] ? dy : null, needsGrad[1] ? g.apply(sumRows, [dy], {}) : null],
});

/** v [cols] repeated over the rows of `like` [..., cols]: the gradient of sumRows. */
export const broadcastRows: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'broadcastRows',
  inferShape: ([v, like]) => {
    if (v!.length !== 1 || v![0] !== like![like!.length - 1]) {
      throw new ShapeError(
        `broadcastRows: expected v=[cols] with cols = like's last dimension; got v=${fmt(v!)} like=${fmt(like!)}.`,
      );
    }
    return like!;
  },
  build: (ctx, [v], [vs, ls], out) => [site(ctx, 'fill_row', { b: v!, out }, numel(ls!), vs![0]!, 1, 0)],
  reference: ([v, like]) => {
    const out = new Float64Array(like!.length);
    for (let i = 0; i < out.length; i++) out[i] = v![i % v!.length]!;
    return out;
  },
  backward: (g, { dy, needsGrad }) => [needsGrad[0] ? g.apply(sumRows, [dy], {}) : null, null],
});

/** alpha · s for a scalar s [1], repeated to the shape of `like`: the gradient of sumAll. */
export const broadcastScalar: OpDef<{ alpha: number }> = defineOp<{ alpha: number }>({
  name: 'broadcastScalar',
  inferShape: ([s, like]) => {
    if (numel(s!) !== 1) throw new ShapeError(`broadcastScalar: expected a scalar [1]; got ${fmt(s!)}.`);
    return like!;
  },
  build: (ctx, [s], [, ls], out, _o, { alpha }) => [site(ctx, 'fill_row', { b: s!, out }, numel(ls!), 1, alpha, 0)],
  reference: ([s, like], _sh, { alpha }) => new Float64Array(like!.length).fill(alpha * s![0]!),
  backward: 'none',
});
