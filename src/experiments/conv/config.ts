// config.ts: the configuration of the second report's experiments — the shared training keys, their
// defaults per scale, and validation that refuses a bad value before any work starts.
// Imports util and the experiments' stopping rules (no GPU, no DOM).
import { ConfigError } from '../../util/errors';
import { validateStop, type StopConditions } from '../stopping';
import type { Scale } from '../types';

/**
 * Where trained autoencoder weights come from: 'auto' reuses a matching entry of ctx.weights and
 * trains otherwise; 'train' always trains here; 'require' insists on ctx.weights (ConfigError at the
 * start of the run when an entry is missing).
 */
export type WeightsMode = 'auto' | 'train' | 'require';
export const WEIGHTS_MODES: readonly WeightsMode[] = ['auto', 'train', 'require'];

/** Optional stopping conditions besides the epoch count (see stopping.ts). */
export type StopOptions = Omit<StopConditions, 'maxEpochs'>;
export const STOP_KEYS = ['maxSteps', 'gradNorm', 'paramChange', 'targetLoss', 'timeLimitSeconds'] as const;

/** How every autoencoder of these experiments is trained (MSE, AdamW, MNIST with 'global' preprocessing). */
export interface ConvTrainConfig {
  capacity: number;
  epochs: number;
  batch: number;
  lr: number;
  trainSize: number;
  testSize: number;
  seed: number;
  weights: WeightsMode;
}

export const MNIST_TRAIN = 60000;
export const MNIST_TEST = 10000;
export const REPORT_LATENTS = [3, 5, 8, 10, 15, 20, 30];
export const REPORT_CAPACITIES = [128, 64, 32, 16, 8, 4];

/**
 * The training scale. 'full' is the report's (c = 128, 20 epochs, all of MNIST); 'small' keeps an
 * experiment to a few minutes on a CPU adapter; 'tiny' to seconds.
 */
export function trainDefaults(scale: Scale): ConvTrainConfig {
  switch (scale) {
    case 'tiny':
      return { capacity: 4, epochs: 1, batch: 32, lr: 0.003, trainSize: 256, testSize: 64, seed: 0, weights: 'auto' };
    // A CPU adapter manages ~10 steps/s at c = 4; at lr 0.003 a few hundred steps leave every latent
    // size on the mean-image plateau, so 'small' uses lr 0.005 (and says so in its notes).
    case 'small':
      return { capacity: 4, epochs: 6, batch: 16, lr: 0.005, trainSize: 1000, testSize: 500, seed: 0, weights: 'auto' };
    case 'full':
      return {
        capacity: 128,
        epochs: 20,
        batch: 64,
        lr: 0.003,
        trainSize: MNIST_TRAIN,
        testSize: MNIST_TEST,
        seed: 0,
        weights: 'auto',
      };
  }
}

/** The latent sizes swept at each scale: the report's seven at 'full', four of them at 'small'. */
export function defaultLatents(scale: Scale): number[] {
  return scale === 'full' ? [...REPORT_LATENTS] : scale === 'small' ? [3, 8, 15, 30] : [3, 15];
}

/** "4 epochs, 1000 training / 500 test images, c = 4" (plus the learning rate when it is not the report's). */
export function describeScale(
  cfg: Pick<ConvTrainConfig, 'epochs' | 'trainSize' | 'testSize' | 'lr'> & { capacity?: number },
): string {
  const c = cfg.capacity === undefined ? '' : `, c = ${cfg.capacity}`;
  const lr = cfg.lr === 0.003 ? '' : `, lr ${cfg.lr} (report: 0.003)`;
  return `${cfg.epochs} epoch${cfg.epochs === 1 ? '' : 's'}, ${cfg.trainSize} training / ${cfg.testSize} test images${c}${lr}`;
}

/** How one config key is checked. */
export type Field =
  | { kind: 'int'; min: number; max?: number; hint: string }
  | { kind: 'positive'; hint: string }
  | { kind: 'ints'; min: number; max?: number; hint: string }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'index' }
  | { kind: 'stop' };

/** The fields of ConvTrainConfig; experiments add their own. */
export const TRAIN_FIELDS: Record<keyof ConvTrainConfig, Field> = {
  capacity: { kind: 'int', min: 1, hint: 'Use a channel count of at least 1 (the report uses 4 to 128).' },
  epochs: { kind: 'int', min: 1, hint: 'Train for at least one epoch.' },
  batch: { kind: 'int', min: 1, hint: 'Use a batch size of at least 1.' },
  lr: { kind: 'positive', hint: 'The report uses 0.003.' },
  trainSize: { kind: 'int', min: 1, max: MNIST_TRAIN, hint: `MNIST has ${MNIST_TRAIN} training images.` },
  testSize: { kind: 'int', min: 1, max: MNIST_TEST, hint: `MNIST has ${MNIST_TEST} test images.` },
  seed: { kind: 'int', min: 0, max: 0xffffffff, hint: 'Use a whole number from 0 to 4294967295.' },
  weights: { kind: 'enum', values: WEIGHTS_MODES },
};

