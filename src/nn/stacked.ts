// stacked.ts: N fully connected autoencoders of one architecture as one model with a model axis.
// Imports graph, ops, gpu, util and nn.
//
// Every parameter is stacked [N, ...] in one buffer, model-major: model k's tensor (the lone layout,
// [out, in] or [out]) right after model k − 1's. Model k is initialised exactly as FcAutoencoder with
// config.seed = seeds[k], and `model(k)` gives its weights under the lone model's names and shapes.
// The forward pass runs each layer once for the whole stack (stackedLinear: a batched GEMM over the
// model axis), on an input [N, batch, inputSize] holding each model's own minibatch.
import type { Gpu } from '../gpu/device';
import type { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import type { ActivationKind } from '../ops/activation';
import { stackedLinear } from '../ops/stacked';
import { ConfigError, ShapeError } from '../util/errors';
import { Rng } from '../util/rng';
import { fmt } from '../util/shape';
import type { FcAutoencoderConfig } from './autoencoders';
import { biasUniform, kaimingUniform } from './init';
import { Module, paramTensor } from './module';
import { Parameter } from './parameter';
import type { NamedTensor } from './safetensors';

/** One stacked Linear layer: W [N, out, in], b [N, out], PyTorch's names without the model axis. */
interface StackedLayer {
  name: string;
  inFeatures: number;
  outFeatures: number;
  weight: Parameter;
  bias: Parameter;
}

export interface StackedFcConfig extends Omit<FcAutoencoderConfig, 'seed'> {
  /** One seed per model: model k starts from FcAutoencoder's weights for seed seeds[k]. */
  seeds: readonly number[];
}

export class StackedFcAutoencoder extends Module {
  readonly layers: StackedLayer[];
  readonly config: Required<Omit<FcAutoencoderConfig, 'seed'>> & { seeds: readonly number[] };

  constructor(gpu: Gpu, config: StackedFcConfig) {
    super();
    const c = { inputSize: 784, activation: 'leakyRelu' as ActivationKind, slope: 0.5, ...config };
    if (!Array.isArray(c.seeds) || c.seeds.length < 1)
      throw new ConfigError('StackedFcAutoencoder: seeds must list one seed per model; got none.');
    if (!Number.isInteger(c.latent) || c.latent < 1)
      throw new ConfigError(`StackedFcAutoencoder: latent must be a positive integer; got ${c.latent}.`);
    if (!Number.isInteger(c.inputSize) || c.inputSize < 4)
      throw new ConfigError(`StackedFcAutoencoder: inputSize must be an integer ≥ 4; got ${c.inputSize}.`);
    this.config = { ...c, seeds: [...c.seeds] };
    const h1 = Math.floor(c.inputSize / 2);
    const h2 = Math.floor(h1 / 2);
    // FcAutoencoder's layers in its order of initialisation.
    const dims: [string, number, number][] = [
      ['encoder.0', c.inputSize, h1],
      ['encoder.2', h1, h2],
      ['encoder.4', h2, c.latent],
      ['decoder.0', c.latent, h2],
      ['decoder.2', h2, h1],
      ['decoder.4', h1, c.inputSize],
    ];
    const N = c.seeds.length;
    const weights = dims.map(([, i, o]) => new Float32Array(N * i * o));
    const biases = dims.map(([, , o]) => new Float32Array(N * o));
    c.seeds.forEach((seed, k) => {
      const rng = new Rng(seed);
      dims.forEach(([, i, o], l) => {
        weights[l]!.set(kaimingUniform(rng, o * i, i), k * o * i);
        biases[l]!.set(biasUniform(rng, o, i), k * o);
      });
    });
    this.layers = dims.map(([name, i, o], l) => ({
      name,
      inFeatures: i,
      outFeatures: o,
      weight: new Parameter(gpu, `${name}.weight`, [N, o, i], weights[l]!),
      bias: new Parameter(gpu, `${name}.bias`, [N, o], biases[l]!),
    }));
  }

  /** Models in the stack. */
  get models(): number {
    return this.config.seeds.length;
  }

  protected override ownParameters(): [string, Parameter][] {
    return this.layers.flatMap((l): [string, Parameter][] => [
      [`${l.name}.weight`, l.weight],
      [`${l.name}.bias`, l.bias],
    ]);
  }

  /** x [N, batch, inputSize] (model k's minibatch at x[k]) → reconstructions [N, batch, inputSize]. */
  forward(g: Graph, x: Tensor): Tensor {
    const N = this.models;
    if (x.shape.length !== 3 || x.shape[0] !== N || x.shape[2] !== this.config.inputSize) {
      throw new ShapeError(
        `StackedFcAutoencoder: expected input [${N}, batch, ${this.config.inputSize}] (one minibatch per model); got ${fmt(x.shape)}.`,
      );
    }
    const act = { kind: this.config.activation, alpha: this.config.slope };
    let h = x;
    for (const l of this.layers) {
      h = g.apply(stackedLinear, [h, paramTensor(g, l.weight), paramTensor(g, l.bias)], act);
    }
    return h;
  }

  /**
   * Model k's weights under FcAutoencoder's names and shapes (`encoder.0.weight` [392, 784], ...):
   * what stateDict(lone model) gives for the lone model with the same weights, ready for
   * encodeSafetensors or loading into an FcAutoencoder.
   */
  async model(k: number): Promise<NamedTensor[]> {
    if (!Number.isInteger(k) || k < 0 || k >= this.models)
      throw new ShapeError(`StackedFcAutoencoder.model: no model ${k}; expected 0..${this.models - 1}.`);
    const out: NamedTensor[] = [];
    for (const [name, p] of this.namedParameters()) {
      const shape = p.shape.slice(1);
      const per = p.numel / this.models;
      out.push({ name, shape, data: (await p.read()).slice(k * per, (k + 1) * per) });
    }
    return out;
  }

  /** Writes weights of the lone model's names and shapes (e.g. a lone stateDict) into model k. */
  async setModel(k: number, tensors: readonly NamedTensor[]): Promise<void> {
    if (!Number.isInteger(k) || k < 0 || k >= this.models)
      throw new ShapeError(`StackedFcAutoencoder.setModel: no model ${k}; expected 0..${this.models - 1}.`);
    const byName = new Map(tensors.map((t) => [t.name, t]));
    const params = this.namedParameters();
    for (const [name, p] of params) {
      const t = byName.get(name);
      const shape = p.shape.slice(1);
      if (!t || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new ShapeError(
          `StackedFcAutoencoder.setModel: tensor "${name}" ${t ? `has shape ${fmt(t.shape)}` : 'is missing'}; expected ${fmt(shape)}.`,
        );
    }
    for (const [name, p] of params) {
      const all = await p.read();
      all.set(byName.get(name)!.data, k * (p.numel / this.models));
      p.write(all);
    }
  }
}
