// autoencoders.ts: the first report's fully connected autoencoder. Imports nn, gpu, util.
// Encoder 784 → 392 → 196 → latent and decoder latent → 196 → 392 → 784, an activation after every
// layer (the decoder's last one too), named like the PyTorch original:
// encoder.0 / encoder.2 / encoder.4 and decoder.0 / decoder.2 / decoder.4 (activations at odd indices).
import type { Gpu } from '../gpu/device';
import type { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import type { ActivationKind } from '../ops/activation';
import { ConfigError } from '../util/errors';
import { Rng } from '../util/rng';
import { Activation, Linear, Module, Sequential } from './module';

export interface FcAutoencoderConfig {
  inputSize?: number;
  latent: number;
  activation?: ActivationKind;
  /** Negative slope when activation is leaky ReLU (the report: 0.5). */
  slope?: number;
  seed?: number;
}

export class FcAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly config: Required<FcAutoencoderConfig>;

  constructor(gpu: Gpu, config: FcAutoencoderConfig) {
    super();
    const c: Required<FcAutoencoderConfig> = {
      inputSize: 784,
      activation: 'leakyRelu',
      slope: 0.5,
      seed: 0,
      ...config,
    };
    if (!Number.isInteger(c.latent) || c.latent < 1)
      throw new ConfigError(`FcAutoencoder: latent must be a positive integer; got ${c.latent}.`);
    if (!Number.isInteger(c.inputSize) || c.inputSize < 4)
      throw new ConfigError(`FcAutoencoder: inputSize must be an integer ≥ 4; got ${c.inputSize}.`);
    this.config = c;
    const rng = new Rng(c.seed);
    const h1 = Math.floor(c.inputSize / 2);
    const h2 = Math.floor(h1 / 2);
    const act = () => new Activation(c.activation, c.slope);
    this.encoder = new Sequential(
      new Linear(gpu, rng, c.inputSize, h1, 'encoder.0'),
      act(),
      new Linear(gpu, rng, h1, h2, 'encoder.2'),
      act(),
      new Linear(gpu, rng, h2, c.latent, 'encoder.4'),
      act(),
    );
    this.decoder = new Sequential(
      new Linear(gpu, rng, c.latent, h2, 'decoder.0'),
      act(),
      new Linear(gpu, rng, h2, h1, 'decoder.2'),
      act(),
      new Linear(gpu, rng, h1, c.inputSize, 'decoder.4'),
      act(),
    );
  }

  override children(): [string, Module][] {
    return [
      ['encoder', this.encoder],
      ['decoder', this.decoder],
    ];
  }

  forward(g: Graph, x: Tensor): Tensor {
    return this.decoder.forward(g, this.encoder.forward(g, x));
  }
}
