// conv-train.ts: training steps of the second report's convolutional autoencoder (latent 10, MSE,
// AdamW lr 1e-3 weight decay 1e-2, batch 64, loss read back every step) on our engine
// (ConvAutoencoder + Trainer), tfjs and jax-js, at two capacities: conv-train (c = 16) and
// conv-train-c128 (the report's own c = 128, which on a CPU adapter runs ours alone). Imports the
// engine's graph, nn, ops (mseLoss) and optim layers, the workload types and the jax-js peer helpers.
//
// All three start from the same weights: values drawn once in PyTorch's layouts (Conv2d [O, C, K, K],
// ConvTranspose2d [Cin, Cout, K, K], Linear [out, in]), written into our parameters, handed to jax-js
// as they are (lax.conv / lax.convTranspose with transposeKernel take these layouts) and permuted for
// tfjs (NHWC, filters [K, K, C, O]; conv2dTranspose filters [K, K, Cout, Cin]). Flatten/Unflatten
// keep PyTorch's C·H·W order on every side, so tfjs transposes to NCHW around them.
import type * as JaxNs from '@jax-js/jax';
import type * as TfCore from '@tensorflow/tfjs-core';
import { adapterName } from '../../src/gpu/device';
import { Graph } from '../../src/graph/graph';
import type { Tensor } from '../../src/graph/tensor';
import { ConvAutoencoder } from '../../src/nn/conv-autoencoder';
import { kaimingUniform } from '../../src/nn/init';
import { Trainer } from '../../src/nn/trainer';
import { mseLoss } from '../../src/ops/loss';
import { createOptimizer } from '../../src/optim/optimizer';
import { Rng } from '../../src/util/rng';
import { jaxArray, JaxTrainer, type Jax } from './jax';
import { since, uniformData, type BenchEnv, type Peer, type Size, type Tf, type Workload } from './types';

const LR = 1e-3;
const WD = 1e-2;

interface ConvModel {
  batch: number;
  c: number;
  latent: number;
  batchCount: number;
}

const MODEL: Record<Size, ConvModel> = {
  full: { batch: 64, c: 16, latent: 10, batchCount: 8 },
  smoke: { batch: 4, c: 2, latent: 2, batchCount: 2 },
};

/** The report's own capacity (c = 128, 1,316,619 parameters at latent 10). */
const MODEL_C128: Record<Size, ConvModel> = {
  full: { batch: 64, c: 128, latent: 10, batchCount: 8 },
  smoke: { batch: 4, c: 4, latent: 2, batchCount: 2 },
};

/**
 * Multiply-adds of one forward pass of one image, from the layer shapes (28 → 14 → 7 and back):
 * Conv2d(1→c) c·1·4²·14², Conv2d(c→2c) 2c·c·4²·7², the two Linear layers 2c·49·L each, and the
 * transposed convolutions, whose products are those of the convolutions they mirror (2c·c·4²·7² and
 * c·1·4²·14²). Biases, activations, the loss and the optimizer are left out.
 */
export function convForwardMacs(m: Pick<ConvModel, 'c' | 'latent'>): number {
  const { c, latent: L } = m;
  return 2 * (c * 16 * 196) + 2 * (2 * c * c * 16 * 49) + 2 * (2 * c * 49 * L);
}

/**
 * Counted FLOPs of one training step: forward + backward ≈ 3 × the forward's, each multiply-add two
 * FLOPs (the backward computes an input gradient and a weight gradient of each layer's size; the
 * first layer's input gradient, which the image does not need, is counted all the same).
 */
export const convStepFlops = (m: ConvModel): number => 3 * 2 * convForwardMacs(m) * m.batch;

