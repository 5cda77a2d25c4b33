// render: experiment results (charts, image grids, heat maps) laid out and painted onto canvases, for
// the components on the page (<ae-chart>, <ae-heatmap>, <ae-image-grid>), the command line
// (`npm run experiment`) and the full report's PNGs. Browser-side; imports experiments types, util
// errors, ../format and uplot.
export { DECIMAL_INCREMENTS, DEFAULT_CHART_SIZE, INTEGER_INCREMENTS, renderChart } from './chart';
export type { ChartRenderOptions } from './chart';
export {
  DIVERGING_STOPS,
  MISSING_COLOR,
  SERIES_COLORS,
  divergingColor,
  heatColor,
  heatPosition,
  rgbText,
} from './colour';
export type { Rgb } from './colour';
export {
  GRID_SCALE,
  IMAGE_SIDE,
  grayByte,
  gridLayout,
  paintGrayImages,
  renderGrid,
  tileLayout,
  tileOrigin,
} from './grid';
export type { GrayImagesOptions, GridRenderLayout, TileLayout, TileLayoutInput } from './grid';
export { heatCellSide, heatmapLayout, paintHeatCells, renderHeatmap } from './heatmap';
export type { HeatCellsOptions, HeatmapRenderLayout } from './heatmap';
export { base64ToBytes, bytesToBase64, canvasToPng } from './png';
export {
  BAND_ALPHA,
  BAND_EDGE_CLASS,
  ERROR_CAP,
  bandEdgeSeries,
  bandEdges,
  bandFill,
  drawErrorBars,
  lonePointBars,
  spreadTop,
} from './spread';
export type { ErrorBars } from './spread';
