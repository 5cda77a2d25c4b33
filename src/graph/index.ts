// graph: symbolic tensors, reverse-mode autodiff and the compiled executor. May import ops, kernels, gpu, util.
export { Graph } from './graph';
export { Tensor } from './tensor';
export type { Node, TensorKind } from './tensor';
export { gradients, Gradients } from './autodiff';
export { Executable } from './executor';
export type { ExecContext, CompileOptions } from './executor';
export { fuse } from './fuse';
export type { FusionCounts } from './fuse';
