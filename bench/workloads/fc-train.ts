// fc-train.ts: training steps of the first report's fully connected autoencoder — 784-392-196-8 and
// mirrored back, leaky ReLU (slope 0.5) after every layer, MSE, Adam (lr 1e-3), batch 256 — with
// the loss read back every step (sync1) or every 10th step (sync10). Imports the engine's graph,
// nn, ops (mseLoss) and optim layers, and the workload types.
//
// Both peers start from the same weights (PyTorch's Linear initialisation from one seeded Rng) and
// see the same batches in the same order, so their first losses agree.
import type * as TfCore from '@tensorflow/tfjs-core';
import { Graph } from '../../src/graph/graph';
import type { Tensor } from '../../src/graph/tensor';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { byteCoding, GpuDataset, type GpuBatchFeed } from '../../src/nn/gpu-dataset';
import { biasUniform, kaimingUniform } from '../../src/nn/init';
import { Trainer } from '../../src/nn/trainer';
import { mseLoss } from '../../src/ops/loss';
import { createOptimizer } from '../../src/optim/optimizer';
import { Rng } from '../../src/util/rng';
import { jaxArray, JaxTrainer, type Jax } from './jax';
import { since, uniformData, type BenchEnv, type Peer, type Size, type Tf, type Workload } from './types';
import type * as JaxNs from '@jax-js/jax';

export const LR = 1e-3;
export const SLOPE = 0.5;

export interface Model {
  batch: number;
  inputSize: number;
  latent: number;
  /** Batches cycled through, in order. */
  batchCount: number;
}

export const MODEL: Record<Size, Model> = {
  full: { batch: 256, inputSize: 784, latent: 8, batchCount: 8 },
  smoke: { batch: 16, inputSize: 64, latent: 4, batchCount: 2 },
};

/** [in, out] of the six Linear layers, encoder then decoder, in FcAutoencoder's parameter order. */
export function layerSizes(m: Model): [number, number][] {
  const h1 = Math.floor(m.inputSize / 2);
  const h2 = Math.floor(h1 / 2);
  const dims = [m.inputSize, h1, h2, m.latent, h2, h1, m.inputSize];
  return dims.slice(0, -1).map((d, i) => [d, dims[i + 1]!]);
}

/** Weights W [out, in] and biases b [out] of every layer, drawn like torch.nn.Linear's defaults. */
export function initialWeights(m: Model, seed: number): { w: Float32Array; b: Float32Array }[] {
  const rng = new Rng(seed);
  return layerSizes(m).map(([inF, outF]) => ({
    w: kaimingUniform(rng, outF * inF, inF),
    b: biasUniform(rng, outF, inF),
  }));
}

/**
 * The batches every peer trains on: the first `batchCount` batches of `images` (Fashion-MNIST rows, full
 * size) when there are enough of them, else seeded noise in [0, 1] on the 8-bit grid (k / 255).
 */
export function trainingBatches(images: Float32Array | null, m: Model): Float32Array[] {
  const rowFloats = m.batch * m.inputSize;
  const real = images && m.inputSize === 784 && images.length >= m.batchCount * rowFloats ? images : null;
  return Array.from({ length: m.batchCount }, (_, k) =>
    real
      ? real.slice(k * rowFloats, (k + 1) * rowFloats)
      : uniformData(rowFloats, 300 + k, 0, 1).map((v) => Math.round(v * 255) / 255),
  );
}

/** Our engine's side of a peer: a device and the kernel registry its pipelines are built and cached in. */
export type Engine = Pick<BenchEnv, 'gpu' | 'registry'>;

/** Whether step i of a run of `reps` reads the loss: every `syncEvery`-th step, and always the last. */
export const reads = (i: number, reps: number, syncEvery: number) => (i + 1) % syncEvery === 0 || i === reps - 1;

export class OurTrainPeer implements Peer {
  readonly losses: number[] = [];
  private readonly model: FcAutoencoder;
  private readonly trainer: Trainer;
  private readonly input: Tensor;
  private readonly data: GpuDataset | null = null;
  private readonly feed: GpuBatchFeed | null = null;
  private cursor = 0;

