// latent-codes.ts: a trained autoencoder opened up for exploring its latent space — encode images to
// codes and decode codes to images on the GPU (single codes through graphs compiled once, for live
// pointer-driven use), a quick training run when no trained weights exist, and the first two
// principal components of a set of codes (CPU, float64). Imports nn, graph, experiments (train,
// datasets, fc/config, conv/config, conv/trained-autoencoder, kit, runtime), util; no DOM.
import { Executable } from '../graph/executor';
import { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { FcAutoencoder } from '../nn/autoencoders';
import { ConvAutoencoder } from '../nn/conv-autoencoder';
import { loadSafetensors, saveSafetensors } from '../nn/state';
import type { OptimizerName } from '../optim/optimizer';
import { ConfigError, DisposedError } from '../util/errors';
import type { Shape } from '../util/shape';
import { type ConvTrainConfig, convTrainSchema } from './conv/config';
import { convKey } from './conv/trained-autoencoder';
import { prepare, type Prepared } from './datasets';
import { effectiveSlope, FC_MODEL_SCHEMA, parseWeightKey, weightKey, type FcActivation } from './fc/config';
import { schemaDefaults } from './kit/schema';
import type { Runtime } from './runtime';
import { infer, trainModel, type Samples, type TrainRun } from './train';
import type { Progress, Scale } from './types';

export const IMAGE_PIXELS = 784;

/** Which trained autoencoder: the first report's fully connected one or the second's convolutional one. */
export type LatentModelSpec =
  | { kind: 'fc'; latent: number; activation: FcActivation; slope: number; optimizer: OptimizerName; seed: number }
  | { kind: 'conv'; latent: number; capacity: number; seed: number };

export type LatentModelKind = LatentModelSpec['kind'];

const CONV_KEY = /^conv:latent=(\d+):c=(\d+):seed=(\d+)$/;

/** The dataset each kind is trained on in the reports. */
export const datasetOf = (kind: LatentModelKind): 'fashion-mnist' | 'mnist' =>
  kind === 'fc' ? 'fashion-mnist' : 'mnist';

/** The weight key (the model store's and the experiments' key) of a spec. */
export function latentModelKey(spec: LatentModelSpec): string {
  return spec.kind === 'fc' ? weightKey({ ...spec, loss: 'mse' }) : convKey(spec.latent, spec.capacity, spec.seed);
}

/**
 * The spec of a stored model's key. Only models trained to reproduce their input are accepted:
 * fully connected ones with the MSE loss (the others' decoders do not output the image) and conv ones.
 */
export function specFromKey(key: string): LatentModelSpec {
  const conv = CONV_KEY.exec(key);
  if (conv) return { kind: 'conv', latent: Number(conv[1]), capacity: Number(conv[2]), seed: Number(conv[3]) };
  if (!key.startsWith('fc:'))
    throw new ConfigError(
      `weights: "${key}" is not an autoencoder's key; expected fc:latent=…:act=…:slope=…:opt=…:loss=mse:seed=… or conv:latent=…:c=…:seed=….`,
    );
  const p = parseWeightKey(key);
  if (p.loss !== 'mse')
    throw new ConfigError(
      `weights: "${key}" was trained with the ${p.loss} loss, whose decoder does not output the image; expected a model with loss=mse.`,
    );
  return {
    kind: 'fc',
    latent: p.latent,
    activation: p.activation,
    slope: p.slope,
    optimizer: p.optimizer,
    seed: p.seed,
  };
}

/** The spec the labs train at `scale` (the report's setting: leaky ReLU 0.5, Adam; conv: its scale's capacity), with this latent size. */
export function defaultSpec(kind: LatentModelKind, latent: number, scale: Scale): LatentModelSpec {
  if (!Number.isInteger(latent) || latent < 1 || latent > 196)
    throw new ConfigError(`latent: out of range; expected an integer in [1, 196], got ${latent}.`);
  if (kind === 'fc') {
    const c = schemaDefaults(FC_MODEL_SCHEMA, scale);
    return { kind, latent, activation: c.activation, slope: c.slope, optimizer: c.optimizer, seed: c.seed };
  }
  const c = schemaDefaults<ConvTrainConfig>(convTrainSchema('auto'), scale);
  return { kind, latent, capacity: c.capacity, seed: c.seed };
}

/** Training budget and data sizes of a quick training run: those of the labs at `scale`. */
export function quickBudget(kind: LatentModelKind, scale: Scale) {
  if (kind === 'fc') {
    const c = schemaDefaults(FC_MODEL_SCHEMA, scale);
    return { epochs: c.epochs, batch: c.batch, lr: undefined, trainSize: c.trainSize, testSize: c.testSize };
  }
  const c = schemaDefaults<ConvTrainConfig>(convTrainSchema('auto'), scale);
  return { epochs: c.epochs, batch: c.batch, lr: c.lr, trainSize: c.trainSize, testSize: c.testSize };
}

/** A seeded test subset (and training subset) of the dataset of `kind`, with the reports' preprocessing. */
export function loadLatentData(
  kind: LatentModelKind,
  sizes: { trainSize: number; testSize: number; seed: number },
  baseUrl?: string,
): Promise<Prepared> {
  return prepare(datasetOf(kind), { ...sizes, mode: 'global', baseUrl });
}

interface SingleGraph {
  exe: Executable;
  input: Tensor;
  output: Tensor;
}

/**
 * A trained autoencoder whose encoder and decoder can be run separately. Calls are queued one after
 * another, so a page may call decodeOne() on every pointer move. Owns its GPU buffers: dispose() it.
 */
export class LatentModel {
  readonly key: string;
  private readonly module: FcAutoencoder | ConvAutoencoder;
  private singles = new Map<'encode' | 'decode', SingleGraph>();
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly runtime: Runtime,
    readonly spec: LatentModelSpec,
  ) {
    this.key = latentModelKey(spec);
    this.module =
      spec.kind === 'fc'
        ? new FcAutoencoder(runtime.gpu, {
            latent: spec.latent,
            activation: spec.activation,
            slope: effectiveSlope(spec.activation, spec.slope),
            seed: spec.seed,
          })
        : new ConvAutoencoder(runtime.gpu, { latent: spec.latent, capacity: spec.capacity, seed: spec.seed });
  }

  get latent(): number {
    return this.spec.latent;
  }

  /** The underlying module (its parameters: `namedParameters()`). */
  get network(): FcAutoencoder | ConvAutoencoder {
    return this.module;
  }

  /** Loads safetensors bytes saved from a model of the same spec. */
  load(bytes: Uint8Array): void {
    loadSafetensors(this.module, bytes, `${this.key}.safetensors`);
  }

  /** The weights as safetensors, with the key and `metadata` in the header. */
  save(metadata: Record<string, string> = {}): Promise<Uint8Array> {
    return saveSafetensors(this.module, { key: this.key, ...metadata });
  }

  /** Trains the model on `data` (MSE; Adam for fc, AdamW for conv, like the labs). */
  async train(
    data: Prepared,
    budget: { epochs: number; batch: number; lr?: number },
    hooks: { signal?: AbortSignal; onProgress?: (p: Progress) => void; experiment?: string } = {},
  ): Promise<TrainRun> {
    const samples = (s: Prepared['train']): Samples => ({ x: s.x, width: s.width, count: s.count });
    const spec = this.spec;
    return trainModel(
      this.runtime,
      {
        name: `latent=${this.latent}`,
        model: this.module,
        forward: (g, x) => this.module.forward(g, x),
        inputShape: this.imageShape,
        loss: 'mse',
        train: samples(data.train),
        test: samples(data.test),
        optimizer: spec.kind === 'fc' ? spec.optimizer : 'adamw',
        optimizerOptions: budget.lr === undefined ? {} : { lr: budget.lr },
        batchSize: budget.batch,
        stop: { maxEpochs: budget.epochs },
        seed: this.spec.seed,
      },
      hooks,
    );
  }

  /** Codes of `count` images (rows of 784 values in [0, 1]): count × latent values. */
  async encode(images: Float32Array, count: number): Promise<Float32Array> {
    this.checkRows('encode', images, count, IMAGE_PIXELS);
    return this.serial(() =>
      infer(this.runtime, (g, x) => this.module.encoder.forward(g, x), this.imageShape, images, count),
    );
  }

  /** Images (count × 784, not clamped) decoded from `count` codes (count × latent values). */
  async decode(codes: Float32Array, count: number): Promise<Float32Array> {
    this.checkRows('decode', codes, count, this.latent);
    return this.serial(() =>
      infer(this.runtime, (g, z) => this.module.decoder.forward(g, z), this.codeShape, codes, count),
    );
  }

  /** One image's code, through a graph compiled once. */
  async encodeOne(image: Float32Array): Promise<Float32Array> {
    this.checkRows('encodeOne', image, 1, IMAGE_PIXELS);
    return this.serial(() => this.runSingle('encode', image));
  }

  /** One code's image (784 values, not clamped), through a graph compiled once. */
  async decodeOne(code: Float32Array): Promise<Float32Array> {
    this.checkRows('decodeOne', code, 1, this.latent);
    return this.serial(() => this.runSingle('decode', code));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.singles.values()) s.exe.dispose();
    this.singles.clear();
    this.module.dispose();
  }

  private readonly imageShape = (n: number): Shape => (this.spec.kind === 'fc' ? [n, IMAGE_PIXELS] : [n, 1, 28, 28]);
  private readonly codeShape = (n: number): Shape => [n, this.latent];

  private checkRows(what: string, data: Float32Array, count: number, width: number): void {
    if (this.disposed)
      throw new ConfigError(`LatentModel.${what}: the model "${this.key}" was disposed; open it again.`);
    if (!Number.isInteger(count) || count < 1 || data.length !== count * width)
      throw new ConfigError(
        `LatentModel.${what}: expected ${count} row(s) of ${width} values (${count * width}); got ${data.length} values.`,
      );
  }

  /** Runs `fn` after every earlier call has finished (a failed call does not block later ones). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = () => {
      if (this.disposed)
        throw new DisposedError(`LatentModel "${this.key}" was disposed while a call waited; open the model again.`);
      return fn();
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runSingle(which: 'encode' | 'decode', data: Float32Array): Promise<Float32Array> {
    let s = this.singles.get(which);
    if (!s) {
      const g = new Graph();
      const input = g.input('x', which === 'encode' ? this.imageShape(1) : this.codeShape(1));
      const output = which === 'encode' ? this.module.encoder.forward(g, input) : this.module.decoder.forward(g, input);
      s = { exe: new Executable(this.runtime, g, { keep: [output], label: `${which}-one` }), input, output };
      this.singles.set(which, s);
    }
    s.exe.write(s.input, data);
    s.exe.run();
    return s.exe.read(s.output);
  }
}

// --- principal components (CPU, float64) ------------------------------------------------------------

/** The first two principal axes of a set of codes (unit vectors, each with its largest entry positive). */
export interface Pca2 {
  mean: Float64Array;
  axes: [Float64Array, Float64Array];
  /** Variance along each axis (the covariance's two largest eigenvalues, divisor count − 1). */
  variances: [number, number];
}

