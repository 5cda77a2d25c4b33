// matmul and linear on the GPU against the float64 reference, on shapes that hit tile edges.
import { expect } from 'chai';
import { linear, matmul } from '../../../src/ops/matmul';
import { matmulRef } from '../../../src/ops/matmul.ref';
import { Rng } from '../../../src/util/rng';
import { ShapeError } from '../../../src/util/errors';
import { allclose, f64, randomArray } from '../../helpers/allclose';
import { getGpu, runOp } from '../../helpers/gpu';

// f32 accumulation over K terms of size ≤ 1: error grows like √K·eps; atol 1e-5·√K, rtol 1e-4.
const tol = (K: number) => ({ atol: 1e-5 * Math.sqrt(K) * 4, rtol: 1e-4 });

for (const variant of ['direct', 'tiled'] as const) describe(`matmul, ${variant} variant (GPU vs float64 reference)`, () => {
  let saved: 'direct' | 'tiled' = 'direct';
  before(async () => {
    const { gpu } = await getGpu();
    saved = gpu.tuning.gemm;
    gpu.tuning.gemm = variant;
  });
  after(async () => {
    (await getGpu()).gpu.tuning.gemm = saved;
  });
  const sizes = [1, 17, 64, 129];
  const rng = new Rng(1234);
  for (const M of sizes) {
    for (const K of [1, 17, 129]) {
      for (const N of [1, 64, 65]) {
        it(`A·B for M=${M} K=${K} N=${N}`, async () => {
          const a = randomArray(rng, M * K);
          const b = randomArray(rng, K * N);
          const got = await runOp(matmul, [a, b], [[M, K], [K, N]], {});
          allclose(got, matmulRef(f64(a), f64(b), M, K, N), tol(K), `matmul ${M}x${K}x${N}`);
        });
      }
    }
  }

  for (const [transA, transB] of [[true, false], [false, true], [true, true]] as const) {
    it(`transposed variant transA=${transA} transB=${transB} on 33×70×19`, async () => {
      const [M, K, N] = [33, 70, 19];
      const a = randomArray(rng, M * K);
      const b = randomArray(rng, K * N);
      const as = transA ? [K, M] : [M, K];
      const bs = transB ? [N, K] : [K, N];
      const got = await runOp(matmul, [a, b], [as, bs], { transA, transB });
      allclose(got, matmulRef(f64(a), f64(b), M, K, N, transA, transB), tol(K), 'transposed matmul');
    });
  }

  it('batched: 3 independent products of 20×31×9', async () => {
    const [B, M, K, N] = [3, 20, 31, 9];
    const a = randomArray(rng, B * M * K);
    const b = randomArray(rng, B * K * N);
    const got = await runOp(matmul, [a, b], [[B, M, K], [B, K, N]], {});
    const expected = new Float64Array(B * M * N);
    for (let i = 0; i < B; i++) expected.set(matmulRef(f64(a.subarray(i * M * K, (i + 1) * M * K)), f64(b.subarray(i * K * N, (i + 1) * K * N)), M, K, N), i * M * N);
    allclose(got, expected, tol(K), 'batched matmul');
  });

  it('fused linear: leaky ReLU(x·Wᵀ + b) at the first report\'s shapes 7×784→196', async () => {
    const [B, I, O] = [7, 784, 196];
    const x = randomArray(rng, B * I, 0, 1);
    const w = randomArray(rng, O * I, -0.05, 0.05);
    const bias = randomArray(rng, O, -0.05, 0.05);
    const attrs = { kind: 'leakyRelu' as const, alpha: 0.5 };
    const got = await runOp(linear, [x, w, bias], [[B, I], [O, I], [O]], attrs);
    allclose(got, linear.reference([f64(x), f64(w), f64(bias)], [[B, I], [O, I], [O]], attrs), tol(I), 'linear');
  });

  it('rejects mismatched inner dims when the shape is inferred, naming both shapes', () => {
    expect(() => matmul.inferShape([[32, 784], [128, 10]], {})).to.throw(ShapeError, /matmul: inner dims differ.*a=\[32,784\] b=\[128,10\]/);
  });
});
