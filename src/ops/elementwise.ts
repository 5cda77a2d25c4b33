// elementwise.ts: add, sub, mul, scale and the row-broadcast bias add. Imports kernels, gpu types, util,
// and the sums of reduce.ts (addRow's bias gradient); reduce.ts imports nothing from here.
import { SHADERS } from '../kernels/shaders';
import { threadGrid } from '../kernels/dispatch';
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
  return { bound: ctx.registry.bind(kernel, resources, { n, cols, alpha, beta }), workgroups: threadGrid(kernel, n) };
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
