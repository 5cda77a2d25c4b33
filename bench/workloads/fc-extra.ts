// fc-extra.ts: inference with the first report's fully connected autoencoder — encode + decode of
// 10,000 test images in batches of 1,000, each batch's reconstruction read back (images/s). (The
// first-step workloads of the same model are in first-step.ts.)
// Imports the engine's graph and nn layers, the FC model's shapes and weights, and jax-js helpers.
import type * as JaxNs from '@jax-js/jax';
import type * as TfCore from '@tensorflow/tfjs-core';
import { Executable } from '../../src/graph/executor';
import { Graph } from '../../src/graph/graph';
import type { Tensor } from '../../src/graph/tensor';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { initialWeights, jaxFcForward, jaxFcParams, layerSizes, MODEL, SLOPE, type Model } from './fc-train';
import { jaxArray, type Jax } from './jax';
import { since, uniformData, type BenchEnv, type Peer, type Size, type Tf, type Workload } from './types';

const INFER: Record<Size, { images: number; batch: number }> = {
  full: { images: 10_000, batch: 1000 },
  smoke: { images: 32, batch: 16 },
};

/** The images to reconstruct: the test split when the page loaded it (full size), else noise. */
function inferenceBatches(env: BenchEnv, size: Size): Float32Array[] {
  const m = MODEL[size];
  const { images, batch } = INFER[size];
  const rowFloats = batch * m.inputSize;
  const real =
    env.testImages && m.inputSize === 784 && env.testImages.length >= images * m.inputSize ? env.testImages : null;
  return Array.from({ length: images / batch }, (_, k) =>
    real ? real.slice(k * rowFloats, (k + 1) * rowFloats) : uniformData(rowFloats, 700 + k, 0, 1),
  );
}

abstract class InferPeer implements Peer {
  readonly losses: readonly number[] = [];
  /** The reconstruction of the first batch after the last run (for the smoke test). */
  first: Float32Array | null = null;
  protected readonly batches: Float32Array[];
  protected readonly m: Model;
  protected readonly batch: number;

  constructor(env: BenchEnv, size: Size) {
    this.m = MODEL[size];
    this.batch = INFER[size].batch;
    this.batches = inferenceBatches(env, size);
  }

  protected abstract reconstruct(x: Float32Array): Promise<Float32Array>;

  async run(reps: number): Promise<number> {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) {
      for (let k = 0; k < this.batches.length; k++) {
        const y = await this.reconstruct(this.batches[k]!);
        if (k === 0) this.first = y;
      }
    }
    return since(t0);
  }

  abstract dispose(): void;
}

class OurInfer extends InferPeer {
  private readonly model: FcAutoencoder;
  private readonly exe: Executable;
  private readonly input: Tensor;
  private readonly output: Tensor;

  constructor(env: BenchEnv, size: Size) {
    super(env, size);
    this.model = new FcAutoencoder(env.gpu, {
      inputSize: this.m.inputSize,
      latent: this.m.latent,
      activation: 'leakyRelu',
      slope: SLOPE,
      seed: 1,
    });
    const params = this.model.namedParameters();
    initialWeights(this.m, 1).forEach(({ w, b }, i) => {
      params[2 * i]![1].write(w);
      params[2 * i + 1]![1].write(b);
    });
    const g = new Graph();
    this.input = g.input('x', [this.batch, this.m.inputSize]);
    this.output = this.model.forward(g, this.input);
    this.exe = new Executable({ gpu: env.gpu, registry: env.registry }, g, {
      keep: [this.output],
      label: 'bench-inference',
    });
  }

  protected reconstruct(x: Float32Array): Promise<Float32Array> {
    this.exe.write(this.input, x);
    this.exe.run();
    return this.exe.read(this.output);
  }

  dispose(): void {
    this.exe.dispose();
    this.model.dispose();
  }
}

class TfInfer extends InferPeer {
  private readonly layers: { w: TfCore.Tensor2D; b: TfCore.Tensor1D }[];

  constructor(
    private readonly tf: Tf,
    env: BenchEnv,
    size: Size,
  ) {
    super(env, size);
    const sizes = layerSizes(this.m);
    this.layers = initialWeights(this.m, 1).map(({ w, b }, i) => ({
      w: tf.tensor2d(w, [sizes[i]![1], sizes[i]![0]]),
      b: tf.tensor1d(b),
    }));
  }

  protected async reconstruct(x: Float32Array): Promise<Float32Array> {
    const { tf } = this;
    const y = tf.tidy(() => {
      let h: TfCore.Tensor2D = tf.tensor2d(x, [this.batch, this.m.inputSize]);
      for (const { w, b } of this.layers)
        h = tf.leakyRelu(tf.add(tf.matMul(h, w, false, true), b) as TfCore.Tensor2D, SLOPE);
      return h;
    });
    const data = (await y.data()) as Float32Array;
    y.dispose();
    return data;
  }

  dispose(): void {
    for (const { w, b } of this.layers) {
      w.dispose();
      b.dispose();
    }
  }
}

class JaxInfer extends InferPeer {
  private readonly params: JaxNs.Array[];
  private readonly forward: JaxNs.OwnedFunction<(p: JaxNs.Array[], x: JaxNs.Array) => JaxNs.Array>;

  constructor(
    private readonly jax: Jax,
    env: BenchEnv,
    size: Size,
  ) {
    super(env, size);
    this.params = jaxFcParams(jax, this.m);
    this.forward = jax.jit((p: JaxNs.Array[], x: JaxNs.Array) => jaxFcForward(jax, p, x));
  }

  protected async reconstruct(x: Float32Array): Promise<Float32Array> {
    const y = this.forward(
      this.params.map((p) => p.ref),
      jaxArray(this.jax, x, [this.batch, this.m.inputSize]),
    );
    return (await y.data()) as Float32Array;
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
    this.forward.dispose();
  }
}

export const INFERENCE_WORKLOAD: Workload = {
  name: 'inference',
  unit: 'images/s',
  unitScale: 1,
  repQuantum: 1,
  smokeReps: 1,
  description: (size) =>
    `encode + decode ${INFER[size].images} ${size === 'full' ? 'Fashion-MNIST test' : 'noise'} images with the FC autoencoder, ` +
    `batches of ${INFER[size].batch}, each reconstruction read back; ours Executable, tfjs tidy + data(), jax-js jit(forward) + data()`,
  workPerRep: (size) => INFER[size].images,
  ours: (env, size) => new OurInfer(env, size),
  tfjs: (env, size) => new TfInfer(env.tf, env, size),
  jax: (jax, env, size) => new JaxInfer(jax, env, size),
};

export { InferPeer };
