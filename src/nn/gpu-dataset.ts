// gpu-dataset.ts: a split of 8-bit samples kept on the GPU, and the per-step minibatch gather that
// replaces the host's gather and upload. Imports gpu, kernels, ops (gatherBytes) and util.
//
// The split is uploaded once: its bytes packed four to a u32 (packBytes) and a lookup table giving the
// preprocessed f32 value of every byte (256 values, or 256 per position). Each epoch the engine writes
// the epoch's shuffled sample order once (count u32); each step then runs one gather dispatch that
// reads batch i of that order, converts it through the table and writes the model's input buffer, so a
// step uploads nothing. Because the table holds the host preprocessing's own f32 values, the gathered
// batch is bit-identical to the host's.
//
// Limits: a split whose packed bytes pass the device's maxStorageBufferBindingSize (or maxBufferSize)
// is refused up front with the limit and the adapter named; it is not streamed in chunks.
import { adapterName, type Gpu } from '../gpu/device';
import type { ManagedBuffer } from '../gpu/buffers';
import type { KernelRegistry } from '../kernels/registry';
import { gatherBytes, packBytes, tableStride } from '../ops/gather';
import type { Dispatch } from '../ops/op';
import { ConfigError, DisposedError, ShapeError } from '../util/errors';

/** A split as bytes plus the f32 value of each byte: what GpuDataset uploads. */
export interface ByteSplit {
  /** count · width bytes, sample after sample. */
  bytes: Uint8Array;
  count: number;
  /** Bytes per sample. */
  width: number;
  /** The value of each byte: 256 entries (every position alike) or 256 per position (width · 256). */
  table: Float32Array;
}

/**
 * The byte coding of float samples whose values come from at most 256 distinct values (per position,
 * or over all positions together), as preprocessed 8-bit images do; null when some position takes
 * more than 256 distinct values (such data is not 8-bit and stays on the host path). Decoding
 * table[code] gives back every float bit for bit.
 */
export function byteCoding(x: Float32Array, count: number, width: number): ByteSplit | null {
  const known = codings.get(x);
  if (known && (known.split === null || known.split.width === width) && known.count === count) return known.split;
  const split = codeBytes(x, count, width);
  codings.set(x, { count, split });
  return split;
}

/** Codings already made, by array (training runs over one split reuse its coding; x must not change). */
const codings = new WeakMap<Float32Array, { count: number; split: ByteSplit | null }>();

function codeBytes(x: Float32Array, count: number, width: number): ByteSplit | null {
  if (x.length !== count * width)
    throw new ShapeError(`byteCoding: expected ${count} × ${width} = ${count * width} values, got ${x.length}.`);
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const code = (positions: number): ByteSplit | null => {
    const maps = Array.from({ length: positions }, () => new Map<number, number>());
    const table = new Float32Array(positions * 256);
    const tableBits = new Uint32Array(table.buffer);
    const bytes = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const p = positions === 1 ? 0 : i % width;
      const map = maps[p]!;
      const b = bits[i]!;
      let c = map.get(b);
      if (c === undefined) {
        c = map.size;
        if (c === 256) return null;
        map.set(b, c);
        tableBits[p * 256 + c] = b;
      }
      bytes[i] = c;
    }
    return { bytes, count, width, table };
  };
  return code(1) ?? (width > 1 ? code(width) : null);
}

/** A split resident on the GPU; `feed` makes the per-step gathers into a model's input buffer. */
export class GpuDataset {
  readonly count: number;
  readonly width: number;
  private readonly pixels: ManagedBuffer;
  private readonly table: ManagedBuffer;
  private disposed = false;

  /** Uploads the split (once); refuses a split larger than the device can bind. */
  constructor(
    private readonly gpu: Gpu,
    split: ByteSplit,
    readonly label = 'dataset',
  ) {
    const { bytes, count, width, table } = split;
    if (
      !Number.isInteger(count) ||
      count < 1 ||
      !Number.isInteger(width) ||
      width < 1 ||
      bytes.length !== count * width
    )
      throw new ShapeError(
        `GpuDataset(${label}): expected ${count} × ${width} bytes for ${count} samples of ${width}, got ${bytes.length}.`,
      );
    tableStride(table.length, width);
    const packed = Math.ceil(bytes.length / 4) * 4;
    const limit = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
    if (packed > limit) {
      const which = limit === gpu.limits.maxStorageBufferBindingSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
      throw new ConfigError(
        `GpuDataset(${label}): the split's ${count} samples of ${width} bytes take ${packed} bytes packed, more than ${which} ` +
          `(${limit} bytes) of ${adapterName(gpu.adapter)}; a split is uploaded whole, not in chunks. Train on a subset of at most ` +
          `${Math.floor(limit / width)} samples.`,
      );
    }
    this.count = count;
    this.width = width;
    this.pixels = gpu.buffers.fromData(`${label}:pixels`, packBytes(bytes));
    this.table = gpu.buffers.fromData(`${label}:table`, table);
  }

