// lstsq and pinv on the GPU (Householder QR in float32) against the float64 reference X_ref, solved
// from the same float32-rounded A and B so that only the GPU's arithmetic is measured.
// Tolerance, per column (right-hand side) j: ‖x_j − x_ref,j‖ / ‖x_ref,j‖ ≤ λ·e_j with e_j the size
// float32 rounding gives that column's error (matrices.ts lstsqColumnScales: QR's backward error as
// independent perturbations of A and b_j, carried through A⁺ and (AᵀA)⁻¹ by A's singular values, chosen
// from 1 down to 1/cond) and λ = 6 (test/helpers/bounds.ts). Measured on SwiftShader: 0.16–0.67 of e_j.
import { expect } from 'chai';
import { lstsq, pinv } from '../../../src/linalg/lstsq';
import { lstsqNormalEquationsF32, lstsqRef, pinvRef } from '../../../src/linalg/lstsq.ref';
import { readFloat32 } from '../../../src/gpu/readback';
import { Rng } from '../../../src/util/rng';
import { allclose, f64 } from '../../helpers/allclose';
import { LAMBDA, U } from '../../helpers/bounds';
import { getGpu } from '../../helpers/gpu';
import {
  columnRelErrs,
  gaussian,
  logSpaced,
  lstsqColumnScales,
  matmul64,
  relErr,
  transpose,
  withSingularValues,
} from './matrices';

const SEED = 20240607;
/** Householder QR's backward error ε for an m × n problem, in probabilistic form (the residual check). */
const qrEps = (m: number, n: number) => LAMBDA * Math.sqrt(m * n) * U;

/**
 * Checks every column of X (n × k) against the float64 solution, within λ times the error float32 gives
 * it, for A m × n with singular values logSpaced(n, cond), B m × k. Returns the solution and tolerances.
 */
function expectColumnsWithin(
  x: ArrayLike<number>,
  a: Float32Array,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  cond: number,
  what: string,
): { ref: Float64Array; tols: number[] } {
  const ref = lstsqRef(f64(a), m, n, f64(b), k);
  const errs = columnRelErrs(x, ref, n, k);
  const tols = lstsqColumnScales(f64(a), b, ref, m, n, k, logSpaced(n, cond), U).map((e) => LAMBDA * e);
  errs.forEach((e, j) => {
    expect(e, `${what}: column ${j}, relative error vs its tolerance ${tols[j]!.toExponential(2)}`).to.be.at.most(
      tols[j]!,
    );
  });
  return { ref, tols };
}

async function solve(a: Float32Array, m: number, n: number, b: Float32Array, k: number, rowsAreSamples = false) {
  const ctx = await getGpu();
  const res = await lstsq(ctx, a, [m, n], b, rowsAreSamples ? [k, m] : [m, k], { rowsAreSamples });
  try {
    return { x: await readFloat32(ctx.gpu, res.x, 0, n * k), shape: res.shape };
  } finally {
    res.dispose();
  }
}

