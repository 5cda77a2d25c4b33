// config.ts: the settings of the first report's experiments — the keys each experiment accepts, their
// defaults per scale, validation (ConfigError before any work), and the key a trained model's weights
// are stored under. Imports optim (names), util.
//
// Scales. 'tiny': seconds on SwiftShader (tests). 'small': about half a minute per trained model on
// SwiftShader (186 steps of batch 32). 'full': the report — all 60,000 / 10,000 images and 1,000 epochs. The report does not
// give a batch size; its loss plots have 1,000 "iterations" for 1,000 epochs and its SGD loss barely
// moved (0.19 → 0.205 axis), which points to full-batch training (one step per epoch), so 'full'
// uses batch = 60,000. That needs an adapter whose maxStorageBufferBindingSize holds a
// [60000, 784] float32 activation (188 MB).
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optim/optimizer';
import { ConfigError } from '../../util/errors';
import type { Scale } from '../types';

export const FC_ACTIVATIONS = ['leakyRelu', 'sigmoid', 'relu'] as const;
export type FcActivation = (typeof FC_ACTIVATIONS)[number];

export const FC_LOSSES = ['mse', 'bce', 'kl'] as const;
export type FcLoss = (typeof FC_LOSSES)[number];

/** Fashion-MNIST split sizes (the upper bounds of trainSize / testSize). */
export const FASHION_TRAIN = 60000;
export const FASHION_TEST = 10000;
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

/** Data sizes and training budget per scale. */
export function scaleBudget(scale: Scale): Pick<FcModelConfig, 'epochs' | 'batch' | 'trainSize' | 'testSize'> {
  switch (scale) {
    case 'tiny':
      return { epochs: 2, batch: 32, trainSize: 256, testSize: 128 };
    case 'small':
      return { epochs: 3, batch: 32, trainSize: 2000, testSize: 500 };
    case 'full':
      return { epochs: 1000, batch: FASHION_TRAIN, trainSize: FASHION_TRAIN, testSize: FASHION_TEST };
  }
}

/** The report's original setting (Adam, leaky ReLU 0.5, MSE, latent 8) at a scale. */
export function baseModelConfig(scale: Scale): FcModelConfig {
  return {
    latent: 8,
    optimizer: 'adam',
    activation: 'leakyRelu',
    slope: 0.5,
    loss: 'mse',
    lr: null,
    seed: 0,
    ...scaleBudget(scale),
  };
}

export const MODEL_KEYS = [
  'latent',
  'optimizer',
  'activation',
  'slope',
  'loss',
  'epochs',
  'batch',
  'lr',
  'trainSize',
  'testSize',
  'seed',
] as const;

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
  checkChoice('weights (act)', parsed.activation, FC_ACTIVATIONS);
  checkChoice('weights (opt)', parsed.optimizer, OPTIMIZER_NAMES);
  checkChoice('weights (loss)', parsed.loss, FC_LOSSES);
  return parsed;
}

// --- validation -----------------------------------------------------------------------------------

export function checkChoice<T extends string>(key: string, v: unknown, accepted: readonly T[]): T {
  if (typeof v !== 'string' || !(accepted as readonly string[]).includes(v)) {
    throw new ConfigError(`${key}: unknown value ${JSON.stringify(v)}; expected one of: ${accepted.join(', ')}.`);
  }
  return v as T;
}

/** A number (numeric strings from a command line are accepted). */
function toNumber(key: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || Number.isNaN(n))
    throw new ConfigError(`${key}: expected a number; got ${JSON.stringify(v)}.`);
  return n;
}

export function checkInt(key: string, v: unknown, min: number, max = Infinity, hint = ''): number {
  const n = toNumber(key, v);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Infinity ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new ConfigError(
      `${key}: out of range; expected ${range}, got ${JSON.stringify(v)}.${hint ? ` ${hint}` : ''}`,
    );
  }
  return n;
}

/** Refuses keys the experiment does not take, listing the accepted ones. */
export function checkKeys(experiment: string, config: Record<string, unknown>, accepted: readonly string[]): void {
  if (config === null || typeof config !== 'object')
    throw new ConfigError(`${experiment}: the configuration must be an object; got ${String(config)}.`);
  for (const key of Object.keys(config)) {
    if (!accepted.includes(key))
      throw new ConfigError(`${experiment}: unknown key "${key}"; expected one of: ${accepted.join(', ')}.`);
  }
}

/** Checks the model keys of a merged config and returns them typed. */
export function checkModelConfig(c: Record<string, unknown>): FcModelConfig {
  const lrRaw = c.lr;
  let lr: number | null = null;
  if (lrRaw !== null && lrRaw !== undefined && lrRaw !== 'default') {
    lr = toNumber('lr', lrRaw);
    if (!Number.isFinite(lr) || lr <= 0)
      throw new ConfigError(
        `lr: out of range; expected a finite number > 0 (or null for the optimizer's default), got ${JSON.stringify(lrRaw)}.`,
      );
  }
  const slope = toNumber('slope', c.slope);
  if (!Number.isFinite(slope) || slope < 0)
    throw new ConfigError(`slope: out of range; expected a finite number ≥ 0, got ${JSON.stringify(c.slope)}.`);
  const out: FcModelConfig = {
    latent: checkInt('latent', c.latent, 1, 784, 'The latent size is the width of the bottleneck, e.g. 8.'),
    optimizer: checkChoice('optimizer', c.optimizer, OPTIMIZER_NAMES),
    activation: checkChoice('activation', c.activation, FC_ACTIVATIONS),
    slope,
    loss: checkChoice('loss', c.loss, FC_LOSSES),
    epochs: checkInt('epochs', c.epochs, 0, Infinity, '0 evaluates without training.'),
    batch: checkInt('batch', c.batch, 1),
    lr,
    trainSize: checkInt('trainSize', c.trainSize, 1, FASHION_TRAIN),
    testSize: checkInt('testSize', c.testSize, 1, FASHION_TEST),
    seed: checkInt('seed', c.seed, 0),
  };
  if (out.batch > out.trainSize) {
    throw new ConfigError(
      `batch: ${out.batch} is larger than the training set; expected at most trainSize = ${out.trainSize}, got ${out.batch}. Lower batch or raise trainSize.`,
    );
  }
  return out;
}

/** A list of latent sizes: an array or a comma-separated string, each in [1, max], no repeats. */
export function checkLatents(v: unknown, max: number): number[] {
  const items = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  if (!Array.isArray(items) || items.length === 0)
    throw new ConfigError(
      `latents: expected a non-empty list of latent sizes such as [2, 4, 8]; got ${JSON.stringify(v)}.`,
    );
  const out = items.map((x, i) =>
    checkInt(
      `latents[${i}]`,
      x,
      1,
      max,
      `The decoder is inverted through its ${FC_HIDDEN_2}-wide layer, so the latent may not exceed ${max}.`,
    ),
  );
  if (new Set(out).size !== out.length)
    throw new ConfigError(`latents: repeated sizes; expected distinct values, got ${JSON.stringify(v)}.`);
  return out;
}