const show = (v: unknown): string =>
  typeof v === 'string'
    ? `"${v}"`
    : Array.isArray(v)
      ? `[${v.map(show).join(', ')}]`
      : v !== null && typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

function checkInt(where: string, v: unknown, min: number, max: number | undefined, hint: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || (max !== undefined && v > max)) {
    const range = max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new ConfigError(`${where}: bad value; expected ${range}, got ${show(v)}. ${hint}`);
  }
  return v;
}

function checkStop(where: string, v: unknown): StopOptions {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new ConfigError(
      `${where}: bad value; expected an object with some of ${STOP_KEYS.join(', ')}, got ${show(v)}. Pass {} for none.`,
    );
  }
  const stop = v as Record<string, unknown>;
  for (const k of Object.keys(stop)) {
    if (!(STOP_KEYS as readonly string[]).includes(k)) {
      throw new ConfigError(
        `${where}: unknown stopping condition "${k}"; expected one of ${STOP_KEYS.join(', ')}, got "${k}". Set the epoch count with "epochs".`,
      );
    }
  }
  try {
    validateStop({ maxEpochs: 1, ...(stop as StopOptions) });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${where}: ${e.message}`);
    throw e;
  }
  return { ...(stop as StopOptions) };
}

function checkField(where: string, field: Field, v: unknown): unknown {
  switch (field.kind) {
    case 'int':
      return checkInt(where, v, field.min, field.max, field.hint);
    case 'positive':
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
        throw new ConfigError(`${where}: bad value; expected a finite number > 0, got ${show(v)}. ${field.hint}`);
      return v;
    case 'ints': {
      if (!Array.isArray(v) || v.length === 0)
        throw new ConfigError(
          `${where}: bad value; expected a non-empty list of integers, got ${show(v)}. ${field.hint}`,
        );
      v.forEach((x, i) => checkInt(`${where}[${i}]`, x, field.min, field.max, field.hint));
      const dup = v.find((x, i) => v.indexOf(x) !== i);
      if (dup !== undefined)
        throw new ConfigError(
          `${where}: ${dup} appears twice; expected distinct values, got ${show(v)}. List each value once.`,
        );
      return [...(v as number[])];
    }
    case 'enum':
      if (typeof v !== 'string' || !field.values.includes(v))
        throw new ConfigError(
          `${where}: bad value; expected one of ${field.values.map((s) => `"${s}"`).join(', ')}, got ${show(v)}.`,
        );
      return v;
    case 'index':
      if (v === null) return null;
      return checkInt(where, v, 0, undefined, 'Pass an index into the test subset, or null to choose by seed.');
    case 'stop':
      return checkStop(where, v);
  }
}

/**
 * Merges `user` over `defaults` and checks every key against `fields`: an unknown key lists the
 * accepted ones. Cross-key rules (batch ≤ trainSize, ...) are the caller's.
 */
export function validateFields<C extends object>(
  experiment: string,
  defaults: C,
  fields: Record<keyof C, Field>,
  user: Record<string, unknown>,
): C {
  if (user === null || typeof user !== 'object' || Array.isArray(user)) {
    throw new ConfigError(
      `${experiment}: bad config; expected an object of settings, got ${show(user)}. Pass {} for the defaults.`,
    );
  }
  const accepted = Object.keys(fields);
  for (const k of Object.keys(user)) {
    if (!accepted.includes(k))
      throw new ConfigError(
        `${experiment}: unknown config key "${k}"; expected one of ${accepted.join(', ')}, got "${k}". Check the spelling.`,
      );
  }
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(user)) if (v !== undefined) merged[k] = v;
  for (const k of accepted) merged[k] = checkField(`${experiment}.${k}`, fields[k as keyof C], merged[k]);
  return merged as C;
}

/** batch ≤ the number of samples it is drawn from. */
export function checkBatch(experiment: string, batchKey: string, batch: number, sizeKey: string, size: number): void {
  if (batch > size) {
    throw new ConfigError(
      `${experiment}.${batchKey}: batch larger than the training set; expected at most ${sizeKey} = ${size}, got ${batch}. Lower ${batchKey} or raise ${sizeKey}.`,
    );
  }
}
