// render: experiment results (charts, image grids, heat maps) drawn onto plain canvases and encoded
// as PNG, for the UI, the command line (`npm run experiment`) and the full report. Browser-side;
// imports experiments types, util errors and uplot.
export { DEFAULT_CHART_SIZE, SERIES_COLORS, renderChart } from './chart';
export type { ChartRenderOptions } from './chart';
export { GRID_SCALE, IMAGE_SIDE, grayByte, gridLayout, renderGrid } from './grid';
export type { GridRenderLayout } from './grid';
export { DIVERGING_STOPS, MISSING_COLOR, divergingColor, heatmapLayout, renderHeatmap } from './heatmap';
export type { HeatmapRenderLayout } from './heatmap';
export { base64ToBytes, bytesToBase64, canvasToPng } from './png';
