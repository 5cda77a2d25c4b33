// Every differentiable op's backward rule, evaluated on the float64 references, against central finite
// differences of L = Σ r ⊙ op(inputs). The table is keyed by every op name, so a new op without an entry
// does not compile. Tolerance: atol 1e-7, rtol 1e-5 (eps 1e-6, float64 throughout).
import { expect } from 'chai';
import { OPS, type OpName } from '../../../src/ops/index';
import type { OpDef } from '../../../src/ops/op';
import { Rng } from '../../../src/util/rng';
import type { Shape } from '../../../src/util/shape';
import { allclose } from '../../helpers/allclose';
import { referenceGrads } from '../../helpers/eager-grad';

interface Case {
  shapes: Shape[];
  attrs: unknown;
  /** Values per input (default uniform in [-1, 1], kept away from 0 where the op has a kink there). */
  values?: (rng: Rng, input: number, n: number) => Float64Array;
  /** Inputs that receive a gradient (default: all). */
  wrt?: number[];
}

const awayFromZero = (rng: Rng, _i: number, n: number) =>
  Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.1, 1));
const probabilities = (rng: Rng, _i: number, n: number) =>
  Float64Array.from({ length: n }, () => rng.uniform(0.05, 0.95));

const GRADCHECK: { [K in OpName]: Case | 'no backward' } = {
  activation: { shapes: [[3, 5]], attrs: { kind: 'leakyRelu', alpha: 0.5 }, values: awayFromZero },
  activationGradY: 'no backward',
  leakyReluInverse: { shapes: [[4, 3]], attrs: { alpha: 0.5 }, values: awayFromZero },
  leakyReluInverseGrad: 'no backward',
  add: {
    shapes: [
      [2, 3],
      [2, 3],
    ],
    attrs: {},
  },
  sub: {
    shapes: [
      [2, 3],
      [2, 3],
    ],
    attrs: {},
  },
  mul: { shapes: [[7], [7]], attrs: {} },
  scale: { shapes: [[5]], attrs: { alpha: -1.5, beta: 0.25 } },
  addRow: { shapes: [[3, 4], [4]], attrs: {} },
  broadcastRows: { shapes: [[4], [3, 4]], attrs: {}, wrt: [0] },
  broadcastCols: {
    shapes: [
      [3, 1],
      [3, 4],
    ],
    attrs: {},
    wrt: [0],
  },
  broadcastScalar: 'no backward',
  matmul: {
    shapes: [
      [3, 4],
      [4, 5],
    ],
    attrs: {},
  },
  matmulActGrad: 'no backward',
  linearParamGrad: 'no backward',
  linear: { shapes: [[3, 4], [5, 4], [5]], attrs: { kind: 'tanh' } },
  reshape: { shapes: [[2, 6]], attrs: { shape: [3, 4] } },
  conv2d: { shapes: [[2, 2, 5, 5], [3, 2, 3, 3], [3]], attrs: { stride: 2, padding: 1 } },
  convTranspose2d: { shapes: [[2, 3, 3, 3], [3, 2, 4, 4], [2]], attrs: { stride: 2, padding: 1 } },
  conv2dBackwardInput: 'no backward',
  conv2dBackwardWeight: 'no backward',
  channelSum: 'no backward',
  sumRows: { shapes: [[4, 3]], attrs: {} },
  sumCols: { shapes: [[4, 3]], attrs: {} },
  sumAll: { shapes: [[3, 5]], attrs: { alpha: 0.5 } },
  mseLoss: {
    shapes: [
      [3, 4],
      [3, 4],
    ],
    attrs: {},
    wrt: [0],
  },
  mseLossGrad: 'no backward',
  lossValueGrad: 'no backward',
  bceLoss: {
    shapes: [
      [3, 4],
      [3, 4],
    ],
    attrs: {},
    values: probabilities,
    wrt: [0],
  },
  bceLossGrad: 'no backward',
  bceWithLogitsLoss: {
    shapes: [
      [3, 4],
      [3, 4],
    ],
    attrs: {},
    values: (rng, i, n) =>
      i === 0 ? Float64Array.from({ length: n }, () => rng.uniform(-3, 3)) : probabilities(rng, i, n),
    wrt: [0],
  },
  bceWithLogitsLossGrad: 'no backward',
  klDivLoss: {
    shapes: [
      [2, 5],
      [2, 5],
    ],
    attrs: { reduction: 'batchmean' },
    values: (rng, i, n) =>
      i === 0 ? Float64Array.from({ length: n }, () => Math.log(rng.uniform(0.05, 1))) : probabilities(rng, i, n),
    wrt: [0],
  },
  klDivLossGrad: 'no backward',
  crossEntropyLoss: {
    shapes: [[4, 3], [4]],
    attrs: {},
    values: (rng, i, n) =>
      i === 0
        ? Float64Array.from({ length: n }, () => rng.uniform(-2, 2))
        : Float64Array.from({ length: n }, (_, k) => k % 3),
    wrt: [0],
  },
  crossEntropyLossGrad: 'no backward',
  circularLoss: {
    shapes: [[6], [6]],
    attrs: {},
    values: (rng, i, n) => Float64Array.from({ length: n }, () => rng.uniform(-170, 170) + i * 90),
    wrt: [0],
  },
  circularLossGrad: 'no backward',
  softmax: 'no backward',
  logSoftmax: {
    shapes: [[3, 5]],
    attrs: {},
    values: (rng, _i, n) => Float64Array.from({ length: n }, () => rng.uniform(-3, 3)),
  },
  columnMean: 'no backward',
  columnStd: 'no backward',
  pearson: 'no backward',
  meanAbsOffDiagonal: 'no backward',
  frobeniusNorm: 'no backward',
  gatherBytes: 'no backward',
  stackedLinear: {
    shapes: [
      [2, 3, 4],
      [2, 5, 4],
      [2, 5],
    ],
    attrs: { kind: 'tanh' },
  },
  stackedSumRows: 'no backward',
  stackedLoss: {
    shapes: [
      [3, 2, 4],
      [3, 2, 4],
    ],
    attrs: { loss: 'bce' },
    values: probabilities,
    wrt: [0],
  },
  stackedLossGrad: 'no backward',
};

