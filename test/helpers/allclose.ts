// allclose: compares arrays elementwise with |a − e| ≤ atol + rtol·|e| and names the worst index.
import { expect } from 'chai';

export interface Tolerance {
  atol: number;
  rtol: number;
}

export function allclose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  what = 'values',
): void {
  expect(actual.length, `${what}: length`).to.equal(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${what}: not close at index ${worst}: got ${actual[worst]}, expected ${expected[worst]} (atol ${tol.atol}, rtol ${tol.rtol}).`,
    );
  }
}

export function randomArray(
  rng: { uniform(lo: number, hi: number): number },
  n: number,
  lo = -1,
  hi = 1,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

export const f64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);
