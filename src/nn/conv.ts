// conv.ts: Conv2d and ConvTranspose2d layers (NCHW, PyTorch layouts and initialisation), Flatten and
// Unflatten. Imports graph, ops, gpu, util.
import type { Gpu } from '../gpu/device';
import type { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { conv2d, convTranspose2d } from '../ops/conv';
import { reshape } from '../ops/reshape';
import { ShapeError } from '../util/errors';
import { fmt, numel, type Shape } from '../util/shape';
import type { Rng } from '../util/rng';
import { biasUniform, kaimingUniform } from './init';
import { Module, paramTensor } from './module';
import { Parameter } from './parameter';

export interface ConvOptions {
  stride?: number;
  padding?: number;
}

function checkChannels(name: string, inC: number, outC: number, k: number): void {
  for (const [what, v] of [
    ['in channels', inC],
    ['out channels', outC],
    ['kernel size', k],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ShapeError(`${name}: ${what} must be a positive integer; got ${v}.`);
  }
}

/** Conv2d(in → out, k×k): weight [out, in, k, k], bias [out]; fan_in = in·k·k. */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    gpu: Gpu,
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly options: ConvOptions = {},
    name = 'conv',
  ) {
    super();
    checkChannels(`Conv2d(${name})`, inChannels, outChannels, kernel);
    const fanIn = inChannels * kernel * kernel;
    this.weight = new Parameter(
      gpu,
      `${name}.weight`,
      [outChannels, inChannels, kernel, kernel],
      kaimingUniform(rng, outChannels * fanIn, fanIn),
    );
    this.bias = new Parameter(gpu, `${name}.bias`, [outChannels], biasUniform(rng, outChannels, fanIn));
  }

  protected override ownParameters(): [string, Parameter][] {
    return [
      ['weight', this.weight],
      ['bias', this.bias],
    ];
  }

  forward(g: Graph, x: Tensor): Tensor {
    return g.apply(conv2d, [x, paramTensor(g, this.weight), paramTensor(g, this.bias)], this.options);
  }
}

/** ConvTranspose2d(in → out, k×k): weight [in, out, k, k], bias [out]; fan_in = out·k·k (PyTorch's weight.size(1)·k·k). */
export class ConvTranspose2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    gpu: Gpu,
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly options: ConvOptions = {},
    name = 'convT',
  ) {
    super();
    checkChannels(`ConvTranspose2d(${name})`, inChannels, outChannels, kernel);
    const fanIn = outChannels * kernel * kernel;
    this.weight = new Parameter(
      gpu,
      `${name}.weight`,
      [inChannels, outChannels, kernel, kernel],
      kaimingUniform(rng, inChannels * fanIn, fanIn),
    );
    this.bias = new Parameter(gpu, `${name}.bias`, [outChannels], biasUniform(rng, outChannels, fanIn));
  }

  protected override ownParameters(): [string, Parameter][] {
    return [
      ['weight', this.weight],
      ['bias', this.bias],
    ];
  }

  forward(g: Graph, x: Tensor): Tensor {
    return g.apply(convTranspose2d, [x, paramTensor(g, this.weight), paramTensor(g, this.bias)], this.options);
  }
}

/** [N, ...] → [N, prod(...)]. */
export class Flatten extends Module {
  forward(g: Graph, x: Tensor): Tensor {
    if (x.shape.length < 2) throw new ShapeError(`Flatten: expected at least [N, features]; got ${fmt(x.shape)}.`);
    return g.apply(reshape, [x], { shape: [x.shape[0]!, numel(x.shape.slice(1))] });
  }
}

/** [N, prod(shape)] → [N, ...shape]. */
export class Unflatten extends Module {
  constructor(readonly shape: Shape) {
    super();
  }

  forward(g: Graph, x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.shape[1] !== numel(this.shape)) {
      throw new ShapeError(
        `Unflatten: expected [N, ${numel(this.shape)}] to unflatten into [N, ${this.shape.join(', ')}]; got ${fmt(x.shape)}.`,
      );
    }
    return g.apply(reshape, [x], { shape: [x.shape[0]!, ...this.shape] });
  }
}
