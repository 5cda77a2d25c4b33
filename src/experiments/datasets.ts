// datasets.ts: the prepared inputs of an experiment — a seeded subset of a dataset, preprocessed the
// reports' way (standardize, then min-max to [0, 1]; statistics from the training subset).
// Imports data and util.
import { loadDataset } from '../data/datasets';
import { fitPreprocessor, toFloat, type PreprocessMode } from '../data/preprocess';
import { permutation, sampleSubset, takeIndices } from '../data/sampling';
import type { Dataset, DatasetName, ImageSet, Split } from '../data/types';
import { ConfigError } from '../util/errors';

export interface PreparedSplit {
  /** count × 784 floats in [0, 1]. */
  x: Float32Array;
  labels: Uint8Array;
  count: number;
  width: number;
}

export interface Prepared {
  /** The bundled dataset, or 'upload' for images the learner supplied (prepareUserData). */
  dataset: DatasetName | 'upload';
  train: PreparedSplit;
  test: PreparedSplit;
  mode: PreprocessMode;
}

const cache = new Map<string, Promise<Dataset>>();

/** Loads a dataset once per page (by name and base URL). */
export function dataset(name: DatasetName, baseUrl?: string): Promise<Dataset> {
  const key = `${name}@${baseUrl ?? ''}`;
  let d = cache.get(key);
  if (!d) {
    d = loadDataset(name, baseUrl ? { baseUrl } : {});
    cache.set(key, d);
    d.catch(() => cache.delete(key));
  }
  return d;
}

function subset(split: Split, n: number, seed: number, what: string): Split {
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${what}: expected a positive integer; got ${n}.`);
  if (n > split.count)
    throw new ConfigError(
      `${what}: ${n} is more than the ${split.count} images available; use at most ${split.count}.`,
    );
  return n === split.count ? split : sampleSubset(split, n, seed);
}

/** A seeded subset (random across all classes) of each split, preprocessed with training statistics. */
export async function prepare(
  name: DatasetName,
  options: { trainSize: number; testSize: number; seed: number; mode?: PreprocessMode; baseUrl?: string },
): Promise<Prepared> {
  const d = await dataset(name, options.baseUrl);
  const mode = options.mode ?? 'global';
  const train = subset(d.train, options.trainSize, options.seed, 'train-size');
  const test = subset(d.test, options.testSize, options.seed + 1, 'test-size');
  const pre = fitPreprocessor(train, mode);
  const width = train.rows * train.cols;
  return {
    dataset: name,
    mode,
    train: { x: toFloat(train, pre), labels: train.labels, count: train.count, width },
    test: { x: toFloat(test, pre), labels: test.labels, count: test.count, width },
  };
}

/** The side of the images every model of the reports takes. */
export const USER_IMAGE_SIDE = 28;

/**
 * Images the learner supplied, split by `seed` into `trainSize` training and `testSize` test images
 * (disjoint; a seeded permutation of the whole set) and preprocessed like `prepare` does. An
 * unlabelled set gets class 0 for every image; `requireLabels` refuses one instead. Throws
 * ConfigError when the set is too small for the sizes asked for, or its images are not 28×28.
 */
export function prepareUserData(
  set: ImageSet,
  name: string,
  options: { trainSize: number; testSize: number; seed: number; mode?: PreprocessMode; requireLabels?: string },
): Prepared {
  const { trainSize, testSize, seed } = options;
  if (set.rows !== USER_IMAGE_SIDE || set.cols !== USER_IMAGE_SIDE)
    throw new ConfigError(
      `${name}: images of ${set.rows}x${set.cols} pixels; expected ${USER_IMAGE_SIDE}x${USER_IMAGE_SIDE}, the input size of every model here.`,
    );
  if (set.labels === null && options.requireLabels)
    throw new ConfigError(
      `${name}: no labels; ${options.requireLabels} Add the IDX labels file that belongs to these images.`,
    );
  if (trainSize + testSize > set.count) {
    const test = Math.max(1, Math.floor(set.count / 5));
    throw new ConfigError(
      `train-size + test-size: ${trainSize} + ${testSize} is more than the ${set.count} images of ${name}; ` +
        `expected at most ${set.count} in all, e.g. train-size ${set.count - test} and test-size ${test}.`,
    );
  }
  const labelled: ImageSet = set.labels ? set : { ...set, labels: new Uint8Array(set.count) };
  const order = permutation(set.count, seed);
  const train = takeIndices(labelled, order.subarray(0, trainSize)) as Split;
  const test = takeIndices(labelled, order.subarray(trainSize, trainSize + testSize)) as Split;
  const mode = options.mode ?? 'global';
  const pre = fitPreprocessor(train, mode);
  const width = set.rows * set.cols;
  return {
    dataset: 'upload',
    mode,
    train: { x: toFloat(train, pre), labels: train.labels, count: train.count, width },
    test: { x: toFloat(test, pre), labels: test.labels, count: test.count, width },
  };
}
