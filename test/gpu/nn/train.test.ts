// End-to-end training through Graph → autodiff → Executable → Trainer → optimizer, on real data.
import { expect } from 'chai';
import { loadDataset } from '../../../src/data/datasets';
import { toFloat } from '../../../src/data/preprocess';
import { batches, sampleSubset } from '../../../src/data/sampling';
import { Graph } from '../../../src/graph/graph';
import type { Tensor } from '../../../src/graph/tensor';
import { FcAutoencoder } from '../../../src/nn/autoencoders';
import { Activation, Linear, Sequential } from '../../../src/nn/module';
import { Rng } from '../../../src/util/rng';
import { NonFiniteLossError, Trainer } from '../../../src/nn/trainer';
import { mul, sub } from '../../../src/ops/elementwise';
import { sumAll } from '../../../src/ops/reduce';
import { createOptimizer } from '../../../src/optim/optimizer';
import { getGpu } from '../../helpers/gpu';

function mse(g: Graph, y: Tensor, t: Tensor): Tensor {
  const d = g.apply(sub, [y, t], {});
  return g.apply(sumAll, [g.apply(mul, [d, d], {})], { alpha: 1 / t.numel });
}

function gather(images: Float32Array, idx: Uint32Array, width: number): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((r, i) => out.set(images.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

describe('training end to end', () => {
  it('a small autoencoder (784-64-8-64-784, leaky ReLU 0.5, MSE, Adam) learns 512 Fashion-MNIST images', async () => {
    const ctx = await getGpu();
    const data = await loadDataset('fashion-mnist');
    const subset = sampleSubset(data.train, 512, 11);
    const x = toFloat(subset, 'global');
    const B = 64;
    const rng = new Rng(1);
    const act = () => new Activation('leakyRelu', 0.5);
    const model = new Sequential(
      new Linear(ctx.gpu, rng, 784, 64, '0'),
      act(),
      new Linear(ctx.gpu, rng, 64, 8, '2'),
      act(),
      new Linear(ctx.gpu, rng, 8, 64, '4'),
      act(),
      new Linear(ctx.gpu, rng, 64, 784, '6'),
      act(),
    );
    const g = new Graph();
    const input = g.input('x', [B, 784]);
    const loss = mse(g, model.forward(g, input), input);
    const trainer = new Trainer(ctx, {
      graph: g,
      loss,
      params: model.namedParameters(),
      optimizer: createOptimizer('adam', { lr: 1e-3 }),
    });
    try {
      const losses: number[] = [];
      for (let epoch = 0; epoch < 6; epoch++) {
        for (const idx of batches(512, B, 5, epoch)) {
          trainer.feed(input, gather(x, idx, 784));
          losses.push((await trainer.run(true))!);
        }
      }
      // 48 Adam steps: the reconstruction MSE must fall below 60% of its starting value.
      expect(losses[0]).to.be.greaterThan(0.02);
      const last = losses.slice(-4).reduce((a, b) => a + b, 0) / 4;
      expect(last, `losses ${losses.map((l) => l.toFixed(4)).join(' ')}`).to.be.lessThan(0.6 * losses[0]!);
    } finally {
      trainer.dispose();
      model.dispose();
    }
  });

  it('keeps the live-buffer count flat over 1,000 steps and frees everything on dispose', async () => {
    const ctx = await getGpu();
    const before = ctx.gpu.buffers.liveBufferCount();
    const model = new FcAutoencoder(ctx.gpu, { inputSize: 16, latent: 2, seed: 2 });
    const g = new Graph();
    const input = g.input('x', [8, 16]);
    const loss = mse(g, model.forward(g, input), input);
    const trainer = new Trainer(ctx, {
      graph: g,
      loss,
      params: model.namedParameters(),
      optimizer: createOptimizer('adam'),
    });
    const data = new Float32Array(8 * 16).map((_, i) => (i % 7) / 7);
    trainer.feed(input, data);
    await trainer.run(true);
    const afterFirst = ctx.gpu.buffers.liveBufferCount();
    for (let i = 0; i < 1000; i++) await trainer.run(i % 100 === 99);
    expect(ctx.gpu.buffers.liveBufferCount()).to.equal(afterFirst);
    trainer.dispose();
    model.dispose();
    expect(ctx.gpu.buffers.liveBufferCount()).to.equal(before);
  });

  it('stops on a NaN/Inf loss (lr = 1e6) with a readable reason and keeps the last good weights', async () => {
    const ctx = await getGpu();
    const model = new FcAutoencoder(ctx.gpu, { inputSize: 16, latent: 2, seed: 3 });
    const g = new Graph();
    const input = g.input('x', [8, 16]);
    const loss = mse(g, model.forward(g, input), input);
    const trainer = new Trainer(ctx, {
      graph: g,
      loss,
      params: model.namedParameters(),
      optimizer: createOptimizer('sgd', { lr: 1e6 }),
    });
    try {
      trainer.feed(
        input,
        new Float32Array(8 * 16).map((_, i) => (i % 5) - 2),
      );
      let error: unknown = null;
      const snapshots: Float32Array[][] = [];
      for (let i = 0; i < 50 && !error; i++) {
        snapshots.push(await Promise.all(model.namedParameters().map(([, p]) => p.read())));
        try {
          await trainer.run(true);
        } catch (e) {
          error = e;
        }
      }
      expect(error).to.be.instanceOf(NonFiniteLossError);
      const e = error as NonFiniteLossError;
      expect(e.message).to.match(
        /the loss became (NaN|Infinity|-Infinity) at step \d+; expected a finite number\. The weights from step \d+ \(the last finite loss\) were restored/,
      );
      const restored = await Promise.all(model.namedParameters().map(([, p]) => p.read()));
      expect(restored).to.deep.equal(snapshots[e.restoredStep!]);
      expect(restored.every((a) => a.every(Number.isFinite))).to.equal(true);
    } finally {
      trainer.dispose();
      model.dispose();
    }
  });

  it('monitors the gradient norm and parameter change: for plain SGD, ‖Δθ‖ = lr·‖∇θ‖', async () => {
    const ctx = await getGpu();
    const model = new FcAutoencoder(ctx.gpu, { inputSize: 16, latent: 2, seed: 4 });
    const g = new Graph();
    const input = g.input('x', [8, 16]);
    const loss = mse(g, model.forward(g, input), input);
    const lr = 0.05;
    const trainer = new Trainer(ctx, {
      graph: g,
      loss,
      params: model.namedParameters(),
      optimizer: createOptimizer('sgd', { lr }),
      monitor: true,
    });
    try {
      trainer.feed(
        input,
        new Float32Array(8 * 16).map((_, i) => ((i * 7) % 11) / 11),
      );
      for (let i = 0; i < 3; i++) {
        const before = await Promise.all(model.namedParameters().map(([, p]) => p.read()));
        await trainer.run(true);
        const after = await Promise.all(model.namedParameters().map(([, p]) => p.read()));
        let change = 0;
        before.forEach((b, k) => b.forEach((v, j) => (change += (after[k]![j]! - v) ** 2)));
        const r = trainer.lastReading!;
        expect(r.paramChange!).to.be.closeTo(Math.sqrt(change), 1e-4 * Math.sqrt(change) + 1e-7);
        expect(r.paramChange!).to.be.closeTo(lr * r.gradNorm!, 1e-4 * r.paramChange! + 1e-7);
        expect(r.gradNorm!).to.be.greaterThan(0);
      }
    } finally {
      trainer.dispose();
      model.dispose();
    }
  });
});
