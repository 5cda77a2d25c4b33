// lstsq and pinv on the GPU (Householder QR in float32) against the float64 reference.
// Errors are normwise: relErr = ‖X − X_ref‖_F / ‖X_ref‖_F, with X_ref solved in float64 from the
// same float32-rounded A and B, so only the GPU's arithmetic is measured.
import { expect } from 'chai';
import { lstsq, pinv } from '../../../src/linalg/lstsq';
import { lstsqNormalEquationsF32, lstsqRef, pinvRef } from '../../../src/linalg/lstsq.ref';
import { readFloat32 } from '../../../src/gpu/readback';
import { Rng } from '../../../src/util/rng';
import { f64 } from '../../helpers/allclose';
import { getGpu } from '../../helpers/gpu';
import { gaussian, logSpaced, matmul64, relErr, transpose, withSingularValues } from './matrices';

const SEED = 20240607;
// Float32 QR: error ≈ cond(A)·u·(small factor), u = 6e-8. For cond ≤ 100 the tests allow 1e-4;
// measured: 3e-7 (cond 10) to 3e-6 (cond 100).
const TOL_WELL = 1e-4;

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
    it(`${m}×${n}, cond ${cond}, ${k} random right-hand sides: relErr ≤ ${TOL_WELL}`, async () => {
      const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, cond)));
      const b = Float32Array.from(gaussian(rng, m * k));
      const { x, shape } = await solve(a, m, n, b, k);
      expect(shape).to.deep.equal([n, k]);
      const err = relErr(x, lstsqRef(f64(a), m, n, f64(b), k));
      expect(err, `seed ${SEED}`).to.be.at.most(TOL_WELL);
    });
  }

  it('rowsAreSamples: B [k, m] (one sample per row) gives X [k, n], the same solutions', async () => {
    const [m, n, k] = [97, 31, 6];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 50)));
    const bt = Float32Array.from(gaussian(rng, k * m));
    const { x, shape } = await solve(a, m, n, bt, k, true);
    expect(shape).to.deep.equal([k, n]);
    const ref = transpose(lstsqRef(f64(a), m, n, transpose(bt, k, m), k), n, k);
    expect(relErr(x, ref)).to.be.at.most(TOL_WELL);
  });

  it('exact recovery when B = A·X_true: X ≈ X_true and the residual is at rounding level', async () => {
    const [m, n, k] = [60, 25, 4];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 30)));
    const xTrue = Float32Array.from(gaussian(rng, n * k));
    const b = Float32Array.from(matmul64(a, xTrue, m, n, k));
    const { x } = await solve(a, m, n, b, k);
    const errX = relErr(x, xTrue);
    const res = relErr(matmul64(a, x, m, n, k), b);
    expect(errX).to.be.at.most(TOL_WELL);
    expect(res).to.be.at.most(1e-6);
  });

  it('many right-hand sides: 120×40 with k = 2000 (rowsAreSamples)', async () => {
    const [m, n, k] = [120, 40, 2000];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 20)));
    const bt = Float32Array.from(gaussian(rng, k * m));
    const { x } = await solve(a, m, n, bt, k, true);
    const ref = transpose(lstsqRef(f64(a), m, n, transpose(bt, k, m), k), n, k);
    const err = relErr(x, ref);
    let worst = 0;
    for (let s = 0; s < k; s++)
      worst = Math.max(worst, relErr(x.subarray(s * n, (s + 1) * n), ref.subarray(s * n, (s + 1) * n)));
    expect(err).to.be.at.most(TOL_WELL);
    expect(worst).to.be.at.most(TOL_WELL);
  });

  it('pinv(A)·A ≈ I_n and pinv matches the float64 A⁺', async () => {
    const [m, n] = [97, 31];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 20)));
    const ctx = await getGpu();
    const res = await pinv(ctx, a, [m, n]);
    expect(res.shape).to.deep.equal([n, m]);
    const p = await readFloat32(ctx.gpu, res.x, 0, n * m);
    res.dispose();
    const pa = matmul64(p, a, n, m, n);
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(pa[i * n + j]! - (i === j ? 1 : 0)));
    const err = relErr(p, pinvRef(f64(a), m, n));
    expect(worst).to.be.at.most(1e-4);
    expect(err).to.be.at.most(TOL_WELL);
  });

  // Measured (seed above, SwiftShader): QR relErr 1.0e-4, float32 normal equations 2.7e-1. The normal
  // equations square the condition number (cond(AᵀA) = 1e8 > 1/u), so in float32 they keep no
  // correct digit, while QR's error stays near cond(A)·u ≈ 6e-4. Tolerance for QR: 1e-3.
  it('ill-conditioned A (cond 1e4): relErr ≤ 1e-3, at least 100× below float32 normal equations', async () => {
    const [m, n, k] = [80, 24, 3];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 1e4)));
    const xTrue = gaussian(rng, n * k);
    const b = Float32Array.from(matmul64(a, xTrue, m, n, k)).map((v) => v + 1e-3 * rng.normal());
    const ref = lstsqRef(f64(a), m, n, f64(b), k);
    const { x } = await solve(a, m, n, b, k);
    const errQr = relErr(x, ref);
    const errNe = relErr(lstsqNormalEquationsF32(a, m, n, b, k), ref);
    expect(errQr).to.be.at.most(1e-3);
    expect(errQr * 100).to.be.below(errNe);
  });
});
