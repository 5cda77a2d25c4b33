// decoder-inversion.ts: the first report's inversion of the decoder by least squares, layer by layer, on the
// GPU. Imports nn, graph, ops, linalg, util.
//
// The decoder is latent → 196 → 392 → 784, each layer y = f(x·Wᵀ + b) with W [out, in] and f a
// leaky ReLU of slope α > 0. Going backwards, one layer is undone by
//     u = f⁻¹(y) − b             (f⁻¹(v) = v for v ≥ 0, v/α otherwise: op leakyReluInverse)
//     x = argmin ‖x·Wᵀ − u‖      per row (lstsq with A = W, tall: out ≥ in; rows are samples)
// and the three layers in reverse give the latent that best explains a 784-pixel row. Applied to
// the decoder's own output Y = decoder(Z_ae) it must give back Z_ae (up to float32 rounding, since
// every step is exact for such a Y); applied to the true images X it gives the "discovered" latent
// Z_disc, which is re-decoded to X̂_disc. Rows are processed in chunks that fit one storage binding.
// Norms are summed per image on the GPU and added up per split in float64; a Frobenius norm over N
// images grows like √N, so only per-image or relative values compare across set sizes.
import type { ManagedBuffer } from '../../gpu/buffers';
import { readFloat32 } from '../../gpu/readback';
import { Executable } from '../../graph/executor';
import { Graph } from '../../graph/graph';
import { lstsq } from '../../linalg/index';
import type { FcAutoencoder } from '../../nn/autoencoders';
import { Activation, Linear, paramTensor } from '../../nn/module';
import { leakyReluInverse } from '../../ops/activation';
import { add, addRow, mul, scale, sub } from '../../ops/elementwise';
import { ConfigError, ShapeError } from '../../util/errors';
import type { Runtime } from '../runtime';
import { rowSquares, spreadColumn } from './rows';

interface InvertibleLayer {
  linear: Linear;
  slope: number;
}

/** The decoder's (Linear, leaky ReLU) pairs, checked to be invertible: slope > 0, out ≥ in. */
export function invertibleLayers(model: FcAutoencoder): InvertibleLayer[] {
  const layers = model.decoder.layers;
  const out: InvertibleLayer[] = [];
  for (let i = 0; i < layers.length; i += 2) {
    const linear = layers[i];
    const act = layers[i + 1];
    if (!(linear instanceof Linear) || !(act instanceof Activation)) {
      throw new ShapeError(
        `invertDecoder: decoder layer ${i} is not a Linear followed by an activation; expected the FcAutoencoder layout.`,
      );
    }
    const slope = act.kind === 'leakyRelu' ? act.alpha : 0;
    if (act.kind !== 'leakyRelu' || !(slope > 0)) {
      throw new ConfigError(
        `invertDecoder: decoder.${i + 1} is ${act.kind}${act.kind === 'leakyRelu' ? ` with slope ${slope}` : ''}, which has no inverse; expected leaky ReLU with slope > 0. Train with activation leakyRelu and slope > 0.`,
      );
    }
    if (linear.outFeatures < linear.inFeatures) {
      throw new ConfigError(
        `invertDecoder: decoder.${i} maps ${linear.inFeatures} → ${linear.outFeatures}, so its least-squares inverse is not unique; expected out ≥ in. Use a latent of at most ${linear.outFeatures}.`,
      );
    }
    out.push({ linear, slope });
  }
  return out.reverse();
}

/** A [rows, cols] matrix on the GPU owned by the caller. */
export interface GpuMatrix {
  buffer: ManagedBuffer;
  rows: number;
  cols: number;
  dispose(): void;
}

