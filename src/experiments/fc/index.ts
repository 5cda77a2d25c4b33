// The first report's experiments (fully connected autoencoder on Fashion-MNIST), as plain functions
// of a config: fc-train, fc-sweep, fc-inversion, fc-compression. Imports this folder; no DOM.
//
// Trained weights are returned (and reused from ctx.weights) under the key
//   fc:latent=<L>:act=<leakyRelu|sigmoid|relu>:slope=<s>:opt=<optimizer>:loss=<mse|bce|kl>:seed=<n>
// where slope is the leaky ReLU slope (0 for ReLU and sigmoid). The key does not include the
// training budget (epochs, batch, lr, data sizes): a reused model keeps the budget it was trained with.
import { fcCompression } from './fc-compression';
import { fcInversion } from './fc-inversion';
import { fcSweep } from './fc-sweep';
import { fcTrain } from './fc-train';

export { fcTrain, fcSweep, fcInversion, fcCompression };
export { weightKey, parseWeightKey } from './config';

export const FC_EXPERIMENTS = [fcTrain, fcSweep, fcInversion, fcCompression] as const;
