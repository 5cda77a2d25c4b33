// parameter.ts: a named, persistent weight tensor on the GPU, owned by its Module. Imports gpu, util.
// Its storage is its own buffer, or a view of a parameter arena after a Trainer moved it there
// (moveTo); either way `buffer` is where it lives now, and read/write/dispose work the same.
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

  /**
   * Moves the values into `target` (a view of a parameter arena on the same device, numel floats) and
   * makes it this parameter's storage from now on; the old buffer is disposed. The copy is queued, so
   * it is ordered before any later submission.
   */
  moveTo(target: ManagedBuffer): void {
    if (target === this.buf) return;
    if (target.byteSize !== this.numel * 4)
      throw new ShapeError(
        `Parameter(${this.name}).moveTo: target "${target.label}" holds ${target.byteSize / 4} floats; expected ${this.numel}.`,
      );
    const encoder = this.gpu.device.createCommandEncoder({ label: `move:${this.name}` });
    encoder.copyBufferToBuffer(this.buf.gpuBuffer, this.buf.offset, target.gpuBuffer, target.offset, this.numel * 4);
    this.gpu.device.queue.submit([encoder.finish()]);
    this.buf.dispose();
    this.buf = target;
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
      this.buffer.offset,
      data.buffer as ArrayBuffer,
      data.byteOffset,
      data.byteLength,
    );
  }

  dispose(): void {
    this.buf.dispose();
  }
}
