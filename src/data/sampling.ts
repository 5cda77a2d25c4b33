// sampling.ts: seeded shuffling, random subsets and minibatch index streams.
// Randomness comes from Rng in src/util/rng.ts (mulberry32, 32-bit state); every function here is
// a pure function of its arguments and seed, so runs are reproducible.

import { ConfigError } from '../util/errors';
import { Rng } from '../util/rng';
import type { ImageSet, Split } from './types';

/** Anything indexable and writable: arrays and typed arrays. */
export interface MutableIndexable<T> {
  readonly length: number;
  [index: number]: T;
}

/** The murmur3 32-bit finaliser: a bijective avalanche mix of a uint32. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Combines a seed with stream numbers (epoch, worker, ...) into one 32-bit seed, so that nearby
 * inputs give unrelated generators. Integer parts of the inputs are used (up to 2^53 in size).
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = 0x243f6a88;
  for (const value of [seed, ...streams]) {
    if (!Number.isFinite(value))
      throw new ConfigError(
        `deriveSeed: seed parts must be finite numbers; expected a finite number, got ${value}. Pass an integer seed.`,
      );
    const t = Math.trunc(value);
    const lo = (t % 4294967296) >>> 0;
    const hi = Math.floor(t / 4294967296) >>> 0;
    h = fmix32((h ^ lo) >>> 0);
    h = fmix32((h + 0x9e3779b9) ^ hi);
  }
  return h;
}

/** Fisher–Yates shuffle in place, driven by `rng`. Returns `a`. */
export function shuffleInPlace<A extends MutableIndexable<unknown>>(a: A, rng: Rng): A {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A seeded random permutation of 0..n-1. */
export function permutation(n: number, seed: number): Uint32Array {
  checkCount('permutation', n);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, new Rng(seed));
}

function checkCount(where: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new ConfigError(`${where}: bad count; expected an integer 0..4294967295, got ${n}. Pass a whole number.`);
  }
}

/**
 * `n` distinct indices drawn uniformly at random from 0..count-1 (a partial Fisher–Yates shuffle
 * seeded with `seed`), in the random order they were drawn.
 */
export function sampleIndices(count: number, n: number, seed: number): Uint32Array {
  checkCount('sampleIndices', count);
  if (!Number.isInteger(n) || n < 0 || n > count) {
    throw new ConfigError(
      `sampleIndices: bad sample size; expected an integer 0..${count}, got ${n}. Ask for at most as many items as the split holds.`,
    );
  }
  const rng = new Rng(seed);
  const pool = new Uint32Array(count);
  for (let i = 0; i < count; i++) pool[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(count - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, n);
}

/** Copies the images (and labels, if any) at `indices` into a new set, in that order. */
export function takeIndices(set: Split, indices: ArrayLike<number>): Split;
export function takeIndices(set: ImageSet, indices: ArrayLike<number>): ImageSet;
export function takeIndices(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const pixels = set.rows * set.cols;
  const n = indices.length;
  const images = new Uint8Array(n * pixels);
  const sourceLabels = set.labels;
  const labels = sourceLabels ? new Uint8Array(n) : null;
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new ConfigError(
        `takeIndices: index ${k} is out of range; expected an integer 0..${set.count - 1}, got ${i}. Use indices from this split.`,
      );
    }
    images.set(set.images.subarray(i * pixels, (i + 1) * pixels), k * pixels);
    if (labels && sourceLabels) labels[k] = sourceLabels[i]!;
  }
  return { images, labels, count: n, rows: set.rows, cols: set.cols };
}

/**
 * A seeded random subset of `n` images drawn from the whole split (all classes, never a prefix),
 * without repeats, in random order. Same split, n and seed give the same subset.
 */
export function sampleSubset(split: Split, n: number, seed: number): Split;
export function sampleSubset(split: ImageSet, n: number, seed: number): ImageSet;
export function sampleSubset(split: ImageSet, n: number, seed: number): ImageSet {
  return takeIndices(split, sampleIndices(split.count, n, seed));
}

export interface BatchOptions {
  /** Leave out the last batch when it is smaller than batchSize; default false (it is kept). */
  dropLast?: boolean;
}

/** Number of batches `batches` yields per epoch. */
export function batchCount(count: number, batchSize: number, options: BatchOptions = {}): number {
  return options.dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Minibatches of indices into 0..count-1 for one epoch. The order is a random permutation seeded
 * by deriveSeed(seed, epoch): the same (seed, epoch) always gives the same batches, and each epoch
 * gets a fresh order. Every index appears exactly once per epoch unless `dropLast` leaves out the
 * short final batch. The yielded arrays are views into one per-epoch buffer; copy one to keep it
 * past the epoch's lifetime or to modify it.
 */
export function* batches(
  count: number,
  batchSize: number,
  seed: number,
  epoch: number,
  options: BatchOptions = {},
): Generator<Uint32Array, void, undefined> {
  checkCount('batches', count);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ConfigError(
      `batches: bad batch size; expected a positive integer, got ${batchSize}. Use a batch size of at least 1.`,
    );
  }
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new ConfigError(`batches: bad epoch; expected a non-negative integer, got ${epoch}. Count epochs from 0.`);
  }
  const order = permutation(count, deriveSeed(seed, epoch));
  const end = options.dropLast ? count - (count % batchSize) : count;
  for (let start = 0; start < end; start += batchSize) {
    yield order.subarray(start, Math.min(start + batchSize, end));
  }
}
