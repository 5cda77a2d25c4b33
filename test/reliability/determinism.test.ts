// Same seed and adapter → bit-identical weights after 100 training steps; another seed → different.
import { expect } from 'chai';
import { Graph } from '../../src/graph/graph';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { Trainer } from '../../src/nn/trainer';
import { mseLoss } from '../../src/ops/loss';
import { createOptimizer } from '../../src/optim/optimizer';
import { Rng } from '../../src/util/rng';
import { getGpu } from '../helpers/gpu';

async function trainedWeights(seed: number): Promise<Float32Array[]> {
  const ctx = await getGpu();
  const model = new FcAutoencoder(ctx.gpu, { inputSize: 64, latent: 4, seed });
  const g = new Graph();
  const x = g.input('x', [16, 64]);
  const loss = g.apply(mseLoss, [model.forward(g, x), x], {});
  const trainer = new Trainer(ctx, {
    graph: g,
    loss,
    params: model.namedParameters(),
    optimizer: createOptimizer('adam', { lr: 1e-2 }),
  });
  try {
    const rng = new Rng(seed + 100);
    for (let step = 0; step < 100; step++) {
      trainer.feed(
        x,
        new Float32Array(16 * 64).map(() => rng.next()),
      );
      await trainer.run(step % 10 === 9);
    }
    return await Promise.all(model.namedParameters().map(([, p]) => p.read()));
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

describe('determinism', () => {
  it('the same seed gives bit-identical weights after 100 steps; a different seed does not', async () => {
    const a = await trainedWeights(1);
    const b = await trainedWeights(1);
    const c = await trainedWeights(2);
    a.forEach((w, i) => expect(new Uint32Array(w.buffer)).to.deep.equal(new Uint32Array(b[i]!.buffer)));
    expect(a.some((w, i) => w.some((v, k) => v !== c[i]![k]))).to.equal(true);
  });
});
