// ui: the Lit components of the project (tag and event prefix `ae-`). Importing this module
// registers every element; it is the one script a page includes. May import experiments, data,
// util types, lit and uplot; never gpu, kernels or ops directly.
export { AeImageGrid } from './components/ae-image-grid/ae-image-grid';
export type { GridLayout } from './components/ae-image-grid/ae-image-grid';
export { AeGpuStatus } from './components/ae-gpu-status/ae-gpu-status';
export { AeDatasetViewer, FASHION_MNIST_CLASSES } from './components/ae-dataset-viewer/ae-dataset-viewer';
export { AeChart } from './components/ae-chart/ae-chart';
export { AeHeatmap } from './components/ae-heatmap/ae-heatmap';
export { AeTheoryLab } from './components/ae-theory/ae-theory';
export { AeExperiment } from './components/ae-experiment/ae-experiment';
export { LAB_ELEMENTS, LAB_CLASSES, labElement } from './components/ae-experiment/labs';
export type { LabTag } from './components/ae-experiment/labs';
export { AeLatentExplorer } from './components/ae-latent-explorer/ae-latent-explorer';
export type { ExplorerStatus, LatentTestSet } from './components/ae-latent-explorer/ae-latent-explorer';
export { AeDrawingPad } from './components/ae-drawing-pad/ae-drawing-pad';
export type { AeCodeDetail, AeCodeEvent } from './components/ae-drawing-pad/ae-drawing-pad';
export { ModelStore, modelStore } from './model-store';
export type { StoredModelInfo, StoredModelMeta } from './model-store';
export { emit } from './events';
export type {
  AeDoneDetail,
  AeDoneEvent,
  AeErrorDetail,
  AeErrorEvent,
  AeEventDetails,
  AeProgressDetail,
  AeProgressEvent,
} from './events';
