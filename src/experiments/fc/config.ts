// config.ts: the settings of the first report's experiments — the schema of the keys that decide
// one trained model (types, ranges, defaults per scale, help), and the key a trained model's weights
// are stored under. Imports optim (names), util, the experiment kit.
//
// Scales. 'tiny': seconds on SwiftShader (tests). 'small': about half a minute per trained model on
// SwiftShader (186 steps of batch 32). 'full': the report — all 60,000 / 10,000 images and 1,000 epochs. The report does not
// give a batch size; its loss plots have 1,000 "iterations" for 1,000 epochs and its SGD loss barely
// moved (0.19 → 0.205 axis), which points to full-batch training (one step per epoch), so 'full'
// uses batch = 60,000. That needs an adapter whose maxStorageBufferBindingSize holds a
// [60000, 784] float32 activation (188 MB).
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optim/optimizer';
import { ConfigError } from '../../util/errors';
import {
  badValue,
  batchKey,
  checkAtMost,
  type ConfigSchema,
  epochsKey,
  lrKey,
  readValue,
  SEED_KEY,
  TEST_IMAGES,
  TRAIN_IMAGES,
  testSizeKey,
  trainSizeKey,
} from '../kit/index';

export const FC_ACTIVATIONS = ['leakyRelu', 'sigmoid', 'relu'] as const;
export type FcActivation = (typeof FC_ACTIVATIONS)[number];

export const FC_LOSSES = ['mse', 'bce', 'kl'] as const;
export type FcLoss = (typeof FC_LOSSES)[number];

/** Fashion-MNIST split sizes (the upper bounds of trainSize / testSize). */
export const FASHION_TRAIN = TRAIN_IMAGES;
export const FASHION_TEST = TEST_IMAGES;
/** Hidden width next to the latent layer (784 → 392 → 196 → latent); the largest invertible latent. */
export const FC_HIDDEN_2 = 196;

/** SGD has no PyTorch default learning rate; this one is used when lr is not given. */
export const SGD_DEFAULT_LR = 0.01;

/** Everything that decides one trained model and its data. `lr: null` = the optimizer's PyTorch default. */
export interface FcModelConfig {
  latent: number;
  optimizer: OptimizerName;
  activation: FcActivation;
  /** Negative slope of leaky ReLU (the report: 0.5); unused by sigmoid and ReLU. */
  slope: number;
  loss: FcLoss;
  /** 0 trains nothing (evaluates the initial or loaded weights). */
  epochs: number;
  batch: number;
  lr: number | null;
  trainSize: number;
  testSize: number;
  seed: number;
}

/**
 * The keys of one trained model: the report's original setting (Adam, leaky ReLU 0.5, MSE, latent 8)
 * and the data sizes and training budget per scale.
 */
export const FC_MODEL_SCHEMA: ConfigSchema<FcModelConfig> = {
  latent: {
    type: 'int',
    min: 1,
    max: 784,
    unit: 'dimensions',
    help: 'width of the bottleneck (784 → 392 → 196 → latent)',
    default: { tiny: 8, small: 8, full: 8 },
  },
  optimizer: {
    type: 'choice',
    choices: OPTIMIZER_NAMES,
    help: 'optimizer, with PyTorch defaults',
    default: { tiny: 'adam', small: 'adam', full: 'adam' },
  },
  activation: {
    type: 'choice',
    choices: FC_ACTIVATIONS,
    help: 'activation after every layer',
    default: { tiny: 'leakyRelu', small: 'leakyRelu', full: 'leakyRelu' },
  },
  slope: {
    type: 'number',
    min: 0,
    help: 'negative slope of leaky ReLU (unused by sigmoid and ReLU)',
    default: { tiny: 0.5, small: 0.5, full: 0.5 },
  },
  loss: {
    type: 'choice',
    choices: FC_LOSSES,
    help: 'reconstruction loss: mean squared error, binary cross-entropy or KL divergence',
    default: { tiny: 'mse', small: 'mse', full: 'mse' },
  },
  epochs: epochsKey(
    { tiny: 2, small: 3, full: 1000 },
    0,
    'passes over the training images; 0 evaluates without training',
  ),
  // The report's loss plots have one point per epoch for 1,000 epochs: full-batch training.
  batch: batchKey({ tiny: 32, small: 32, full: FASHION_TRAIN }),
  lr: lrKey(
    { tiny: null, small: null, full: null },
    'learning rate',
    `the optimizer's PyTorch default; SGD has none and uses ${SGD_DEFAULT_LR}`,
  ),
  trainSize: trainSizeKey({ tiny: 256, small: 2000, full: FASHION_TRAIN }),
  testSize: testSizeKey({ tiny: 128, small: 500, full: FASHION_TEST }),
  seed: SEED_KEY,
};

