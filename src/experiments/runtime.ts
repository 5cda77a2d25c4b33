// runtime.ts: the page's one shared GPU runtime (device + kernel registry) and a plain summary of
// the adapter for display. The UI reaches the GPU only through this module. Imports gpu, kernels
// and util.
import { acquireGpu, adapterName, type Gpu } from '../gpu/index';
import { KernelRegistry } from '../kernels/index';
import { DeviceLostError, WebGPUUnavailableError } from '../util/errors';

/** The shared GPU state of a page: one device, one pipeline registry. */
export interface Runtime {
  /** Replaced in place by recoverRuntime() after a lost device; read it at the time of use. */
  gpu: Gpu;
  registry: KernelRegistry;
}

/** Resolves to the runtime shared by every component on the page. */
export type RuntimeProvider = () => Promise<Runtime>;

/** Adapter facts worth showing to a person: plain data, safe to render or serialise. */
export interface AdapterDescription {
  /** One line, e.g. "google swiftshader (Vulkan)". */
  name: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU implementations such as SwiftShader: everything works, slowly. */
  isFallback: boolean;
  /** A few device limits that bound model and batch sizes, in bytes or invocations. */
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupSizeX: number;
  };
  /** Optional features enabled on the device (e.g. 'timestamp-query', 'shader-f16'). */
  features: string[];
}

/** Why the GPU could not be used, for choosing the advice shown to a person. */
export type RuntimeFailure = 'no-api' | 'no-adapter' | 'device-failed' | 'device-lost' | 'other';

let shared: Promise<Runtime> | null = null;

/**
 * The page's shared runtime, created on first call with acquireGpu() and a new KernelRegistry.
 * A failed attempt or a lost device is forgotten, so a later call tries again.
 * Rejects with WebGPUUnavailableError when WebGPU or an adapter is missing.
 */
export function getRuntime(): Promise<Runtime> {
  if (!shared) {
    const attempt = acquireGpu().then((gpu): Runtime => {
      gpu.onFatal(() => {
        if (gpu.lostError && shared === attempt) shared = null;
      });
      return { gpu, registry: new KernelRegistry(gpu) };
    });
    shared = attempt;
    attempt.catch(() => {
      if (shared === attempt) shared = null;
    });
  }
  return shared;
}

/**
 * After a lost device: acquires a new device and swaps it into the same Runtime object (so every
 * holder of it sees the new device), and makes it the page's shared runtime again.
 */
export async function recoverRuntime(runtime: Runtime): Promise<Runtime> {
  const gpu = await acquireGpu();
  runtime.gpu = gpu;
  runtime.registry = new KernelRegistry(gpu);
  const attempt = Promise.resolve(runtime);
  gpu.onFatal(() => {
    if (gpu.lostError && shared === attempt) shared = null;
  });
  shared = attempt;
  return runtime;
}

/** A plain summary of the adapter and device behind `runtime`. */
export function describeAdapter(runtime: Pick<Runtime, 'gpu'>): AdapterDescription {
  const { adapter, limits, features } = runtime.gpu;
  return {
    name: adapterName(adapter),
    vendor: adapter.vendor,
    architecture: adapter.architecture,
    device: adapter.device,
    description: adapter.description,
    isFallback: adapter.isFallback,
    limits: {
      maxBufferSize: limits.maxBufferSize,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    },
    features: [...features].sort(),
  };
}

/** Classifies an error from getRuntime() (or a later device loss) by its cause. */
export function runtimeFailure(error: unknown): RuntimeFailure {
  if (error instanceof WebGPUUnavailableError) return error.reason;
  if (error instanceof DeviceLostError) return 'device-lost';
  return 'other';
}
