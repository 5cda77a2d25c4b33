// gpu: device acquisition, buffers with explicit lifetime, readback. May import util only.
export { acquireGpu, adapterName } from './device';
export type { Gpu, AdapterSummary, AcquireOptions, Tuning } from './device';
export { BufferTracker, ManagedBuffer, STORAGE, UNIFORM } from './buffers';
export { readFloat32, writeFloat32 } from './readback';
