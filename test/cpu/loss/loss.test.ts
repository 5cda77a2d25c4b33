// Loss references: hand values, the documented edge conventions, shape errors, and a float64
// central-difference gradcheck of every reference gradient (eps 1e-6, rtol 1e-5 + atol 1e-8).
import { expect } from 'chai';
import {
  bceLoss,
  bceLossGrad,
  bceWithLogitsLoss,
  checkClassTargets,
  circularLoss,
  circularLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  klDivLoss,
  mseLoss,
  mseLossGrad,
} from '../../../src/ops/loss';
import type { OpDef } from '../../../src/ops/op';
import { ConfigError, ShapeError } from '../../../src/util/errors';
import { Rng } from '../../../src/util/rng';
import type { Shape } from '../../../src/util/shape';
import { allclose, f64 } from '../../helpers/allclose';
import { LOSS_CASES } from './cases';
import { numericGrad } from './gradcheck';

const lossOf = <A>(op: OpDef<A>, pred: number[], tgt: number[], attrs: A, shapes?: [Shape, Shape]): number =>
  op.reference([f64(pred), f64(tgt)], shapes ?? [[pred.length], [tgt.length]], attrs)[0]!;

const gradOf = <A>(
  op: OpDef<A>,
  pred: number[],
  tgt: number[],
  dy: number,
  attrs: A,
  shapes?: [Shape, Shape],
): number[] =>
  Array.from(
    op.reference(
      [f64(pred), f64(tgt), Float64Array.of(dy)],
      [...(shapes ?? [[pred.length], [tgt.length]]), [1]],
      attrs,
    ),
  );

const near = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b), `${a} vs ${b}`).to.be.lessThan(tol);

