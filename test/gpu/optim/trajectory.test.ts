// Every optimizer, and the variants with extra state, against its float64 reference: 20 steps on a
// quadratic over tensors of 1, 7 and 300 elements (300 > one workgroup of 256), gradients computed
// on the CPU from the GPU's parameters each step. The reference follows its own trajectory from the
// same start, with gradients from its own parameters.
// Tolerance, per element, from float32 error bounds (u = 2⁻²⁴, test/helpers/bounds.ts). Each step is
// an elementwise update whose float32 evaluation (see shaders/<name>.wgsl) has c roundings on the
// way to the update Δθ (the gradient's upload, the weight-decay term, the state reads and writes it
// uses, the quotient, the product with lr, the f32 constants), and k roundings per step into the
// state tensors; relative errors in a state carry from step to step scaled by its decay factor ≤ 1,
// so after t steps the state holds at most k·t·u relative error (signed states such as momentum
// buffers are measured against the largest step so far, M_t = max_{s≤t} |Δθ_s|, since their values
// can cancel). The local error of step t is then
//   ℓ_t = u·|θ_t| + (c + k·t)·u·M_t           (u·|θ_t|: storing the parameter in float32),
// summed over the steps, E_T = Σ_{t≤T} ℓ_t. An error in θ changes later gradients by a·δθ (the
// quadratic's curvature) and so the later trajectory; the problem is separable and the updates are
// elementwise, so each element is a one-dimensional map whose amplification of a parameter error,
// A = max(1, max_t |θ'_t − θ_t|/δ), and of the state, S = max_t |s'_t − s_t|/δ, are measured on a second
// float64 reference θ' started from θ_0 + δ (δ = 10⁻⁸·(1 + |θ_0|), in the linear regime). Bounds:
//   |θ̂_T − θ_T| ≤ λ·A·E_T,     |ŝ_T − s_T| ≤ λ·((k + b)·u·Σ_{t≤T} |s_t| + S·E_T),
// with safety factor λ = 6 (as in bounds.ts; it also covers the first-order treatment of products
// of errors). The counts c, k per optimizer are listed with ROUNDINGS; b, the relative error that
// forming 1 − β in float32 puts into the states, is added to c (see decayCancellation); centered
// RMSprop's v − m² scales k by κ = (v + m²)/(v − m²). A 10⁻³ relative change of lr in the reference
// breaks every case at step 1.
import { expect } from 'chai';
import { createOptimizer, DEFAULTS, type OptimizerName, type OptimizerOptions } from '../../../src/optim/optimizer';
import { expectWithin, LAMBDA, U } from '../../helpers/bounds';
import {
  makeContext,
  makeSlots,
  Quadratic,
  type Reference,
  readParams,
  referenceFor,
  submitStep,
  uploadGrads,
} from './harness';

const SIZES = [1, 7, 300];
const STEPS = 20;

interface Case {
  name: OptimizerName;
  options: OptimizerOptions;
  /** State tensors the GPU optimizer should hold per parameter tensor. */
  state: string[];
  /** Learning rate for step t (1-based), set between steps; defaults to the option's lr. */
  lrAt?: (t: number) => number;
  label?: string;
}

