// Every loss on a 2 × 3 input (rows ≠ columns, so dividing by the rows, the columns or the element
// count gives three different numbers) against values worked by hand from PyTorch's definitions
// (nn.MSELoss, BCELoss, BCEWithLogitsLoss, KLDivLoss with reduction 'mean' and 'batchmean',
// CrossEntropyLoss) and the circular loss's own definition (src/ops/loss.ts): forward and gradient,
// on the GPU and in the float64 reference.
//
// Tolerance: the inputs are decimals rounded to float32 (relative change ≤ u = 2⁻²⁴ each); a mean of
// K = 6 terms in float32 is off by at most ≈ K·u relative (γ_K·Σ|terms| with all terms ≥ 0); WGSL's log
// and exp add an absolute error of at most 2⁻²¹ per term near 1 (and a few ulp elsewhere). So
// |got − want| ≤ 8·K·u·|want| + 2⁻²¹ (the factor 8 covers the ulp bounds of log and exp and the input
// rounding); a gradient entry has one term: 8·u·|want| + 2⁻²¹.
import { expect } from 'chai';
import {
  bceLoss,
  bceLossGrad,
  bceWithLogitsLoss,
  bceWithLogitsLossGrad,
  circularLoss,
  circularLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  klDivLoss,
  klDivLossGrad,
  mseLoss,
  mseLossGrad,
} from '../../../src/ops/loss';
import type { OpDef } from '../../../src/ops/op';
import type { Shape } from '../../../src/util/shape';
import { allclose, f64 } from '../../helpers/allclose';
import { runOp } from '../../helpers/gpu';

const U = 2 ** -24;
const K = 6;
const LOSS_TOL = { atol: 2 ** -21, rtol: 8 * K * U };
const GRAD_TOL = { atol: 2 ** -21, rtol: 8 * U };
const DY = 0.75;
const ROWS = 2;
const COLS = 3;

interface LossPin<A> {
  name: string;
  loss: OpDef<A>;
  grad: OpDef<A>;
  attrs: A;
  pred: number[];
  tgt: number[];
  shapes: [Shape, Shape];
  /** The loss, worked by hand. */
  value: number;
  /** d loss / d pred for upstream gradient DY, worked by hand. */
  dpred: number[];
}
const pin = <A>(p: LossPin<A>): LossPin<A> => p;
const grid: [Shape, Shape] = [
  [ROWS, COLS],
  [ROWS, COLS],
];
const softplus = (z: number) => Math.log1p(Math.exp(z));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

// mse, bce: p and t row by row.
const P = [0.2, 0.7, 0.5, 0.9, 0.1, 0.4];
const T = [0, 1, 0.5, 1, 0, 0];
// bce with logits
const Z = [-1, 2, 0, 0.5, -3, 1];
// kl: log-probabilities of q (rows sum to 1) against probabilities t (rows sum to 1, one zero)
const Q = [0.25, 0.25, 0.5, 0.1, 0.3, 0.6];
const TK = [0.2, 0.3, 0.5, 0, 0.6, 0.4];
const KL_SUM =
  0.2 * Math.log(0.2 / 0.25) +
  0.3 * Math.log(0.3 / 0.25) +
  0.5 * Math.log(1) +
  0 +
  0.6 * Math.log(2) +
  0.4 * Math.log(0.4 / 0.6);
// cross-entropy: logits [2, 3], classes [2, 0]
const ZC = [1, 2, 3, 1, 0, -1];
const lse0 = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
const lse1 = Math.log(Math.E + 1 + Math.E ** -1);
// circular: degrees; wrapped differences −20, 20, −10, 20, −180 (the tie maps to −180), 5
const PA = [350, 10, 90, -170, 0, 45];
const TA = [10, 350, 100, 170, 180, 40];
const WRAPPED = [-20, 20, -10, 20, -180, 5];

