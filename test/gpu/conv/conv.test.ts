// conv2d and convTranspose2d on the GPU against the float64 references: the forward, and every
// gradient of the composed backward rules (each op of the rule run on the GPU) against the same rule
// evaluated on the references, through both lowerings (im2col + GEMM, direct kernels). Shapes: the
// second report's four layers at c = 3, N = 2, and odd ones.
import { expect } from 'chai';
import { conv2d, conv2dBackwardWeight, convTranspose2d } from '../../../src/ops/conv';
import { Rng } from '../../../src/util/rng';
import { numel, type Shape } from '../../../src/util/shape';
import { f64, randomArray } from '../../helpers/allclose';
import { expectWithin, sumOfProductsBounds } from '../../helpers/bounds';
import { gpuGrads, referenceGrads } from '../../helpers/eager-grad';
import { getGpu, runOp } from '../../helpers/gpu';
import type { Tuning } from '../../../src/kernels/tuning';
import { Graph } from '../../../src/graph/graph';
import { Executable } from '../../../src/graph/executor';

// Tolerance: every output (forward and gradients) is a float32 sum of at most K products of the inputs,
// K that output's reduction length, so it is within u·|y| + λ·√K·u·Σ|terms| of the float64 value in any
// order of addition (λ = 6, u = 2⁻²⁴; test/helpers/bounds.ts). Σ|terms| is the same computation run by the
// references on the absolute values of the inputs (and of dy).
const absOf = (a: ArrayLike<number>) => Float64Array.from(a, Math.abs);

interface Case {
  op: 'conv' | 'transpose';
  N: number;
  Cin: number;
  Cout: number;
  H: number;
  W: number;
  K: [number, number];
  stride: number;
  padding: number;
  bias: boolean;
}

const conv = (
  N: number,
  Cin: number,
  Cout: number,
  H: number,
  W: number,
  K: [number, number],
  stride: number,
  padding: number,
  bias = true,
): Case => ({ op: 'conv', N, Cin, Cout, H, W, K, stride, padding, bias });
const transpose = (
  N: number,
  Cin: number,
  Cout: number,
  H: number,
  W: number,
  K: [number, number],
  stride: number,
  padding: number,
  bias = true,
): Case => ({ op: 'transpose', N, Cin, Cout, H, W, K, stride, padding, bias });

const CASES: Case[] = [
  conv(2, 1, 3, 28, 28, [4, 4], 2, 1), // report: Conv2d(1→c, 4, 2, 1), 28 → 14
  conv(2, 3, 6, 14, 14, [4, 4], 2, 1), // report: Conv2d(c→2c, 4, 2, 1), 14 → 7
  transpose(2, 6, 3, 7, 7, [4, 4], 2, 1), // report: ConvTranspose2d(2c→c, 4, 2, 1), 7 → 14
  transpose(2, 3, 1, 14, 14, [4, 4], 2, 1), // report: ConvTranspose2d(c→1, 4, 2, 1), 14 → 28
  conv(2, 2, 3, 5, 6, [3, 3], 1, 1),
  conv(2, 3, 2, 11, 13, [5, 5], 2, 0),
  conv(1, 4, 3, 3, 5, [1, 1], 1, 0),
  conv(1, 2, 2, 5, 4, [1, 1], 2, 0, false), // stride > kernel: skipped pixels get zero gradient
  conv(1, 2, 3, 8, 7, [3, 2], 2, 2, false), // leftover rows, windows that see only padding
  transpose(2, 2, 3, 5, 6, [3, 3], 1, 1),
  transpose(1, 3, 2, 4, 5, [5, 5], 2, 0), // → 11×13
  transpose(1, 4, 3, 3, 5, [1, 1], 1, 0, false),
  transpose(1, 2, 2, 3, 3, [2, 2], 3, 0), // stride > kernel: gaps between stamps
];

function describeCase(c: Case): string {
  const name = c.op === 'conv' ? 'conv2d' : 'convTranspose2d';
  return `${name} N=${c.N} ${c.Cin}→${c.Cout} ${c.H}×${c.W} k${c.K[0]}×${c.K[1]} s${c.stride} p${c.padding}${c.bias ? '' : ' (no bias)'}`;
}

