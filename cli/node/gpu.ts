// gpu.ts: WebGPU in Node from Dawn's bindings (the `webgpu` package): its globals (GPUBufferUsage …)
// and `navigator.gpu`, which src/gpu's acquireGpu() reads. AE_DAWN_FLAGS passes Dawn options to
// create(), space-separated (e.g. `adapter=NVIDIA H100` or `backend=vulkan`). Imported first by
// the Node runner. Imports webgpu.
import { create, globals } from 'webgpu';

/** The Dawn options of AE_DAWN_FLAGS (none when unset). */
export const DAWN_FLAGS: string[] = (process.env.AE_DAWN_FLAGS ?? '').split(/\s+(?=[a-z-]+=)/).filter(Boolean);

Object.assign(globalThis, globals);
const gpu = create(DAWN_FLAGS) as GPU;
const g = globalThis as unknown as { navigator?: Record<string, unknown> };
if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
else
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, language: 'en-US', userAgent: `node ${process.version}` },
    configurable: true,
  });
