// The fused ops of the graph's fusion pass (src/graph/fuse.ts) on the GPU, on every GEMM variant:
// against their float64 references, with float32 bounds derived as in test/helpers/bounds.ts, and
// against the unfused ops they replace, which they must match bit for bit (the same products and sums
// in the same order; only where the result is written differs).
//   matmulActGrad: (A·B) ⊙ f'(y). |error| ≤ |f'(y)|·(product bound) + 3u·|A·B|·(|f'(y)| + y²) + u·|c|
//     (f'(y) itself is formed in float32 from y: y(1 − y), 1 − y², a slope).
//   linearParamGrad: dW = dzᵀ·x with the product bound; db = Σ_rows dz within λ·√B·u·Σ|dz| + u·|db|.
//   lossValueGrad: gradient within 16u·|g| (a few float32 operations per element) + 3u·|loss gradient|·p²
//     (f'(p) formed in float32), value within
//     (λ·√n + 8)·u·Σ|terms| (a sum of n terms, each from a few operations).
import { expect } from 'chai';
import type { ManagedBuffer } from '../../../src/gpu/buffers';
import { readFloat32 } from '../../../src/gpu/readback';
import { activationGradY, type ActivationAttrs } from '../../../src/ops/activation';
import {
  bceLoss,
  bceLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  lossValueGrad,
  mseLoss,
  mseLossGrad,
} from '../../../src/ops/loss';
import { linearParamGrad, matmul, matmulActGrad } from '../../../src/ops/matmul';
import type { OpDef } from '../../../src/ops/op';
import { sumRows } from '../../../src/ops/reduce';
import { ShapeError } from '../../../src/util/errors';
import { Rng } from '../../../src/util/rng';
import { numel, type Shape } from '../../../src/util/shape';
import { f64, randomArray } from '../../helpers/allclose';
import { expectWithin, expectWithinPerColumn, productBounds, sumBound, U, LAMBDA } from '../../helpers/bounds';
import { getGpu, runOp } from '../../helpers/gpu';

/** Runs one op with its extra outputs; returns [output, ...extras]. Frees every buffer it made. */
async function runFused<A>(
  op: OpDef<A>,
  inputs: readonly Float32Array[],
  shapes: readonly Shape[],
  attrs: A,
): Promise<Float32Array[]> {
  const { gpu, registry } = await getGpu();
  const owned: ManagedBuffer[] = [];
  const made = (label: string, floats: number) => {
    const b = gpu.buffers.create(label, floats * 4);
    owned.push(b);
    return b;
  };
  const bounds: { dispose(): void }[] = [];
  try {
    const ins = inputs.map((data, i) => {
      const b = gpu.buffers.fromData(`${op.name}:in${i}`, data);
      owned.push(b);
      return b;
    });
    const outShape = op.inferShape(shapes, attrs);
    const out = made(`${op.name}:out`, numel(outShape));
    const extras = (op.extraOutputs?.(shapes, attrs) ?? []).map((s, k) => made(`${op.name}:extra${k}`, numel(s)));
    const ctx = { gpu, registry, scratch: made };
    const dispatches = op.build(ctx, ins, shapes, out, outShape, attrs, extras);
    bounds.push(...dispatches.map((d) => d.bound));
    await registry.settled();
    const encoder = gpu.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const d of dispatches) d.bound.encode(pass, d.workgroups);
    pass.end();
    gpu.device.queue.submit([encoder.finish()]);
    return await Promise.all([out, ...extras].map((b) => readFloat32(gpu, b)));
  } finally {
    for (const b of bounds) b.dispose();
    for (const b of owned) b.dispose();
  }
}

const expectSameBits = (got: Float32Array, want: Float32Array, what: string) => {
  expect(got.length, `${what}: length`).to.equal(want.length);
  const i = got.findIndex((v, k) => !Object.is(v, want[k]));
  expect(i, `${what}: first differing index (${got[i]} vs ${want[i]})`).to.equal(-1);
};

