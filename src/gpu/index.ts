// gpu: device acquisition, buffers with explicit lifetime, readback. May import util only.
export { acquireGpu, adapterName } from './device';
export type { Gpu, AdapterSummary, AcquireOptions } from './device';
export { BufferTracker, ManagedBuffer, STORAGE, UNIFORM, READBACK, USAGE, MAP_MODE_READ, isStorage } from './buffers';
export { readFloat32, writeFloat32 } from './readback';
