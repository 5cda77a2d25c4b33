// parameter.ts: a named, persistent weight tensor on the GPU, owned by its Module. Imports gpu, util.
import type { Gpu } from '../gpu/device';
import type { ManagedBuffer } from '../gpu/buffers';
import { readFloat32 } from '../gpu/readback';
import { ShapeError } from '../util/errors';
import { fmt, numel, type Shape } from '../util/shape';

export class Parameter {
  readonly buffer: ManagedBuffer;
  /** False freezes the parameter: no gradient is computed and no optimizer state is made for it. */
  trainable = true;

  constructor(
    private readonly gpu: Gpu,
    readonly name: string,
    readonly shape: Shape,
    data: Float32Array,
  ) {
    if (data.length !== numel(shape)) throw new ShapeError(`Parameter(${name}): expected ${numel(shape)} values for ${fmt(shape)}, got ${data.length}.`);
    this.buffer = gpu.buffers.fromData(`param:${name}`, data);
  }

  get numel(): number {
    return numel(this.shape);
  }

  async read(): Promise<Float32Array> {
    return readFloat32(this.gpu, this.buffer, 0, this.numel);
  }

  write(data: Float32Array): void {
    if (data.length !== this.numel) {
      throw new ShapeError(`Parameter(${this.name}).write: expected ${this.numel} values for ${fmt(this.shape)}, got ${data.length}.`);
    }
    this.gpu.device.queue.writeBuffer(this.buffer.gpuBuffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  dispose(): void {
    this.buffer.dispose();
  }
}
