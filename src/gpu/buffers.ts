// buffers.ts: GPU buffers with explicit owners and a live count. Imports util only.
// Every buffer is made through a BufferTracker so tests can check that nothing leaks.
import { ConfigError, DisposedError } from '../util/errors';

/**
 * GPUBufferUsage and GPUMapMode bits by name, as numbers so they also work where the DOM globals are
 * missing (Dawn's Node bindings). Every buffer's usage is one of the combinations below.
 */
export const USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;
export const MAP_MODE_READ = 0x0001;

/** STORAGE | COPY_SRC | COPY_DST: the usage of every tensor buffer. */
export const STORAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
/** UNIFORM | COPY_DST: a kernel's params, rewritten with queue.writeBuffer. */
export const UNIFORM = USAGE.UNIFORM | USAGE.COPY_DST;
/** MAP_READ | COPY_DST: a staging buffer that a result is copied into and mapped from. */
export const READBACK = USAGE.MAP_READ | USAGE.COPY_DST;

/** Whether a usage lets a kernel bind the buffer as storage. */
export const isStorage = (usage: number): boolean => (usage & USAGE.STORAGE) !== 0;

/**
 * A GPU buffer with one owner; dispose() is the only way it is freed. A view (see `view`) is a range
 * of another buffer: `offset` bytes in, `byteSize` bytes long. Everything that takes a ManagedBuffer
 * (bind groups, copies, writes, readback) honours the range. The memory under views is freed when the
 * buffer is disposed and every view of it is disposed too, in either order.
 */
export class ManagedBuffer {
  private disposed = false;
  /** Views not yet disposed (on a buffer that has views). */
  private liveViews = 0;

  constructor(
    readonly buffer: GPUBuffer,
    readonly byteSize: number,
    readonly label: string,
    private readonly tracker: BufferTracker,
    /** Byte offset of this range in `buffer` (0 except for views). */
    readonly offset = 0,
    /** The buffer this is a view of, or null. */
    readonly parent: ManagedBuffer | null = null,
  ) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** True for a range of another buffer (made by `view`). */
  get isView(): boolean {
    return this.parent !== null;
  }

  /** The GPUBuffer; throws if this buffer was disposed. */
  get gpuBuffer(): GPUBuffer {
    if (this.disposed)
      throw new DisposedError(
        `Buffer "${this.label}" was disposed and then used. Keep its owner alive, or make a new one.`,
      );
    return this.buffer;
  }

  /**
   * A range of this buffer, `byteOffset` bytes in (a multiple of 4), `byteSize` bytes long. It keeps
   * the memory alive until it is disposed too.
   */
  view(label: string, byteOffset: number, byteSize: number): ManagedBuffer {
    if (this.disposed || this.parent)
      throw new DisposedError(`Buffer "${this.label}": a view can only be made of a live buffer that is not a view.`);
    if (
      !Number.isInteger(byteOffset) ||
      !Number.isInteger(byteSize) ||
      byteOffset % 4 !== 0 ||
      byteSize % 4 !== 0 ||
      byteOffset < 0 ||
      byteSize <= 0 ||
      byteOffset + byteSize > this.byteSize
    ) {
      throw new RangeError(
        `Buffer "${this.label}".view(${label}): range [${byteOffset}, ${byteOffset + byteSize}) is not a positive, 4-byte-aligned range inside its ${this.byteSize} bytes.`,
      );
    }
    this.liveViews++;
    return new ManagedBuffer(this.buffer, byteSize, label, this.tracker, this.offset + byteOffset, this);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.parent) {
      this.parent.viewDisposed();
      return;
    }
    if (this.liveViews === 0) this.free();
  }

  private viewDisposed(): void {
    this.liveViews--;
    if (this.disposed && this.liveViews === 0) this.free();
  }

  private free(): void {
    this.tracker.release(this);
    this.buffer.destroy();
  }
}

