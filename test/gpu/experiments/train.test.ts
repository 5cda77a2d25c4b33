// The shared training loop: per-epoch records, test evaluation, and every stopping condition firing
// when it should.
import { expect } from 'chai';
import { FcAutoencoder } from '../../../src/nn/autoencoders';
import { evaluateLoss, infer, trainModel, type TrainSpec } from '../../../src/experiments/train';
import { Rng } from '../../../src/util/rng';
import { getGpu } from '../../helpers/gpu';

function data(count: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(count * 16);
  for (let i = 0; i < count; i++) {
    const a = rng.next();
    for (let j = 0; j < 16; j++) x[i * 16 + j] = 0.5 + 0.4 * Math.sin(a * 6 + j / 3);
  }
  return { x, width: 16, count };
}

async function spec(overrides: Partial<TrainSpec> = {}): Promise<TrainSpec> {
  const { gpu } = await getGpu();
  const model = new FcAutoencoder(gpu, { inputSize: 16, latent: 2, seed: 1 });
  return {
    name: 'tiny',
    model,
    forward: (g, x) => model.forward(g, x),
    inputShape: (n) => [n, 16],
    loss: 'mse',
    train: data(96, 1),
    test: data(40, 2),
    optimizer: 'adam',
    batchSize: 16,
    stop: { maxEpochs: 3 },
    seed: 3,
    ...overrides,
  };
}

describe('trainModel', () => {
  it('records train and test loss per epoch; the loss falls; evaluateLoss agrees with a CPU MSE of infer()', async () => {
    const rt = await getGpu();
    const s = await spec({ stop: { maxEpochs: 6 }, optimizerOptions: { lr: 1e-2 } });
    try {
      const run = await trainModel(rt, s);
      expect(run.epochs.map((e) => e.epoch)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(run.steps).to.equal(36);
      expect(run.stopReason).to.equal('max epochs (6) reached');
      expect(run.epochs[5]!.trainLoss).to.be.lessThan(run.epochs[0]!.trainLoss);
      const test = s.test!;
      const ev = await evaluateLoss(rt, { ...s, batchSize: 16 }, test);
      expect(ev.loss).to.be.closeTo(run.epochs[5]!.testLoss!, 1e-6);
      const y = await infer(rt, s.forward, s.inputShape, test.x, test.count, 16);
      let mse = 0;
      for (let i = 0; i < y.length; i++) mse += (y[i]! - test.x[i]!) ** 2;
      expect(ev.loss).to.be.closeTo(mse / y.length, 1e-6);
    } finally {
      s.model.dispose();
    }
  });

  const cases: [string, Partial<TrainSpec>, RegExp][] = [
    ['max steps', { stop: { maxEpochs: 5, maxSteps: 4 } }, /^max steps \(4\) reached$/],
    ['target loss', { stop: { maxEpochs: 5, targetLoss: 10 } }, /^target loss 10 reached/],
    ['gradient norm', { stop: { maxEpochs: 5, gradNorm: 1e9 } }, /^gradient norm .* below 1000000000$/],
    ['parameter change', { stop: { maxEpochs: 5, paramChange: 1e9 } }, /^parameter change .* below 1000000000$/],
    ['time limit', { stop: { maxEpochs: 50, timeLimitSeconds: 1e-3 } }, /^time limit 0\.001 s reached$/],
  ];
  for (const [what, overrides, re] of cases) {
    it(`stops on ${what} and says so`, async () => {
      const s = await spec(overrides);
      try {
        const run = await trainModel(await getGpu(), s);
        expect(run.stopReason).to.match(re);
        expect(run.steps).to.be.lessThan(30);
      } finally {
        s.model.dispose();
      }
    });
  }

  it('stops when aborted, and on a NaN loss keeps finite weights', async () => {
    const controller = new AbortController();
    controller.abort();
    const s = await spec();
    const nan = await spec({ optimizer: 'sgd', optimizerOptions: { lr: 1e8 }, stop: { maxEpochs: 20 } });
    try {
      const run = await trainModel(await getGpu(), s, { signal: controller.signal });
      expect(run.stopReason).to.equal('stopped by the user');
      const bad = await trainModel(await getGpu(), nan);
      expect(bad.failed).to.equal(true);
      expect(bad.stopReason).to.match(/the loss became .* expected a finite number/);
      for (const [, p] of nan.model.namedParameters()) expect((await p.read()).every(Number.isFinite)).to.equal(true);
    } finally {
      s.model.dispose();
      nan.model.dispose();
    }
  });

  it('refuses a batch larger than the training set before any work', async () => {
    const s = await spec({ batchSize: 500 });
    try {
      let error: Error | null = null;
      await trainModel(await getGpu(), s).catch((e: Error) => (error = e));
      expect(error!.message).to.match(/batchSize: 500 is larger than the training set \(96 samples\)/);
    } finally {
      s.model.dispose();
    }
  });
});
