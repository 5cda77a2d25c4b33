// The ops that backward rules are composed from, each run on its own on the GPU against its float64
// reference: activation gradients (every kind, identity included), leaky ReLU inverse's gradient,
// broadcasts, reshape, the sums (sumRows, sumAll, channelSum) and conv2dBackwardInput.
//
// Tolerances from float32 arithmetic (u = 2⁻²⁴, test/helpers/bounds.ts): a copy is exact; one
// multiplication or division is within u·|y| (2u·|y| when a reciprocal is formed first); a sum of K
// terms is within u·|y| + λ·√K·u·Σ|terms| (λ = 6), Σ|terms| obtained by running the reference on the
// absolute values of the inputs (every output is a sum of products of inputs). Sigmoid and tanh go
// through WGSL's exp / tanh, within 3 + 2|x| ulp (an ulp ≤ 2u relative), which moves σ by at most a
// quarter of that, plus the add and the division: (8 + 4|x|)·u in all.
import { expect } from 'chai';
import { activation, activationGradY, leakyReluInverseGrad } from '../../../src/ops/activation';
import type { ActivationKind } from '../../../src/ops/activation';
import { channelSum, conv2dBackwardInput } from '../../../src/ops/conv';
import { broadcastRows, broadcastScalar } from '../../../src/ops/reduce';
import { sumAll, sumRows } from '../../../src/ops/reduce';
import { reshape } from '../../../src/ops/reshape';
import { Rng } from '../../../src/util/rng';
import { numel, type Shape } from '../../../src/util/shape';
import { f64, randomArray } from '../../helpers/allclose';
import { expectWithin, sumBound, U } from '../../helpers/bounds';
import { runOp } from '../../helpers/gpu';

const abs = (a: Float32Array) => f64(a).map(Math.abs);

