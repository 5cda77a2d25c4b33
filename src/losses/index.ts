// losses: the loss functions by name, applied to graph tensors. Imports graph and ops.
// Each reduces with PyTorch's default 'mean'; the formulations are documented on the ops in
// src/ops/loss.ts (BCE clamps its input into [0, 1]; KL takes log-probabilities like nn.KLDivLoss).
import type { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { bceLoss, bceWithLogitsLoss, circularLoss, crossEntropyLoss, klDivLoss, mseLoss } from '../ops/loss';
import { ConfigError } from '../util/errors';

export const LOSS_NAMES = ['mse', 'bce', 'bce-logits', 'kl', 'cross-entropy', 'circular'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** loss(prediction, target) as a scalar [1] tensor of the graph. */
export function applyLoss(g: Graph, name: LossName, prediction: Tensor, target: Tensor): Tensor {
  switch (name) {
    case 'mse':
      return g.apply(mseLoss, [prediction, target], {}, 'loss');
    case 'bce':
      return g.apply(bceLoss, [prediction, target], {}, 'loss');
    case 'bce-logits':
      return g.apply(bceWithLogitsLoss, [prediction, target], {}, 'loss');
    case 'kl':
      return g.apply(klDivLoss, [prediction, target], { reduction: 'mean' }, 'loss');
    case 'cross-entropy':
      return g.apply(crossEntropyLoss, [prediction, target], {}, 'loss');
    case 'circular':
      return g.apply(circularLoss, [prediction, target], {}, 'loss');
    default:
      throw new ConfigError(`loss: unknown loss "${String(name)}"; expected one of ${LOSS_NAMES.join(', ')}.`);
  }
}