for (const lowering of ['im2col', 'direct'] as const)
  describe(`conv2d / convTranspose2d, ${lowering} (GPU vs float64 reference)`, () => {
    const rng = new Rng(77);
    let saved: Tuning['conv'];
    before(async () => {
      const { registry } = await getGpu();
      saved = registry.tuning.conv;
      registry.tuning.conv = lowering;
    });
    after(async () => {
      (await getGpu()).registry.tuning.conv = saved;
    });

    for (const c of CASES) {
      it(describeCase(c), async () => {
        const op = c.op === 'conv' ? conv2d : convTranspose2d;
        const attrs = { stride: c.stride, padding: c.padding };
        const [KH, KW] = c.K;
        const x: Shape = [c.N, c.Cin, c.H, c.W];
        const w: Shape = c.op === 'conv' ? [c.Cout, c.Cin, KH, KW] : [c.Cin, c.Cout, KH, KW];
        const shapes = c.bias ? [x, w, [c.Cout]] : [x, w];
        const inputs = shapes.map((s) => randomArray(rng, numel(s)));
        const yShape = op.inferShape(shapes, attrs);
        const [, , OH, OW] = yShape as [number, number, number, number];
        const dy = randomArray(rng, numel(yShape));
        const what = describeCase(c);

        // Reduction lengths: forward, dx, dw (and db) of each op.
        const K =
          c.op === 'conv'
            ? { y: c.Cin * KH * KW + 1, dx: c.Cout * KH * KW, dw: c.N * OH * OW, db: c.N * OH * OW }
            : { y: c.Cin * KH * KW + 1, dx: c.Cout * KH * KW, dw: c.N * c.H * c.W, db: c.N * OH * OW };

        const y = await runOp(op, inputs, shapes, attrs);
        const yRef = op.reference(inputs.map(f64), shapes, attrs);
        expectWithin(
          y,
          yRef,
          sumOfProductsBounds(yRef, op.reference(inputs.map(absOf), shapes, attrs), K.y),
          `${what}: y`,
        );

        const expected = referenceGrads(op, inputs.map(f64), shapes, attrs, f64(dy));
        const absSums = referenceGrads(op, inputs.map(absOf), shapes, attrs, absOf(dy));
        const got = await gpuGrads(op, inputs, shapes, attrs, dy);
        expect(got.length).to.equal(shapes.length);
        expectWithin(got[0]!, expected[0]!, sumOfProductsBounds(expected[0]!, absSums[0]!, K.dx), `${what}: dx`);
        expectWithin(got[1]!, expected[1]!, sumOfProductsBounds(expected[1]!, absSums[1]!, K.dw), `${what}: dw`);
        if (c.bias)
          expectWithin(got[2]!, expected[2]!, sumOfProductsBounds(expected[2]!, absSums[2]!, K.db), `${what}: db`);
      });
    }

    it('conv2dBackwardWeight with more than 65535 outputs (one workgroup each) wraps its dispatch onto y', async () => {
      const [N, C, O, H, W] = [1, 128, 64, 3, 3];
      const attrs = { stride: 1, padding: 1, kernelSize: [3, 3] as [number, number] };
      const shapes: Shape[] = [
        [N, C, H, W],
        [N, O, H, W],
      ];
      const [x, dy] = shapes.map((s) => randomArray(rng, numel(s)));
      const got = await runOp(conv2dBackwardWeight, [x!, dy!], shapes, attrs);
      expect(got.length).to.equal(O * C * 9);
      const want = conv2dBackwardWeight.reference([f64(x!), f64(dy!)], shapes, attrs);
      const absSums = conv2dBackwardWeight.reference([absOf(x!), absOf(dy!)], shapes, attrs);
      expectWithin(got, want, sumOfProductsBounds(want, absSums, N * H * W), 'dw [64,128,3,3]');
    });
  });