  /**
   * Builds the model (weights from initialWeights), its graph and a Trainer on `engine`; trains on
   * `batches` in turn. `source` 'gpu': the batches are uploaded once as a GpuDataset (8-bit, in order)
   * and each step gathers its batch there; 'host': each step writes its batch (Trainer.feed).
   */
  constructor(
    engine: Engine,
    private readonly batches: readonly Float32Array[],
    m: Model,
    private readonly syncEvery: number,
    source: 'gpu' | 'host' = 'gpu',
  ) {
    this.model = new FcAutoencoder(engine.gpu, {
      inputSize: m.inputSize,
      latent: m.latent,
      activation: 'leakyRelu',
      slope: SLOPE,
      seed: 1,
    });
    const params = this.model.namedParameters();
    initialWeights(m, 1).forEach(({ w, b }, i) => {
      params[2 * i]![1].write(w);
      params[2 * i + 1]![1].write(b);
    });
    const g = new Graph();
    this.input = g.input('x', [m.batch, m.inputSize]);
    const loss = g.apply(mseLoss, [this.model.forward(g, this.input), this.input], {}, 'loss');
    this.trainer = new Trainer(
      { gpu: engine.gpu, registry: engine.registry },
      {
        graph: g,
        loss,
        params,
        optimizer: createOptimizer('adam', { lr: LR }),
        label: 'bench-train',
      },
    );
    if (source === 'gpu') {
      const all = new Float32Array(batches.length * m.batch * m.inputSize);
      batches.forEach((b, k) => all.set(b, k * b.length));
      const count = batches.length * m.batch;
      const coding = byteCoding(all, count, m.inputSize);
      if (!coding)
        throw new Error(
          'bench fc-train: the training batches are not 8-bit data; expected at most 256 values per pixel.',
        );
      this.data = new GpuDataset(engine.gpu, coding, 'bench-train');
      this.feed = this.data.feed(engine.registry, this.trainer.inputBuffer(this.input), m.batch);
      this.feed.setOrder(Uint32Array.from({ length: count }, (_, i) => i));
    }
  }

  async run(reps: number): Promise<number> {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      const k = this.cursor++ % this.batches.length;
      if (this.feed) this.trainer.gather(this.feed, k);
      else this.trainer.feed(this.input, this.batches[k]!);
      const loss = await this.trainer.run(reads(i, reps, this.syncEvery));
      if (loss !== null) this.losses.push(loss);
    }
    return since(t0);
  }

  dispose(): void {
    this.feed?.dispose();
    this.data?.dispose();
    this.trainer.dispose();
    this.model.dispose();
  }
}

/** tfjs written the way its users write it without tfjs-layers: variables, tf.train.adam, minimize. */
export class TfTrainPeer implements Peer {
  readonly losses: number[] = [];
  private readonly layers: { w: TfCore.Variable; b: TfCore.Variable }[];
  private readonly optimizer: TfCore.AdamOptimizer;
  private cursor = 0;

  /** Builds the variables (weights from initialWeights) and tf.train.adam on tfjs's active backend. */
  constructor(
    private readonly tf: Tf,
    private readonly batches: readonly Float32Array[],
    private readonly m: Model,
    private readonly syncEvery: number,
  ) {
    const sizes = layerSizes(m);
    this.layers = initialWeights(m, 1).map(({ w, b }, i) => {
      const [inF, outF] = sizes[i]!;
      return { w: tf.variable(tf.tensor2d(w, [outF, inF])), b: tf.variable(tf.tensor1d(b)) };
    });
    this.optimizer = tf.train.adam(LR);
  }

  async run(reps: number): Promise<number> {
    const { tf, m } = this;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      const xs = tf.tensor2d(this.batches[this.cursor++ % this.batches.length]!, [m.batch, m.inputSize]);
      const cost = this.optimizer.minimize(() => {
        let h: TfCore.Tensor2D = xs;
        for (const { w, b } of this.layers)
          h = tf.leakyRelu(tf.add(tf.matMul(h, w, false, true), b) as TfCore.Tensor2D, SLOPE);
        return tf.losses.meanSquaredError(xs, h) as TfCore.Scalar;
      }, true)!;
      xs.dispose();
      if (reads(i, reps, this.syncEvery)) this.losses.push((await cost.data())[0]!);
      cost.dispose();
    }
    return since(t0);
  }

  dispose(): void {
    for (const { w, b } of this.layers) {
      w.dispose();
      b.dispose();
    }
    this.optimizer.dispose();
  }
}

