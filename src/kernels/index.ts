// kernels: the registry of WGSL kernels (reflected with wgsl_reflect). May import gpu and util.
export { KernelRegistry, BoundKernel, Kernel, reflectShader } from './registry';
export type { EntryInfo, BindingInfo, UniformField, ShaderSource, Params } from './registry';
export { SHADERS } from './shaders';
export type { ShaderName } from './shaders';
export { ceilDiv, coveringGrid, groupPerItem, threadGrid, wrappedGroups, MAX_GROUPS_PER_DIMENSION } from './dispatch';
export type { Sized } from './dispatch';
export { tuningFor } from './tuning';
export type { Tuning } from './tuning';
