// parameter.ts: a named, persistent weight tensor on the GPU, owned by its Module. Imports gpu, util.
import type { Gpu } from '../gpu/device';
import type { ManagedBuffer } from '../gpu/buffers';
import { readFloat32 } from '../gpu/readback';
import { ShapeError } from '../util/errors';
import { fmt, numel, type Shape } from '../util/shape';

export class Parameter {
  private buf: ManagedBuffer;
  /** False freezes the parameter: no gradient is computed and no optimizer state is made for it. */
  trainable = true;

  constructor(
    private gpu: Gpu,
    readonly name: string,
    readonly shape: Shape,
    data: Float32Array,
  ) {
    if (data.length !== numel(shape))
      throw new ShapeError(
        `Parameter(${name}): expected ${numel(shape)} values for ${fmt(shape)}, got ${data.length}.`,
      );
    this.buf = gpu.buffers.fromData(`param:${name}`, data);
  }

  get buffer(): ManagedBuffer {
    return this.buf;
  }

  /** Moves the parameter to another device (after a lost one) with the given values. */
  rebind(gpu: Gpu, data: Float32Array): void {
    if (data.length !== this.numel)
      throw new ShapeError(
        `Parameter(${this.name}).rebind: expected ${this.numel} values for ${fmt(this.shape)}, got ${data.length}.`,
      );
    this.buf.dispose();
    this.gpu = gpu;
    this.buf = gpu.buffers.fromData(`param:${this.name}`, data);
  }

  get numel(): number {
    return numel(this.shape);
  }

  async read(): Promise<Float32Array> {
    return readFloat32(this.gpu, this.buffer, 0, this.numel);
  }

  write(data: Float32Array): void {
    if (data.length !== this.numel) {
      throw new ShapeError(
        `Parameter(${this.name}).write: expected ${this.numel} values for ${fmt(this.shape)}, got ${data.length}.`,
      );
    }
    this.gpu.device.queue.writeBuffer(
      this.buffer.gpuBuffer,
      0,
      data.buffer as ArrayBuffer,
      data.byteOffset,
      data.byteLength,
    );
  }

  dispose(): void {
    this.buf.dispose();
  }
}