  /**
   * A gather of batches of `batchSize` samples into `out` ([batchSize, width] f32, e.g. a Trainer's
   * input buffer): batch i is samples order[i·batchSize ..) of the order set by setOrder.
   */
  feed(registry: KernelRegistry, out: ManagedBuffer, batchSize: number): GpuBatchFeed {
    if (this.disposed) throw new DisposedError(`GpuDataset(${this.label}) was disposed and then used.`);
    return new GpuBatchFeed(this.gpu, registry, this, this.pixels, this.table, out, batchSize);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pixels.dispose();
    this.table.dispose();
  }
}

/** The gathers of one batch size into one buffer: one bound dispatch per batch of an epoch, built once. */
export class GpuBatchFeed {
  readonly batches: number;
  private readonly order: ManagedBuffer;
  private readonly sites: Dispatch[] = [];
  private hasOrder = false;
  private disposed = false;

  constructor(
    private readonly gpu: Gpu,
    registry: KernelRegistry,
    readonly dataset: GpuDataset,
    pixels: ManagedBuffer,
    table: ManagedBuffer,
    out: ManagedBuffer,
    readonly batchSize: number,
  ) {
    const { count, width, label } = dataset;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > count)
      throw new ConfigError(`GpuBatchFeed(${label}): bad batch size ${batchSize}; expected an integer 1..${count}.`);
    if (out.byteSize < batchSize * width * 4)
      throw new ShapeError(
        `GpuBatchFeed(${label}): output buffer "${out.label}" holds ${out.byteSize} bytes; expected at least ${batchSize * width * 4} for [${batchSize}, ${width}] f32.`,
      );
    this.batches = Math.floor(count / batchSize);
    this.order = gpu.buffers.create(`${label}:order`, count * 4);
    const ctx = { gpu, registry, scratch: () => out };
    const shapes = [[pixels.byteSize / 4], [table.byteSize / 4], [count]];
    for (let i = 0; i < this.batches; i++) {
      const attrs = { rows: batchSize, width, first: i * batchSize };
      const outShape = gatherBytes.inferShape(shapes, attrs);
      this.sites.push(...gatherBytes.build(ctx, [pixels, table, this.order], shapes, out, outShape, attrs));
    }
  }

  /** Writes an epoch's sample order (a permutation, or any indices into the split; count of them). */
  setOrder(order: Uint32Array): void {
    if (this.disposed) throw new DisposedError(`GpuBatchFeed(${this.dataset.label}) was disposed and then used.`);
    const { count } = this.dataset;
    if (order.length !== count)
      throw new ShapeError(
        `GpuBatchFeed(${this.dataset.label}).setOrder: expected ${count} indices, got ${order.length}.`,
      );
    for (let i = 0; i < order.length; i++) {
      if (order[i]! >= count)
        throw new ShapeError(
          `GpuBatchFeed(${this.dataset.label}).setOrder: index ${order[i]} at ${i} is out of range; expected 0..${count - 1}.`,
        );
    }
    this.gpu.device.queue.writeBuffer(
      this.order.gpuBuffer,
      0,
      order.buffer as ArrayBuffer,
      order.byteOffset,
      order.byteLength,
    );
    this.hasOrder = true;
  }

  /** The recorded dispatch that gathers batch `index` (for profiling it on its own). */
  dispatch(index: number): Dispatch {
    const site = this.sites[index];
    if (!site)
      throw new ConfigError(`GpuBatchFeed(${this.dataset.label}): no batch ${index}; expected 0..${this.batches - 1}.`);
    return site;
  }

  /** Records the gather of batch `index` of the current order into the pass. */
  encode(pass: GPUComputePassEncoder, index: number): void {
    if (this.disposed) throw new DisposedError(`GpuBatchFeed(${this.dataset.label}) was disposed and then used.`);
    if (!this.hasOrder)
      throw new ConfigError(`GpuBatchFeed(${this.dataset.label}): no order yet; call setOrder first.`);
    const site = this.sites[index];
    if (!Number.isInteger(index) || !site)
      throw new ConfigError(
        `GpuBatchFeed(${this.dataset.label}): no batch ${index}; expected 0..${this.batches - 1} (${this.batches} full batches of ${this.batchSize}).`,
      );
    site.bound.encode(pass, site.workgroups);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.sites) s.bound.dispose();
    this.order.dispose();
  }
}
