// stacked.ts: the host side of training a stack of models: each model's own shuffle. Imports data.
import { batches } from '../data/sampling';
import type { Samples } from './train';

/**
 * One epoch of minibatches for a stack: step i holds model k's i-th minibatch of the epoch at rows
 * [k·batch, (k + 1)·batch), drawn as a lone run of seed seeds[k] draws them (batches(count, batch,
 * seed, epoch, dropLast), so model k sees exactly the samples its lone run would.
 */
export function* stackedBatches(
  samples: Samples,
  batchSize: number,
  seeds: readonly number[],
  epoch: number,
): Generator<Float32Array> {
  const w = samples.width;
  const streams = seeds.map((seed) => batches(samples.count, batchSize, seed, epoch, { dropLast: true }));
  while (true) {
    const out = new Float32Array(seeds.length * batchSize * w);
    for (const [k, stream] of streams.entries()) {
      const next = stream.next();
      if (next.done) return;
      const idx = next.value;
      for (let i = 0; i < idx.length; i++)
        out.set(samples.x.subarray(idx[i]! * w, (idx[i]! + 1) * w), (k * batchSize + i) * w);
    }
    yield out;
  }
}