const VARIANTS = {
  direct: { gemm: 'direct', wideMinTiles: 128, vec4Reads: true },
  'direct-scalar': { gemm: 'direct', wideMinTiles: 128, vec4Reads: false },
  tiled: { gemm: 'tiled', wideMinTiles: Infinity, vec4Reads: true },
  'tiled-wide': { gemm: 'tiled', wideMinTiles: 1, vec4Reads: true },
} as const;

/** Activation outputs y in the range each activation produces, and f'(y) in float64. */
function activationOutputs(rng: Rng, n: number, act: ActivationAttrs): Float32Array {
  const lo = act.kind === 'sigmoid' ? 0 : -1;
  return Float32Array.from({ length: n }, () => rng.uniform(lo, 1));
}
const slope = (act: ActivationAttrs, v: number) =>
  act.kind === 'sigmoid'
    ? v * (1 - v)
    : act.kind === 'tanh'
      ? 1 - v * v
      : act.kind === 'identity'
        ? 1
        : v > 0
          ? 1
          : (act.alpha ?? 0.01) * (act.kind === 'relu' ? 0 : 1);

const ACTS: ActivationAttrs[] = [
  { kind: 'leakyRelu', alpha: 0.5 },
  { kind: 'relu' },
  { kind: 'sigmoid' },
  { kind: 'tanh' },
];