const PINS = [
  pin({
    name: 'mseLoss: Σ(p − t)² / 6 = (0.04 + 0.09 + 0 + 0.01 + 0.01 + 0.16) / 6',
    loss: mseLoss,
    grad: mseLossGrad,
    attrs: {},
    pred: P,
    tgt: T,
    shapes: grid,
    value: 0.31 / 6,
    dpred: P.map((p, i) => (2 * (p - T[i]!) * DY) / 6),
  }),
  pin({
    name: 'bceLoss: −Σ[t·ln p + (1 − t)·ln(1 − p)] / 6',
    loss: bceLoss,
    grad: bceLossGrad,
    attrs: {},
    pred: P,
    tgt: T,
    shapes: grid,
    value: (-Math.log(0.8) - Math.log(0.7) + Math.LN2 - Math.log(0.9) - Math.log(0.9) - Math.log(0.6)) / 6,
    dpred: P.map((p, i) => ((p - T[i]!) / (p * (1 - p)) / 6) * DY),
  }),
  pin({
    name: 'bceWithLogitsLoss: Σ[ln(1 + e^z) − t·z] / 6',
    loss: bceWithLogitsLoss,
    grad: bceWithLogitsLossGrad,
    attrs: {},
    pred: Z,
    tgt: T,
    shapes: grid,
    value: Z.reduce((s, z, i) => s + softplus(z) - T[i]! * z, 0) / 6,
    dpred: Z.map((z, i) => ((sigmoid(z) - T[i]!) / 6) * DY),
  }),
  pin({
    name: "klDivLoss 'mean': Σ t·(ln t − x) / 6 (elements)",
    loss: klDivLoss,
    grad: klDivLossGrad,
    attrs: { reduction: 'mean' as const },
    pred: Q.map(Math.log),
    tgt: TK,
    shapes: grid,
    value: KL_SUM / 6,
    dpred: TK.map((t) => (-t / 6) * DY),
  }),
  pin({
    name: "klDivLoss 'batchmean': Σ t·(ln t − x) / 2 (rows)",
    loss: klDivLoss,
    grad: klDivLossGrad,
    attrs: { reduction: 'batchmean' as const },
    pred: Q.map(Math.log),
    tgt: TK,
    shapes: grid,
    value: KL_SUM / 2,
    dpred: TK.map((t) => (-t / 2) * DY),
  }),
  pin({
    name: 'crossEntropyLoss: Σ_rows [logsumexp(z_row) − z_row[y]] / 2 (rows, not classes)',
    loss: crossEntropyLoss,
    grad: crossEntropyLossGrad,
    attrs: {},
    pred: ZC,
    tgt: [2, 0],
    shapes: [[ROWS, COLS], [ROWS]],
    value: (lse0 - 3 + (lse1 - 1)) / 2,
    dpred: ZC.map((z, i) => {
      const row = Math.floor(i / COLS);
      const soft = Math.exp(z - (row === 0 ? lse0 : lse1));
      const onehot = i === 2 || i === 3 ? 1 : 0;
      return ((soft - onehot) / 2) * DY;
    }),
  }),
  pin({
    name: 'circularLoss: Σ wrap(p − t)² / 6 = (400 + 400 + 100 + 400 + 32400 + 25) / 6',
    loss: circularLoss,
    grad: circularLossGrad,
    attrs: {},
    pred: PA,
    tgt: TA,
    shapes: grid,
    value: 33725 / 6,
    dpred: WRAPPED.map((w) => ((2 * w) / 6) * DY),
  }),
];

describe('losses on a 2 × 3 input against hand-worked values', () => {
  for (const p of PINS as LossPin<unknown>[]) {
    it(`${p.name}: the float64 reference`, () => {
      const pred = Float32Array.from(p.pred);
      const tgt = Float32Array.from(p.tgt);
      const value = p.loss.reference([f64(pred), f64(tgt)], p.shapes, p.attrs);
      allclose(value, [p.value], LOSS_TOL, `${p.name}: reference loss`);
      const grad = p.grad.reference([f64(pred), f64(tgt), Float64Array.of(DY)], [...p.shapes, [1]], p.attrs);
      allclose(grad, p.dpred, GRAD_TOL, `${p.name}: reference gradient`);
    });
    it(`${p.name}: the GPU`, async () => {
      const pred = Float32Array.from(p.pred);
      const tgt = Float32Array.from(p.tgt);
      const value = await runOp(p.loss, [pred, tgt], p.shapes, p.attrs);
      expect(value.length).to.equal(1);
      allclose(value, [p.value], LOSS_TOL, `${p.name}: GPU loss`);
      const grad = await runOp(p.grad, [pred, tgt, Float32Array.of(DY)], [...p.shapes, [1]], p.attrs);
      allclose(grad, p.dpred, GRAD_TOL, `${p.name}: GPU gradient`);
    });
  }
});
