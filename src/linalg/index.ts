// linalg: dense linear algebra run eagerly on the GPU (least squares, pseudo-inverse).
// May import graph, ops, gpu, kernels and util; nothing above it.
export { lstsq, pinv, DEFAULT_RCOND } from './lstsq';
export type { LinalgContext, LinalgResult, LstsqOptions } from './lstsq';
