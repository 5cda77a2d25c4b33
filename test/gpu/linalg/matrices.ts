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
