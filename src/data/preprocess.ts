// preprocess.ts: uint8 images to float32 inputs in [0, 1], the way the course reports did it:
// standardize (subtract mean, divide by standard deviation), then min-max scale to [0, 1].
// Statistics are fitted on the training split only and then applied unchanged to any split.
//
// Modes:
//   'global'    one mean and one standard deviation over every pixel of every training image.
//               Standardizing and min-max scaling are then two increasing affine maps, so the
//               result equals (x - min) / (max - min) of the raw training pixels; for data whose
//               training pixels span 0..255 that is x / 255, up to float rounding. It is still
//               computed through the statistics, not taken as a shortcut.
//   'per-pixel' a mean and standard deviation per pixel position over the training images;
//               positions whose training standard deviation is 0 map to z = 0 (for any input,
//               test images included). The min and max are then taken over all standardized
//               training pixels together (one global pair), and every pixel is scaled by it.
//
// Statistics: population mean and standard deviation (divide by N), accumulated in float64;
// the per-value transform is evaluated in float64 and only the final result is stored as float32.
// Values of other splits falling outside the training range are clamped to [0, 1].

import { ConfigError, ShapeError } from '../util/errors';
import type { ImageSet } from './types';

export type PreprocessMode = 'global' | 'per-pixel';

export const PREPROCESS_MODES: readonly PreprocessMode[] = ['global', 'per-pixel'];

/** Fitted statistics; plain data, so it can be stored alongside a trained model. */
export interface Preprocessor {
  readonly mode: PreprocessMode;
  readonly rows: number;
  readonly cols: number;
  /** Training mean: length 1 for 'global', rows * cols for 'per-pixel'. */
  readonly mean: Float64Array;
  /** Training population standard deviation, same length as `mean`. */
  readonly std: Float64Array;
  /** Smallest standardized training pixel (maps to 0). */
  readonly zMin: number;
  /** Largest standardized training pixel (maps to 1). */
  readonly zMax: number;
}

function checkFittable(set: ImageSet, mode: string): void {
  if (!PREPROCESS_MODES.includes(mode as PreprocessMode)) {
    throw new ConfigError(
      `preprocess: unknown mode; expected one of ${PREPROCESS_MODES.join(', ')}, got ${JSON.stringify(mode)}. Use 'global' or 'per-pixel'.`,
    );
  }
  if (set.count < 1) {
    throw new ConfigError(
      'preprocess: cannot fit statistics; expected at least 1 training image, got 0. Fit on a non-empty training split.',
    );
  }
  const expected = set.count * set.rows * set.cols;
  if (set.images.length !== expected) {
    throw new ShapeError(
      `preprocess: image buffer length does not match count x rows x cols; expected ${expected}, got ${set.images.length}. Pass a split built by loadDataset or datasetFromIdx.`,
    );
  }
}

function fitGlobal(set: ImageSet): Preprocessor {
  const histogram = new Float64Array(256);
  const images = set.images;
  for (let i = 0; i < images.length; i++) histogram[images[i]!]!++;
  const n = images.length;
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += histogram[v]! * v;
  const mean = sum / n;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += histogram[v]! * (v - mean) * (v - mean);
  const std = Math.sqrt(squares / n);
  let zMin = Infinity;
  let zMax = -Infinity;
  for (let v = 0; v < 256; v++) {
    if (histogram[v] === 0) continue;
    const z = std > 0 ? (v - mean) / std : 0;
    if (z < zMin) zMin = z;
    if (z > zMax) zMax = z;
  }
  return {
    mode: 'global',
    rows: set.rows,
    cols: set.cols,
    mean: Float64Array.of(mean),
    std: Float64Array.of(std),
    zMin,
    zMax,
  };
}

