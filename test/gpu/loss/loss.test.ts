// Losses on the GPU against the float64 references on odd shapes, the BCE edge cases, circular wrap-
// around, cross-entropy with logits of 1e3, and one input past 1024² elements (grid-stride loop +
// second pass).
// Tolerances from float32 arithmetic (u = 2⁻²⁴, λ = 6, test/helpers/bounds.ts). Forward: a mean of K
// terms whose absolute values sum to S is within λ·√K·u·S/divisor of the exact mean in any order of
// addition, plus each term's own error: 16u relative for the terms made of a log or exp and a few
// roundings (WGSL's log and exp: 2⁻²¹ absolute near 1, 3 + 2|x| ulp elsewhere), 2⁻²¹ absolute per term,
// and for the circular loss 2·180·(800 + 360)·u absolute per term (the wrapped difference w of angles up
// to ±400° is off by u·(|p| + |t| + 360), and w² by 2|w| times that). S is |loss|·divisor where every
// term is ≥ 0, and is summed here for KL, whose terms t·(log t − x) have either sign.
// Gradient, one term per element: 8u relative, plus, where the formula subtracts a computed function
// from the target, that function's absolute error times |dy|/divisor: σ(z) for |z| ≤ 6, (8 + 4·6)·u;
// softmax over ≤ 17 classes with |z| ≤ 3, (17 + 8 + 4·3)·u < 64u; the circular loss's w, 2·1160·u.
import { expect } from 'chai';
import {
  bceLoss,
  bceLossGrad,
  circularLoss,
  circularLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  mseLoss,
  mseLossGrad,
} from '../../../src/ops/loss';
import type { OpDef } from '../../../src/ops/op';
import { Rng } from '../../../src/util/rng';
import type { Shape } from '../../../src/util/shape';
import { allclose, f64, randomArray } from '../../helpers/allclose';
import { LAMBDA, U } from '../../helpers/bounds';
import { getGpu, runOp } from '../../helpers/gpu';
import { LOSS_CASES } from '../../cpu/loss/cases';

/** What the tolerances need to know about one loss's inputs (see above). */
interface TermErrors {
  /** Number of terms the forward pass sums, and the divisor of the mean. */
  terms: number;
  divisor: number;
  /** Σ|terms|; by default |loss|·divisor (every term ≥ 0). */
  absSum?: number;
  /** Absolute error of one term (beyond the 16u relative). */
  termAtol: number;
  /** Absolute error of the function the gradient subtracts the target from, in units of u. */
  gradAtolU: number;
}

function lossTol(value: number, e: TermErrors): { atol: number; rtol: number } {
  const s = e.absSum ?? Math.abs(value) * e.divisor;
  return {
    atol: (LAMBDA * Math.sqrt(e.terms) * U * s + e.terms * e.termAtol) / e.divisor + 16 * U * (s / e.divisor),
    rtol: 0,
  };
}

const gradTol = (dy: number, e: TermErrors) => ({
  atol: (e.gradAtolU * U * Math.abs(dy)) / e.divisor,
  rtol: 8 * U,
});

/** The term errors of each loss of LOSS_CASES on the inputs it makes (see above). */
function termErrors(name: string, pred: Float32Array, tgt: Float32Array, shapes: readonly Shape[]): TermErrors {
  const n = pred.length;
  const LOG_ATOL = 2 ** -21;
  if (name === 'crossEntropyLoss') {
    const rows = shapes[0]![0]!;
    return { terms: rows, divisor: rows, termAtol: LOG_ATOL, gradAtolU: 64 };
  }
  if (name.startsWith('klDivLoss')) {
    let absSum = 0;
    for (let i = 0; i < n; i++) if (tgt[i]! > 0) absSum += Math.abs(tgt[i]! * (Math.log(tgt[i]!) - pred[i]!));
    const divisor = name.includes('batchmean') ? shapes[0]![0]! : n;
    return { terms: n, divisor, absSum, termAtol: LOG_ATOL, gradAtolU: 0 };
  }
  if (name === 'circularLoss') return { terms: n, divisor: n, termAtol: 2 * 180 * 1160 * U, gradAtolU: 2 * 1160 };
  if (name === 'bceWithLogitsLoss') return { terms: n, divisor: n, termAtol: LOG_ATOL, gradAtolU: 8 + 4 * 6 };
  return { terms: n, divisor: n, termAtol: name === 'bceLoss' ? LOG_ATOL : 0, gradAtolU: 0 };
}

