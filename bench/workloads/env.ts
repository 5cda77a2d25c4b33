// env.ts: the environment both peers run in — our device and kernel registry, tfjs on its WebGPU
// backend — with GPU errors from either device collected so that a workload fails on them instead of
// timing work that was dropped. Imports the engine's gpu and kernels layers.
import { acquireGpu, type AdapterSummary } from '../../src/gpu/device';
import { KernelRegistry } from '../../src/kernels/registry';
import type { BenchEnv, Tf } from './types';

/** The members of tfjs's WebGPUBackend read here. */
interface TfWebGpuBackend {
  device: GPUDevice;
  adapterInfo?: { vendor?: string; architecture?: string };
}

/**
 * Acquires our device and switches tfjs to 'webgpu' (its own device, on the adapter Chromium offers
 * both). `images`: Fashion-MNIST rows for the training workloads, or null for noise.
 */
export async function createBenchEnv(tf: Tf, images: Float32Array | null): Promise<BenchEnv> {
  const gpu = await acquireGpu();
  const errors: string[] = [];
  gpu.onFatal((e) => errors.push(`ours: ${e.message}`));
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error(`bench: tfjs could not start its WebGPU backend; expected tf.setBackend('webgpu') to succeed, got backend "${tf.getBackend()}".`);
  }
  await tf.ready();
  const backend = tf.backend() as unknown as TfWebGpuBackend;
  backend.device.addEventListener('uncapturederror', (event) => errors.push(`tfjs: ${(event as GPUUncapturedErrorEvent).error.message}`));
  void backend.device.lost.then((info) => errors.push(`tfjs: device lost (${info.reason}): ${info.message}`));
  return { gpu, registry: new KernelRegistry(gpu), tf, errors, images };
}

export interface EnvDescription {
  /** Our adapter, as acquireGpu() reports it. */
  adapter: AdapterSummary;
  /** What tfjs's backend reports about its adapter. */
  tfjsAdapter: { vendor: string; architecture: string };
  tfjsVersion: string;
  tfjsBackend: string;
  userAgent: string;
}

export function describeEnv(env: BenchEnv): EnvDescription {
  const info = (env.tf.backend() as unknown as TfWebGpuBackend).adapterInfo;
  return {
    adapter: env.gpu.adapter,
    tfjsAdapter: { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '' },
    tfjsVersion: env.tf.version_core,
    tfjsBackend: env.tf.getBackend(),
    userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
  };
}