describe('conv2d: choosing im2col or the direct kernels', () => {
  const rng = new Rng(78);
  // The report's second layer at N = 2: im2col matrix [48, 98] floats = 18,816 bytes.
  const shapes: Shape[] = [[2, 3, 14, 14], [6, 3, 4, 4], [6]];
  const attrs = { stride: 2, padding: 1 };
  const dispatches = async () => {
    const { gpu, registry } = await getGpu();
    const g = new Graph();
    const [x, w, b] = shapes.map((s, i) => g.input(`in${i}`, s));
    g.apply(conv2d, [x!, w!, b!], attrs);
    const exe = new Executable({ gpu, registry }, g, { keep: [] });
    const n = exe.dispatchCount;
    exe.dispose();
    return n;
  };
  let saved: Tuning;
  before(async () => {
    saved = { ...(await getGpu()).registry.tuning };
  });
  afterEach(async () => {
    Object.assign((await getGpu()).registry.tuning, saved);
  });

  it('lowers to three passes when the scratch fits, and runs one direct pass when it would not', async () => {
    const { registry } = await getGpu();
    registry.tuning.conv = 'im2col';
    registry.tuning.im2colMaxBytes = 48 * 98 * 4;
    expect(await dispatches()).to.equal(3); // im2col, GEMM, back to NCHW with the bias
    registry.tuning.im2colMaxBytes = 48 * 98 * 4 - 4;
    expect(await dispatches()).to.equal(1);
    const inputs = shapes.map((s) => randomArray(rng, numel(s)));
    const want = conv2d.reference(inputs.map(f64), shapes, attrs);
    const absSums = conv2d.reference(inputs.map(absOf), shapes, attrs);
    expectWithin(
      await runOp(conv2d, inputs, shapes, attrs),
      want,
      sumOfProductsBounds(want, absSums, 3 * 16 + 1),
      'direct past the cap',
    );
  });
});

