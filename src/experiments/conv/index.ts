// The second report's experiments (convolutional autoencoder on MNIST), as pure functions of a
// runtime and a config: conv-latent, conv-capacity, conv-interpolate, conv-correlation, conv-transfer.
// Imports this folder; no DOM.
//
// Weight keys (ExperimentResult.weights and ExperimentContext.weights):
//   conv:latent=<L>:c=<c>:seed=<n>                                  a trained conv autoencoder
//   conv-classifier:latent=<L>:c=<c>:seed=<n>:encoder=<frozen|trained>  conv-transfer's classifiers
// conv-latent and conv-capacity train by default (config weights: 'train'); the others reuse a
// matching autoencoder from ctx.weights ('auto'), so running conv-latent first and handing its
// weights on saves retraining. 'require' refuses to train.
import { convCapacity } from './conv-capacity';
import { convCorrelation } from './conv-correlation';
import { convInterpolate } from './conv-interpolate';
import { convLatent } from './conv-latent';
import { convTransfer } from './conv-transfer';

export const CONV_EXPERIMENTS = [convLatent, convCapacity, convInterpolate, convCorrelation, convTransfer] as const;

export { convLatent, REPORT_LATENT_TABLE } from './conv-latent';
export { convCapacity } from './conv-capacity';
export { convInterpolate, interpolateCodes, chooseImages, grayness, ALPHAS } from './conv-interpolate';
export { convCorrelation, correlationSummary } from './conv-correlation';
export { convTransfer, EncoderClassifier, accuracy, classifierKey } from './conv-transfer';
export { convKey } from './trained-autoencoder';
export type { ConvLatentConfig } from './conv-latent';
export type { ConvCapacityConfig } from './conv-capacity';
export type { ConvInterpolateConfig, Interpolation } from './conv-interpolate';
export type { ConvCorrelationConfig, CorrelationSummary } from './conv-correlation';
export type { ConvTransferConfig, TransferMode } from './conv-transfer';
export type { ConvTrainConfig, StopOptions, WeightsMode } from './config';
