// env.ts: the environment both peers run in — our device and kernel registry, tfjs on its WebGPU
// backend — with GPU errors from either device collected so that a workload fails on them instead of
// timing work that was dropped. Imports the engine's gpu and kernels layers.
import { acquireGpu, type AdapterSummary } from '../../src/gpu/device';
import { KernelRegistry } from '../../src/kernels/registry';
import type { Tuning } from '../../src/kernels/tuning';
import { startJax, type Jax } from './jax';
import type { BenchEnv, Tf } from './types';

/** The members of tfjs's WebGPUBackend read here. */
interface TfWebGpuBackend {
  device: GPUDevice;
  adapterInfo?: { vendor?: string; architecture?: string };
}

/** The device of tfjs's active WebGPU backend. */
export const tfjsDevice = (tf: Tf): GPUDevice => (tf.backend() as unknown as TfWebGpuBackend).device;

/** Appends `who: message` to `errors` for every uncaptured error of `device`; returns the function that stops it. */
export function watchErrors(device: GPUDevice, who: string, errors: string[]): () => void {
  const listener = (event: Event) => errors.push(`${who}: ${(event as GPUUncapturedErrorEvent).error.message}`);
  device.addEventListener('uncapturederror', listener);
  return () => device.removeEventListener('uncapturederror', listener);
}

/**
 * Acquires our device and switches tfjs to 'webgpu' (its own device, on the adapter Chromium offers
 * both), and starts jax-js on WebGPU when it is given (its failure is kept as a reason, not thrown).
 * `images` / `testImages`: Fashion-MNIST rows for the training / inference workloads, or null for noise.
 * `ours.gpuApi`: the WebGPU entry point for our engine (default navigator.gpu); `ours.tuning`: kernel
 * variants forced instead of the adapter's defaults.
 */
export async function createBenchEnv(
  tf: Tf,
  images: Float32Array | null,
  jax: Jax | null,
  testImages: Float32Array | null = null,
  ours: { gpuApi?: GPU; tuning?: Partial<Tuning> } = {},
): Promise<BenchEnv> {
  const acquire = () => acquireGpu({ gpu: ours.gpuApi });
  const gpu = await acquire();
  const errors: string[] = [];
  gpu.onFatal((e) => errors.push(`ours: ${e.message}`));
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error(
      `bench: tfjs could not start its WebGPU backend; expected tf.setBackend('webgpu') to succeed, got backend "${tf.getBackend()}".`,
    );
  }
  await tf.ready();
  const tfDevice = tfjsDevice(tf);
  watchErrors(tfDevice, 'tfjs', errors);
  void tfDevice.lost.then((info) => errors.push(`tfjs: device lost (${info.reason}): ${info.message}`));
  const jaxUnavailable = jax ? await startJax(jax) : 'jax-js: not loaded in this page.';
  if (jax && jaxUnavailable === null) watchErrors(jax.getWebGPUDevice(), 'jax', errors);
  return {
    gpu,
    acquire,
    registry: new KernelRegistry(gpu, ours.tuning),
    tf,
    errors,
    images,
    testImages,
    jax: jaxUnavailable === null ? jax : null,
    jaxUnavailable,
  };
}

/** The pinned devDependency (package.json); jax-js does not export its version. */
export const JAX_VERSION = '0.1.25';

export interface EnvDescription {
  /** Our adapter, as acquireGpu() reports it. */
  adapter: AdapterSummary;
  /** What tfjs's backend reports about its adapter. */
  tfjsAdapter: { vendor: string; architecture: string };
  tfjsVersion: string;
  tfjsBackend: string;
  /** jax-js's version and device, or why it is not measured. */
  jax: { version: string; device: string | null; unavailable: string | null };
  userAgent: string;
  /** Our kernel variants in this run (src/kernels/tuning.ts Tuning). */
  tuning?: Tuning;
}

export function describeEnv(env: BenchEnv): EnvDescription {
  const info = (env.tf.backend() as unknown as TfWebGpuBackend).adapterInfo;
  return {
    adapter: env.gpu.adapter,
    tfjsAdapter: { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '' },
    tfjsVersion: env.tf.version_core,
    tfjsBackend: env.tf.getBackend(),
    jax: { version: JAX_VERSION, device: env.jax ? env.jax.defaultDevice() : null, unavailable: env.jaxUnavailable },
    userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
  };
}