/** The latent rows [n, latent] that best explain the 784-pixel rows in `top` (n rows), by layer-wise least squares. */
export async function invertDecoder(
  runtime: Runtime,
  model: FcAutoencoder,
  top: ManagedBuffer,
  n: number,
): Promise<GpuMatrix> {
  let current: GpuMatrix | null = null;
  for (const { linear, slope } of invertibleLayers(model)) {
    const g = new Graph();
    const y = g.param('y', [n, linear.outFeatures], current?.buffer ?? top, false);
    const negBias = g.apply(scale, [paramTensor(g, linear.bias)], { alpha: -1, beta: 0 });
    const u = g.apply(addRow, [g.apply(leakyReluInverse, [y], { alpha: slope }), negBias], {});
    const exe = new Executable(runtime, g, { keep: [u], label: `invert:${linear.weight.name}` });
    try {
      exe.run();
      const solved = await lstsq(
        runtime,
        linear.weight.buffer,
        [linear.outFeatures, linear.inFeatures],
        exe.buffer(u),
        [n, linear.outFeatures],
        { rowsAreSamples: true },
      );
      current?.dispose();
      current = { buffer: solved.x, rows: n, cols: linear.inFeatures, dispose: () => solved.dispose() };
    } catch (e) {
      current?.dispose();
      throw e;
    } finally {
      exe.dispose();
    }
  }
  return current!;
}

/** Squared Frobenius norms of one block of rows (float64 sums of per-row values); roots taken by the caller. */
export interface InversionSums {
  count: number;
  /** ‖X‖² and ‖Z_ae‖². */
  images: number;
  latent: number;
  /** ‖decoder(Z_ae) − X‖²: the autoencoder's own reconstruction error. */
  outputAe: number;
  /** ‖Z_ae − Z_disc‖² and ‖decoder(Z_disc) − X‖², Z_disc inverted from the true images X. */
  latentDiscovered: number;
  outputDiscovered: number;
  /** ‖Z_ae − Z_ls‖² and ‖decoder(Z_ls) − Y‖², Z_ls inverted from the decoder's output Y (when asked for). */
  latentFromOutput?: number;
  outputFromOutput?: number;
}

/** Image rows per chunk: the stacked [Y; X] (2 rows per image) must fit one storage binding; at most 4096. */
export function chunkRows(runtime: Runtime, width = 784): number {
  return Math.max(1, Math.min(4096, Math.floor(runtime.gpu.limits.maxStorageBufferBindingSize / (8 * width))));
}

/** Rows of images (count × width floats). */
export interface Block {
  x: Float32Array;
  count: number;
}

export interface InvertOptions {
  /** Also invert the decoder's own output (default true). */
  fromOutput?: boolean;
  /** Images per chunk (default chunkRows). */
  chunk?: number;
  /** Return decoder(Z_disc) of the first `sampleRows` images (of the first block), for display. */
  sampleRows?: number;
  signal?: AbortSignal;
  onChunk?: (done: number, total: number) => void;
}

/**
 * Both inversions for every block of images (e.g. the training and the test split). All rows go
 * through one least-squares solve per decoder layer and chunk, so each layer's QR factorisation is
 * computed once per chunk rather than once per split and source.
 *
 * Per chunk of n images X: the forward graph takes [X; X] (2n rows) and a row mask [1…1; 0…0],
 * computes Z = encoder, Y = decoder(Z) and the stacked source S = mask·Y + (1 − mask)·X = [Y; X]
 * (exact: multiplies by 0 and 1). One inversion of S gives [Z_ls; Z_disc], compared row by row with
 * Z = [Z_ae; Z_ae]; decoding it gives [decoder(Z_ls); decoder(Z_disc)], compared with S. Every
 * comparison is a per-row squared norm on the GPU ([rows, 1], read back) summed per block in
 * float64. Without `fromOutput` only X is inverted (n rows). An aborted `signal` stops between chunks.
 */