/** The autoencoder as a pure function of its parameter list [W0, b0, …, W5, b5] (W [out, in]). */
export function jaxFcForward(jax: Jax, params: JaxNs.Array[], x: JaxNs.Array): JaxNs.Array {
  const np = jax.numpy;
  let h = x;
  for (let i = 0; i < params.length; i += 2)
    h = jax.nn.leakyRelu(np.matmul(h, params[i]!.transpose()).add(params[i + 1]!), SLOPE);
  return h;
}

/** Initial parameters as jax-js arrays, in jaxFcForward's order. */
export function jaxFcParams(jax: Jax, m: Model): JaxNs.Array[] {
  const sizes = layerSizes(m);
  return initialWeights(m, 1).flatMap(({ w, b }, i) => {
    const [inF, outF] = sizes[i]!;
    return [jaxArray(jax, w, [outF, inF]), jaxArray(jax, b, [outF])];
  });
}

export const jaxFcTrainer = (jax: Jax, m: Model) =>
  new JaxTrainer(
    jax,
    jaxFcParams(jax, m),
    (p, x) => jax.numpy.mean(jax.numpy.square(jaxFcForward(jax, p, x.ref).sub(x))),
    {
      lr: LR,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
    },
  );

/** jax-js written the way its users write it: jit(valueAndGrad(loss)) fused with a hand-written Adam. */
export class JaxTrainPeer implements Peer {
  readonly losses: number[] = [];
  private readonly trainer: JaxTrainer;
  private cursor = 0;

  /** Builds the parameters (weights from initialWeights) and the jitted step on jax-js's default device. */
  constructor(
    private readonly jax: Jax,
    private readonly batches: readonly Float32Array[],
    private readonly m: Model,
    private readonly syncEvery: number,
  ) {
    this.trainer = jaxFcTrainer(jax, m);
  }

  async run(reps: number): Promise<number> {
    const { m } = this;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      const x = jaxArray(this.jax, this.batches[this.cursor++ % this.batches.length]!, [m.batch, m.inputSize]);
      const loss = await this.trainer.run(x, reads(i, reps, this.syncEvery));
      if (loss !== null) this.losses.push(loss);
    }
    return since(t0);
  }

  dispose(): void {
    this.trainer.dispose();
  }
}

function trainWorkload(syncEvery: number): Workload {
  return {
    name: `fc-train-sync${syncEvery}`,
    unit: 'samples/s',
    unitScale: 1,
    repQuantum: syncEvery,
    smokeReps: syncEvery === 1 ? 4 : 10,
    countsSteps: 2,
    description: (size) => {
      const m = MODEL[size];
      const dims = [m.inputSize, ...layerSizes(m).map(([, o]) => o)].join('-');
      return (
        `training steps of the ${dims} autoencoder (leaky ReLU ${SLOPE} after every layer, MSE, Adam lr ${LR}), batch ${m.batch}, ` +
        `loss read back ${syncEvery === 1 ? 'every step' : `every ${syncEvery} steps`}; ours Graph+Trainer with the batches resident on the GPU (GpuDataset, gathered per step), tfjs variables + optimizer.minimize, jax-js jit(valueAndGrad) + hand-written Adam`
      );
    },
    workPerRep: (size) => MODEL[size].batch,
    ours: (env, size) => new OurTrainPeer(env, trainingBatches(env.images, MODEL[size]), MODEL[size], syncEvery),
    tfjs: (env, size) => new TfTrainPeer(env.tf, trainingBatches(env.images, MODEL[size]), MODEL[size], syncEvery),
    jax: (jax, env, size) => new JaxTrainPeer(jax, trainingBatches(env.images, MODEL[size]), MODEL[size], syncEvery),
  };
}

export const TRAIN_WORKLOADS: Workload[] = [trainWorkload(1), trainWorkload(10)];
