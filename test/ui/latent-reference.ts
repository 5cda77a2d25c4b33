// Float64 CPU forward passes of the fully connected autoencoder (784 → 392 → 196 → L → 196 → 392 → 784,
// leaky ReLU after every layer) and of the convolutional decoder (a transposed convolution is the
// adjoint of a convolution: ops/conv.ref.ts), written from the layer definitions, deterministic
// test images, the GPU-against-CPU tolerance check, and a model store holding one seeded model;
// shared by the latent-explorer and drawing-pad tests.
import { expect } from 'chai';
import { latentModelKey, type LatentModel } from '../../src/experiments/latent-codes';
import { getRuntime } from '../../src/experiments/runtime';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { saveSafetensors } from '../../src/nn/state';
import { conv2dBackwardInputRef } from '../../src/ops/conv.ref';
import { ModelStore } from '../../src/ui/model-store';
import { part } from './helpers';

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

/** One transposed convolution (kernel 4, stride 2, padding 1) of x [1, inC, h, h] plus bias: [1, outC, 2h, 2h]. */
function convTranspose(w: Weights, name: string, x: Float64Array, inC: number, h: number): Float64Array {
  const b = w.get(`${name}.bias`)!;
  const outC = b.length;
  const H = 2 * h;
  // The forward conv maps [1, outC, H, H] to [1, inC, h, h] with weights [inC, outC, 4, 4].
  const g = { N: 1, C: outC, H, W: H, O: inC, KH: 4, KW: 4, OH: h, OW: h, stride: 2, pad: 1 };
  const y = conv2dBackwardInputRef(x, Float64Array.from(w.get(`${name}.weight`)!), g);
  for (let i = 0; i < y.length; i++) y[i]! += b[Math.floor(i / (H * H))]!;
  return y;
}

/** The conv autoencoder's decoder on one code: Linear → [2c, 7, 7] → ConvT → ReLU → ConvT → sigmoid. */
export function cpuConvDecode(w: Weights, z: ArrayLike<number>, capacity: number): Float64Array {
  const W = w.get('decoder.0.weight')!;
  const b = w.get('decoder.0.bias')!;
  const L = z.length;
  const h = new Float64Array(b.length);
  for (let o = 0; o < b.length; o++) {
    let s = b[o]!;
    for (let i = 0; i < L; i++) s += W[o * L + i]! * z[i]!;
    h[o] = s;
  }
  const a = convTranspose(w, 'decoder.2', h, 2 * capacity, 7).map((v) => Math.max(0, v));
  return convTranspose(w, 'decoder.4', a, capacity, 14).map((v) => 1 / (1 + Math.exp(-v)));
}

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

/** float32 GPU against float64 CPU through layers of widths up to 784: |gpu − cpu| ≤ ABS + REL·|cpu|. */
const ABS = 2e-5;
const REL = 1e-4;

/** Fails naming the first element of `got` that is not within the tolerance above of `want`'s. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (err > ABS + REL * Math.abs(want[i]!))
      expect.fail(`${what}[${i}]: got ${got[i]}, expected ${want[i]} (|error| ${err.toExponential(2)})`);
  }
}

/**
 * A fresh store (its database named after `name`) holding one fully connected leaky-ReLU model of
 * latent size `latent` with seeded, untrained weights, under the key an fc request for that latent
 * size finds.
 */
export async function fcModelStore(
  name: string,
  latent: number,
  slope: number,
  seed: number,
): Promise<{ store: ModelStore; key: string }> {
  const { gpu } = await getRuntime();
  const store = new ModelStore(`ae-test-${name}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const model = new FcAutoencoder(gpu, { latent, activation: 'leakyRelu', slope, seed });
  const key = latentModelKey({ kind: 'fc', latent, activation: 'leakyRelu', slope, optimizer: 'adam', seed: 0 });
  await store.save(key, await saveSafetensors(model), { experiment: 'test', scale: 'tiny', complete: true });
  model.dispose();
  return { store, key };
}

/** After a test: empties the page and destroys the test's model store (if any); null, to clear the reference with. */
export async function cleanUp(store: ModelStore | null): Promise<null> {
  document.body.replaceChildren();
  await store?.destroy();
  return null;
}

/** Focuses `el`'s shadow part `selector` (which must be in the tab order); returns a key press on it. */
export function keysOn(el: Element, selector: string): (key: string, shiftKey?: boolean) => void {
  const target = part(el, selector);
  expect(target.tabIndex, `${selector}: tabIndex`).to.equal(0);
  target.focus();
  return (key, shiftKey = false) => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, composed: true }));
  };
}
