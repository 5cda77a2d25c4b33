// rows.ts: per-row reductions of [rows, cols] matrices composed from graph ops (matmuls with a row of
// ones), for the KL head and the inversion's per-image norms. Imports ops.
//
// The row of ones is made on the GPU as 0·(column sums of t) + 1 (exactly 1 for finite t), so the
// graphs need no constant inputs. Works on a Graph and inside a backward rule (GradBuilder) alike.
import { mul, scale } from '../../ops/elementwise';
import { matmul } from '../../ops/matmul';
import type { OpDef, Sym } from '../../ops/op';
import { sumRows } from '../../ops/reduce';
import { reshape } from '../../ops/reshape';

/** Something that applies ops to symbolic tensors: a Graph, or the GradBuilder inside a backward. */
export interface Applier {
  apply<A>(op: OpDef<A>, inputs: readonly Sym[], attrs: A): Sym;
}

/** A [1, cols] row of ones for t [rows, cols]. */
export function onesRow(g: Applier, t: Sym): Sym {
  const c = t.shape[t.shape.length - 1]!;
  return g.apply(reshape, [g.apply(scale, [g.apply(sumRows, [t], {})], { alpha: 0, beta: 1 })], { shape: [1, c] });
}

/** Σ_j t[i, j] per row: [rows, cols] → [rows, 1]. */
export function rowSums(g: Applier, t: Sym): Sym {
  return g.apply(matmul, [t, onesRow(g, t)], { transB: true });
}

/** Σ_j t[i, j] repeated along row i: [rows, cols] → [rows, cols]. */
export function rowSumsLike(g: Applier, t: Sym): Sym {
  return g.apply(matmul, [rowSums(g, t), onesRow(g, t)], {});
}

/** ‖t[i, :]‖² per row: [rows, cols] → [rows, 1]. */
export function rowSquares(g: Applier, t: Sym): Sym {
  return rowSums(g, g.apply(mul, [t, t], {}));
}

/** Each row of `col` [rows, 1] repeated across `like`'s columns: [rows, cols]. */
export function spreadColumn(g: Applier, col: Sym, like: Sym): Sym {
  return g.apply(matmul, [col, onesRow(g, like)], {});
}
