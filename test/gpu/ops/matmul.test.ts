// matmul and linear on the GPU against the float64 reference, on shapes that hit tile edges.
// Tolerance, per element and checked column by column (test/helpers/bounds.ts): a float32 dot product of
// K terms is within u·|c| + λ·√K·u·Σ_k|a_ik·b_kj| of the exact value (λ = 6, u = 2⁻²⁴; a bias adds one
// term), whatever order the kernel adds in. A wrong or missing term of average size (|a·b| ≈ 1/4 here)
// is ~10³ times that at K = 129.
import { expect } from 'chai';
import { directGrid, gemmSplitK, linear, matmul, splitKParts, tiledTile, vec4Layout } from '../../../src/ops/matmul';
import type { ManagedBuffer } from '../../../src/gpu/buffers';
import { readFloat32 } from '../../../src/gpu/readback';
import { matmulRef } from '../../../src/ops/matmul.ref';
import { Rng } from '../../../src/util/rng';
import { ShapeError } from '../../../src/util/errors';
import { f64, randomArray } from '../../helpers/allclose';
import { expectWithinPerColumn, productBounds, U } from '../../helpers/bounds';
import { getGpu, runOp } from '../../helpers/gpu';

/** Checks an M × N product of A and B (as stored) against the float64 reference, per column. */
function expectProduct(
  got: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  what: string,
  t: { transA?: boolean; transB?: boolean } = {},
): void {
  const want = matmulRef(f64(a), f64(b), M, K, N, t.transA, t.transB);
  expectWithinPerColumn(got, want, productBounds(a, b, M, K, N, t), M, N, what);
}

// The tiled variant runs both its tile sizes on every shape: 64 × 64 (wide tiles never chosen) and
// 128 × 128 (chosen for every product).
// The direct variant runs with and without its vec4 reads.
const VARIANTS = {
  direct: { gemm: 'direct', wideMinTiles: 128, vec4Reads: true },
  'direct-scalar': { gemm: 'direct', wideMinTiles: 128, vec4Reads: false },
  tiled: { gemm: 'tiled', wideMinTiles: Infinity, vec4Reads: true },
  'tiled-wide': { gemm: 'tiled', wideMinTiles: 1, vec4Reads: true },
} as const;

describe('vec4Layout: when the direct GEMM reads vec4', () => {
  const params = (M: number, K: number, N: number, transA: boolean, transB: boolean) => ({
    M,
    N,
    K,
    a_rs: transA ? 1 : K,
    a_cs: transA ? M : 1,
    a_bs: 0,
    b_rs: transB ? 1 : N,
    b_cs: transB ? K : 1,
    b_bs: 0,
    c_bs: M * N,
  });
  it('along K or along M / N, whichever has stride 1, when every step is a multiple of 4', () => {
    expect(vec4Layout(params(7, 784, 196, false, true), 1)).to.deep.equal({ aK: true, bK: true }); // x·Wᵀ
    expect(vec4Layout(params(256, 196, 392, false, false), 1)).to.deep.equal({ aK: true, bK: false }); // dY·W
    expect(vec4Layout(params(392, 256, 784, true, false), 1)).to.deep.equal({ aK: false, bK: false }); // dYᵀ·X
  });
  it('null when K, a stride or the extent clamped along is not a multiple of 4', () => {
    expect(vec4Layout(params(8, 30, 8, false, false), 1)).to.equal(null); // K
    expect(vec4Layout(params(10, 8, 8, true, false), 1)).to.equal(null); // M, with A stride 1 along M
    expect(vec4Layout(params(8, 8, 6, false, false), 1)).to.equal(null); // N, with B stride 1 along N
    expect(vec4Layout({ ...params(8, 8, 8, false, false), a_bs: 66, b_bs: 64 }, 2)).to.equal(null); // batch stride
  });
});

describe("tiledTile: the tiled GEMM's tile edge", () => {
  it('128 once the product has wideMinTiles 128 × 128 tiles, else 64', () => {
    expect(tiledTile(2048, 2048, 1, 128)).to.equal(128); // 256 wide tiles
    expect(tiledTile(1024, 1024, 1, 128)).to.equal(64); // 64 wide tiles
    expect(tiledTile(1024, 1024, 2, 128)).to.equal(128); // batched: 128
    expect(tiledTile(1, 1, 1, 1)).to.equal(128);
  });
});

