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

/** A GPU buffer with one owner; dispose() is the only way it is freed. */
export class ManagedBuffer {
  private disposed = false;

  constructor(
    readonly buffer: GPUBuffer,
    readonly byteSize: number,
    readonly label: string,
    private readonly tracker: BufferTracker,
  ) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The GPUBuffer; throws if this buffer was disposed. */
  get gpuBuffer(): GPUBuffer {
    if (this.disposed)
      throw new DisposedError(
        `Buffer "${this.label}" was disposed and then used. Keep its owner alive, or make a new one.`,
      );
    return this.buffer;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tracker.release(this);
    this.buffer.destroy();
  }
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
