// gather.ts: a minibatch gathered from a GPU-resident split of 8-bit samples and converted to f32
// through a lookup table (the preprocessing's value of every byte), in one dispatch
// (shaders/gather.wgsl). Imports kernels, gpu types, util.
//
// Inputs: pixels (the split's bytes packed four to a u32, packBytes), table (256 f32: one transform for
// every position; or 256 per position), order (u32 sample indices). Output: [rows, width] f32, rows
// order[first .. first + rows). The u32 inputs travel in ordinary storage buffers; their "shapes" are
// word counts. Not differentiable: it produces a model's input.
import { SHADERS } from '../kernels/shaders';
import { threadGrid } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, numel } from '../util/shape';
import { gatherBytesRef } from './gather.ref';
import { defineOp, type OpDef } from './op';

export interface GatherAttrs {
  /** Samples gathered (rows of the output). */
  rows: number;
  /** Bytes per sample (784 for a 28 × 28 image). */
  width: number;
  /** Index into `order` of the first sample gathered. */
  first: number;
}

/** Bytes packed four to a u32, little-endian, zero-padded to a whole word. */
export function packBytes(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(words.buffer).set(bytes);
  // Typed arrays use the platform's byte order; the shader reads little-endian words.
  if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) {
    for (let w = 0; w < words.length; w++) {
      const k = 4 * w;
      words[w] =
        ((bytes[k] ?? 0) | ((bytes[k + 1] ?? 0) << 8) | ((bytes[k + 2] ?? 0) << 16) | ((bytes[k + 3] ?? 0) << 24)) >>>
        0;
    }
  }
  return words;
}

/** 0 when the table holds one transform for every position, 256 when it holds one per position. */
export function tableStride(tableLength: number, width: number): 0 | 256 {
  if (tableLength === 256) return 0;
  if (tableLength === 256 * width) return 256;
  throw new ShapeError(
    `gatherBytes: bad table of ${tableLength} values; expected 256 (one transform for every position) or 256 × ${width} = ${256 * width} (one per position).`,
  );
}

export const gatherBytes: OpDef<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'gatherBytes',
  inferShape: ([pixels, table, order], { rows, width, first }) => {
    if (
      !Number.isInteger(rows) ||
      rows < 1 ||
      !Number.isInteger(width) ||
      width < 1 ||
      !Number.isInteger(first) ||
      first < 0
    )
      throw new ShapeError(
        `gatherBytes: bad attributes; expected integers rows ≥ 1, width ≥ 1, first ≥ 0, got rows ${rows}, width ${width}, first ${first}.`,
      );
    if (first + rows > numel(order!))
      throw new ShapeError(
        `gatherBytes: rows ${first}..${first + rows - 1} pass the end of the order ${fmt(order!)}; expected first + rows ≤ ${numel(order!)}.`,
      );
    if (numel(pixels!) < 1)
      throw new ShapeError(`gatherBytes: empty pixels ${fmt(pixels!)}; expected the packed split.`);
    tableStride(numel(table!), width);
    return [rows, width];
  },
  build: (ctx, [pixels, table, order], [, ts], out, _o, { rows, width, first }) => {
    const n = rows * width;
    const kernel = ctx.registry.kernel(SHADERS.gather, 'gather_u8');
    return [
      {
        bound: ctx.registry.bind(
          kernel,
          { pixels: pixels!, table: table!, order: order!, out },
          { n, width, first, tableStride: tableStride(numel(ts!), width) },
        ),
        workgroups: threadGrid(kernel, n),
      },
    ];
  },
  // inputs: the packed words (as numbers), the table, the order.
  reference: ([pixels, table, order], _s, { rows, width, first }) => {
    const words = Uint32Array.from(pixels!);
    return gatherBytesRef(new Uint8Array(words.buffer), table!, order!, first, rows, width);
  },
  backward: 'none',
});
