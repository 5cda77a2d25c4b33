// module.ts: layers as Modules with PyTorch-style parameter names. Imports graph, ops, gpu, util.
import type { Gpu } from '../gpu/device';
import type { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { activation, type ActivationKind } from '../ops/activation';
import { linear } from '../ops/matmul';
import { ShapeError } from '../util/errors';
import { fmt } from '../util/shape';
import type { Rng } from '../util/rng';
import { biasUniform, kaimingUniform } from './init';
import { Parameter } from './parameter';

export abstract class Module {
  /** Applies the module to a graph tensor. */
  abstract forward(g: Graph, x: Tensor): Tensor;
  /** Own parameters by local name ("weight", "bias"). */
  protected ownParameters(): [string, Parameter][] {
    return [];
  }
  /** Child modules by local name ("0", "encoder"). */
  children(): [string, Module][] {
    return [];
  }

  /** Every parameter with its PyTorch-style dotted name (`encoder.0.weight`). */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = this.ownParameters().map(([n, p]) => [prefix + n, p]);
    for (const [name, child] of this.children()) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameterCount(): number {
    return this.namedParameters().reduce((s, [, p]) => s + p.numel, 0);
  }

  /** Freezes or unfreezes every parameter below this module. */
  setTrainable(trainable: boolean): void {
    for (const [, p] of this.namedParameters()) p.trainable = trainable;
  }

  dispose(): void {
    for (const [, p] of this.namedParameters()) p.dispose();
  }
}

/** Registers a parameter tensor in the graph (cached per graph by buffer). */
export function paramTensor(g: Graph, p: Parameter): Tensor {
  return g.param(p.name, p.shape, p.buffer, p.trainable);
}

export interface LinearOptions {
  /** Fused activation applied in the GEMM epilogue (used by Sequential to fuse Linear + activation). */
  activation?: { kind: ActivationKind; alpha?: number };
}

/** y = x·Wᵀ + b with W [out, in] and b [out], PyTorch's layout and initialisation. */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    gpu: Gpu,
    rng: Rng,
    readonly inFeatures: number,
    readonly outFeatures: number,
    name = 'linear',
  ) {
    super();
    if (!(inFeatures > 0 && outFeatures > 0 && Number.isInteger(inFeatures) && Number.isInteger(outFeatures))) {
      throw new ShapeError(
        `Linear(${name}): features must be positive integers; got in=${inFeatures}, out=${outFeatures}.`,
      );
    }
    this.weight = new Parameter(
      gpu,
      `${name}.weight`,
      [outFeatures, inFeatures],
      kaimingUniform(rng, outFeatures * inFeatures, inFeatures),
    );
    this.bias = new Parameter(gpu, `${name}.bias`, [outFeatures], biasUniform(rng, outFeatures, inFeatures));
  }

  protected override ownParameters(): [string, Parameter][] {
    return [
      ['weight', this.weight],
      ['bias', this.bias],
    ];
  }

  forward(g: Graph, x: Tensor, options: LinearOptions = {}): Tensor {
    if (x.shape.length !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear(${this.weight.name.replace(/\.weight$/, '')}): expected input [batch, ${this.inFeatures}]; got ${fmt(x.shape)}.`,
      );
    }
    const act = options.activation ?? { kind: 'identity' as const };
    return g.apply(linear, [x, paramTensor(g, this.weight), paramTensor(g, this.bias)], act);
  }
}

/** An elementwise activation (no parameters). ReLU is leaky ReLU with slope 0. */
export class Activation extends Module {
  constructor(
    readonly kind: ActivationKind,
    readonly alpha = 0.01,
  ) {
    super();
  }

  forward(g: Graph, x: Tensor): Tensor {
    if (this.kind === 'identity') return x;
    return g.apply(activation, [x], { kind: this.kind, alpha: this.alpha });
  }
}

/** Modules in order, named "0", "1", ... like torch.nn.Sequential. Linear + activation pairs run fused. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  override children(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  forward(g: Graph, x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      const next = this.layers[i + 1];
      if (layer instanceof Linear && next instanceof Activation && next.kind !== 'identity') {
        h = layer.forward(g, h, { activation: { kind: next.kind, alpha: next.alpha } });
        i++;
      } else {
        h = layer.forward(g, h);
      }
    }
    return h;
  }
}
