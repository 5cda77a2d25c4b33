// tiny-training.ts: the 16-pixel autoencoder the training-loop tests run end to end (checkpointing,
// resuming, a lost device): its seeded random samples and its TrainSpec. Imports experiments, nn, util.
import type { Samples, TrainSpec } from '../../src/experiments/train';
import type { FcAutoencoder } from '../../src/nn/autoencoders';
import { Rng } from '../../src/util/rng';

/** `count` samples of 16 values uniform in [0, 1) from the seeded generator. */
export function tinySamples(count: number, seed: number): Samples {
  const rng = new Rng(seed);
  return { x: new Float32Array(count * 16).map(() => rng.next()), width: 16, count };
}

/** Adam (lr as given, or the default), batch 8, MSE, seed 5, on `train`, for at most `maxEpochs` epochs. */
export function tinySpec(model: FcAutoencoder, train: Samples, maxEpochs: number, lr?: number): TrainSpec {
  return {
    name: 'tiny',
    model,
    forward: (g, x) => model.forward(g, x),
    inputShape: (n) => [n, 16],
    loss: 'mse',
    train,
    optimizer: 'adam',
    ...(lr === undefined ? {} : { optimizerOptions: { lr } }),
    batchSize: 8,
    stop: { maxEpochs },
    seed: 5,
  };
}