describe('the ops backward rules are made of (GPU vs float64 reference)', () => {
  const rng = new Rng(4242);

  for (const kind of ['identity', 'leakyRelu', 'relu', 'sigmoid', 'tanh'] as ActivationKind[]) {
    it(`activation and activationGradY, ${kind}, on n = 517`, async () => {
      const n = 517;
      // away from the kink at 0, where the one-sided derivatives of the ReLUs differ
      const x = randomArray(rng, n, -4, 4).map((v) => (Math.abs(v) < 1e-2 ? 0.75 : v));
      const dy = randomArray(rng, n);
      const attrs = { kind, alpha: 0.3 };
      const smooth = kind === 'sigmoid' || kind === 'tanh';
      const own = (i: number) => (smooth ? (8 + 4 * Math.abs(x[i]!)) * U : 0);
      const y = await runOp(activation, [x], [[n]], attrs);
      const yRef = activation.reference([f64(x)], [[n]], attrs);
      // identity and ReLU copy (bound 0); leaky ReLU multiplies by the slope, itself rounded to float32
      const copies = kind === 'identity' || kind === 'relu';
      const yBound = Array.from(yRef, (v, i) => own(i) + (copies ? 0 : 2 * U * Math.abs(v)));
      expectWithin(y, yRef, yBound, `${kind} forward`);

      // dx from y: f′·dy with f′ from y (sigmoid y(1 − y), tanh 1 − y², leaky ReLU 1 or the slope):
      // at most three roundings (and the slope's own); tanh's 1 − y² also keeps y²'s rounding, u·y²·|dy|,
      // which is large beside the result where y² is close to 1.
      const yF = Float32Array.from(yRef);
      const gy = await runOp(activationGradY, [yF, dy], [[n], [n]], attrs);
      const gyRef = activationGradY.reference([f64(yF), f64(dy)], [[n], [n]], attrs);
      expectWithin(
        gy,
        gyRef,
        Array.from(gyRef, (v, i) => 4 * U * Math.abs(v) + (kind === 'tanh' ? U * yF[i]! ** 2 * Math.abs(dy[i]!) : 0)),
        `${kind} activationGradY`,
      );
    });
  }

  it('leakyReluInverseGrad (slope 0.3): dy where y ≥ 0, dy / 0.3 below', async () => {
    const n = 300;
    const y = randomArray(rng, n, -2, 2);
    y[0] = 0; // the boundary belongs to the identity side
    const dy = randomArray(rng, n);
    const attrs = { alpha: 0.3 };
    const got = await runOp(leakyReluInverseGrad, [y, dy], [[n], [n]], attrs);
    const want = leakyReluInverseGrad.reference([f64(y), f64(dy)], [[n], [n]], attrs);
    expect(got[0]).to.equal(dy[0]);
    expectWithin(
      got,
      want,
      Array.from(want, (v) => 2 * U * Math.abs(v)),
      'leakyReluInverseGrad',
    );
    // against the definition, apart from the reference
    for (let i = 0; i < n; i++) expect(want[i]).to.equal(y[i]! >= 0 ? dy[i]! : dy[i]! / 0.3);
  });

  it('broadcastRows repeats v [cols] over every row, exactly', async () => {
    const [rows, cols] = [37, 19];
    const v = randomArray(rng, cols);
    const like = new Float32Array(rows * cols);
    const got = await runOp(broadcastRows, [v, like], [[cols], [rows, cols]], {});
    for (let r = 0; r < rows; r++)
      expect(Array.from(got.subarray(r * cols, (r + 1) * cols)), `row ${r}`).to.deep.equal(Array.from(v));
    expect(Array.from(got)).to.deep.equal(
      Array.from(broadcastRows.reference([f64(v), f64(like)], [[cols], [rows, cols]], {})),
    );
  });

  it('broadcastScalar fills the shape of `like` with alpha · s (one multiplication)', async () => {
    const s = Float32Array.of(1.7);
    const like = new Float32Array(3 * 5 * 7);
    const shapes: Shape[] = [[1], [3, 5, 7]];
    const got = await runOp(broadcastScalar, [s, like], shapes, { alpha: -0.37 });
    const want = broadcastScalar.reference([f64(s), f64(like)], shapes, { alpha: -0.37 });
    expectWithin(
      got,
      want,
      Array.from(want, (v) => U * Math.abs(v)),
      'broadcastScalar',
    );
  });

  it('reshape copies the values unchanged', async () => {
    const x = randomArray(rng, 2 * 3 * 4 * 5);
    const got = await runOp(reshape, [x], [[2, 3, 4, 5]], { shape: [6, 20] });
    expect(Array.from(got)).to.deep.equal(Array.from(x));
  });

  for (const [rows, cols] of [
    [1, 7],
    [300, 13],
    [1000, 3],
  ] as const) {
    it(`sumRows over ${rows} rows of ${cols} columns`, async () => {
      const a = randomArray(rng, rows * cols);
      const got = await runOp(sumRows, [a], [[rows, cols]], {});
      const want = sumRows.reference([f64(a)], [[rows, cols]], {});
      const absSum = sumRows.reference([abs(a)], [[rows, cols]], {});
      expectWithin(
        got,
        want,
        Array.from(want, (v, j) => U * Math.abs(v) + sumBound(rows, absSum[j]!)),
        `sumRows ${rows}×${cols}`,
      );
    });
  }

  for (const n of [1, 1023, 1024, 1025, 300_001]) {
    it(`sumAll of ${n} values, scaled by 1/n`, async () => {
      const a = randomArray(rng, n);
      const attrs = { alpha: 1 / n };
      const got = await runOp(sumAll, [a], [[n]], attrs);
      const want = sumAll.reference([f64(a)], [[n]], attrs);
      const absSum = sumAll.reference([abs(a)], [[n]], attrs)[0]!;
      // the sum, then one multiplication by alpha (itself rounded: another u)
      expectWithin(got, want, [3 * U * Math.abs(want[0]!) + sumBound(n, absSum)], `sumAll ${n}`);
    });
  }

  it('channelSum over N, H and W of a [3, 5, 9, 11] tensor', async () => {
    const shape: Shape = [3, 5, 9, 11];
    const a = randomArray(rng, numel(shape));
    const got = await runOp(channelSum, [a], [shape], {});
    const want = channelSum.reference([f64(a)], [shape], {});
    const absSum = channelSum.reference([abs(a)], [shape], {});
    const K = 3 * 9 * 11;
    expectWithin(
      got,
      want,
      Array.from(want, (v, c) => U * Math.abs(v) + sumBound(K, absSum[c]!)),
      'channelSum',
    );
  });

  for (const [stride, padding] of [
    [1, 0],
    [2, 1],
    [3, 2],
  ] as const) {
    it(`conv2dBackwardInput, kernel 3×2, 4 → 3 channels, stride ${stride}, padding ${padding}`, async () => {
      const [N, C, O, H, W, KH, KW] = [2, 3, 4, 9, 8, 3, 2];
      const OH = Math.floor((H + 2 * padding - KH) / stride) + 1;
      const OW = Math.floor((W + 2 * padding - KW) / stride) + 1;
      const shapes: Shape[] = [
        [N, O, OH, OW],
        [O, C, KH, KW],
      ];
      const attrs = { stride, padding, inputSize: [H, W] as const };
      expect(conv2dBackwardInput.inferShape(shapes, attrs)).to.deep.equal([N, C, H, W]);
      const [dy, w] = shapes.map((s) => randomArray(rng, numel(s))) as [Float32Array, Float32Array];
      const got = await runOp(conv2dBackwardInput, [dy, w], shapes, attrs);
      const want = conv2dBackwardInput.reference([f64(dy), f64(w)], shapes, attrs);
      const absSum = conv2dBackwardInput.reference([abs(dy), abs(w)], shapes, attrs);
      const K = O * KH * KW; // the most terms any input pixel receives
      expectWithin(
        got,
        want,
        Array.from(want, (v, i) => U * Math.abs(v) + sumBound(K, absSum[i]!)),
        `conv2dBackwardInput s${stride} p${padding}`,
      );
    });
  }
});
