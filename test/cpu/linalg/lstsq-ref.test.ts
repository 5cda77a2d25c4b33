// The float64 least-squares reference (and the float32 normal-equations baseline) against hand values
// and the defining property of a least-squares solution, Aᵀ·(A·X − B) = 0. No GPU.
import { expect } from 'chai';
import { lstsqNormalEquationsF32, lstsqRef, pinvRef } from '../../../src/linalg/lstsq.ref';
import { Rng } from '../../../src/util/rng';

function randn(rng: Rng, count: number): Float64Array {
  return Float64Array.from({ length: count }, () => rng.normal());
}

describe('lstsq reference (float64 Householder QR)', () => {
  it('solves a 3×2 system by hand: A = [[1,0],[0,1],[1,1]], b = [1,2,4] → x = [4/3, 7/3]', () => {
    const x = lstsqRef([1, 0, 0, 1, 1, 1], 3, 2, [1, 2, 4], 1);
    expect(x[0]).to.be.closeTo(4 / 3, 1e-14);
    expect(x[1]).to.be.closeTo(7 / 3, 1e-14);
  });

  it('leaves a residual orthogonal to the columns of A (30×8, 5 right-hand sides)', () => {
    const rng = new Rng(3);
    const [m, n, k] = [30, 8, 5];
    const a = randn(rng, m * n);
    const b = randn(rng, m * k);
    const x = lstsqRef(a, m, n, b, k);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < n; j++) {
        let g = 0;
        for (let i = 0; i < m; i++) {
          let r = -b[i * k + c]!;
          for (let p = 0; p < n; p++) r += a[i * n + p]! * x[p * k + c]!;
          g += a[i * n + j]! * r;
        }
        expect(Math.abs(g)).to.be.below(1e-12);
      }
    }
  });

  it('pinvRef(A)·A = I (20×6)', () => {
    const rng = new Rng(4);
    const [m, n] = [20, 6];
    const a = randn(rng, m * n);
    const p = pinvRef(a, m, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < m; l++) s += p[i * m + l]! * a[l * n + j]!;
        expect(s).to.be.closeTo(i === j ? 1 : 0, 1e-13);
      }
    }
  });

  it('throws on an exactly zero column', () => {
    expect(() => lstsqRef([1, 0, 2, 0, 3, 0], 3, 2, [1, 1, 1], 1)).to.throw(/column 1 of A is zero/);
  });

  it('the float32 normal-equations baseline is right on a well-conditioned A (relErr ≤ 1e-4)', () => {
    const rng = new Rng(5);
    const [m, n, k] = [40, 10, 2];
    const a = Float64Array.from(randn(rng, m * n), Math.fround);
    const b = Float64Array.from(randn(rng, m * k), Math.fround);
    const ref = lstsqRef(a, m, n, b, k);
    const ne = lstsqNormalEquationsF32(a, m, n, b, k);
    let num = 0;
    let den = 0;
    for (let i = 0; i < ref.length; i++) {
      num += (ne[i]! - ref[i]!) ** 2;
      den += ref[i]! ** 2;
    }
    expect(Math.sqrt(num / den)).to.be.below(1e-4);
  });
});