for (const variant of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[])
  describe(`fused GEMMs, ${variant} variant (GPU vs float64 reference and vs the unfused ops)`, () => {
    let saved = { gemm: 'direct' as 'direct' | 'tiled', wideMinTiles: 128, vec4Reads: true };
    before(async () => {
      const { tuning } = (await getGpu()).registry;
      saved = { gemm: tuning.gemm, wideMinTiles: tuning.wideMinTiles, vec4Reads: tuning.vec4Reads };
      Object.assign(tuning, VARIANTS[variant]);
    });
    after(async () => {
      Object.assign((await getGpu()).registry.tuning, saved);
    });
    const rng = new Rng(77);

    // dz·W as in a Linear layer's input gradient: dz [B, O], W [O, I]; ragged and vec4-aligned shapes.
    for (const [B, O, I] of [
      [37, 29, 45],
      [64, 32, 44],
      [130, 8, 68],
    ] as const) {
      for (const act of ACTS) {
        it(`matmulActGrad ${act.kind}: dz [${B}, ${O}] · W [${O}, ${I}] ⊙ f'(y)`, async () => {
          const dz = randomArray(rng, B * O);
          const w = randomArray(rng, O * I);
          const y = activationOutputs(rng, B * I, act);
          const shapes: Shape[] = [
            [B, O],
            [O, I],
            [B, I],
          ];
          const [got] = await runFused(matmulActGrad, [dz, w, y], shapes, act);
          const want = matmulActGrad.reference([f64(dz), f64(w), f64(y)], shapes, act);
          const pb = productBounds(dz, w, B, O, I);
          const prod = matmul.reference([f64(dz), f64(w)], shapes.slice(0, 2), {});
          const bound = Float64Array.from(pb, (b, k) => {
            const d = Math.abs(slope(act, y[k]!));
            return d * b + 3 * U * Math.abs(prod[k]!) * (d + y[k]! * y[k]!) + U * Math.abs(want[k]!);
          });
          expectWithinPerColumn(got!, want, bound, B, I, `matmulActGrad ${act.kind}`);
          const h = await runOp(matmul, [dz, w], shapes.slice(0, 2), {});
          const unfused = await runOp(activationGradY, [y, h], [shapes[2]!, shapes[2]!], act);
          expectSameBits(got!, unfused, `matmulActGrad ${act.kind} vs matmul + activationGradY`);
        });
      }
    }

    it('matmulActGrad: transposed and batched products, as matmul', async () => {
      const [M, K, N] = [24, 36, 20];
      const a = randomArray(rng, 2 * K * M);
      const b = randomArray(rng, 2 * N * K);
      const act: ActivationAttrs = { kind: 'tanh' };
      const y = activationOutputs(rng, 2 * M * N, act);
      const shapes: Shape[] = [
        [2, K, M],
        [2, N, K],
        [2, M, N],
      ];
      const attrs = { ...act, transA: true, transB: true };
      const [got] = await runFused(matmulActGrad, [a, b, y], shapes, attrs);
      const h = await runOp(matmul, [a, b], shapes.slice(0, 2), { transA: true, transB: true });
      const unfused = await runOp(activationGradY, [y, h], [shapes[2]!, shapes[2]!], act);
      expectSameBits(got!, unfused, 'batched transposed matmulActGrad');
      const want = matmulActGrad.reference([f64(a), f64(b), f64(y)], shapes, attrs);
      expectWithin(
        got!,
        want,
        Array.from(want, (v) => 1e-5 * (1 + Math.abs(v))),
        'batched transposed vs reference',
      );
    });

    for (const [B, O, I] of [
      [37, 29, 45],
      [256, 8, 196],
      [64, 132, 20],
    ] as const) {
      it(`linearParamGrad: dzᵀ·x and Σ_rows dz for dz [${B}, ${O}], x [${B}, ${I}]`, async () => {
        const dz = randomArray(rng, B * O);
        const x = randomArray(rng, B * I);
        const shapes: Shape[] = [
          [B, O],
          [B, I],
        ];
        const [dW, db] = await runFused(linearParamGrad, [dz, x], shapes, {});
        const want = linearParamGrad.reference([f64(dz), f64(x)], shapes, {});
        expect(want.length).to.equal(O * I + O);
        const wantW = want.subarray(0, O * I);
        const wantB = want.subarray(O * I);
        expectWithinPerColumn(dW!, wantW, productBounds(dz, x, O, B, I, { transA: true }), O, I, 'linearParamGrad dW');
        const absCol = new Float64Array(O);
        for (let k = 0; k < B * O; k++) absCol[k % O]! += Math.abs(dz[k]!);
        expectWithin(
          db!,
          wantB,
          Array.from(wantB, (v, j) => U * Math.abs(v) + sumBound(B, absCol[j]!)),
          'db',
        );
        expectSameBits(dW!, await runOp(matmul, [dz, x], shapes, { transA: true }), 'dW vs matmul');
        expectSameBits(db!, await runOp(sumRows, [dz], [shapes[0]!], {}), 'db vs sumRows');
      });
    }
  });

describe('fused ops: shape errors name the op and the shapes', () => {
  it('matmulActGrad refuses an activation output of another shape', () => {
    expect(() =>
      matmulActGrad.inferShape(
        [
          [4, 3],
          [3, 5],
          [4, 4],
        ],
        { kind: 'tanh' },
      ),
    ).to.throw(ShapeError, /matmulActGrad: .*\[4,5\].*y=\[4,4\]/);
  });
  it('linearParamGrad refuses different batch sizes', () => {
    expect(() =>
      linearParamGrad.inferShape(
        [
          [4, 3],
          [5, 2],
        ],
        {},
      ),
    ).to.throw(ShapeError, /linearParamGrad: .*dz=\[4,3\] x=\[5,2\]/);
  });
  it('lossValueGrad refuses an unknown loss and a non-scalar dy', () => {
    const act: ActivationAttrs = { kind: 'identity' };
    expect(() => lossValueGrad.inferShape([[2, 2], [2, 2], [1]], { loss: 'hinge', lossAttrs: {}, act })).to.throw(
      /unknown loss "hinge"/,
    );
    expect(() => lossValueGrad.inferShape([[2, 2], [2, 2], [2]], { loss: 'mseLoss', lossAttrs: {}, act })).to.throw(
      ShapeError,
      /dy=\[1\]/,
    );
  });
});