/** Eigenvalues and eigenvectors (columns of `vectors`, row-major n×n) of a symmetric matrix, by cyclic Jacobi. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/** The first two principal components of `count` codes of `dim` values each (dim ≥ 2, count ≥ 2). */
export function pca2(codes: ArrayLike<number>, count: number, dim: number): Pca2 {
  if (dim < 2 || count < 2 || codes.length !== count * dim)
    throw new ConfigError(
      `pca2: expected at least 2 codes of at least 2 values (count × dim = ${count} × ${dim}); got ${codes.length} values.`,
    );
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j]! += codes[i * dim + j]! / count;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dim; j++) row[j] = codes[i * dim + j]! - mean[j]!;
    for (let j = 0; j < dim; j++) for (let k = j; k < dim; k++) cov[j * dim + k]! += row[j]! * row[k]!;
  }
  for (let j = 0; j < dim; j++)
    for (let k = j; k < dim; k++) {
      cov[j * dim + k]! /= count - 1;
      cov[k * dim + j] = cov[j * dim + k]!;
    }
  const { values, vectors } = symmetricEigen(cov, dim);
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]!);
  const axis = (col: number): Float64Array => {
    const out = new Float64Array(dim);
    let big = 0;
    for (let j = 0; j < dim; j++) {
      out[j] = vectors[j * dim + col]!;
      if (Math.abs(out[j]!) > Math.abs(out[big]!)) big = j;
    }
    if (out[big]! < 0) for (let j = 0; j < dim; j++) out[j] = -out[j]!;
    return out;
  };
  return {
    mean,
    axes: [axis(order[0]!), axis(order[1]!)],
    variances: [values[order[0]!]!, values[order[1]!]!],
  };
}

/** A code's coordinates on the two principal axes. */
export function projectPca(p: Pca2, code: ArrayLike<number>): [number, number] {
  let x = 0;
  let y = 0;
  for (let j = 0; j < p.mean.length; j++) {
    const d = code[j]! - p.mean[j]!;
    x += d * p.axes[0][j]!;
    y += d * p.axes[1][j]!;
  }
  return [x, y];
}

/** `code` moved within the principal plane so that its coordinates there become (x, y); the rest is kept. */
export function placeOnPca(p: Pca2, code: ArrayLike<number>, x: number, y: number): Float64Array {
  const [cx, cy] = projectPca(p, code);
  const out = Float64Array.from(code as ArrayLike<number>);
  for (let j = 0; j < out.length; j++) out[j] = out[j]! + (x - cx) * p.axes[0][j]! + (y - cy) * p.axes[1][j]!;
  return out;
}
