// Long-run leak check: a tiny autoencoder trained for 10,000 steps on one device keeps the number of
// live GPU buffers flat (checked every time the loss is read, every 500 steps) and frees everything
// on dispose, counted twice: by the engine's buffer tracker, and at the source, by wrapping the
// device's createBuffer / destroy, createBindGroup, createQuerySet and pipeline creation
// (test/helpers/raw-objects.ts), so staging and uniform buffers and bind groups count too.
// Imports src (graph, nn, ops, optim) and the GPU test helpers.
import { expect } from 'chai';
import { Graph } from '../../src/graph/graph';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { Trainer } from '../../src/nn/trainer';
import { mul, sub } from '../../src/ops/elementwise';
import { sumAll } from '../../src/ops/reduce';
import { createOptimizer } from '../../src/optim/optimizer';
import { getGpu } from '../helpers/gpu';
import { countRawObjects } from '../helpers/raw-objects';

const STEPS = 10_000;
const READ_EVERY = 500;

describe('reliability: leaks over a long run', () => {
  it(`keeps the live-buffer count and bytes flat over ${STEPS.toLocaleString('en')} steps and frees everything on dispose`, async function () {
    this.timeout(180_000);
    const ctx = await getGpu();
    const raw = countRawObjects(ctx.gpu.device);
    const before = { count: ctx.gpu.buffers.liveBufferCount(), bytes: ctx.gpu.buffers.liveBytes() };
    const model = new FcAutoencoder(ctx.gpu, { inputSize: 16, latent: 2, seed: 7 });
    const g = new Graph();
    const input = g.input('x', [8, 16]);
    const d = g.apply(sub, [model.forward(g, input), input], {});
    const loss = g.apply(sumAll, [g.apply(mul, [d, d], {})], { alpha: 1 / (8 * 16) });
    const trainer = new Trainer(ctx, {
      graph: g,
      loss,
      params: model.namedParameters(),
      optimizer: createOptimizer('adam', { lr: 1e-3 }),
    });
    try {
      trainer.feed(
        input,
        new Float32Array(8 * 16).map((_, i) => ((i * 5) % 13) / 13),
      );
      const first = await trainer.run(true);
      const steady = { count: ctx.gpu.buffers.liveBufferCount(), bytes: ctx.gpu.buffers.liveBytes() };
      const steadyRaw = raw.counts();
      // The wrapper sees what the tracker sees and more (uniform buffers of the bind groups, staging).
      expect(steadyRaw.liveBuffers, 'raw buffers made by the first step').to.be.at.least(steady.count - before.count);
      expect(steadyRaw.bindGroupsCreated, 'bind groups made by the first step').to.be.greaterThan(0);
      const losses: number[] = [first!];
      const started = performance.now();
      for (let i = 1; i < STEPS; i++) {
        const read = i % READ_EVERY === 0;
        const l = await trainer.run(read);
        if (!read) continue;
        losses.push(l!);
        const now = { count: ctx.gpu.buffers.liveBufferCount(), bytes: ctx.gpu.buffers.liveBytes() };
        expect(now, `live buffers after step ${i}: ${ctx.gpu.buffers.liveLabels().length}`).to.deep.equal(steady);
        // Nothing raw is made per step: no buffer, bind group, query set or pipeline after the first.
        expect(raw.counts(), `raw GPU objects after step ${i}`).to.deep.equal(steadyRaw);
      }
      console.log(
        `leaks: ${STEPS} steps with ${steadyRaw.liveBuffers} raw buffers and ${steadyRaw.bindGroupsCreated} bind groups, made once, in ${((performance.now() - started) / 1000).toFixed(1)} s; losses ${losses[0]!.toExponential(2)} → ${losses.at(-1)!.toExponential(2)}`,
      );
      expect(trainer.step).to.equal(STEPS);
      expect(losses.every(Number.isFinite)).to.equal(true);
      // Training went on the whole time: the loss fell.
      expect(losses.at(-1)!).to.be.lessThan(losses[0]!);
    } finally {
      trainer.dispose();
      model.dispose();
      raw.restore();
    }
    const end = raw.counts();
    expect(end.liveBuffers, `raw buffers still live: ${raw.liveBufferLabels().join(', ')}`).to.equal(0);
    expect(end.liveBufferBytes).to.equal(0);
    expect(end.liveQuerySets).to.equal(0);
    expect(
      { count: ctx.gpu.buffers.liveBufferCount(), bytes: ctx.gpu.buffers.liveBytes() },
      ctx.gpu.buffers.liveLabels().join(', '),
    ).to.deep.equal(before);
  });
});
