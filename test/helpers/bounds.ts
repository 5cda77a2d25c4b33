// Float32 error bounds that kernel tests derive their tolerances from, and per-column checks against
// them. u = 2⁻²⁴ is float32's unit roundoff. A float32 sum of K products, computed in any order (and
// with or without fused multiply-adds), is off from the exact value by at most γ_K·Σ|a_k·b_k| with
// γ_K = K·u/(1 − K·u) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1); with rounding
// errors that behave as independent and of mean zero, by at most λ·√K·u·Σ|a_k·b_k| except with
// probability 2·exp(−λ²/2) (Higham & Mary, SIAM J. Sci. Comput. 41(5), 2019). The tests use the
// probabilistic form with λ = 6 (a 3·10⁻⁸ chance per element), plus u·|c| for rounding the result.
import { expect } from 'chai';

/** float32's unit roundoff. */
export const U = 2 ** -24;
/** The factor λ of the probabilistic bound λ·√K·u·Σ|a·b| (see above). */
export const LAMBDA = 6;

/** γ_K·S in the probabilistic form: the bound on a float32 sum of K terms whose absolute values sum to S. */
export const sumBound = (K: number, absSum: number): number => LAMBDA * Math.sqrt(K) * U * absSum;

/**
 * Per-element bounds for C = op(A)·op(B) (+ bias along columns), M × N row-major, A and B row-major as
 * stored: |ĉ_ij − c_ij| ≤ u·|c_ij| + λ·√K'·u·(Σ_k |a_ik|·|b_kj| + |bias_j|), K' = K (+ 1 with a bias).
 */
export function productBounds(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: number,
  K: number,
  N: number,
  { transA = false, transB = false, bias }: { transA?: boolean; transB?: boolean; bias?: ArrayLike<number> } = {},
): Float64Array {
  const out = new Float64Array(M * N);
  const terms = bias ? K + 1 : K;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = bias ? Math.abs(bias[j]!) : 0;
      let c = bias ? bias[j]! : 0;
      for (let k = 0; k < K; k++) {
        const av = a[transA ? k * M + i : i * K + k]!;
        const bv = b[transB ? j * K + k : k * N + j]!;
        s += Math.abs(av * bv);
        c += av * bv;
      }
      out[i * N + j] = U * Math.abs(c) + sumBound(terms, s);
    }
  }
  return out;
}

/**
 * Checks |got − want| ≤ bound elementwise, column by column of an M × N row-major matrix; a failure
 * names the column, its worst row, the error and the bound.
 */
export function expectWithinPerColumn(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: ArrayLike<number>,
  M: number,
  N: number,
  what: string,
): void {
  expect(got.length, `${what}: length`).to.equal(M * N);
  for (let j = 0; j < N; j++) {
    let worst = -1;
    let worstRatio = 0;
    for (let i = 0; i < M; i++) {
      const e = Math.abs(got[i * N + j]! - want[i * N + j]!);
      const ratio = e / bound[i * N + j]!;
      if (!(ratio <= 1) && (worst < 0 || ratio > worstRatio || Number.isNaN(ratio))) {
        worst = i;
        worstRatio = ratio;
      }
    }
    if (worst >= 0) {
      const at = worst * N + j;
      throw new Error(
        `${what}: column ${j} off at row ${worst}: got ${got[at]}, expected ${want[at]}, error ${Math.abs(got[at]! - want[at]!).toExponential(2)} > bound ${bound[at]!.toExponential(2)}.`,
      );
    }
  }
}

/** Checks |got − want| ≤ bound elementwise; a failure names the worst index, the error and its bound. */
export function expectWithin(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: ArrayLike<number>,
  what: string,
): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!);
    const ratio = e / bound[i]!;
    if (!(e <= bound[i]!) && (worst < 0 || ratio > worstRatio || Number.isNaN(ratio))) {
      worst = i;
      worstRatio = ratio;
    }
  }
  if (worst >= 0)
    throw new Error(
      `${what}: index ${worst}: got ${got[worst]}, expected ${want[worst]}, error ${Math.abs(got[worst]! - want[worst]!).toExponential(2)} > bound ${bound[worst]!.toExponential(2)}.`,
    );
}

/**
 * Bounds for outputs that are each a float32 sum of at most K products of the inputs: u·|y| +
 * λ·√K·u·Σ|terms|, with Σ|terms| from the same computation on the inputs' absolute values (`absSums`).
 */
export const sumOfProductsBounds = (want: ArrayLike<number>, absSums: ArrayLike<number>, K: number): number[] =>
  Array.from(want, (v, i) => U * Math.abs(v) + sumBound(K, absSums[i]!));
