// reshape.ts: the same values under another shape (flatten / unflatten). Imports kernels, util.
// The values are copied (one elementwise pass) so that every op output owns its buffer; at the sizes
// where models reshape (a batch of 2c·7·7 features) the copy is negligible.
import { SHADERS } from '../kernels/shaders';
import { threadGrid } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, numel, type Shape } from '../util/shape';
import { defineOp, type OpDef } from './op';

export interface ReshapeAttrs {
  shape: Shape;
}

export const reshape: OpDef<ReshapeAttrs> = defineOp<ReshapeAttrs>({
  name: 'reshape',
  inferShape: ([x], { shape }) => {
    if (numel(shape) !== numel(x!))
      throw new ShapeError(
        `reshape: element counts differ; expected ${numel(x!)} elements like ${fmt(x!)}, got ${fmt(shape)} (${numel(shape)}).`,
      );
    return shape;
  },
  build: (ctx, [x], [s], out) => {
    const n = numel(s!);
    const kernel = ctx.registry.kernel(SHADERS.elementwise, 'scale');
    return [
      {
        bound: ctx.registry.bind(kernel, { a: x!, out }, { n, cols: 1, alpha: 1, beta: 0 }),
        workgroups: threadGrid(kernel, n),
      },
    ];
  },
  reference: ([x]) => Float64Array.from(x!),
  backward: (g, { inputs: [x], dy }) => [g.apply(reshape, [dy], { shape: x!.shape })],
});
