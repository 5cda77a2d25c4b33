// Elementwise and activation kernels against float64 references, on sizes around the workgroup size.
// Tolerances from float32 arithmetic (u = 2⁻²⁴, test/helpers/bounds.ts): the inputs are float32, so
// add, sub, mul and addRow round once, |err| ≤ u·|y|; scale (α·a + β, α and β exact in float32) rounds
// the product and the sum, ≤ u·(|α·a| + |y|); leaky ReLU with slope 1/2 and its inverse are exact.
// Sigmoid and tanh go through WGSL's exp / tanh, within 3 + 2|x| ulp (an ulp ≤ 2u relative), which moves
// the result by at most (8 + 4|x|)·u with the add and the division; their gradients from y (y(1 − y),
// 1 − y²) take three roundings, 4u·|dx|, plus y's own error times |f″| ≤ 2 for the input y computed on
// the GPU.
import { activation, activationGradY, leakyReluInverse } from '../../../src/ops/activation';
import { activationGradRef, activationRef, leakyReluInverseRef } from '../../../src/ops/activation.ref';
import { add, addRow, mul, scale, sub } from '../../../src/ops/elementwise';
import { axpbyRef, addRowRef, mulRef, scaleRef } from '../../../src/ops/elementwise.ref';
import { Rng } from '../../../src/util/rng';
import { allclose, f64, randomArray } from '../../helpers/allclose';
import { expectWithin, U } from '../../helpers/bounds';
import { runOp } from '../../helpers/gpu';

/** One rounding of each result: u·|y|. */
const oneRounding = (want: ArrayLike<number>) => Array.from(want, (v) => U * Math.abs(v));
const SIZES = [1, 7, 64, 255, 256, 257, 1000];

describe('elementwise kernels (GPU vs float64 reference)', () => {
  const rng = new Rng(7);
  for (const n of SIZES) {
    it(`add, sub, mul, scale on n=${n}`, async () => {
      const a = randomArray(rng, n);
      const b = randomArray(rng, n);
      const sum = axpbyRef(f64(a), f64(b), 1, 1);
      expectWithin(await runOp(add, [a, b], [[n], [n]], {}), sum, oneRounding(sum), 'add');
      const diff = axpbyRef(f64(a), f64(b), 1, -1);
      expectWithin(await runOp(sub, [a, b], [[n], [n]], {}), diff, oneRounding(diff), 'sub');
      const prod = mulRef(f64(a), f64(b));
      expectWithin(await runOp(mul, [a, b], [[n], [n]], {}), prod, oneRounding(prod), 'mul');
      const scaled = scaleRef(f64(a), -2.5, 0.25);
      expectWithin(
        await runOp(scale, [a], [[n]], { alpha: -2.5, beta: 0.25 }),
        scaled,
        Array.from(scaled, (v, i) => U * (Math.abs(2.5 * a[i]!) + Math.abs(v))),
        'scale',
      );
    });
  }

  it('addRow broadcasts a bias over rows of a [3, 33] array', async () => {
    const a = randomArray(rng, 99);
    const bias = randomArray(rng, 33);
    const want = addRowRef(f64(a), f64(bias));
    expectWithin(await runOp(addRow, [a, bias], [[3, 33], [33]], {}), want, oneRounding(want), 'addRow');
  });

  for (const kind of ['leakyRelu', 'relu', 'sigmoid', 'tanh'] as const) {
    it(`${kind} forward and backward on n=257`, async () => {
      const n = 257;
      // keep away from the kink at 0, where the one-sided derivatives differ
      const x = randomArray(rng, n, -3, 3).map((v) => (Math.abs(v) < 1e-2 ? 0.5 : v));
      const dy = randomArray(rng, n);
      const attrs = { kind, alpha: 0.5 };
      const alpha = kind === 'leakyRelu' ? 0.5 : 0;
      const smooth = kind === 'sigmoid' || kind === 'tanh';
      const y = await runOp(activation, [x], [[n]], attrs);
      const yRef = activationRef(f64(x), kind, alpha);
      const yErr = Array.from(x, (v) => (smooth ? (8 + 4 * Math.abs(v)) * U : 0));
      expectWithin(y, yRef, yErr, `${kind} forward`);
      // dx from the GPU's y against f′(x)·dy in float64: three roundings, and y's error through |f″| ≤ 2
      // (tanh's 1 − y² also keeps y²'s rounding, u·y²·|dy|).
      const dx = await runOp(activationGradY, [y, dy], [[n], [n]], attrs);
      const dxRef = activationGradRef(f64(x), f64(dy), kind, alpha);
      expectWithin(
        dx,
        dxRef,
        Array.from(dxRef, (v, i) => 4 * U * Math.abs(v) + (2 * yErr[i]! + U * y[i]! ** 2) * Math.abs(dy[i]!)),
        `${kind} backward`,
      );
    });
  }

  it('leaky ReLU inverse undoes leaky ReLU (slope 0.5) and matches its reference', async () => {
    const n = 300;
    const x = randomArray(rng, n, -2, 2);
    const y = await runOp(activation, [x], [[n]], { kind: 'leakyRelu', alpha: 0.5 });
    const back = await runOp(leakyReluInverse, [y], [[n]], { alpha: 0.5 });
    // halving and doubling are exact in float32
    allclose(back, x, { atol: 0, rtol: 0 }, 'inverse(leakyRelu(x))');
    allclose(back, leakyReluInverseRef(f64(y), 0.5), { atol: 0, rtol: 0 }, 'inverse reference');
  });
});
