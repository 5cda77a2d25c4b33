// The training loop with several steps per submission and readings handed back late (GPU-resident
// inputs) gives the same run as one step per submission, each reading waited for (what a checkpoint
// store asks for): the same per-epoch losses, stop reason, step count and weights, bit for bit, also
// when the run ends on a NaN loss.
import { expect } from 'chai';
import { MAX_STEPS_PER_SUBMIT, trainModel, type TrainSpec, type TrainStore } from '../../../src/experiments/train';
import type { Progress } from '../../../src/experiments/types';
import { FcAutoencoder } from '../../../src/nn/autoencoders';
import { countWork } from '../../../src/gpu/counting';
import { Rng } from '../../../src/util/rng';
import { getGpu } from '../../helpers/gpu';

/** 8-bit rows of 16 pixels. */
function data(count: number, seed: number) {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: count * 16 }, () => Math.floor(rng.next() * 256) / 255);
  return { x, width: 16, count };
}

/** A store that keeps nothing: the loop then runs one step per submission and waits for each reading. */
const stepByStep: TrainStore = {
  open: () => ({ saved: null, due: () => false, save: async () => {} }),
};

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

async function run(overrides: Partial<TrainSpec>, store?: TrainStore) {
  const rt = await getGpu();
  const model = new FcAutoencoder(rt.gpu, { inputSize: 16, latent: 2, seed: 5 });
  const progress: Progress[] = [];
  try {
    const spec: TrainSpec = {
      name: 'pipeline',
      model,
      forward: (g, x) => model.forward(g, x),
      inputShape: (n) => [n, 16],
      loss: 'mse',
      // 200 steps per epoch: a loss reading every 4 steps, so 4 steps per submission.
      train: data(1600, 1),
      test: data(64, 2),
      optimizer: 'adam',
      optimizerOptions: { lr: 1e-2 },
      batchSize: 8,
      stop: { maxEpochs: 2 },
      seed: 3,
      ...overrides,
    };
    const { count, result: value } = await countWork(rt.gpu.device, () =>
      trainModel(rt, spec, { store, onProgress: (p) => progress.push(p) }),
    );
    const weights = await Promise.all(model.namedParameters().map(([, p]) => p.read()));
    return { run: value, weights, submits: count.submits, progress };
  } finally {
    model.dispose();
  }
}

describe('trainModel: several steps per submission, readings handed back late', () => {
  it('gives the per-step run bit for bit: losses per epoch, stop reason, steps, weights', async () => {
    const a = await run({});
    const b = await run({}, stepByStep);
    expect(a.run.steps).to.equal(400);
    expect(a.run.stopReason).to.equal(b.run.stopReason);
    expect(a.run.steps).to.equal(b.run.steps);
    expect(a.run.failed).to.equal(false);
    expect(a.run.epochs.map((e) => [e.epoch, e.trainLoss, e.testLoss])).to.deep.equal(
      b.run.epochs.map((e) => [e.epoch, e.trainLoss, e.testLoss]),
    );
    a.weights.forEach((w, k) => expect(bits(w), `tensor ${k}`).to.deep.equal(bits(b.weights[k]!)));
    // Live progress: one message per reading (50 per epoch), at the same steps with the same losses.
    const steps = (p: Progress[]) => p.filter((x) => x.step !== undefined).map((x) => [x.step, x.loss]);
    expect(steps(a.progress)).to.have.length(100);
    expect(steps(a.progress)).to.deep.equal(steps(b.progress));
    // Fewer submissions: 4 steps in each instead of 1 (the rest is evaluation and readback).
    expect(b.submits - a.submits).to.be.at.least(400 - 100);
    expect(MAX_STEPS_PER_SUBMIT).to.be.at.least(4);
  });

  it('stops at the same step with the same restored weights on a NaN loss', async () => {
    const overrides: Partial<TrainSpec> = { optimizer: 'sgd', optimizerOptions: { lr: 20 } };
    const a = await run(overrides);
    const b = await run(overrides, stepByStep);
    expect(a.run.failed).to.equal(true);
    expect(a.run.stopReason).to.match(
      /the loss became (NaN|Infinity|-Infinity) at step \d+; .* The weights from step \d+ \(the last finite loss\) were restored/,
    );
    expect(a.run.stopReason).to.equal(b.run.stopReason);
    expect(a.run.steps).to.equal(b.run.steps);
    a.weights.forEach((w, k) => expect(bits(w), `tensor ${k}`).to.deep.equal(bits(b.weights[k]!)));
    expect(a.weights.every((w) => w.every(Number.isFinite))).to.equal(true);
  });

  it('ends at the same reading with a stop on the number of steps', async () => {
    const a = await run({ stop: { maxEpochs: 2, maxSteps: 30 } });
    const b = await run({ stop: { maxEpochs: 2, maxSteps: 30 } }, stepByStep);
    expect(a.run.steps).to.equal(b.run.steps);
    expect(a.run.stopReason).to.equal(b.run.stopReason);
    a.weights.forEach((w, k) => expect(bits(w), `tensor ${k}`).to.deep.equal(bits(b.weights[k]!)));
  });
});