/** batch ≤ trainSize. */
export function checkBatch(experiment: string, c: Pick<FcModelConfig, 'batch' | 'trainSize'>): void {
  checkAtMost(experiment, 'batch', c.batch, 'trainSize', c.trainSize, 'Lower batch or raise trainSize.');
}

/**
 * The decoder can be inverted: leaky ReLU with slope > 0 (ReLU and sigmoid have no inverse) and, when
 * given, a latent no wider than the layer above it (else its least-squares inverse is not unique).
 */
export function checkInvertible(
  experiment: string,
  c: Pick<FcModelConfig, 'activation' | 'slope'> & { latent?: number },
): void {
  if (c.activation !== 'leakyRelu')
    throw badValue(`${experiment}.activation`, c.activation, 'leakyRelu (the decoder is inverted)');
  if (!(c.slope > 0))
    throw badValue(`${experiment}.slope`, c.slope, 'a slope > 0 (the decoder is inverted through leaky ReLU)');
  if (c.latent !== undefined && c.latent > FC_HIDDEN_2)
    throw badValue(
      `${experiment}.latent`,
      c.latent,
      `at most ${FC_HIDDEN_2} (the decoder's first layer output), so that its least-squares inverse is unique`,
    );
}

/** The slope the network actually uses: ReLU is slope 0; sigmoid has none (0 in keys). */
export function effectiveSlope(activation: FcActivation, slope: number): number {
  return activation === 'leakyRelu' ? slope : 0;
}

/** The learning rate a run uses: the given one, else PyTorch's default (SGD: SGD_DEFAULT_LR). */
export function learningRate(c: Pick<FcModelConfig, 'optimizer' | 'lr'>): number | undefined {
  if (c.lr !== null) return c.lr;
  return c.optimizer === 'sgd' ? SGD_DEFAULT_LR : undefined;
}

/** Weight key of a model: `fc:latent=<L>:act=<a>:slope=<s>:opt=<o>:loss=<l>:seed=<n>`. */
export function weightKey(
  c: Pick<FcModelConfig, 'latent' | 'activation' | 'slope' | 'optimizer' | 'loss' | 'seed'>,
): string {
  return `fc:latent=${c.latent}:act=${c.activation}:slope=${effectiveSlope(c.activation, c.slope)}:opt=${c.optimizer}:loss=${c.loss}:seed=${c.seed}`;
}

/** Reads a weight key back (ConfigError when it is not one). */
export function parseWeightKey(
  key: string,
): Pick<FcModelConfig, 'latent' | 'activation' | 'slope' | 'optimizer' | 'loss' | 'seed'> {
  const m = /^fc:latent=(\d+):act=(\w+):slope=([0-9.eE+-]+):opt=(\w+):loss=(\w+):seed=(\d+)$/.exec(key);
  const example = 'fc:latent=8:act=leakyRelu:slope=0.5:opt=adam:loss=mse:seed=0';
  if (!m)
    throw new ConfigError(`weights: "${key}" is not a fully connected model's key; expected the form ${example}.`);
  const parsed = {
    latent: Number(m[1]),
    activation: m[2] as FcActivation,
    slope: Number(m[3]),
    optimizer: m[4] as OptimizerName,
    loss: m[5] as FcLoss,
    seed: Number(m[6]),
  };
  readValue('weights (act)', FC_MODEL_SCHEMA.activation, parsed.activation);
  readValue('weights (opt)', FC_MODEL_SCHEMA.optimizer, parsed.optimizer);
  readValue('weights (loss)', FC_MODEL_SCHEMA.loss, parsed.loss);
  return parsed;
}
