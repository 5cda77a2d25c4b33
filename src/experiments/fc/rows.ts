// rows.ts: per-row reductions of [rows, cols] matrices, for the KL head and the inversion's per-image
// norms, from the row-sum ops of src/ops (sumCols, broadcastCols). Imports ops.
// Works on a Graph and inside a backward rule (GradBuilder) alike.
import { mul } from '../../ops/elementwise';
import type { OpDef, Sym } from '../../ops/op';
import { broadcastCols, sumCols } from '../../ops/reduce';

/** Something that applies ops to symbolic tensors: a Graph, or the GradBuilder inside a backward. */
export interface Applier {
  apply<A>(op: OpDef<A>, inputs: readonly Sym[], attrs: A): Sym;
}

/** Σ_j t[i, j] per row: [rows, cols] → [rows, 1]. */
export function rowSums(g: Applier, t: Sym): Sym {
  return g.apply(sumCols, [t], {});
}

/** Σ_j t[i, j] repeated along row i: [rows, cols] → [rows, cols]. */
export function rowSumsLike(g: Applier, t: Sym): Sym {
  return g.apply(broadcastCols, [rowSums(g, t), t], {});
}

/** ‖t[i, :]‖² per row: [rows, cols] → [rows, 1]. */
export function rowSquares(g: Applier, t: Sym): Sym {
  return rowSums(g, g.apply(mul, [t, t], {}));
}

/** Each row of `col` [rows, 1] repeated across `like`'s columns: [rows, cols]. */
export function spreadColumn(g: Applier, col: Sym, like: Sym): Sym {
  return g.apply(broadcastCols, [col, like], {});
}
