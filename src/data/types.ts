// types.ts: the shapes shared by the data modules. Imports nothing.

/** The bundled datasets, prepared into public/data/ by scripts/prepare-data.mjs. */
export type DatasetName = 'mnist' | 'fashion-mnist';

export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist'];

/** A set of uint8 images, optionally labelled (user-supplied IDX files may come without labels). */
export interface ImageSet {
  /** count * rows * cols pixels 0..255, image after image, each row-major. */
  images: Uint8Array;
  /** One class index per image, or null when the set is unlabelled. */
  labels: Uint8Array | null;
  count: number;
  rows: number;
  cols: number;
}

/** A labelled split of a bundled dataset. */
export interface Split extends ImageSet {
  labels: Uint8Array;
}

export interface Dataset {
  name: DatasetName;
  /** Number of classes; labels lie in 0..classes-1. */
  classes: number;
  train: Split;
  test: Split;
}