describe('loss references: hand values', () => {
  it('mseLoss: mean((p − t)²) and gradient 2(p − t)/n · dy', () => {
    near(lossOf(mseLoss, [1, 2, 0], [0, 0, 0], {}), 5 / 3);
    expect(gradOf(mseLossGrad, [1, 2, 0], [0, 0, 0], 3, {})).to.deep.equal([2, 4, 0]);
  });

  it('bceLoss: ln 2 at p = 1/2; the −100 log clamp at p = 0 and 1; clamping of p outside [0, 1]', () => {
    near(lossOf(bceLoss, [0.5], [1], {}), Math.LN2);
    near(lossOf(bceLoss, [0.5], [0.25], {}), Math.LN2);
    expect(lossOf(bceLoss, [0], [1], {})).to.equal(100);
    expect(lossOf(bceLoss, [1], [0], {})).to.equal(100);
    expect(lossOf(bceLoss, [0, 1], [0, 1], {})).to.equal(0);
    // below 0 behaves as 0, above 1 as 1
    expect(lossOf(bceLoss, [-0.5, 1.5, -2, 3], [1, 0, 0, 1], {})).to.equal(
      lossOf(bceLoss, [0, 1, 0, 1], [1, 0, 0, 1], {}),
    );
    // soft target at p = 0: t·(−100) + (1 − t)·0
    near(lossOf(bceLoss, [0], [0.3], {}), 30, 1e-9);
  });

  it("bceLoss gradient: PyTorch's (p − t)/max(p(1 − p), 1e-12), 0 outside [0, 1]", () => {
    const n = 7;
    const g = gradOf(bceLossGrad, [0, 1, 0, 1, -0.5, 1.5, 0.5], [1, 0, 0, 1, 1, 0, 1], 1, {});
    const expected = [-1e12, 1e12, 0, 0, 0, 0, -2].map((v) => v / n);
    g.forEach((v, i) => near(v, expected[i]!, Math.abs(expected[i]!) * 1e-12 + 1e-15));
  });

  it('bceWithLogitsLoss: stable for large |z|, equals BCE of σ(z) in the middle', () => {
    near(lossOf(bceWithLogitsLoss, [0], [1], {}), Math.LN2);
    near(lossOf(bceWithLogitsLoss, [1000], [0], {}), 1000);
    near(lossOf(bceWithLogitsLoss, [-1000], [1], {}), 1000);
    near(lossOf(bceWithLogitsLoss, [1000, -1000], [1, 0], {}), 0);
    const z = 0.7;
    const s = 1 / (1 + Math.exp(-z));
    near(lossOf(bceWithLogitsLoss, [z], [0.3], {}), -(0.3 * Math.log(s) + 0.7 * Math.log(1 - s)), 1e-14);
  });

  it('klDivLoss: t·(log t − x) with 0·log 0 = 0; mean over elements vs batchmean over rows', () => {
    const x = [Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)];
    const t = [0.5, 0.5, 1, 0];
    const sum = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75) + Math.log(1 / 0.5);
    const shapes: [Shape, Shape] = [
      [2, 2],
      [2, 2],
    ];
    near(lossOf(klDivLoss, x, t, {}, shapes), sum / 4);
    near(lossOf(klDivLoss, x, t, { reduction: 'mean' }, shapes), sum / 4);
    near(lossOf(klDivLoss, x, t, { reduction: 'batchmean' }, shapes), sum / 2);
    // a zero target contributes nothing even against a log-probability of −∞
    expect(lossOf(klDivLoss, [-Infinity], [0], {})).to.equal(0);
  });

  it('crossEntropyLoss: ln C for equal logits; finite with logits of ±1e3', () => {
    near(lossOf(crossEntropyLoss, [0, 0, 0, 0], [2], {}, [[1, 4], [1]]), Math.log(4));
    const big = [1000, -1000, 500, 1000, -1000, 500];
    const shapes: [Shape, Shape] = [[2, 3], [2]];
    near(
      lossOf(crossEntropyLoss, big, [0, 1], {}, shapes),
      (Math.log1p(Math.exp(-500)) + 2000 + Math.log1p(Math.exp(-500))) / 2,
      1e-9,
    );
    const g = gradOf(crossEntropyLossGrad, big, [0, 1], 1, {}, shapes);
    expect(g.every(Number.isFinite)).to.equal(true);
    near(g[1]!, 0); // softmax ≈ 0 at −1000, not the target
    near(g[4]!, -0.5); // target with softmax ≈ 0: (0 − 1)/2
  });

  it('crossEntropyLoss: class indices must be integers in [0, C) (ConfigError on the CPU)', () => {
    expect(() => checkClassTargets([0, 2, 1], 3)).not.to.throw();
    for (const bad of [1.5, -1, 3, Number.NaN]) {
      expect(() => checkClassTargets([0, bad], 3)).to.throw(
        ConfigError,
        /crossEntropyLoss: target 1 is not a class index; expected an integer in \[0, 3\)/,
      );
    }
  });

  it('circularLoss: wrap-around (350° vs 10°, −170° vs 170°) and the ±180° tie', () => {
    near(lossOf(circularLoss, [350], [10], {}), 400, 1e-9);
    near(lossOf(circularLoss, [-170], [170], {}), 400, 1e-9);
    near(lossOf(circularLoss, [10], [350], {}), 400, 1e-9);
    near(lossOf(circularLoss, [725], [0], {}), 25, 1e-9);
    expect(lossOf(circularLoss, [180], [0], {})).to.equal(180 * 180);
    // gradients: 350 − 10 wraps to −20, −170 − 170 wraps to +20; the tie takes w = −180 from both sides
    expect(gradOf(circularLossGrad, [350, -170], [10, 170], 1, {})).to.deep.equal([-20, 20]);
    expect(gradOf(circularLossGrad, [180, 0], [0, 180], 1, {})).to.deep.equal([-180, -180]);
  });

  it('shape errors name the op and both shapes', () => {
    expect(() =>
      mseLoss.inferShape(
        [
          [3, 2],
          [2, 3],
        ],
        {},
      ),
    ).to.throw(ShapeError, /mseLoss: prediction and target shapes differ.*pred=\[3,2\] target=\[2,3\]/);
    expect(() => crossEntropyLoss.inferShape([[4, 10], [5]], {})).to.throw(
      ShapeError,
      /crossEntropyLoss: .*logits=\[4,10\] targets=\[5\]/,
    );
    expect(() => mseLossGrad.inferShape([[3], [3], [2]], {})).to.throw(ShapeError, /mseLossGrad: .*dy=\[2\]/);
    expect(() => klDivLoss.inferShape([[3], [3]], { reduction: 'sum' as 'mean' })).to.throw(
      ConfigError,
      /klDivLoss: unknown reduction/,
    );
  });

  it('backward gives the prediction a gradient op and the target null', () => {
    const applied: string[] = [];
    const b = {
      apply: (op: { name: string }) => {
        applied.push(op.name);
        return { shape: [3] };
      },
    };
    const sym = { shape: [3] };
    if (mseLoss.backward === 'none') throw new Error('mseLoss must be differentiable');
    const grads = mseLoss.backward(b, {
      inputs: [sym, sym],
      output: { shape: [1] },
      dy: { shape: [1] },
      attrs: {},
      needsGrad: [true, true],
    });
    expect(applied).to.deep.equal(['mseLossGrad']);
    expect(grads[1]).to.equal(null);
  });
});

describe('loss references: gradient vs central differences (float64)', () => {
  const rng = new Rng(2024);
  for (const c of LOSS_CASES) {
    for (const [rows, cols] of [
      [1, 1],
      [7, 3],
      [4, 5],
    ] as const) {
      it(`${c.name} on [${rows},${cols}]`, () => {
        const { pred, tgt, shapes } = c.make(rng, rows, cols);
        const dy = 0.7;
        c.with((loss, grad, attrs) => {
          const t = f64(tgt);
          const f = (p: Float64Array) => loss.reference([p, t], shapes, attrs)[0]!;
          const numeric = numericGrad(f, f64(pred), c.fdEps).map((v) => dy * v);
          const analytic = grad.reference([f64(pred), t, Float64Array.of(dy)], [...shapes, [1]], attrs);
          allclose(analytic, numeric, { atol: 1e-8, rtol: 1e-5 }, `${c.name} gradient`);
        });
      });
    }
  }
});