export async function invertBlocks(
  runtime: Runtime,
  model: FcAutoencoder,
  blocks: readonly Block[],
  options: InvertOptions = {},
): Promise<{ sums: InversionSums[]; sample: Float32Array | null }> {
  const width = 784;
  const fromOutput = options.fromOutput ?? true;
  invertibleLayers(model);
  const total = blocks.reduce((s, b) => s + b.count, 0);
  const chunk = Math.min(options.chunk ?? chunkRows(runtime, width), total);
  const sums: InversionSums[] = blocks.map(() => ({
    count: 0,
    images: 0,
    latent: 0,
    outputAe: 0,
    latentDiscovered: 0,
    outputDiscovered: 0,
    ...(fromOutput ? { latentFromOutput: 0, outputFromOutput: 0 } : {}),
  }));
  // Global row r belongs to the block whose range holds it.
  const starts = blocks.map((_, i) => blocks.slice(0, i).reduce((s, b) => s + b.count, 0));
  const blockOf = (r: number) => {
    let b = 0;
    while (b + 1 < starts.length && starts[b + 1]! <= r) b++;
    return b;
  };
  const rowsOf = (start: number, n: number) => {
    const out = new Float32Array(n * width);
    for (let i = 0; i < n; ) {
      const b = blockOf(start + i);
      const from = start + i - starts[b]!;
      const take = Math.min(n - i, blocks[b]!.count - from);
      out.set(blocks[b]!.x.subarray(from * width, (from + take) * width), i * width);
      i += take;
    }
    return out;
  };
  const sampleRows = Math.min(options.sampleRows ?? 0, blocks[0]?.count ?? 0);
  let sample: Float32Array | null = null;
  for (let start = 0; start < total; start += chunk) {
    if (options.signal?.aborted) break;
    const n = Math.min(chunk, total - start);
    const copies = fromOutput ? 2 : 1;
    const rows = copies * n;
    const owned: { dispose(): void }[] = [];
    try {
      const g = new Graph();
      const input = g.input('x', [rows, width]);
      const z = model.encoder.forward(g, input);
      const y = model.decoder.forward(g, z);
      let source = input;
      let mask: typeof input | null = null;
      if (fromOutput) {
        mask = g.input('mask', [rows, 1]);
        const m = spreadColumn(g, mask, input) as typeof input;
        const keepX = g.apply(scale, [m], { alpha: -1, beta: 1 });
        source = g.apply(add, [g.apply(mul, [m, y], {}), g.apply(mul, [keepX, input], {})], {});
      }
      const perRow = [
        rowSquares(g, input),
        rowSquares(g, z),
        rowSquares(g, g.apply(sub, [y, input], {})),
      ] as (typeof input)[];
      const fwd = new Executable(runtime, g, { keep: [z, source, ...perRow], label: 'invert:forward' });
      owned.push(fwd);
      const x = rowsOf(start, n);
      const stacked = new Float32Array(rows * width);
      for (let k = 0; k < copies; k++) stacked.set(x, k * n * width);
      fwd.write(input, stacked);
      if (mask)
        fwd.write(
          mask,
          Float32Array.from({ length: rows }, (_, i) => (i < n ? 1 : 0)),
        );
      fwd.run();
      const [rx, rz, rae] = await Promise.all(perRow.map((t) => fwd.read(t)));
      const zInv = await invertDecoder(runtime, model, fwd.buffer(source), rows);
      owned.push(zInv);
      // Compare the inverted latents with Z_ae and their decodings with the source rows.
      const h = new Graph();
      const latent = z.shape[1]!;
      const zAe = h.param('zAe', [rows, latent], fwd.buffer(z), false);
      const zi = h.param('zInv', [rows, latent], zInv.buffer, false);
      const src = h.param('source', [rows, width], fwd.buffer(source), false);
      const decoded = model.decoder.forward(h, zi);
      const cmp = [
        rowSquares(h, h.apply(sub, [zi, zAe], {})),
        rowSquares(h, h.apply(sub, [decoded, src], {})),
      ] as (typeof input)[];
      const back = new Executable(runtime, h, { keep: [...cmp, decoded], label: 'invert:compare' });
      owned.push(back);
      back.run();
      const [rl, ro] = await Promise.all(cmp.map((t) => back.read(t)));
      if (start === 0 && sampleRows > 0) {
        // The Z_disc half starts at row n when the decoder output is inverted too.
        sample = await readFloat32(
          runtime.gpu,
          back.buffer(decoded),
          (fromOutput ? n : 0) * width,
          Math.min(sampleRows, n) * width,
        );
      }
      for (let i = 0; i < n; i++) {
        const s = sums[blockOf(start + i)]!;
        s.count++;
        s.images += rx![i]!;
        s.latent += rz![i]!;
        s.outputAe += rae![i]!;
        const d = fromOutput ? n + i : i;
        s.latentDiscovered += rl![d]!;
        s.outputDiscovered += ro![d]!;
        if (fromOutput) {
          s.latentFromOutput! += rl![i]!;
          s.outputFromOutput! += ro![i]!;
        }
      }
      options.onChunk?.(start + n, total);
    } finally {
      for (const o of owned.reverse()) o.dispose();
    }
  }
  return { sums, sample };
}
