// device.ts: the one place that asks for a WebGPU adapter and device. Imports util only.
// The GPU object can be handed in (Dawn's Node bindings, a test stub); the default is navigator.gpu.
import { DeviceLostError, WebGPUUnavailableError } from '../util/errors';
import { BufferTracker } from './buffers';

/** What we report about the adapter in use (shown in the UI and written into results). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU implementations such as SwiftShader. */
  isFallback: boolean;
}

export interface Gpu {
  readonly device: GPUDevice;
  readonly adapter: AdapterSummary;
  readonly limits: GPUSupportedLimits;
  readonly features: ReadonlySet<string>;
  /** Live-buffer accounting for every buffer made through this Gpu. */
  readonly buffers: BufferTracker;
  /**
   * Kernel variants chosen for this adapter (the fastest measured on it); ops read this when they
   * build. 'direct' GEMM suits CPU adapters (SwiftShader), 'tiled' suits GPUs.
   */
  tuning: Tuning;
  /** Set once the device is lost; every later use should throw it. */
  lostError: DeviceLostError | null;
  /** Registers a callback for a lost device or an uncaptured GPU error. Returns an unsubscribe function. */
  onFatal(callback: (error: Error) => void): () => void;
  /** Destroys the device; buffers made from it become unusable. */
  destroy(): void;
}

export interface Tuning {
  gemm: 'tiled' | 'direct';
  /**
   * Terms each thread of a long sum (a loss over a batch) adds before the workgroup tree: few on GPUs,
   * where many workgroups hide latency; many on CPU adapters, where each workgroup's barriers cost
   * far more than the adds (a 200k-term MSE: 196 workgroups 46 ms, 13 workgroups 3 ms on SwiftShader).
   */
  termsPerThread: number;
  /**
   * How convolutions run: 'im2col' lowers each to gather kernels around one GEMM (the adapter's GEMM
   * variant), 'direct' runs one thread (weight gradient: one workgroup) per output element. 'im2col'
   * needs scratch matrices of C·KH·KW × N·OH·OW floats; a convolution whose scratch would pass
   * im2colMaxBytes (or the adapter's maxStorageBufferBindingSize) runs 'direct'.
   */
  conv: 'im2col' | 'direct';
  im2colMaxBytes: number;
  /**
   * The tiled GEMM runs 128 × 128 tiles (256 threads) on products with at least this many of them, and
   * 64 × 64 tiles (64 threads) on smaller ones, where wide tiles would leave the GPU's cores idle.
   */
  wideMinTiles: number;
  /** The direct GEMM reads operands as vec4 where their layout allows (matmul.ts vec4Layout). */
  vec4Reads: boolean;
  /** The direct GEMM's candidate thread grids [WX, WY] (default: all of matmul.ts DIRECT_GRIDS). */
  directGrids?: readonly (readonly [number, number])[];
}

export interface AcquireOptions {
  /** Overrides the kernel variants otherwise chosen from the adapter. */
  tuning?: Partial<Tuning>;
  /** The WebGPU entry point; defaults to `navigator.gpu`. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

/** Limits we ask for, capped at what the adapter supports (larger buffers for the datasets). */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
] as const;

function summarize(info: GPUAdapterInfo | undefined, isFallback: boolean): AdapterSummary {
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallback,
  };
}

/** A one-line name for the adapter, e.g. "google swiftshader (Vulkan)". */
export function adapterName(a: AdapterSummary): string {
  const parts = [a.vendor, a.architecture, a.device].filter((s) => s.length > 0);
  const name = parts.length ? parts.join(' ') : 'unknown adapter';
  return a.description ? `${name} (${a.description})` : name;
}

export async function acquireGpu(options: AcquireOptions = {}): Promise<Gpu> {
  const gpu = options.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu) {
    throw new WebGPUUnavailableError(
      'no-api',
      'WebGPU is not available in this browser — use Chrome or Edge 113+ (desktop), or Safari/Firefox with WebGPU enabled. ' +
        'navigator.gpu is undefined; on Linux, Chrome needs --enable-unsafe-webgpu.',
    );
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(
      options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
    );
  } catch (e) {
    throw new WebGPUUnavailableError(
      'no-adapter',
      `requestAdapter() threw: ${(e as Error).message}. Check chrome://gpu.`,
    );
  }
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'no-adapter',
      'navigator.gpu exists but requestAdapter() returned null; expected an adapter. Try Chrome ≥ 113 with hardware acceleration on; see chrome://gpu.',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const key of WANTED_LIMITS) requiredLimits[key] = adapter.limits[key];
  const features = (['timestamp-query', 'shader-f16'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features, label: 'autoencoder-lab' });
  } catch (e) {
    throw new WebGPUUnavailableError('device-failed', `requestDevice() failed: ${(e as Error).message}.`);
  }
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const isFallback =
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    /swiftshader/i.test(`${info?.vendor} ${info?.architecture} ${info?.description}`);
  const listeners = new Set<(error: Error) => void>();
  const fire = (error: Error) => {
    for (const l of [...listeners]) l(error);
  };
  const result: Gpu = {
    device,
    adapter: summarize(info, isFallback),
    limits: device.limits,
    features: new Set(device.features as unknown as Iterable<string>),
    buffers: new BufferTracker(device, adapterName(summarize(info, isFallback))),
    tuning: {
      gemm: isFallback ? 'direct' : 'tiled',
      termsPerThread: isFallback ? 64 : 4,
      conv: 'im2col',
      im2colMaxBytes: 64 * 2 ** 20,
      wideMinTiles: 128,
      vec4Reads: true,
      ...options.tuning,
    },
    lostError: null,
    onFatal(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    destroy() {
      device.destroy();
    },
  };
  void device.lost.then((lost) => {
    const what = (lost.message || 'no message').replace(/\.+\s*$/, '');
    const err = new DeviceLostError(
      lost.reason ?? 'unknown',
      `${what}. Reload the page or call acquireGpu() again for a new device.`,
    );
    result.lostError = err;
    fire(err);
  });
  device.addEventListener('uncapturederror', (event) => {
    const e = (event as GPUUncapturedErrorEvent).error;
    fire(new Error(`GPU error (uncaptured): ${e.message}`));
  });
  return result;
}