/** Parameter shapes in ConvAutoencoder's order (weight, bias per layer), PyTorch layouts. */
function paramShapes(m: ConvModel): number[][] {
  const { c, latent: L } = m;
  return [
    [c, 1, 4, 4],
    [c],
    [2 * c, c, 4, 4],
    [2 * c],
    [L, 2 * c * 49],
    [L],
    [2 * c * 49, L],
    [2 * c * 49],
    [2 * c, c, 4, 4],
    [c],
    [c, 1, 4, 4],
    [1],
  ];
}

/** fan-in of each weight (and its bias): C·K·K for convolutions, in for Linear, Cout·K·K for transposed. */
function initialWeights(m: ConvModel): Float32Array[] {
  const rng = new Rng(11);
  const shapes = paramShapes(m);
  return shapes.map((s, i) => {
    const w = shapes[i - (i % 2)]!;
    const fanIn = w.slice(1).reduce((a, b) => a * b, 1);
    return kaimingUniform(
      rng,
      s.reduce((a, b) => a * b, 1),
      fanIn,
    );
  });
}

/** data [d0, d1, d2, d3] permuted by perm. */
function permute4(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  const out = new Float32Array(data.length);
  const outShape = perm.map((p) => shape[p]!);
  const stride = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
  let k = 0;
  const idx = [0, 0, 0, 0];
  for (idx[0] = 0; idx[0] < outShape[0]!; idx[0]++) {
    for (idx[1] = 0; idx[1] < outShape[1]!; idx[1]++) {
      for (idx[2] = 0; idx[2] < outShape[2]!; idx[2]++) {
        for (idx[3] = 0; idx[3] < outShape[3]!; idx[3]++) {
          let src = 0;
          for (let a = 0; a < 4; a++) src += idx[a]! * stride[perm[a]!]!;
          out[k++] = data[src]!;
        }
      }
    }
  }
  return { data: out, shape: outShape };
}

/** Batches of 28×28 images (real ones at full size when the page loaded them), as [N·784] rows. */
function batches(env: BenchEnv, m: ConvModel): Float32Array[] {
  const rowFloats = m.batch * 784;
  const real = env.images && env.images.length >= m.batchCount * rowFloats ? env.images : null;
  return Array.from({ length: m.batchCount }, (_, k) =>
    real ? real.slice(k * rowFloats, (k + 1) * rowFloats) : uniformData(rowFloats, 500 + k, 0, 1),
  );
}

abstract class ConvPeer implements Peer {
  readonly losses: number[] = [];
  protected readonly batches: Float32Array[];
  private cursor = 0;

  constructor(
    env: BenchEnv,
    protected readonly m: ConvModel,
  ) {
    this.batches = batches(env, m);
  }

  protected abstract step(x: Float32Array): Promise<number>;

  async run(reps: number): Promise<number> {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++)
      this.losses.push(await this.step(this.batches[this.cursor++ % this.batches.length]!));
    return since(t0);
  }

  abstract dispose(): void;
}

class OurConvPeer extends ConvPeer {
  private readonly model: ConvAutoencoder;
  private readonly trainer: Trainer;
  private readonly input: Tensor;

  constructor(env: BenchEnv, m: ConvModel) {
    super(env, m);
    this.model = new ConvAutoencoder(env.gpu, { latent: m.latent, capacity: m.c, seed: 1 });
    const params = this.model.namedParameters();
    initialWeights(m).forEach((w, i) => params[i]![1].write(w));
    const g = new Graph();
    this.input = g.input('x', [m.batch, 1, 28, 28]);
    const loss = g.apply(mseLoss, [this.model.forward(g, this.input), this.input], {}, 'loss');
    this.trainer = new Trainer(
      { gpu: env.gpu, registry: env.registry },
      {
        graph: g,
        loss,
        params,
        optimizer: createOptimizer('adamw', { lr: LR, weightDecay: WD }),
        label: 'bench-conv-train',
      },
    );
  }

  protected async step(x: Float32Array): Promise<number> {
    this.trainer.feed(this.input, x);
    return (await this.trainer.run(true))!;
  }

