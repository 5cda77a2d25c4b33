// Every optimizer, and the variants with extra state, against its float64 reference: 20 steps on a
// quadratic over tensors of 1, 7 and 300 elements (300 > one workgroup of 256), gradients computed
// on the CPU from the GPU's parameters each step. The reference follows its own trajectory from the
// same start, with gradients from its own parameters.
// Tolerance: rtol 1e-4 (optimizer steps, STYLE §9) with atol 1e-6 for parameters and state tensors
// (state such as momentum buffers and grad_avg shrinks towards zero as the parameters converge).
import { expect } from 'chai';
import { createOptimizer, type OptimizerName, type OptimizerOptions } from '../../../src/optim/optimizer';
import { allclose } from '../../helpers/allclose';
import { makeContext, makeSlots, Quadratic, readParams, referenceFor, submitStep, uploadGrads } from './harness';

const TOL = { rtol: 1e-4, atol: 1e-6 };
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

describe('optimizers: 20 steps on a quadratic, GPU vs float64 reference', () => {
  CASES.forEach((c, index) => {
    it(`${c.name} ${c.label ?? JSON.stringify(c.options)}`, async () => {
      const seed = 100 + index;
      const problem = new Quadratic(SIZES, seed);
      const { ctx, free } = await makeContext();
      const { slots, dispose } = await makeSlots(problem, 'fc');
      const opt = createOptimizer(c.name, c.options);
      try {
        opt.build(ctx, slots);
        const ref = referenceFor(opt, SIZES, c.state);
        const refParams = problem.start.map((p) => Float64Array.from(p));
        const baseLr = opt.lr;
        for (let t = 1; t <= STEPS; t++) {
          const lr = c.lrAt ? c.lrAt(t) : baseLr;
          opt.lr = lr;
          await uploadGrads(problem, slots, await readParams(slots));
          await submitStep(opt);
          ref.step(
            refParams,
            refParams.map((p, k) => problem.grad(k, p)),
            t,
            lr,
          );
          const got = await readParams(slots);
          got.forEach((g, k) =>
            allclose(g, refParams[k]!, TOL, `seed ${seed}, step ${t}, tensor ${k} (n=${SIZES[k]}) params`),
          );
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
          const gpuKey = key.replace(/^(\d+)\./, (_, k: string) => `fc${k}.weight.`);
          allclose(saved.tensors[gpuKey]!, values, TOL, `seed ${seed}, state ${gpuKey}`);
        }
      } finally {
        opt.dispose();
        dispose();
        free();
      }
    });
  });
});
