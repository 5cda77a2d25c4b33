// Elementwise and activation kernels against float64 references, on sizes around the workgroup size.
import { activation, activationGradY, leakyReluInverse } from '../../../src/ops/activation';
import { activationGradRef, activationRef, leakyReluInverseRef } from '../../../src/ops/activation.ref';
import { add, addRow, mul, scale, sub } from '../../../src/ops/elementwise';
import { axpbyRef, addRowRef, mulRef, scaleRef } from '../../../src/ops/elementwise.ref';
import { Rng } from '../../../src/util/rng';
import { allclose, f64, randomArray } from '../../helpers/allclose';
import { runOp } from '../../helpers/gpu';

const ELEMENTWISE = { atol: 1e-6, rtol: 1e-5 };
const SIZES = [1, 7, 64, 255, 256, 257, 1000];

describe('elementwise kernels (GPU vs float64 reference)', () => {
  const rng = new Rng(7);
  for (const n of SIZES) {
    it(`add, sub, mul, scale on n=${n}`, async () => {
      const a = randomArray(rng, n);
      const b = randomArray(rng, n);
      allclose(await runOp(add, [a, b], [[n], [n]], {}), axpbyRef(f64(a), f64(b), 1, 1), ELEMENTWISE, 'add');
      allclose(await runOp(sub, [a, b], [[n], [n]], {}), axpbyRef(f64(a), f64(b), 1, -1), ELEMENTWISE, 'sub');
      allclose(await runOp(mul, [a, b], [[n], [n]], {}), mulRef(f64(a), f64(b)), ELEMENTWISE, 'mul');
      allclose(
        await runOp(scale, [a], [[n]], { alpha: -2.5, beta: 0.25 }),
        scaleRef(f64(a), -2.5, 0.25),
        ELEMENTWISE,
        'scale',
      );
    });
  }

  it('addRow broadcasts a bias over rows of a [3, 33] array', async () => {
    const a = randomArray(rng, 99);
    const bias = randomArray(rng, 33);
    allclose(await runOp(addRow, [a, bias], [[3, 33], [33]], {}), addRowRef(f64(a), f64(bias)), ELEMENTWISE, 'addRow');
  });

  for (const kind of ['leakyRelu', 'relu', 'sigmoid', 'tanh'] as const) {
    it(`${kind} forward and backward on n=257`, async () => {
      const n = 257;
      // keep away from the kink at 0, where the one-sided derivatives differ
      const x = randomArray(rng, n, -3, 3).map((v) => (Math.abs(v) < 1e-2 ? 0.5 : v));
      const dy = randomArray(rng, n);
      const attrs = { kind, alpha: 0.5 };
      const alpha = kind === 'leakyRelu' ? 0.5 : 0;
      const y = await runOp(activation, [x], [[n]], attrs);
      allclose(y, activationRef(f64(x), kind, alpha), ELEMENTWISE, `${kind} forward`);
      const dx = await runOp(activationGradY, [y, dy], [[n], [n]], attrs);
      allclose(dx, activationGradRef(f64(x), f64(dy), kind, alpha), { atol: 1e-6, rtol: 1e-4 }, `${kind} backward`);
    });
  }

  it('leaky ReLU inverse undoes leaky ReLU (slope 0.5) and matches its reference', async () => {
    const n = 300;
    const x = randomArray(rng, n, -2, 2);
    const y = await runOp(activation, [x], [[n]], { kind: 'leakyRelu', alpha: 0.5 });
    const back = await runOp(leakyReluInverse, [y], [[n]], { alpha: 0.5 });
    allclose(back, x, ELEMENTWISE, 'inverse(leakyRelu(x))');
    allclose(back, leakyReluInverseRef(f64(y), 0.5), ELEMENTWISE, 'inverse reference');
  });
});