  dispose(): void {
    this.trainer.dispose();
    this.model.dispose();
  }
}

/** tfjs: variables in its layouts, tf.variableGrads, decoupled decay, then adam.applyGradients. */
class TfConvPeer extends ConvPeer {
  private readonly vars: TfCore.Variable[];
  private readonly optimizer: TfCore.AdamOptimizer;

  constructor(
    private readonly tf: Tf,
    env: BenchEnv,
    m: ConvModel,
  ) {
    super(env, m);
    const shapes = paramShapes(m);
    this.vars = initialWeights(m).map((w, i) => {
      const s = shapes[i]!;
      // Conv2d [O,C,K,K] → [K,K,C,O]; ConvTranspose2d [Cin,Cout,K,K] → [K,K,Cout,Cin]: the same permutation.
      const t = s.length === 4 ? permute4(w, s, [2, 3, 1, 0]) : { data: w, shape: s };
      return tf.variable(tf.tensor(t.data, t.shape));
    });
    this.optimizer = tf.train.adam(LR, 0.9, 0.999, 1e-8);
  }

  private forward(x: TfCore.Tensor4D): TfCore.Tensor4D {
    const { tf, m } = this;
    const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5, w6, b6] = this.vars as TfCore.Tensor[];
    const N = m.batch;
    let h = tf.relu(tf.add(tf.conv2d(x, w1 as TfCore.Tensor4D, 2, 1), b1!)) as TfCore.Tensor4D;
    h = tf.relu(tf.add(tf.conv2d(h, w2 as TfCore.Tensor4D, 2, 1), b2!)) as TfCore.Tensor4D;
    const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [N, 2 * m.c * 49]) as TfCore.Tensor2D;
    const z = tf.add(tf.matMul(flat, w3 as TfCore.Tensor2D, false, true), b3!) as TfCore.Tensor2D;
    const d = tf.add(tf.matMul(z, w4 as TfCore.Tensor2D, false, true), b4!);
    h = tf.transpose(tf.reshape(d, [N, 2 * m.c, 7, 7]), [0, 2, 3, 1]) as TfCore.Tensor4D;
    h = tf.relu(tf.add(tf.conv2dTranspose(h, w5 as TfCore.Tensor4D, [N, 14, 14, m.c], 2, 1), b5!)) as TfCore.Tensor4D;
    return tf.sigmoid(
      tf.add(tf.conv2dTranspose(h, w6 as TfCore.Tensor4D, [N, 28, 28, 1], 2, 1), b6!),
    ) as TfCore.Tensor4D;
  }

  protected async step(data: Float32Array): Promise<number> {
    const { tf, m } = this;
    const x = tf.tensor4d(data, [m.batch, 28, 28, 1]);
    const { value, grads } = tf.variableGrads(
      () => tf.losses.meanSquaredError(x, this.forward(x)) as TfCore.Scalar,
      this.vars,
    );
    tf.tidy(() => {
      for (const v of this.vars) v.assign(tf.mul(v, 1 - LR * WD));
    });
    this.optimizer.applyGradients(grads as never);
    for (const g of Object.values(grads)) g.dispose();
    x.dispose();
    const loss = (await value.data())[0]!;
    value.dispose();
    return loss;
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
    this.optimizer.dispose();
  }
}

/** jax-js: lax.conv / lax.convTranspose in PyTorch's layouts, jit(valueAndGrad) + hand-written AdamW. */
class JaxConvPeer extends ConvPeer {
  private readonly trainer: JaxTrainer;