describe('lossValueGrad (GPU vs float64 reference and vs loss + lossGrad + activationGradY)', () => {
  const rng = new Rng(5);
  const cases: {
    loss: OpDef<Record<string, never>>;
    grad: OpDef<Record<string, never>>;
    act: ActivationAttrs;
    shapes: Shape[];
  }[] = [
    {
      loss: mseLoss,
      grad: mseLossGrad,
      act: { kind: 'leakyRelu', alpha: 0.5 },
      shapes: [
        [256, 784],
        [256, 784],
      ],
    },
    {
      loss: mseLoss,
      grad: mseLossGrad,
      act: { kind: 'identity' },
      shapes: [
        [7, 5],
        [7, 5],
      ],
    },
    {
      loss: bceLoss,
      grad: bceLossGrad,
      act: { kind: 'sigmoid' },
      shapes: [
        [64, 300],
        [64, 300],
      ],
    },
    {
      loss: mseLoss,
      grad: mseLossGrad,
      act: { kind: 'tanh' },
      shapes: [
        [33, 17],
        [33, 17],
      ],
    },
    { loss: crossEntropyLoss, grad: crossEntropyLossGrad, act: { kind: 'identity' }, shapes: [[40, 10], [40]] },
  ];
  for (const c of cases) {
    it(`${c.loss.name} through ${c.act.kind} on ${JSON.stringify(c.shapes[0])}`, async () => {
      const n = numel(c.shapes[0]!);
      const pred =
        c.loss === crossEntropyLoss
          ? randomArray(rng, n)
          : activationOutputs(rng, n, c.act.kind === 'identity' ? { kind: 'sigmoid' } : c.act);
      const tgt =
        c.loss === crossEntropyLoss
          ? Float32Array.from({ length: c.shapes[1]![0]! }, () => Math.floor(rng.uniform(0, 10)))
          : Float32Array.from({ length: n }, () => rng.uniform(0, 1));
      const dy = Float32Array.of(0.75);
      const shapes = [...c.shapes, [1]];
      const attrs = { loss: c.loss.name, lossAttrs: {}, act: c.act };
      const [grad, value] = await runFused(lossValueGrad, [pred, tgt, dy], shapes, attrs);
      // The unfused ops on the GPU: the same bits.
      const v = await runOp(c.loss, [pred, tgt], c.shapes, {});
      const g = await runOp(c.grad, [pred, tgt, dy], shapes, {});
      const dz =
        c.act.kind === 'identity' ? g : await runOp(activationGradY, [pred, g], [c.shapes[0]!, c.shapes[0]!], c.act);
      expectSameBits(value!, v, `${c.loss.name} value vs the loss op`);
      expectSameBits(grad!, dz, `${c.loss.name} gradient vs lossGrad + activationGradY`);
      // The float64 reference.
      const want = lossValueGrad.reference([f64(pred), f64(tgt), f64(dy)], shapes, attrs);
      const wantGrad = want.subarray(0, n);
      // f'(p) is formed from p in float32 (1 − p² may cancel): its error 3u·(|f'| + p²) times the loss gradient.
      const lossGrad = c.grad.reference([f64(pred), f64(tgt), f64(dy)], shapes, {});
      const gradBound = Array.from(
        wantGrad,
        (x, k) => 16 * U * Math.abs(x) + 3 * U * Math.abs(lossGrad[k]!) * pred[k]! * pred[k]! + 1e-30,
      );
      expectWithin(grad!, wantGrad, gradBound, 'gradient');
      const terms = c.loss === crossEntropyLoss ? c.shapes[1]![0]! : n;
      const wantValue = want[n]!; // every term is ≥ 0 for these losses, so Σ|terms| = n·value
      const bound = (LAMBDA * Math.sqrt(terms) + 8) * U * Math.abs(wantValue);
      expectWithin(value!, [wantValue], [bound], 'value');
    });
  }
});
