// Test helpers for GPU tests: one shared device per test file, and single-op evaluation.
// GPU tests never skip: without a WebGPU adapter, getGpu() throws and the test fails.
import { acquireGpu, type Gpu } from '../../src/gpu/device';
import type { ManagedBuffer } from '../../src/gpu/buffers';
import { readFloat32 } from '../../src/gpu/readback';
import { KernelRegistry } from '../../src/kernels/registry';
import type { OpDef } from '../../src/ops/op';
import type { Shape } from '../../src/util/shape';
import { numel } from '../../src/util/shape';

let shared: Promise<{ gpu: Gpu; registry: KernelRegistry }> | null = null;

export function getGpu(): Promise<{ gpu: Gpu; registry: KernelRegistry }> {
  shared ??= acquireGpu().then((gpu) => ({ gpu, registry: new KernelRegistry(gpu) }));
  return shared;
}

/** Runs one op on the GPU on the given inputs and returns its output. Frees every buffer it made. */
export async function runOp<A>(
  op: OpDef<A>,
  inputs: readonly Float32Array[],
  shapes: readonly Shape[],
  attrs: A,
): Promise<Float32Array> {
  const { gpu, registry } = await getGpu();
  const owned: ManagedBuffer[] = [];
  const bounds: { dispose(): void }[] = [];
  try {
    const ins = inputs.map((data, i) => {
      const b = gpu.buffers.fromData(`${op.name}:in${i}`, data);
      owned.push(b);
      return b;
    });
    const outShape = op.inferShape(shapes, attrs);
    const out = gpu.buffers.create(`${op.name}:out`, numel(outShape) * 4);
    owned.push(out);
    const ctx = {
      gpu,
      registry,
      scratch: (label: string, n: number) => {
        const b = gpu.buffers.create(label, n * 4);
        owned.push(b);
        return b;
      },
    };
    const dispatches = op.build(ctx, ins, shapes, out, outShape, attrs);
    bounds.push(...dispatches.map((d) => d.bound));
    const encoder = gpu.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const d of dispatches) d.bound.encode(pass, d.workgroups);
    pass.end();
    gpu.device.queue.submit([encoder.finish()]);
    return await readFloat32(gpu, out);
  } finally {
    for (const b of bounds) b.dispose();
    for (const b of owned) b.dispose();
  }
}

/** What the WebGPU implementation itself says about its default adapter, read apart from the engine. */
export interface PlatformAdapter {
  /** vendor, architecture and device, the non-empty ones joined by spaces ("google swiftshader …"). */
  name: string;
  /** The implementation flags it as a fallback (CPU) adapter. */
  flaggedFallback: boolean;
  /** Its adapter info names SwiftShader, Chromium's CPU implementation (which does not always flag itself). */
  namesSwiftShader: boolean;
}

/** Asks navigator.gpu for its default adapter, as a test's reference for what the engine reports. */
export async function platformAdapter(): Promise<PlatformAdapter> {
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null; the GPU tests need an adapter');
  const info = adapter.info;
  const flags = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  const infoFlag = info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    name: [info.vendor, info.architecture, info.device].filter((s) => s.length > 0).join(' '),
    flaggedFallback: flags.isFallbackAdapter === true || infoFlag.isFallbackAdapter === true,
    namesSwiftShader: /swiftshader/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`),
  };
}
