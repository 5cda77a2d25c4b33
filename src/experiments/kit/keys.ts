// keys.ts: the settings both reports' experiments have — data sizes, epochs, batch, learning rate,
// seed — as schema entries with each experiment's defaults. Imports ./schema.
import type { IntKey, NumberKey, PerScale } from './schema';

/** Training and test images of MNIST and of Fashion-MNIST (the upper bounds of trainSize / testSize). */
export const TRAIN_IMAGES = 60000;
export const TEST_IMAGES = 10000;

export function trainSizeKey(
  def: PerScale<number>,
  help = 'training images drawn (seeded) from the training split',
): IntKey {
  return { type: 'int', min: 1, max: TRAIN_IMAGES, unit: 'images', help, default: def };
}

export function testSizeKey(
  def: PerScale<number>,
  min = 1,
  help = 'test images drawn (seeded) from the test split',
): IntKey {
  return { type: 'int', min, max: TEST_IMAGES, unit: 'images', help, default: def };
}

export function epochsKey(def: PerScale<number>, min: number, help = 'passes over the training images'): IntKey {
  return { type: 'int', min, unit: 'epochs', help, default: def };
}

export function batchKey(def: PerScale<number>, help = 'images per optimizer step'): IntKey {
  return { type: 'int', min: 1, unit: 'images', help, default: def };
}

export function lrKey(def: PerScale<number | null>, help: string, nullMeans?: string): NumberKey {
  return {
    type: 'number',
    min: 0,
    minExclusive: true,
    logScale: true,
    help,
    default: def,
    ...(nullMeans ? { nullMeans } : {}),
  };
}

export const SEED_KEY: IntKey = {
  type: 'int',
  min: 0,
  max: 0xffffffff,
  help: 'seed of the data subsets, the initial weights and the batch order',
  default: { tiny: 0, small: 0, full: 0 },
};