  constructor(
    private readonly jax: Jax,
    env: BenchEnv,
    m: ConvModel,
  ) {
    super(env, m);
    const shapes = paramShapes(m);
    const params = initialWeights(m).map((w, i) => jaxArray(jax, w, shapes[i]!));
    const np = jax.numpy;
    const lax = jax.lax;
    const pad: [number, number][] = [
      [1, 1],
      [1, 1],
    ];
    const chan = (b: JaxNs.Array) => b.reshape([1, -1, 1, 1]);
    const forward = (p: JaxNs.Array[], x: JaxNs.Array): JaxNs.Array => {
      const N = m.batch;
      let h = jax.nn.relu(lax.conv(x, p[0]!, [2, 2], pad).add(chan(p[1]!)));
      h = jax.nn.relu(lax.conv(h, p[2]!, [2, 2], pad).add(chan(p[3]!)));
      const z = np.matmul(h.reshape([N, 2 * m.c * 49]), p[4]!.transpose()).add(p[5]!);
      h = np
        .matmul(z, p[6]!.transpose())
        .add(p[7]!)
        .reshape([N, 2 * m.c, 7, 7]);
      h = jax.nn.relu(lax.convTranspose(h, p[8]!, [2, 2], pad, { transposeKernel: true }).add(chan(p[9]!)));
      return jax.nn.sigmoid(lax.convTranspose(h, p[10]!, [2, 2], pad, { transposeKernel: true }).add(chan(p[11]!)));
    };
    this.trainer = new JaxTrainer(jax, params, (p, x) => np.mean(np.square(forward(p, x.ref).sub(x))), {
      lr: LR,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: WD,
    });
  }

  protected async step(data: Float32Array): Promise<number> {
    return (await this.trainer.run(jaxArray(this.jax, data, [this.m.batch, 1, 28, 28]), true))!;
  }

  dispose(): void {
    this.trainer.dispose();
  }
}

/** Tells a CPU adapter (SwiftShader) from a GPU, as the kernel tuning does (src/kernels/tuning.ts). */
const onCpu = (env: BenchEnv): boolean => env.gpu.adapter.isFallback;

function convTrainWorkload(
  name: string,
  models: Record<Size, ConvModel>,
  oursAlone?: (env: BenchEnv, size: Size) => string | null,
): Workload {
  return {
    name,
    unit: 'samples/s',
    unitScale: 1,
    repQuantum: 1,
    smokeReps: 4,
    countsSteps: 2,
    description: (size) => {
      const m = models[size];
      return (
        `training steps of the conv autoencoder (c = ${m.c}, latent ${m.latent}; Conv2d k4 s2 p1 ×2, Linear, ConvTranspose2d ×2, ` +
        `ReLU/sigmoid, MSE, AdamW lr ${LR} wd ${WD}), batch ${m.batch}, loss read back every step; ` +
        `${(convStepFlops(m) / 1e9).toPrecision(3)} GFLOP per step counted (3 × 2 × forward multiply-adds); ours ConvAutoencoder+Trainer (NCHW), ` +
        'tfjs NHWC variableGrads + adam.applyGradients with decoupled decay, jax-js lax.conv/convTranspose jit(valueAndGrad) + hand-written AdamW'
      );
    },
    workPerRep: (size) => models[size].batch,
    flopsPerRep: (size) => convStepFlops(models[size]),
    ...(oursAlone ? { oursAlone } : {}),
    ours: (env, size) => new OurConvPeer(env, models[size]),
    tfjs: (env, size) => new TfConvPeer(env.tf, env, models[size]),
    jax: (jax, env, size) => new JaxConvPeer(jax, env, models[size]),
  };
}

export const CONV_TRAIN_WORKLOAD: Workload = convTrainWorkload('conv-train', MODEL);

/**
 * The report's model at its own capacity. On a CPU adapter one full-size step takes seconds: ours runs
 * alone (its warm-up, counted and measured steps, within the run's time budget) and the peers are left out.
 */
export const CONV_TRAIN_C128_WORKLOAD: Workload = convTrainWorkload('conv-train-c128', MODEL_C128, (env, size) =>
  size === 'full' && onCpu(env)
    ? `left out on a CPU adapter (${adapterName(env.gpu.adapter)}): a c = 128 step takes seconds there, so ours runs alone for a few steps.`
    : null,
);