const CASES: Case[] = [
  { name: 'sgd', options: { lr: 0.1 }, state: [] },
  {
    name: 'sgd',
    options: { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
    state: ['momentum_buffer'],
    label: 'momentum + dampening + weight decay, lr halved at step 11',
    lrAt: (t) => (t <= 10 ? 0.05 : 0.025),
  },
  {
    name: 'sgd',
    options: { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
    state: ['momentum_buffer'],
    label: 'momentum + nesterov + weight decay',
  },
  { name: 'adam', options: {}, state: ['exp_avg', 'exp_avg_sq'], label: 'defaults' },
  { name: 'adam', options: { lr: 0.01, weightDecay: 0.1 }, state: ['exp_avg', 'exp_avg_sq'], label: 'L2 weight decay' },
  {
    name: 'adam',
    options: { lr: 0.01, betas: [0.8, 0.99], amsgrad: true },
    state: ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'],
    label: 'amsgrad',
  },
  { name: 'adamw', options: {}, state: ['exp_avg', 'exp_avg_sq'], label: 'defaults' },
  {
    name: 'adamw',
    options: { lr: 0.01, weightDecay: 0.5 },
    state: ['exp_avg', 'exp_avg_sq'],
    label: 'strong decoupled decay',
  },
  { name: 'adagrad', options: {}, state: ['sum'], label: 'defaults' },
  {
    name: 'adagrad',
    options: { lr: 0.05, lrDecay: 0.1, weightDecay: 0.01, initialAccumulatorValue: 0.1 },
    state: ['sum'],
    label: 'lr decay + weight decay + initial accumulator',
  },
  { name: 'adadelta', options: {}, state: ['square_avg', 'acc_delta'], label: 'defaults' },
  {
    name: 'adadelta',
    options: { lr: 0.5, rho: 0.95, weightDecay: 0.01 },
    state: ['square_avg', 'acc_delta'],
    label: 'rho + weight decay',
  },
  { name: 'rmsprop', options: {}, state: ['square_avg'], label: 'defaults' },
  {
    name: 'rmsprop',
    options: { momentum: 0.5, lr: 0.005 },
    state: ['square_avg', 'momentum_buffer'],
    label: 'momentum',
  },
  { name: 'rmsprop', options: { centered: true }, state: ['square_avg', 'grad_avg'], label: 'centered' },
  {
    name: 'rmsprop',
    options: { lr: 0.001, centered: true, momentum: 0.9, weightDecay: 0.01 },
    state: ['square_avg', 'grad_avg', 'momentum_buffer'],
    label: 'centered + momentum + weight decay',
  },
];

/**
 * Rounding counts per element and step (see the header): c on the way to the update, k into the
 * state tensors, read off shaders/<name>.wgsl with the gradient's upload and the weight-decay term
 * (3 roundings in g, 6 in g·g) included and every float32 constant counted once.
 * sgd: d = g + wd·p (3); buf = μ·b + (1 − dampening)·d (4 + d's 3); nesterov d + μ·buf (2); lr·(2).
 * adam/adamw: m (4 + 3), v (5 + 6) into the state; √v, /√bc2, +eps, step_size, ·m, /, p·decay (9 + 3).
 * adagrad: sum + g·g (2 + 6); √, +eps, clr·g, / (5 + 3).
 * adadelta: square_avg (5 + 6), acc_delta (5 + twice delta's 9 + square_avg's 11); delta = √(a+ε)/√(v+ε)·g
 *   (6 + 3), lr· (1).
 * rmsprop: square_avg (5 + 6), grad_avg (4 + 3), momentum buffer (2); √, +eps, g/avg (3 + 3), lr·buf (2),
 *   +2 for momentum; the centered form's v − m² multiplies the state's relative error by
 *   κ = (v + m²)/(v − m²), taken from the reference's states.
 */
const ROUNDINGS: Record<OptimizerName, { c: number; k: number }> = {
  sgd: { c: 7, k: 7 },
  adam: { c: 12, k: 11 },
  adamw: { c: 12, k: 11 },
  adagrad: { c: 8, k: 8 },
  adadelta: { c: 10, k: 34 },
  rmsprop: { c: 10, k: 20 },
};

/**
 * A decay factor β is a float32 uniform and 1 − β is formed in float32 (Adam's 1 − β1 and 1 − β2,
 * RMSprop's 1 − α, Adadelta's 1 − ρ, SGD's 1 − dampening): rounding β by u·β moves 1 − β by a
 * relative u·β/(1 − β), 999·u for β2 = 0.999. That error is systematic, the same every step, so the
 * states that take it keep it as a relative error and the update shows it; it is added to c and
 * to the states' relative error.
 */
function decayCancellation(c: Case): number {
  const o = { ...DEFAULTS[c.name], ...c.options } as Record<string, unknown>;
  const betas = [o.dampening, o.rho, o.alpha, ...((o.betas as number[] | undefined) ?? [])].filter(
    (b): b is number => typeof b === 'number',
  );
  return betas.reduce((sum, b) => sum + b / (1 - b), 0);
}

const copyState = (ref: Reference): Map<string, Float64Array> =>
  new Map([...ref.state()].map(([key, v]) => [key, Float64Array.from(v)]));

describe('optimizers: 20 steps on a quadratic, GPU vs float64 reference', () => {
  CASES.forEach((c, index) => {
    it(`${c.name} ${c.label ?? JSON.stringify(c.options)}`, async () => {
      const seed = 100 + index;
      const problem = new Quadratic(SIZES, seed);
      const { ctx, free } = await makeContext();
      const { slots, dispose } = await makeSlots(problem, 'fc');
      const opt = createOptimizer(c.name, c.options);
      const { k: kState } = ROUNDINGS[c.name];
      const constants = decayCancellation(c);
      const cUpdate = ROUNDINGS[c.name].c + constants;
      try {
        opt.build(ctx, slots);
        const ref = referenceFor(opt, SIZES, c.state);
        // The twin from θ_0 + δ that measures how a parameter error carries through later steps.
        const twin = referenceFor(opt, SIZES, c.state);
        const refParams = problem.start.map((p) => Float64Array.from(p));
        const delta = problem.start.map((p) => Float64Array.from(p, (v) => 1e-8 * (1 + Math.abs(v))));
        const twinParams = refParams.map((p, k) => Float64Array.from(p, (v, i) => v + delta[k]![i]!));
        const amp = SIZES.map((n) => new Float64Array(n).fill(1));
        const localSum = SIZES.map((n) => new Float64Array(n));
        const maxStep = SIZES.map((n) => new Float64Array(n));
        const kappa = SIZES.map((n) => new Float64Array(n).fill(1));
        const stateAbsSum = new Map<string, Float64Array>();
        const stateAmp = new Map<string, Float64Array>();
        const baseLr = opt.lr;
        for (let t = 1; t <= STEPS; t++) {
          const lr = c.lrAt ? c.lrAt(t) : baseLr;
          opt.lr = lr;
          await uploadGrads(problem, slots, await readParams(slots));
          await submitStep(opt);
          const before = refParams.map((p) => Float64Array.from(p));
          ref.step(
            refParams,
            refParams.map((p, k) => problem.grad(k, p)),
            t,
            lr,
          );
          twin.step(
            twinParams,
            twinParams.map((p, k) => problem.grad(k, p)),
            t,
            lr,
          );
          const states = copyState(ref);
          const twinStates = copyState(twin);
          for (const [key, s] of states) {
            const k = Number(key.split('.')[0]);
            const sum = stateAbsSum.get(key) ?? new Float64Array(s.length);
            const sAmp = stateAmp.get(key) ?? new Float64Array(s.length);
            s.forEach((v, i) => {
              sum[i]! += Math.abs(v);
              sAmp[i] = Math.max(sAmp[i]!, Math.abs(twinStates.get(key)![i]! - v) / delta[k]![i]!);
            });
            stateAbsSum.set(key, sum);
            stateAmp.set(key, sAmp);
          }
          const got = await readParams(slots);
          got.forEach((g, k) => {
            const want = refParams[k]!;
            const squareAvg = states.get(`${k}.square_avg`);
            const gradAvg = states.get(`${k}.grad_avg`);
            const bound = Float64Array.from(want, (v, i) => {
              maxStep[k]![i] = Math.max(maxStep[k]![i]!, Math.abs(v - before[k]![i]!));
              amp[k]![i] = Math.max(amp[k]![i]!, Math.abs(twinParams[k]![i]! - v) / delta[k]![i]!);
              if (squareAvg && gradAvg) {
                const m2 = gradAvg[i]! ** 2;
                kappa[k]![i] = Math.max(kappa[k]![i]!, (squareAvg[i]! + m2) / (squareAvg[i]! - m2));
              }
              localSum[k]![i]! += U * Math.abs(v) + (cUpdate + kState * kappa[k]![i]! * t) * U * maxStep[k]![i]!;
              return LAMBDA * amp[k]![i]! * localSum[k]![i]!;
            });
            expectWithin(g, want, bound, `seed ${seed}, step ${t}, tensor ${k} (n=${SIZES[k]}) params`);
          });
        }
        // The parameters moved: the test would be vacuous on a no-op kernel.
        const moved = (await readParams(slots))[2]!.some((v, i) => Math.abs(v - problem.start[2]![i]!) > 1e-3);
        expect(moved, 'parameters moved').to.equal(true);
        const saved = await opt.saveState();
        expect(saved.step).to.equal(STEPS);
        const expected = ref.state();
        const expectedKeys = [...expected.keys()].map((key) =>
          key.replace(/^(\d+)\./, (_, k: string) => `fc${k}.weight.`),
        );
        expect(Object.keys(saved.tensors).sort()).to.deep.equal(expectedKeys.sort());
        for (const [key, values] of expected) {
          const k = Number(key.split('.')[0]);
          const gpuKey = key.replace(/^(\d+)\./, (_, k: string) => `fc${k}.weight.`);
          const sum = stateAbsSum.get(key)!;
          const sAmp = stateAmp.get(key)!;
          const bound = Float64Array.from(
            values,
            (_, i) => LAMBDA * ((kState * kappa[k]![i]! + constants) * U * sum[i]! + sAmp[i]! * localSum[k]![i]!),
          );
          expectWithin(saved.tensors[gpuKey]!, values, bound, `seed ${seed}, state ${gpuKey}`);
        }
      } finally {
        opt.dispose();
        dispose();
        free();
      }
    });
  });
});
