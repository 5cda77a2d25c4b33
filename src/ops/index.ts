// ops: each op's kernel, shape rule, backward and CPU reference. May import kernels, gpu (types), util.
import { activation, activationGradX, activationGradY, leakyReluInverse, leakyReluInverseGrad } from './activation';
import { add, addRow, broadcastRows, broadcastScalar, mul, scale, sub } from './elementwise';
import { linear, matmul } from './matmul';
import { sumAll, sumRows } from './reduce';

/** Every op, by name. Test helpers key their tables on this, so an op without a test is a type error. */
export const OPS = {
  activation, activationGradX, activationGradY, leakyReluInverse, leakyReluInverseGrad,
  add, sub, mul, scale, addRow, broadcastRows, broadcastScalar,
  matmul, linear,
  sumRows, sumAll,
} as const;

export type OpName = keyof typeof OPS;

export * from './op';
export { activation, activationGradX, activationGradY, leakyReluInverse, leakyReluInverseGrad, activationCode } from './activation';
export type { ActivationKind, ActivationAttrs, InverseAttrs } from './activation';
export { add, sub, mul, scale, addRow, broadcastRows, broadcastScalar } from './elementwise';
export { matmul, linear, matmulDims } from './matmul';
export type { MatmulAttrs } from './matmul';
export { sumRows, sumAll } from './reduce';