const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

describe('backward rules vs central finite differences (float64 references)', () => {
  for (const [name, c] of Object.entries(GRADCHECK) as [OpName, Case | 'no backward'][]) {
    const op = OPS[name] as OpDef<unknown>;
    if (c === 'no backward') {
      it(`${name}: declares no backward`, () => expect(op.backward).to.equal('none'));
      continue;
    }
    it(`${name}: gradients of every differentiable input`, () => {
      const rng = new Rng(name.length * 7919);
      const inputs = c.shapes.map((s, i) =>
        (c.values ?? ((r: Rng, _i: number, n: number) => Float64Array.from({ length: n }, () => r.uniform(-1, 1))))(
          rng,
          i,
          size(s),
        ),
      );
      const outShape = op.inferShape(c.shapes, c.attrs);
      const r = Float64Array.from({ length: size(outShape) }, () => rng.uniform(-1, 1));
      const L = () => op.reference(inputs, c.shapes, c.attrs).reduce((s, v, i) => s + v * r[i]!, 0);
      const grads = referenceGrads(op, inputs, c.shapes, c.attrs, r);
      const eps = 1e-6;
      for (const i of c.wrt ?? c.shapes.map((_, k) => k)) {
        const x = inputs[i]!;
        const fd = new Float64Array(x.length);
        for (let k = 0; k < x.length; k++) {
          const keep = x[k]!;
          x[k] = keep + eps;
          const up = L();
          x[k] = keep - eps;
          const down = L();
          x[k] = keep;
          fd[k] = (up - down) / (2 * eps);
        }
        expect(grads[i], `${name}: gradient for input ${i}`).to.not.equal(null);
        allclose(grads[i]!, fd, { atol: 1e-7, rtol: 1e-5 }, `${name} d/d input ${i}`);
      }
    });
  }
});