function fitPerPixel(set: ImageSet): Preprocessor {
  const pixels = set.rows * set.cols;
  const { images, count } = set;
  const sums = new Float64Array(pixels);
  const lo = new Uint8Array(pixels).fill(255);
  const hi = new Uint8Array(pixels);
  for (let k = 0, o = 0; k < count; k++, o += pixels) {
    for (let p = 0; p < pixels; p++) {
      const x = images[o + p]!;
      sums[p]! += x;
      if (x < lo[p]!) lo[p] = x;
      if (x > hi[p]!) hi[p] = x;
    }
  }
  const mean = new Float64Array(pixels);
  for (let p = 0; p < pixels; p++) mean[p] = sums[p]! / count;
  const squares = new Float64Array(pixels);
  for (let k = 0, o = 0; k < count; k++, o += pixels) {
    for (let p = 0; p < pixels; p++) {
      const d = images[o + p]! - mean[p]!;
      squares[p]! += d * d;
    }
  }
  const std = new Float64Array(pixels);
  let zMin = Infinity;
  let zMax = -Infinity;
  for (let p = 0; p < pixels; p++) {
    const s = Math.sqrt(squares[p]! / count);
    std[p] = s;
    // The extremes of z at one position come from that position's extreme raw values.
    const a = s > 0 ? (lo[p]! - mean[p]!) / s : 0;
    const b = s > 0 ? (hi[p]! - mean[p]!) / s : 0;
    if (a < zMin) zMin = a;
    if (b > zMax) zMax = b;
  }
  return { mode: 'per-pixel', rows: set.rows, cols: set.cols, mean, std, zMin, zMax };
}

/** Fits the statistics of `mode` on a training split. */
export function fitPreprocessor(train: ImageSet, mode: PreprocessMode): Preprocessor {
  checkFittable(train, mode);
  return mode === 'global' ? fitGlobal(train) : fitPerPixel(train);
}

/**
 * The scaled value of raw pixel value x at a position with statistics (mean, std), in float64:
 * z = (x - mean) / std (0 when std is 0), then (z - zMin) / (zMax - zMin) clamped to [0, 1]
 * (0 when zMax equals zMin).
 */
export function scaleValue(x: number, mean: number, std: number, zMin: number, zMax: number): number {
  const z = std > 0 ? (x - mean) / std : 0;
  const range = zMax - zMin;
  if (!(range > 0)) return 0;
  const y = (z - zMin) / range;
  return y < 0 ? 0 : Math.min(y, 1);
}

/**
 * Converts a split to float32 in [0, 1], count x rows x cols, image after image.
 * Given a mode, the statistics are fitted on `set` itself (pass the training split); given a
 * Preprocessor (from fitPreprocessor on the training split), its statistics are applied.
 */
export function toFloat(set: ImageSet, modeOrPreprocessor: PreprocessMode | Preprocessor): Float32Array {
  const pre = typeof modeOrPreprocessor === 'string' ? fitPreprocessor(set, modeOrPreprocessor) : modeOrPreprocessor;
  if (set.rows !== pre.rows || set.cols !== pre.cols) {
    throw new ShapeError(
      `toFloat: image size differs from the fitted statistics; expected ${pre.rows}x${pre.cols}, got ${set.rows}x${set.cols}. Fit the preprocessor on a split of the same dataset.`,
    );
  }
  const pixels = set.rows * set.cols;
  if (set.images.length !== set.count * pixels) {
    throw new ShapeError(
      `toFloat: image buffer length does not match count x rows x cols; expected ${set.count * pixels}, got ${set.images.length}. Pass a split built by loadDataset or datasetFromIdx.`,
    );
  }
  // Every input is a byte, so tabulate the transform: 256 entries per distinct set of statistics.
  const positions = pre.mode === 'global' ? 1 : pixels;
  const table = new Float32Array(positions * 256);
  for (let p = 0; p < positions; p++) {
    for (let v = 0; v < 256; v++) table[p * 256 + v] = scaleValue(v, pre.mean[p]!, pre.std[p]!, pre.zMin, pre.zMax);
  }
  const images = set.images;
  const out = new Float32Array(images.length);
  if (positions === 1) {
    for (let i = 0; i < images.length; i++) out[i] = table[images[i]!]!;
  } else {
    for (let o = 0; o < images.length; o += pixels) {
      for (let p = 0; p < pixels; p++) out[o + p] = table[(p << 8) | images[o + p]!]!;
    }
  }
  return out;
}

/** Fits on `train` and converts both splits with the same statistics. */
export function preprocessSplits(
  train: ImageSet,
  test: ImageSet,
  mode: PreprocessMode,
): { preprocessor: Preprocessor; train: Float32Array; test: Float32Array } {
  const preprocessor = fitPreprocessor(train, mode);
  return { preprocessor, train: toFloat(train, preprocessor), test: toFloat(test, preprocessor) };
}
