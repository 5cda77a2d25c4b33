// index.ts: public API of the data layer.

export { DATASET_NAMES } from './types';
export type { Dataset, DatasetName, ImageSet, Split } from './types';
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IDX_MAX_BYTES, IDX_MAX_ITEMS, IDX_MAX_SIDE, parseIdx } from './idx';
export type { IdxArray } from './idx';
export { DEFAULT_DATA_BASE_URL, MANIFEST_FORMAT_VERSION, datasetFromIdx, loadDataset } from './datasets';
export type { DatasetFromIdxOptions, IdxFileNames, LoadDatasetOptions } from './datasets';
export { PREPROCESS_MODES, fitPreprocessor, preprocessSplits, scaleValue, toFloat } from './preprocess';
export type { PreprocessMode, Preprocessor } from './preprocess';
export {
  batchCount,
  batches,
  deriveSeed,
  permutation,
  sampleIndices,
  sampleSubset,
  shuffleInPlace,
  takeIndices,
} from './sampling';
export type { BatchOptions, MutableIndexable } from './sampling';