describe(`lstsq (GPU Householder QR vs float64 reference; seed ${SEED})`, () => {
  const rng = new Rng(SEED);

  for (const [m, n, cond, k] of [
    [50, 20, 10, 3],
    [97, 31, 100, 5],
    [200, 64, 30, 4],
  ] as const) {
    it(`${m}×${n}, cond ${cond}, ${k} random right-hand sides: every column within tolerance`, async () => {
      const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, cond)));
      const b = Float32Array.from(gaussian(rng, m * k));
      const { x, shape } = await solve(a, m, n, b, k);
      expect(shape).to.deep.equal([n, k]);
      expectColumnsWithin(x, a, b, m, n, k, cond, `seed ${SEED}`);
    });
  }

  it('rowsAreSamples: B [k, m] (one sample per row) gives X [k, n], the same solutions', async () => {
    const [m, n, k] = [97, 31, 6];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 50)));
    const bt = Float32Array.from(gaussian(rng, k * m));
    const { x, shape } = await solve(a, m, n, bt, k, true);
    expect(shape).to.deep.equal([k, n]);
    expectColumnsWithin(transpose(x, k, n), a, transpose(bt, k, m), m, n, k, 50, 'rowsAreSamples');
  });

  // A consistent system: the residual of a backward-stable solve is at most ε·(‖b_j‖ + ‖A‖‖x̂_j‖) for the
  // perturbed problem, so ‖A·x̂_j − b_j‖ ≤ 2ε·(‖b_j‖ + ‖A‖₂·‖x̂_j‖) for the given one.
  it('exact recovery when B = A·X_true: every column within tolerance, residuals at rounding level', async () => {
    const [m, n, k] = [60, 25, 4];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 30)));
    const xTrue = Float32Array.from(gaussian(rng, n * k));
    const b = Float32Array.from(matmul64(a, xTrue, m, n, k));
    const { x } = await solve(a, m, n, b, k);
    expectColumnsWithin(x, a, b, m, n, k, 30, 'consistent');
    const ax = matmul64(a, x, m, n, k);
    for (let j = 0; j < k; j++) {
      let r2 = 0;
      let b2 = 0;
      let x2 = 0;
      for (let i = 0; i < m; i++) r2 += (ax[i * k + j]! - b[i * k + j]!) ** 2;
      for (let i = 0; i < m; i++) b2 += b[i * k + j]! ** 2;
      for (let i = 0; i < n; i++) x2 += x[i * k + j]! ** 2;
      const bound = 2 * qrEps(m, n) * (Math.sqrt(b2) + Math.sqrt(x2));
      expect(Math.sqrt(r2), `residual of column ${j}`).to.be.at.most(bound);
    }
  });

  it('many right-hand sides: 120×40 with k = 2000 (rowsAreSamples)', async () => {
    const [m, n, k] = [120, 40, 2000];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 20)));
    const bt = Float32Array.from(gaussian(rng, k * m));
    const { x } = await solve(a, m, n, bt, k, true);
    expectColumnsWithin(transpose(x, k, n), a, transpose(bt, k, m), m, n, k, 20, 'k = 2000');
  });

  it('pinv(A)·A ≈ I_n and pinv matches the float64 A⁺', async () => {
    const [m, n] = [97, 31];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 20)));
    const ctx = await getGpu();
    const res = await pinv(ctx, a, [m, n]);
    expect(res.shape).to.deep.equal([n, m]);
    const p = await readFloat32(ctx.gpu, res.x, 0, n * m);
    res.dispose();
    // A⁺ is the least-squares solution for B = I_m: column j of A⁺ solves for e_j.
    const eye = new Float64Array(m * m).map((_, i) => (i % (m + 1) === 0 ? 1 : 0));
    const { ref, tols } = expectColumnsWithin(p, a, eye, m, n, m, 20, 'pinv');
    allclose(ref, pinvRef(f64(a), m, n), { atol: 1e-12, rtol: 0 }, 'pinvRef is lstsqRef with B = I');
    // ‖Â⁺·A − I‖_max ≤ ‖(Â⁺ − A⁺)·A‖₂ ≤ ‖Â⁺ − A⁺‖_F·‖A‖₂ (‖A‖₂ = 1), ‖Â⁺ − A⁺‖_F² = Σ_j ‖column error‖².
    let frob2 = 0;
    for (let j = 0; j < m; j++) {
      let c2 = 0;
      for (let i = 0; i < n; i++) c2 += ref[i * m + j]! ** 2;
      frob2 += tols[j]! ** 2 * c2;
    }
    const pa = matmul64(p, a, n, m, n);
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(pa[i * n + j]! - (i === j ? 1 : 0)));
    expect(worst, 'max |A⁺·A − I|').to.be.at.most(Math.sqrt(frob2));
  });

  // The normal equations square the condition number (cond(AᵀA) = 1e8 > 1/u), so in float32 they keep
  // no correct digit (measured, seed above: relErr 2.7e-1), while QR's error stays at its float32 size
  // (measured 1.0e-4, 0.16 of the tolerance).
  it('ill-conditioned A (cond 1e4): every column within tolerance, 100× below float32 normal equations', async () => {
    const [m, n, k] = [80, 24, 3];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 1e4)));
    const xTrue = gaussian(rng, n * k);
    const b = Float32Array.from(matmul64(a, xTrue, m, n, k)).map((v) => v + 1e-3 * rng.normal());
    const ref = lstsqRef(f64(a), m, n, f64(b), k);
    const { x } = await solve(a, m, n, b, k);
    expectColumnsWithin(x, a, b, m, n, k, 1e4, 'cond 1e4');
    const errQr = relErr(x, ref);
    const errNe = relErr(lstsqNormalEquationsF32(a, m, n, b, k), ref);
    expect(errQr * 100).to.be.below(errNe);
  });
});