/** Runs the loss and its gradient on the GPU and compares both with the references. */
async function check<A>(
  loss: OpDef<A>,
  grad: OpDef<A>,
  attrs: A,
  pred: Float32Array,
  tgt: Float32Array,
  shapes: readonly Shape[],
  dy: number,
  what: string,
): Promise<{ value: number; dx: Float32Array }> {
  const errors = termErrors(
    loss.name === 'klDivLoss' ? `klDivLoss ${JSON.stringify(attrs)}` : loss.name,
    pred,
    tgt,
    shapes,
  );
  const got = await runOp(loss, [pred, tgt], shapes, attrs);
  const want = loss.reference([f64(pred), f64(tgt)], shapes, attrs);
  allclose(got, want, lossTol(want[0]!, errors), `${what} forward`);
  const dyArr = Float32Array.of(dy);
  const dx = await runOp(grad, [pred, tgt, dyArr], [...shapes, [1]], attrs);
  const dxRef = grad.reference([f64(pred), f64(tgt), f64(dyArr)], [...shapes, [1]], attrs);
  allclose(dx, dxRef, gradTol(dy, errors), `${what} backward`);
  return { value: got[0]!, dx };
}

describe('losses (GPU vs float64 reference)', () => {
  const rng = new Rng(31337);
  for (const c of LOSS_CASES) {
    for (const [rows, cols] of [
      [1, 1],
      [7, 3],
      [65, 10],
      [300, 17],
    ] as const) {
      it(`${c.name} on [${rows},${cols}]`, async () => {
        const { pred, tgt, shapes } = c.make(rng, rows, cols);
        await c.with((loss, grad, attrs) =>
          check(loss, grad, attrs, pred, tgt, shapes, 0.7, `${c.name} [${rows},${cols}]`),
        );
      });
    }
  }

  // Both per-adapter widths of the forward sum: 4 terms per thread (GPUs: 1024 partials, grid-stride
  // loop) and 64 (CPU adapters: 65 partials).
  for (const termsPerThread of [4, 64]) {
    it(`mseLoss over 1030×1024 elements, ${termsPerThread} terms per thread (partials + second pass)`, async () => {
      const { registry } = await getGpu();
      const saved = registry.tuning.termsPerThread;
      registry.tuning.termsPerThread = termsPerThread;
      try {
        const n = 1030 * 1024;
        const p = randomArray(rng, n);
        const t = randomArray(rng, n);
        await check(
          mseLoss,
          mseLossGrad,
          {},
          p,
          t,
          [
            [1030, 1024],
            [1030, 1024],
          ],
          1,
          'mse large',
        );
      } finally {
        registry.tuning.termsPerThread = saved;
      }
    });
  }

  it('bceLoss edge cases: p exactly 0 and 1, and p outside [0, 1]', async () => {
    const p = Float32Array.of(0, 1, 0, 1, -0.5, 1.5, 0.5, -3, 2);
    const t = Float32Array.of(1, 0, 0, 1, 1, 0, 1, 0, 1);
    const n = p.length;
    const { value, dx } = await check(bceLoss, bceLossGrad, {}, p, t, [[n], [n]], 1, 'bce edges');
    expect(value).to.be.closeTo((4 * 100 + Math.LN2) / n, 1e-4);
    // PyTorch's cap: (0 − 1)/1e-12 at p = 0, t = 1; 0 where p = t; 0 outside [0, 1]
    allclose(
      dx,
      [-1e12, 1e12, 0, 0, 0, 0, -2, 0, 0].map((v) => v / n),
      { atol: 0, rtol: 1e-6 },
      'bce edge gradient',
    );
  });

  it('circularLoss wraps around: 350° vs 10°, −170° vs 170°, and the tie 180° vs 0° → −180°', async () => {
    const p = Float32Array.of(350, -170, 180, 10, 725);
    const t = Float32Array.of(10, 170, 0, 350, 0);
    const n = p.length;
    const { value, dx } = await check(circularLoss, circularLossGrad, {}, p, t, [[n], [n]], 1, 'circular wrap');
    expect(value).to.be.closeTo((400 + 400 + 32400 + 400 + 25) / n, 1e-2);
    allclose(
      dx,
      [-40, 40, -360, 40, 10].map((v) => v / n),
      { atol: 1e-5, rtol: 1e-6 },
      'circular wrap gradient',
    );
  });

  it('crossEntropyLoss with logits of ±1e3 stays finite', async () => {
    const z = Float32Array.of(1000, -1000, 500, 1000, -1000, 500, -1000, 1000, 999);
    const y = Float32Array.of(0, 1, 2);
    const { value, dx } = await check(
      crossEntropyLoss,
      crossEntropyLossGrad,
      {},
      z,
      y,
      [[3, 3], [3]],
      1,
      'cross-entropy large logits',
    );
    expect(Number.isFinite(value)).to.equal(true);
    expect(Array.from(dx).every(Number.isFinite)).to.equal(true);
  });
});
