// Test matrices for the least-squares tests: float64 matrices with chosen singular values, and the
// error measures the tests state their tolerances in. Imports util only.
import type { Rng } from '../../../src/util/rng';

/** m × n (m ≥ n) row-major with orthonormal columns: Gaussian columns, Gram–Schmidt run twice. */
export function orthonormalColumns(rng: Rng, m: number, n: number): Float64Array {
  const q = new Float64Array(m * n);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += q[i * n + p]! * q[i * n + j]!;
        for (let i = 0; i < m; i++) q[i * n + j]! -= d * q[i * n + p]!;
      }
    }
    let s = 0;
    for (let i = 0; i < m; i++) s += q[i * n + j]! ** 2;
    const norm = Math.sqrt(s);
    for (let i = 0; i < m; i++) q[i * n + j]! /= norm;
  }
  return q;
}

/** Singular values from 1 down to 1/cond, evenly spaced on a log scale. */
export function logSpaced(n: number, cond: number): number[] {
  return Array.from({ length: n }, (_, i) => cond ** (-i / Math.max(1, n - 1)));
}

/** A = U·diag(s)·Vᵀ, m × n row-major, with random orthonormal U (m × n) and V (n × n). */
export function withSingularValues(rng: Rng, m: number, n: number, s: readonly number[]): Float64Array {
  const u = orthonormalColumns(rng, m, n);
  const v = orthonormalColumns(rng, n, n);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += u[i * n + p]! * s[p]! * v[j * n + p]!;
      a[i * n + j] = sum;
    }
  }
  return a;
}

export function gaussian(rng: Rng, count: number): Float64Array {
  return Float64Array.from({ length: count }, () => rng.normal());
}

/** C = A·B for row-major A [r, inner] and B [inner, c], in float64. */
export function matmul64(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  r: number,
  inner: number,
  c: number,
): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let p = 0; p < inner; p++) {
      const av = a[i * inner + p]!;
      for (let j = 0; j < c; j++) out[i * c + j]! += av * b[p * c + j]!;
    }
  }
  return out;
}

export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** ‖got − expected‖_F / ‖expected‖_F; Infinity if got has a non-finite entry. */
export function relErr(got: ArrayLike<number>, expected: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!Number.isFinite(got[i]!)) return Infinity;
    num += (got[i]! - expected[i]!) ** 2;
    den += expected[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** ‖x_j − x̂_j‖₂ / ‖x̂_j‖₂ for every column j of n × k row-major matrices (x̂ the reference). */
export function columnRelErrs(got: ArrayLike<number>, expected: ArrayLike<number>, n: number, k: number): number[] {
  return Array.from({ length: k }, (_, j) => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const g = got[i * k + j]!;
      if (!Number.isFinite(g)) return Infinity;
      num += (g - expected[i * k + j]!) ** 2;
      den += expected[i * k + j]! ** 2;
    }
    return Math.sqrt(num / den);
  });
}

/**
 * The size of each column's relative error in a float32 least-squares solve by Householder QR, to first
 * order: QR's computed x̂_j solves a problem with A + δA and b_j + δb_j (backward stability), and
 *   x̂_j − x_j = A⁺·(δb_j − δA·x_j) + (AᵀA)⁻¹·δAᵀ·r_j,   r_j = b_j − A·x_j.
 * With the rounding errors behaving as independent and of mean zero, δA and δb_j have entries of size
 * σ_A = √n·u·‖A‖_F/√(m·n) and σ_b = √n·u·‖b_j‖/√m (each entry passes through n reflections, each adding
 * a rounding error), and a vector of independent entries of size σ maps through A⁺ to a norm of about
 * σ·√(Σ s⁻²) and through (AᵀA)⁻¹ to σ·√(Σ s⁻⁴), s the singular values of A. So
 *   ‖x̂_j − x_j‖ ≈ √(Σ s⁻²)·(σ_A·‖x_j‖ + σ_b) + √(Σ s⁻⁴)·σ_A·‖r_j‖,  returned divided by ‖x_j‖.
 * (The worst-case bound, Higham's Thm 20.1 with Thm 20.3's ε = γ̃_mn, is ~10³ times larger here.)
 * A: m × n, B and X: m × k and n × k row-major, X the float64 solution.
 */
export function lstsqColumnScales(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  x: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  s: readonly number[],
  u: number,
): number[] {
  const ax = matmul64(a, x, m, n, k);
  let af2 = 0;
  for (let i = 0; i < m * n; i++) af2 += a[i]! ** 2;
  const sigmaA = (Math.sqrt(n) * u * Math.sqrt(af2)) / Math.sqrt(m * n);
  const inv2 = Math.sqrt(s.reduce((t, v) => t + v ** -2, 0));
  const inv4 = Math.sqrt(s.reduce((t, v) => t + v ** -4, 0));
  return Array.from({ length: k }, (_, j) => {
    let r2 = 0;
    let x2 = 0;
    let b2 = 0;
    for (let i = 0; i < m; i++) r2 += (b[i * k + j]! - ax[i * k + j]!) ** 2;
    for (let i = 0; i < m; i++) b2 += b[i * k + j]! ** 2;
    for (let i = 0; i < n; i++) x2 += x[i * k + j]! ** 2;
    const sigmaB = (Math.sqrt(n) * u * Math.sqrt(b2)) / Math.sqrt(m);
    return (inv2 * (sigmaA * Math.sqrt(x2) + sigmaB) + inv4 * sigmaA * Math.sqrt(r2)) / Math.sqrt(x2);
  });
}
