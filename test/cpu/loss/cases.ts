// cases.ts: the losses under test with input generators, shared by the CPU and GPU loss tests.
// Inputs are Float32Array so the GPU and the float64 reference see the same (f32) values.
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
  wrapDegrees,
} from '../../../src/ops/loss';
import type { OpDef } from '../../../src/ops/op';
import type { Shape } from '../../../src/util/shape';
import type { Rng } from '../../../src/util/rng';

export interface LossInputs {
  pred: Float32Array;
  tgt: Float32Array;
  shapes: [Shape, Shape];
}

export interface LossCase {
  name: string;
  /** Inputs for a [rows, cols] prediction (cross-entropy: logits [rows, cols], targets [rows]). */
  make(rng: Rng, rows: number, cols: number): LossInputs;
  /** Calls f with the loss op, its gradient op and the attrs (keeps the attrs type paired with the ops). */
  with<R>(f: <A>(loss: OpDef<A>, grad: OpDef<A>, attrs: A) => R): R;
  /** Finite-difference step for the gradcheck (larger where the loss is quadratic and large). */
  fdEps?: number;
}

function fill(n: number, gen: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gen();
  return out;
}

const same = (rows: number, cols: number): [Shape, Shape] => [
  [rows, cols],
  [rows, cols],
];

/** Rows of log-probabilities (log-softmax of random logits), computed in float64. */
function logProbRows(rng: Rng, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: cols }, () => rng.uniform(-2, 2));
    const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    z.forEach((v, j) => (out[r * cols + j] = v - lse));
  }
  return out;
}

function pointwiseCase(
  name: string,
  loss: OpDef<Record<string, never>>,
  grad: OpDef<Record<string, never>>,
  gen: (rng: Rng) => [number, number],
): LossCase {
  return {
    name,
    make: (rng, rows, cols) => {
      const pred = new Float32Array(rows * cols);
      const tgt = new Float32Array(rows * cols);
      for (let i = 0; i < pred.length; i++) [pred[i], tgt[i]] = gen(rng);
      return { pred, tgt, shapes: same(rows, cols) };
    },
    with: (f) => f(loss, grad, {}),
  };
}

function klCase(reduction: 'mean' | 'batchmean'): LossCase {
  return {
    name: `klDivLoss (${reduction})`,
    make: (rng, rows, cols) => ({
      pred: logProbRows(rng, rows, cols),
      // probabilities with some exact zeros, to exercise 0·log 0 = 0
      tgt: fill(rows * cols, () => (rng.next() < 0.2 ? 0 : rng.uniform(0.01, 1))),
      shapes: same(rows, cols),
    }),
    with: (f) => f(klDivLoss, klDivLossGrad, { reduction }),
  };
}

export const LOSS_CASES: readonly LossCase[] = [
  pointwiseCase('mseLoss', mseLoss, mseLossGrad, (rng) => [rng.uniform(-1, 1), rng.uniform(-1, 1)]),
  // p away from 0 and 1, where the −100 clamp and the 1e-12 cap are inactive; targets hard and soft
  pointwiseCase('bceLoss', bceLoss, bceLossGrad, (rng) => [
    rng.uniform(0.02, 0.98),
    rng.next() < 0.5 ? rng.int(2) : rng.next(),
  ]),
  pointwiseCase('bceWithLogitsLoss', bceWithLogitsLoss, bceWithLogitsLossGrad, (rng) => [
    rng.uniform(-6, 6),
    rng.next(),
  ]),
  klCase('mean'),
  klCase('batchmean'),
  {
    name: 'crossEntropyLoss',
    make: (rng, rows, cols) => ({
      pred: fill(rows * cols, () => rng.uniform(-3, 3)),
      tgt: fill(rows, () => rng.int(cols)),
      shapes: [[rows, cols], [rows]],
    }),
    with: (f) => f(crossEntropyLoss, crossEntropyLossGrad, {}),
  },
  // angles over more than a full turn; differences kept off the ±180° tie, where the gradient flips
  {
    ...pointwiseCase('circularLoss', circularLoss, circularLossGrad, (rng) => {
      for (;;) {
        const p = Math.fround(rng.uniform(-400, 400));
        const t = Math.fround(rng.uniform(-400, 400));
        if (Math.abs(wrapDegrees(p - t)) < 179) return [p, t];
      }
    }),
    fdEps: 1e-3,
  },
];