describe('conv2dBackwardWeight: the im2col matrix of its forward, reused in one compiled graph', () => {
  const rng = new Rng(91);
  let saved: Tuning;
  before(async () => {
    saved = { ...(await getGpu()).registry.tuning };
  });
  afterEach(async () => {
    Object.assign((await getGpu()).registry.tuning, saved);
  });
  it('one gather fewer, the same dw (and y) as the float64 reference', async () => {
    const { gpu, registry } = await getGpu();
    registry.tuning.conv = 'im2col';
    const attrs = { stride: 2, padding: 1 };
    const kernelSize: [number, number] = [4, 4];
    // a: the tensor whose im2col both ops read; w: [O, C, 4, 4]; d: the gradient the weight gradient pairs with a.
    // conv2d rule: a = x [N, C, 14, 14], d = dy [N, O, 7, 7]. convTranspose2d rule (2c → c, 7 → 14):
    // a = its dy [N, Cout, 14, 14], d = its x [N, Cin, 7, 7], w its weight [Cin, Cout, 4, 4].
    const aShape: Shape = [2, 3, 14, 14];
    const wShape: Shape = [6, 3, 4, 4];
    const dShape: Shape = [2, 6, 7, 7];
    const [a, w, d] = [aShape, wShape, dShape].map((s) => randomArray(rng, numel(s)));
    const build = (reuse: boolean) => {
      const g = new Graph();
      const ta = g.input('a', aShape);
      const tw = g.input('w', wShape);
      const td = g.input('d', dShape);
      // conv2d(a, w): the forward in the conv2d rule, the input gradient in the convTranspose2d rule.
      const y = g.apply(conv2d, [ta, tw], attrs);
      const dw = g.apply(conv2dBackwardWeight, reuse ? [ta, td, y] : [ta, td], { ...attrs, kernelSize });
      const exe = new Executable({ gpu, registry }, g, { keep: [y, dw] });
      exe.write(ta, a!);
      exe.write(tw, w!);
      exe.write(td, d!);
      return { exe, y, dw };
    };
    const shapes: Shape[] = [aShape, dShape];
    const want = conv2dBackwardWeight.reference([f64(a!), f64(d!)], shapes, { ...attrs, kernelSize });
    const absSums = conv2dBackwardWeight.reference([absOf(a!), absOf(d!)], shapes, { ...attrs, kernelSize });
    const yWant = conv2d.reference([f64(a!), f64(w!)], [aShape, wShape], attrs);
    const yAbs = conv2d.reference([absOf(a!), absOf(w!)], [aShape, wShape], attrs);
    const counts: number[] = [];
    for (const reuse of [true, false]) {
      const { exe, y, dw } = build(reuse);
      try {
        counts.push(exe.dispatchCount);
        exe.run();
        const what = `${reuse ? 'reused' : 'rebuilt'} im2col`;
        expectWithin(await exe.read(dw), want, sumOfProductsBounds(want, absSums, 2 * 7 * 7), `${what}: dw`);
        expectWithin(await exe.read(y), yWant, sumOfProductsBounds(yWant, yAbs, 3 * 16), `${what}: y`);
      } finally {
        exe.dispose();
      }
    }
    expect(counts[1]! - counts[0]!, `dispatches with / without the forward's output: ${counts}`).to.equal(1);
  });

  it('a y computed from another x is not reused: im2col is gathered from the x given', async () => {
    const { gpu, registry } = await getGpu();
    registry.tuning.conv = 'im2col';
    const attrs = { stride: 2, padding: 1 };
    const kernelSize: [number, number] = [4, 4];
    const xShape: Shape = [2, 3, 14, 14];
    const wShape: Shape = [6, 3, 4, 4];
    const dShape: Shape = [2, 6, 7, 7];
    const [x1, x2, w, d] = [xShape, xShape, wShape, dShape].map((s) => randomArray(rng, numel(s)));
    const g = new Graph();
    const t1 = g.input('x1', xShape);
    const t2 = g.input('x2', xShape);
    const tw = g.input('w', wShape);
    const td = g.input('d', dShape);
    const y1 = g.apply(conv2d, [t1, tw], attrs);
    const dw = g.apply(conv2dBackwardWeight, [t2, td, y1], { ...attrs, kernelSize });
    const exe = new Executable({ gpu, registry }, g, { keep: [y1, dw] });
    try {
      for (const [t, v] of [
        [t1, x1],
        [t2, x2],
        [tw, w],
        [td, d],
      ] as const)
        exe.write(t, v!);
      exe.run();
      const shapes: Shape[] = [xShape, dShape];
      const want = conv2dBackwardWeight.reference([f64(x2!), f64(d!)], shapes, { ...attrs, kernelSize });
      const absSums = conv2dBackwardWeight.reference([absOf(x2!), absOf(d!)], shapes, { ...attrs, kernelSize });
      expectWithin(await exe.read(dw), want, sumOfProductsBounds(want, absSums, 2 * 7 * 7), 'dw of x2');
    } finally {
      exe.dispose();
    }
  });

  it('the backward rules hand the weight gradient the conv2d output whose im2col it reads', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 14, 14]);
    const w1 = g.input('w1', [6, 3, 4, 4]);
    const w2 = g.input('w2', [6, 3, 4, 4]);
    const attrs = { stride: 2, padding: 1 };
    // Inputs get no gradient, so route them through a rule by hand: the rules themselves are called here.
    const y = g.apply(conv2d, [x, w1], attrs);
    const t = g.apply(convTranspose2d, [y, w2], attrs);
    const calls: { op: string; inputs: readonly unknown[] }[] = [];
    const gb = {
      apply: (op: { name: string }, inputs: readonly unknown[], a: unknown) => {
        calls.push({ op: op.name, inputs });
        return g.apply(op as never, inputs as never, a as never);
      },
    };
    const dy = g.input('dy', y.shape);
    const dt = g.input('dt', t.shape);
    const rule = (op: typeof conv2d) => op.backward as Exclude<typeof op.backward, 'none'>;
    rule(conv2d)(gb, { inputs: [x, w1], output: y, dy, attrs, needsGrad: [true, true] });
    expect(calls.map((c) => c.op)).to.deep.equal(['conv2dBackwardInput', 'conv2dBackwardWeight']);
    const same = (got: readonly unknown[], want: readonly unknown[]) =>
      expect(got.length === want.length && got.every((v, i) => v === want[i]), 'the same tensors').to.equal(true);
    same(calls[1]!.inputs, [x, dy, y]);
    calls.length = 0;
    rule(convTranspose2d)(gb, { inputs: [y, w2], output: t, dy: dt, attrs, needsGrad: [true, true] });
    expect(calls.map((c) => c.op)).to.deep.equal(['conv2d', 'conv2dBackwardWeight']);
    const dxT = g.nodes[g.nodes.length - 2]!.output;
    same(calls[1]!.inputs, [dt, y, dxT]);
    calls.length = 0;
    // Without the input gradient there is no conv2d to read from: two inputs.
    rule(convTranspose2d)(gb, { inputs: [y, w2], output: t, dy: dt, attrs, needsGrad: [false, true] });
    expect(calls.map((c) => c.op)).to.deep.equal(['conv2dBackwardWeight']);
    same(calls[0]!.inputs, [dt, y]);
  });
});
