// datasets.ts: the prepared inputs of an experiment — a seeded subset of a dataset, preprocessed the
// reports' way (standardize, then min-max to [0, 1]; statistics from the training subset).
// Imports data and util.
import { loadDataset } from '../data/datasets';
import { fitPreprocessor, toFloat, type PreprocessMode } from '../data/preprocess';
import { sampleSubset } from '../data/sampling';
import type { Dataset, DatasetName, Split } from '../data/types';
import { ConfigError } from '../util/errors';

export interface PreparedSplit {
  /** count × 784 floats in [0, 1]. */
  x: Float32Array;
  labels: Uint8Array;
  count: number;
  width: number;
}

export interface Prepared {
  dataset: DatasetName;
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
