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
  /** Set once the device is lost; every later use should throw it. */
  lostError: DeviceLostError | null;
  /** Registers a callback for a lost device or an uncaptured GPU error. Returns an unsubscribe function. */
  onFatal(callback: (error: Error) => void): () => void;
  /** Destroys the device; buffers made from it become unusable. */
  destroy(): void;
}

export interface AcquireOptions {
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
