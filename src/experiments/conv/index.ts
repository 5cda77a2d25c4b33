// The second report's experiments (convolutional autoencoder on MNIST), as pure functions of a
// runtime and a config: conv-latent, conv-capacity, conv-interpolate, conv-correlation, conv-transfer.
// Imports the experiments' helpers, nn, graph, ops, data, util; no DOM.
//
// Weight keys (ExperimentResult.weights and ExperimentContext.weights):
//   conv:latent=<L>:c=<c>:seed=<n>                                  a trained conv autoencoder
//   conv-classifier:latent=<L>:c=<c>:seed=<n>:encoder=<frozen|trained>  conv-transfer's classifiers
// conv-latent and conv-capacity train by default (config weights: 'train'); the others reuse a
// matching autoencoder from ctx.weights ('auto'), so running conv-latent first and handing its
// weights on saves retraining. 'require' refuses to train.
import type { ExperimentDef } from '../types';
import { convCorrelation } from './correlation';
import { convInterpolate } from './interpolate';
import { convCapacity, convLatent } from './sweep';
import { convTransfer } from './transfer';

export const CONV_EXPERIMENTS: ExperimentDef<object>[] = [
  convLatent,
  convCapacity,
  convInterpolate,
  convCorrelation,
  convTransfer,
] as unknown as ExperimentDef<object>[];

export { convLatent, convCapacity, REPORT_LATENT_TABLE } from './sweep';
export { convInterpolate, interpolateCodes, chooseImages, grayness, ALPHAS } from './interpolate';
export { convCorrelation, correlationSummary } from './correlation';
export { convTransfer, EncoderClassifier, accuracy, classifierKey } from './transfer';
export { convKey } from './common';
export type { ConvLatentConfig, ConvCapacityConfig } from './sweep';
export type { ConvInterpolateConfig, Interpolation } from './interpolate';
export type { ConvCorrelationConfig, CorrelationSummary } from './correlation';
export type { ConvTransferConfig, TransferMode } from './transfer';
export type { ConvTrainConfig, StopOptions, WeightsMode } from './config';
