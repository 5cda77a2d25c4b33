// ops: each op's kernel, shape rule, backward and CPU reference. May import kernels, gpu (types), util.
import { activation, activationGradY, leakyReluInverse, leakyReluInverseGrad } from './activation';
import { channelSum, conv2d, conv2dBackwardInput, conv2dBackwardWeight, convTranspose2d } from './conv';
import { add, addRow, mul, scale, sub } from './elementwise';
import { linear, linearParamGrad, matmul, matmulActGrad } from './matmul';
import {
  bceLoss,
  bceLossGrad,
  bceWithLogitsLoss,
  bceWithLogitsLossGrad,
  circularLoss,
  circularLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  klDivLoss,
  klDivLossGrad,
  mseLoss,
  mseLossGrad,
  lossValueGrad,
} from './loss';
import { columnMean, columnStd, frobeniusNorm, logSoftmax, meanAbsOffDiagonal, pearson, softmax } from './stats';
import { broadcastCols, broadcastRows, broadcastScalar, sumAll, sumCols, sumRows } from './reduce';
import { reshape } from './reshape';
import { gatherBytes } from './gather';
import { stackedLinear, stackedLoss, stackedLossGrad, stackedSumRows } from './stacked';

/**
 * Every op, by name. Test tables are keyed on this, so an op without its tests is a type error:
 * test/cpu/ops/gradcheck.test.ts (its backward rule) and test/gpu/ops/coverage.test.ts (GPU test required:
 * the files that run it on the GPU against an independent reference).
 */
export const OPS = {
  activation,
  activationGradY,
  leakyReluInverse,
  leakyReluInverseGrad,
  add,
  sub,
  mul,
  scale,
  addRow,
  broadcastRows,
  broadcastCols,
  broadcastScalar,
  matmul,
  linear,
  matmulActGrad,
  linearParamGrad,
  reshape,
  conv2d,
  convTranspose2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  channelSum,
  sumRows,
  sumCols,
  sumAll,
  mseLoss,
  mseLossGrad,
  bceLoss,
  bceLossGrad,
  bceWithLogitsLoss,
  bceWithLogitsLossGrad,
  klDivLoss,
  klDivLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  circularLoss,
  circularLossGrad,
  lossValueGrad,
  softmax,
  logSoftmax,
  columnMean,
  columnStd,
  pearson,
  meanAbsOffDiagonal,
  frobeniusNorm,
  gatherBytes,
  stackedLinear,
  stackedSumRows,
  stackedLoss,
  stackedLossGrad,
} as const;

export type OpName = keyof typeof OPS;

export * from './op';
export {
  activation,
  activationGradY,
  leakyReluInverse,
  leakyReluInverseGrad,
  activationCode,
} from './activation';
export type { ActivationKind, ActivationAttrs, InverseAttrs } from './activation';
export { add, sub, mul, scale, addRow } from './elementwise';
export { matmul, linear, matmulDims, matmulActGrad, linearParamGrad } from './matmul';
export type { MatmulAttrs, MatmulActGradAttrs } from './matmul';
export { sumRows, sumCols, sumAll, broadcastRows, broadcastCols, broadcastScalar } from './reduce';
export {
  mseLoss,
  mseLossGrad,
  bceLoss,
  bceLossGrad,
  bceWithLogitsLoss,
  bceWithLogitsLossGrad,
  klDivLoss,
  klDivLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  circularLoss,
  circularLossGrad,
  checkClassTargets,
  wrapDegrees,
  lossValueGrad,
  lossGradOf,
} from './loss';
export type { KlDivAttrs, LossValueGradAttrs } from './loss';
export { softmax, logSoftmax, columnMean, columnStd, pearson, meanAbsOffDiagonal, frobeniusNorm } from './stats';
export {
  conv2d,
  convTranspose2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  channelSum,
  conv2dGeometry,
  convTranspose2dGeometry,
} from './conv';
export type { Conv2dAttrs, Conv2dBackwardInputAttrs, Conv2dBackwardWeightAttrs, ConvGeometry } from './conv';
export { reshape } from './reshape';
export { gatherBytes, packBytes } from './gather';
export type { GatherAttrs } from './gather';
export type { ReshapeAttrs } from './reshape';
export { stackedLinear, stackedSumRows, stackedLoss, stackedLossGrad } from './stacked';
export type { StackedLossAttrs, StackedLossKind } from './stacked';
