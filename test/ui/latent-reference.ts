// Float64 CPU forward passes of the fully connected autoencoder (784 → 392 → 196 → L → 196 → 392 → 784,
// leaky ReLU after every layer), written from the layer definitions, and deterministic test images;
// shared by the latent-explorer and drawing-pad tests.
import type { LatentModel } from '../../src/experiments/latent-codes';

export type Weights = Map<string, Float32Array>;

/** The model's parameters read back from the GPU, by PyTorch-style name. */
export async function fcWeights(model: LatentModel): Promise<Weights> {
  const out: Weights = new Map();
  for (const [name, p] of model.network.namedParameters()) out.set(name, await p.read());
  return out;
}

/** y = leaky(W x + b) for each row of x, W [out, in] row-major, in float64. */
function layer(w: Weights, name: string, x: Float64Array, n: number, slope: number): Float64Array {
  const W = w.get(`${name}.weight`)!;
  const b = w.get(`${name}.bias`)!;
  const out = b.length;
  const inp = W.length / out;
  const y = new Float64Array(n * out);
  for (let r = 0; r < n; r++)
    for (let o = 0; o < out; o++) {
      let s = b[o]!;
      for (let i = 0; i < inp; i++) s += W[o * inp + i]! * x[r * inp + i]!;
      y[r * out + o] = s >= 0 ? s : slope * s;
    }
  return y;
}

function chain(w: Weights, names: string[], x: ArrayLike<number>, n: number, slope: number): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  for (const name of names) h = layer(w, name, h, n, slope);
  return h;
}

export const cpuEncode = (w: Weights, x: ArrayLike<number>, n: number, slope: number) =>
  chain(w, ['encoder.0', 'encoder.2', 'encoder.4'], x, n, slope);

export const cpuDecode = (w: Weights, z: ArrayLike<number>, n: number, slope: number) =>
  chain(w, ['decoder.0', 'decoder.2', 'decoder.4'], z, n, slope);

/** `count` distinct 28×28 images in [0, 1] (smooth stripes of varying frequency and phase), labels k mod 10. */
export function syntheticImages(count: number): { x: Float32Array; labels: Uint8Array; count: number } {
  const x = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    labels[k] = k % 10;
    const fx = 0.1 + 0.05 * (k % 7);
    const fy = 0.08 + 0.04 * (k % 5);
    for (let r = 0; r < 28; r++)
      for (let c = 0; c < 28; c++) x[k * 784 + r * 28 + c] = 0.5 + 0.5 * Math.sin(fx * c + fy * r * (1 + (k % 3)) + k);
  }
  return { x, labels, count };
}
