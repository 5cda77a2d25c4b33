// config.ts: the settings of the second report's experiments — the schema of the training keys they
// share (types, ranges, defaults per scale, help), the sweeps' default lists, and the sentence that
// states a run's scale. Imports the experiment kit and util (no GPU, no DOM).
import {
  batchKey,
  type ChoiceKey,
  checkAtMost,
  type ConfigSchema,
  epochsKey,
  everyScale,
  type IntKey,
  lrKey,
  type NumberKey,
  SEED_KEY,
  type StopKey,
  type StopOptions,
  TEST_IMAGES,
  TRAIN_IMAGES,
  testSizeKey,
  trainSizeKey,
} from '../kit/index';
import type { Scale } from '../types';

export type { StopOptions };

/**
 * Where trained autoencoder weights come from: 'auto' reuses a matching entry of ctx.weights and
 * trains otherwise; 'train' always trains here; 'require' insists on ctx.weights (ConfigError at the
 * start of the run when an entry is missing).
 */
export type WeightsMode = 'auto' | 'train' | 'require';
export const WEIGHTS_MODES: readonly WeightsMode[] = ['auto', 'train', 'require'];

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

export const MNIST_TRAIN = TRAIN_IMAGES;
export const MNIST_TEST = TEST_IMAGES;
export const REPORT_LATENTS = [3, 5, 8, 10, 15, 20, 30];
export const REPORT_CAPACITIES = [128, 64, 32, 16, 8, 4];

/** The schema of ConvTrainConfig, each key with its own kind (so an experiment can adjust one). */
export interface ConvTrainSchema extends ConfigSchema<ConvTrainConfig> {
  capacity: IntKey;
  epochs: IntKey;
  batch: IntKey;
  lr: NumberKey;
  trainSize: IntKey;
  testSize: IntKey;
  seed: IntKey;
  weights: ChoiceKey;
}

/**
 * The training keys. 'full' is the report's (c = 128, 20 epochs, all of MNIST); 'small' keeps an
 * experiment to a few minutes on a CPU adapter; 'tiny' to seconds. A CPU adapter manages ~10 steps/s
 * at c = 4; at lr 0.003 a few hundred steps leave every latent size on the mean-image plateau, so
 * 'small' uses lr 0.005 (and says so in its notes). `weights`: the default way to get each model.
 */
export function convTrainSchema(weights: WeightsMode): ConvTrainSchema {
  return {
    capacity: {
      type: 'int',
      min: 1,
      unit: 'channels',
      help: 'channels of the first conv layer (the report uses 4 to 128)',
      default: { tiny: 4, small: 4, full: 128 },
    },
    epochs: epochsKey({ tiny: 1, small: 6, full: 20 }, 1),
    batch: batchKey({ tiny: 32, small: 16, full: 64 }),
    lr: lrKey({ tiny: 0.003, small: 0.005, full: 0.003 }, 'AdamW learning rate (the report: 0.003)'),
    trainSize: trainSizeKey({ tiny: 256, small: 1000, full: MNIST_TRAIN }),
    testSize: testSizeKey({ tiny: 64, small: 500, full: MNIST_TEST }),
    seed: SEED_KEY,
    weights: {
      type: 'choice',
      choices: WEIGHTS_MODES,
      help: 'auto: reuse trained weights handed in, else train; train: always train; require: only reuse',
      default: everyScale(weights),
    },
  };
}

/** No stopping condition besides the epoch count by default. */
export const STOP_SCHEMA: StopKey = {
  type: 'stop',
  help: 'extra stopping conditions besides the epoch count',
  default: { tiny: {}, small: {}, full: {} },
};

/** The latent sizes swept at each scale: the report's seven at 'full', four of them at 'small'. */
export function defaultLatents(scale: Scale): number[] {
  return scale === 'full' ? [...REPORT_LATENTS] : scale === 'small' ? [3, 8, 15, 30] : [3, 15];
}

/** The latent sizes of a sweep as a schema key (each at least `min`). */
export function latentsKey(min: number, help: string): ConfigSchema<{ latents: number[] }>['latents'] {
  return {
    type: 'int-list',
    min,
    unit: 'dimensions',
    help,
    default: { tiny: defaultLatents('tiny'), small: defaultLatents('small'), full: defaultLatents('full') },
  };
}

/** "4 epochs, 1000 training / 500 test images, c = 4" (plus the learning rate when it is not the report's). */
export function describeScale(
  cfg: Pick<ConvTrainConfig, 'epochs' | 'trainSize' | 'testSize' | 'lr'> & { capacity?: number },
): string {
  const c = cfg.capacity === undefined ? '' : `, c = ${cfg.capacity}`;
  const lr = cfg.lr === 0.003 ? '' : `, lr ${cfg.lr} (report: 0.003)`;
  return `${cfg.epochs} epoch${cfg.epochs === 1 ? '' : 's'}, ${cfg.trainSize} training / ${cfg.testSize} test images${c}${lr}`;
}

/** batch ≤ the number of samples it is drawn from. */
export function checkBatch(experiment: string, batchKey: string, batch: number, sizeKey: string, size: number): void {
  checkAtMost(experiment, batchKey, batch, sizeKey, size, `Lower ${batchKey} or raise ${sizeKey}.`);
}