for (const variant of ['direct', 'direct-scalar', 'tiled', 'tiled-wide'] as const)
  describe(`matmul, ${variant} variant (GPU vs float64 reference)`, () => {
    let saved = { gemm: 'direct' as 'direct' | 'tiled', wideMinTiles: 128, vec4Reads: true };
    before(async () => {
      const { registry } = await getGpu();
      const { tuning } = registry;
      saved = { gemm: tuning.gemm, wideMinTiles: tuning.wideMinTiles, vec4Reads: tuning.vec4Reads };
      Object.assign(tuning, VARIANTS[variant]);
    });
    after(async () => {
      Object.assign((await getGpu()).registry.tuning, saved);
    });
    const sizes = [1, 17, 64, 129];
    const rng = new Rng(1234);
    for (const M of sizes) {
      for (const K of [1, 17, 129]) {
        for (const N of [1, 64, 65]) {
          it(`A·B for M=${M} K=${K} N=${N}`, async () => {
            const a = randomArray(rng, M * K);
            const b = randomArray(rng, K * N);
            const got = await runOp(
              matmul,
              [a, b],
              [
                [M, K],
                [K, N],
              ],
              {},
            );
            expectProduct(got, a, b, M, K, N, `matmul ${M}x${K}x${N}`);
          });
        }
      }
    }

    for (const [transA, transB] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`transposed variant transA=${transA} transB=${transB} on 33×70×19`, async () => {
        const [M, K, N] = [33, 70, 19];
        const a = randomArray(rng, M * K);
        const b = randomArray(rng, K * N);
        const as = transA ? [K, M] : [M, K];
        const bs = transB ? [N, K] : [K, N];
        const got = await runOp(matmul, [a, b], [as, bs], { transA, transB });
        expectProduct(got, a, b, M, K, N, 'transposed matmul', { transA, transB });
      });
    }

    // Shapes whose offsets are all multiples of 4 (the direct variant's vec4 reads), with ragged tiles.
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`multiple-of-4 shapes transA=${transA} transB=${transB} on 36×20×44 and 100×64×12`, async () => {
        for (const [M, K, N] of [
          [36, 20, 44],
          [100, 64, 12],
        ] as const) {
          const a = randomArray(rng, M * K);
          const b = randomArray(rng, K * N);
          const got = await runOp(matmul, [a, b], [transA ? [K, M] : [M, K], transB ? [N, K] : [K, N]], {
            transA,
            transB,
          });
          expectProduct(got, a, b, M, K, N, `matmul ${M}×${K}×${N}`, { transA, transB });
        }
      });
    }

    // B independent products of M×K·K×N against the float64 reference, one at a time.
    const batched = async (B: number, M: number, K: number, N: number) => {
      const a = randomArray(rng, B * M * K);
      const b = randomArray(rng, B * K * N);
      const got = await runOp(
        matmul,
        [a, b],
        [
          [B, M, K],
          [B, K, N],
        ],
        {},
      );
      for (let i = 0; i < B; i++)
        expectProduct(
          got.subarray(i * M * N, (i + 1) * M * N),
          a.subarray(i * M * K, (i + 1) * M * K),
          b.subarray(i * K * N, (i + 1) * K * N),
          M,
          K,
          N,
          `batched matmul ${B}×${M}×${K}×${N}, product ${i}`,
        );
    };

    it('batched, multiple-of-4 shapes: 3 products of 12×16×20', () => batched(3, 12, 16, 20));

    // The direct variant sizes its thread grid to the product: one shape per grid, exact and with ragged edges.
    it('every thread grid of the direct GEMM (directGrid) on the shapes it is chosen for', async () => {
      const shapes: [number, number, string][] = [
        [64, 64, '8,8'],
        [32, 128, '16,4'],
        [128, 32, '4,16'],
        [16, 256, '32,2'],
        [256, 16, '2,32'],
        [16, 64, '8,2'],
        [64, 16, '2,8'],
        [32, 32, '4,4'],
        [16, 16, '2,2'],
      ];
      expect(new Set(shapes.map(([M, N]) => directGrid(M, N).join(',')))).to.have.lengthOf(9);
      const K = 45;
      for (const [M0, N0, grid] of shapes) {
        expect(directGrid(M0, N0).join(','), `grid for ${M0}×${N0}`).to.equal(grid);
        for (const [M, N] of [
          [M0, N0],
          [M0 - 3, N0 - 5],
        ] as const) {
          const a = randomArray(rng, M * K);
          const b = randomArray(rng, K * N);
          const got = await runOp(
            matmul,
            [a, b],
            [
              [M, K],
              [K, N],
            ],
            {},
          );
          expectProduct(got, a, b, M, K, N, `matmul ${M}×${K}×${N} (grid ${grid})`);
        }
      }
    });

    // K cut into slices summed afterwards (convolution weight gradients): 1, 3 and 12 slices of K = 300,
    // plain and transposed operands, against the unsplit float64 product.
    for (const [transA, transB] of [
      [false, false],
      [false, true],
      [true, false],
    ] as const) {
      it(`split-K product (gemmSplitK) transA=${transA} transB=${transB} on 37×300×70`, async () => {
        const { gpu, registry } = await getGpu();
        const [M, K, N] = [37, 300, 70];
        const a = randomArray(rng, M * K);
        const b = randomArray(rng, K * N);
        expect(splitKParts({ M, K, N })).to.equal(2); // ≤ ⌊300 / 128⌋ slices, a divisor of K
        for (const parts of [1, 3, 12]) {
          const owned: ManagedBuffer[] = [];
          try {
            const ab = gpu.buffers.fromData('a', a);
            const bb = gpu.buffers.fromData('b', b);
            const cb = gpu.buffers.create('c', M * N * 4);
            owned.push(ab, bb, cb);
            const scratch = (label: string, n: number) => {
              const buf = gpu.buffers.create(label, n * 4);
              owned.push(buf);
              return buf;
            };
            const ds = gemmSplitK({ gpu, registry, scratch }, ab, bb, cb, { M, K, N }, { transA, transB }, parts);
            expect(ds.length).to.equal(parts === 1 ? 1 : 2);
            const enc = gpu.device.createCommandEncoder();
            const pass = enc.beginComputePass();
            for (const d of ds) d.bound.encode(pass, d.workgroups);
            pass.end();
            gpu.device.queue.submit([enc.finish()]);
            const got = await readFloat32(gpu, cb, 0, M * N);
            ds.forEach((d) => d.bound.dispose());
            expectProduct(got, a, b, M, K, N, `split-K ${parts} slices`, { transA, transB });
          } finally {
            owned.forEach((o) => o.dispose());
          }
        }
      });
    }

    it('batched: 3 independent products of 20×31×9', () => batched(3, 20, 31, 9));

    // linear = f(x·Wᵀ + b) with f in the GEMM's epilogue. Bound on y: L·(bound on z) plus f's own error,
    // L = f's Lipschitz constant (1; sigmoid 1/4). Leaky ReLU with slope 1/2 is exact; sigmoid and tanh
    // (WGSL: 1/(1 + exp(−z)) and tanh) add at most (8 + 4|z|)·u: exp is within 3 + 2|z| ulp (WGSL's
    // accuracy table; an ulp is ≤ 2u relative), which moves σ by at most a quarter of that, and the
    // add and the division within 1 and 2.5 ulp.
    for (const [kind, lipschitz, ownError] of [
      ['identity', 1, () => 0],
      ['leakyRelu', 1, () => 0],
      ['relu', 1, () => 0],
      ['sigmoid', 0.25, (z: number) => (8 + 4 * Math.abs(z)) * U],
      ['tanh', 1, (z: number) => (8 + 4 * Math.abs(z)) * U],
    ] as const) {
      it(`fused linear: ${kind}(x·Wᵀ + b) at the first report's shapes 7×784→196`, async () => {
        const [B, I, O] = [7, 784, 196];
        const x = randomArray(rng, B * I, 0, 1);
        const w = randomArray(rng, O * I, -0.05, 0.05);
        const bias = randomArray(rng, O, -0.05, 0.05);
        const attrs = { kind, alpha: 0.5 };
        const shapes = [[B, I], [O, I], [O]];
        const got = await runOp(linear, [x, w, bias], shapes, attrs);
        const want = linear.reference([f64(x), f64(w), f64(bias)], shapes, attrs);
        const z = linear.reference([f64(x), f64(w), f64(bias)], shapes, { kind: 'identity' });
        const zBound = productBounds(x, w, B, I, O, { transB: true, bias });
        const bound = zBound.map((e, i) => lipschitz * e + ownError(z[i]!) + U * Math.abs(want[i]!));
        expectWithinPerColumn(got, want, bound, B, O, `linear ${kind}`);
      });
    }

    it('rejects mismatched inner dims when the shape is inferred, naming both shapes', () => {
      expect(() =>
        matmul.inferShape(
          [
            [32, 784],
            [128, 10],
          ],
          {},
        ),
      ).to.throw(ShapeError, /matmul: inner dims differ.*a=\[32,784\] b=\[128,10\]/);
    });
  });
