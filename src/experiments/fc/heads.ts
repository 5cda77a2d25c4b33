// heads.ts: what the network's output is taken to be under each of the report's losses — the tensor
// the loss sees during training, the training targets, and the image the model would show.
// Imports graph, ops, losses, util.
//
//   mse  The decoder's output (after its last leaky ReLU) is the image; MSE against the input.
//   bce  PyTorch's BCELoss needs probabilities in [0, 1], which a leaky ReLU output is not. The raw
//        decoder output is read as logits and trained with BCE-with-logits, i.e. BCELoss applied to
//        sigmoid(output), in the overflow-free form (without BCELoss's clamp of log at −100). The
//        image shown is sigmoid(output); the raw output is reported beside it, since an NRMSE like the
//        report's 12.9 (range 1) is only possible for an output that is not squashed into [0, 1].
//   kl   nn.KLDivLoss takes log-probabilities and a target distribution: log-softmax over the 784
//        pixels of the output against the image normalised to sum 1 (reduction 'mean', PyTorch's
//        default, over all B·784 terms). The model then only predicts how the intensity is spread, not
//        how much there is, so the image shown is softmax(output) × the target image's pixel sum; the
//        raw output is reported beside it.
import type { Graph } from '../../graph/graph';
import type { Tensor } from '../../graph/tensor';
import type { LossName } from '../../losses/index';
import { activation } from '../../ops/activation';
import { mul } from '../../ops/elementwise';
import type { Sym } from '../../ops/op';
import { logSoftmax, softmax } from '../../ops/stats';
import type { FcLoss } from './config';
import { rowSumsLike } from './rows';

/** How one of the report's losses reads the decoder's raw output. */
export interface LossHead {
  /** The engine loss applied during training. */
  engineLoss: LossName;
  /** The tensor the loss sees, from the raw decoder output. */
  prediction(g: Graph, raw: Tensor): Tensor;
  /** Training targets from the images (rows of `width`); null when the images themselves are the targets. */
  targets(x: Float32Array, count: number, width: number): Float32Array | null;
  /** The image the model would show, from the raw output and the input images x. */
  image(g: Graph, raw: Tensor, x: Tensor): Tensor;
  /** Whether the shown image differs from the raw output (then both are reported). */
  separateImage: boolean;
  /** One sentence for the result's notes. */
  description: string;
}

/** Each image divided by its pixel sum (an all-zero image becomes uniform), for KL targets. */
export function normalizeRows(x: Float32Array, count: number, width: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += x[i * width + j]!;
    for (let j = 0; j < width; j++) out[i * width + j] = s > 0 ? x[i * width + j]! / s : 1 / width;
  }
  return out;
}

const asTensor = (s: Sym) => s as Tensor;

export const LOSS_HEADS: { readonly [K in FcLoss]: LossHead } = {
  mse: {
    engineLoss: 'mse',
    prediction: (_g, raw) => raw,
    targets: () => null,
    image: (_g, raw) => raw,
    separateImage: false,
    description: 'MSE: the decoder output (after its last leaky ReLU) is the image, compared directly with the input.',
  },
  bce: {
    engineLoss: 'bce-logits',
    prediction: (_g, raw) => raw,
    targets: () => null,
    image: (g, raw) => g.apply(activation, [raw], { kind: 'sigmoid' }),
    separateImage: true,
    description:
      'BCE: the raw decoder output is read as logits and trained with BCE-with-logits (= BCELoss on sigmoid(output)); ' +
      'nrmse_* is for the sigmoid image, nrmse_*_raw for the raw pre-sigmoid output.',
  },
  kl: {
    engineLoss: 'kl',
    prediction: (g, raw) => g.apply(logSoftmax, [raw], {}),
    targets: normalizeRows,
    image: (g, raw, x) => g.apply(mul, [g.apply(softmax, [raw], {}), asTensor(rowSumsLike(g, x))], {}),
    separateImage: true,
    description:
      'KL: log-softmax over the 784 pixels of the decoder output against the image normalised to sum 1 (nn.KLDivLoss, mean); ' +
      "nrmse_* is for softmax(output) × the image's pixel sum, nrmse_*_raw for the raw output.",
  },
};