/** Where each tensor of an arena starts (in floats) and the arena's length (in floats). */
export interface ArenaLayout {
  offsets: number[];
  floats: number;
}

/**
 * Lays tensors of `numels` floats out one after another, each starting at a multiple of
 * `alignBytes` (the device's minStorageBufferOffsetAlignment) so that each can be bound on its own.
 */
export function arenaLayout(numels: readonly number[], alignBytes: number): ArenaLayout {
  if (!Number.isInteger(alignBytes) || alignBytes < 4 || alignBytes % 4 !== 0)
    throw new RangeError(`arenaLayout: alignment must be a positive multiple of 4 bytes; got ${alignBytes}.`);
  const align = alignBytes / 4;
  const offsets: number[] = [];
  let at = 0;
  for (const n of numels) {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`arenaLayout: tensor sizes must be positive integers; got ${n}.`);
    offsets.push(at);
    at = Math.ceil((at + n) / align) * align;
  }
  return { offsets, floats: Math.max(1, at) };
}

export class BufferTracker {
  private live = new Set<ManagedBuffer>();
  private bytes = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Names the adapter in errors about its limits. */
    private readonly adapterName = 'this adapter',
  ) {}

  /** A storage buffer of at least `byteSize` bytes (rounded up to 4; at least 4). */
  create(label: string, byteSize: number, usage: number = STORAGE): ManagedBuffer {
    if (!Number.isFinite(byteSize) || byteSize < 0) {
      throw new RangeError(`buffers.create(${label}): byte size must be a non-negative number; got ${byteSize}.`);
    }
    const size = Math.max(4, Math.ceil(byteSize / 4) * 4);
    const max = this.device.limits.maxBufferSize;
    if (size > max) {
      throw new ConfigError(
        `buffers.create(${label}): ${size} bytes exceeds maxBufferSize (${max} bytes) of ${this.adapterName}. Use a smaller batch or dataset subset.`,
      );
    }
    const bindable = this.device.limits.maxStorageBufferBindingSize;
    if (isStorage(usage) && size > bindable) {
      throw new ConfigError(
        `buffers.create(${label}): ${size} bytes exceeds maxStorageBufferBindingSize (${bindable} bytes) of ${this.adapterName}; a kernel could not bind it. Use a smaller batch or dataset subset.`,
      );
    }
    const buffer = this.device.createBuffer({ label, size, usage });
    const managed = new ManagedBuffer(buffer, size, label, this);
    this.live.add(managed);
    this.bytes += size;
    return managed;
  }

  /** A storage buffer holding `data`. */
  fromData(label: string, data: Float32Array | Uint32Array | Int32Array, usage: number = STORAGE): ManagedBuffer {
    const b = this.create(label, data.byteLength, usage);
    this.device.queue.writeBuffer(b.buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    return b;
  }

  /**
   * One buffer holding tensors of `numels` floats laid out by arenaLayout (padding reads as zero), and
   * a view per tensor, labelled `<label>:<name>`. Disposing the buffer and every view frees it.
   */
  arena(
    label: string,
    tensors: readonly { name: string; numel: number }[],
    alignBytes: number,
  ): { buffer: ManagedBuffer; views: ManagedBuffer[]; layout: ArenaLayout } {
    const layout = arenaLayout(
      tensors.map((t) => t.numel),
      alignBytes,
    );
    const buffer = this.create(label, layout.floats * 4);
    const views = tensors.map((t, i) => buffer.view(`${label}:${t.name}`, layout.offsets[i]! * 4, t.numel * 4));
    return { buffer, views, layout };
  }

  release(buffer: ManagedBuffer): void {
    if (this.live.delete(buffer)) this.bytes -= buffer.byteSize;
  }

  liveBufferCount(): number {
    return this.live.size;
  }

  liveBytes(): number {
    return this.bytes;
  }

  /** Labels of live buffers, for leak reports. */
  liveLabels(): string[] {
    return [...this.live].map((b) => b.label);
  }
}
