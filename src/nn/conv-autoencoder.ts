// conv-autoencoder.ts: the second report's convolutional autoencoder for 28×28 images.
// Imports nn, gpu, util.
//   encoder: Conv2d(1→c, 4, 2, 1) → ReLU → Conv2d(c→2c, 4, 2, 1) → ReLU → Flatten → Linear(2c·7·7 → latent)
//   decoder: Linear(latent → 2c·7·7) → Unflatten → ConvTranspose2d(2c→c, 4, 2, 1) → ReLU
//            → ConvTranspose2d(c→1, 4, 2, 1) → Sigmoid
// Parameters: 16c + c + 32c² + 2c + 98c·L + L + 98c·L + 98c + 32c² + c + 16c + 1. For c = 128 that
// is 1,065,729 + 25,089·L (the report's table: 1,140,996 for L = 3 … 1,818,399 for L = 30).
import type { Gpu } from '../gpu/device';
import type { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { ConfigError } from '../util/errors';
import { Rng } from '../util/rng';
import { Conv2d, ConvTranspose2d, Flatten, Unflatten } from './conv';
import { Activation, Linear, Module, Sequential } from './module';

export interface ConvAutoencoderConfig {
  latent: number;
  /** Channels of the first conv layer ("capacity"); the second has twice as many. Default 128. */
  capacity?: number;
  seed?: number;
}

export class ConvAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly config: Required<ConvAutoencoderConfig>;

  constructor(gpu: Gpu, config: ConvAutoencoderConfig) {
    super();
    const c: Required<ConvAutoencoderConfig> = { capacity: 128, seed: 0, ...config };
    if (!Number.isInteger(c.latent) || c.latent < 1)
      throw new ConfigError(`ConvAutoencoder: latent must be a positive integer; got ${c.latent}.`);
    if (!Number.isInteger(c.capacity) || c.capacity < 1)
      throw new ConfigError(`ConvAutoencoder: capacity must be a positive integer; got ${c.capacity}.`);
    this.config = c;
    const rng = new Rng(c.seed);
    const ch = c.capacity;
    const s = { stride: 2, padding: 1 };
    this.encoder = new Sequential(
      new Conv2d(gpu, rng, 1, ch, 4, s, 'encoder.0'),
      new Activation('relu'),
      new Conv2d(gpu, rng, ch, 2 * ch, 4, s, 'encoder.2'),
      new Activation('relu'),
      new Flatten(),
      new Linear(gpu, rng, 2 * ch * 49, c.latent, 'encoder.5'),
    );
    this.decoder = new Sequential(
      new Linear(gpu, rng, c.latent, 2 * ch * 49, 'decoder.0'),
      new Unflatten([2 * ch, 7, 7]),
      new ConvTranspose2d(gpu, rng, 2 * ch, ch, 4, s, 'decoder.2'),
      new Activation('relu'),
      new ConvTranspose2d(gpu, rng, ch, 1, 4, s, 'decoder.4'),
      new Activation('sigmoid'),
    );
  }

  override children(): [string, Module][] {
    return [
      ['encoder', this.encoder],
      ['decoder', this.decoder],
    ];
  }

  /** x: [N, 1, 28, 28] → reconstruction [N, 1, 28, 28]. */
  forward(g: Graph, x: Tensor): Tensor {
    return this.decoder.forward(g, this.encoder.forward(g, x));
  }
}
