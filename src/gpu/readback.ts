// readback.ts: copying GPU buffers back to the CPU. Imports util only (through device/buffers).
import type { Gpu } from './device';
import { MAP_MODE_READ, READBACK, type ManagedBuffer } from './buffers';

/** Reads `count` floats starting at float `offset` of a buffer or view (default: all of it). */
export async function readFloat32(gpu: Gpu, source: ManagedBuffer, offset = 0, count?: number): Promise<Float32Array> {
  const n = count ?? source.byteSize / 4 - offset;
  const byteSize = n * 4;
  if (byteSize === 0) return new Float32Array(0);
  const staging = gpu.device.createBuffer({
    label: `readback:${source.label}`,
    size: byteSize,
    usage: READBACK,
  });
  try {
    const encoder = gpu.device.createCommandEncoder({ label: `readback:${source.label}` });
    encoder.copyBufferToBuffer(source.gpuBuffer, source.offset + offset * 4, staging, 0, byteSize);
    gpu.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_MODE_READ);
    if (gpu.lostError) throw gpu.lostError;
    return new Float32Array(staging.getMappedRange().slice(0));
  } catch (e) {
    if (gpu.lostError) throw gpu.lostError;
    throw e;
  } finally {
    staging.destroy();
  }
}

/** Writes floats into a buffer or view at float `offset`. */
export function writeFloat32(gpu: Gpu, target: ManagedBuffer, data: Float32Array, offset = 0): void {
  gpu.device.queue.writeBuffer(
    target.gpuBuffer,
    target.offset + offset * 4,
    data.buffer as ArrayBuffer,
    data.byteOffset,
    data.byteLength,
  );
}
