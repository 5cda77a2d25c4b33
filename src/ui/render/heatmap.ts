// heatmap.ts: a HeatMap (square matrix, e.g. latent correlations) drawn as coloured cells on the
// diverging scale of ./colour: paintHeatCells paints the cells for <ae-heatmap> and for the PNG;
// renderHeatmap adds the title, row and column numbers and a scale bar, for a PNG.
// Imports experiments types, ../format, ./colour and ./text.
import type { HeatMap } from '../../experiments/types';
import { ConfigError } from '../../util/errors';
import { formatTick } from '../format';
import { DIVERGING_STOPS, heatColor, rgbText, type Rgb } from './colour';
import { MUTED_COLOR, SMALL_FONT, TEXT_COLOR, TITLE_FONT, blankCanvas, centredText } from './text';

const PAD = 12;
const TITLE_BAND = 30;
const AXIS_BAND = 22;
const BAR_WIDTH = 16;
const BAR_GAP = 14;
const BAR_LABELS = 70;

/** The whole-pixel side of one cell so that `size` cells fill about `room` pixels, kept within [smallest, largest]. */
export function heatCellSide(size: number, room: number, smallest: number, largest: number): number {
  return Math.max(smallest, Math.min(largest, Math.floor(room / Math.max(1, size))));
}

/** Where and how paintHeatCells paints: cell (r, c) covers [left + c·cell, left + (c + 1)·cell) × [top + r·cell, …). */
export interface HeatCellsOptions {
  left: number;
  top: number;
  /** Side of one cell in canvas pixels (need not be whole: edges round outwards). */
  cell: number;
  /** Ends of the colour scale (see heatPosition). */
  min: number;
  max: number;
  /** Colour stops, low to high; default DIVERGING_STOPS. */
  stops?: readonly (readonly number[])[];
  /** Write each value (2 decimals) in its cell, in a font that fits the cell; default false. */
  valueText?: boolean;
  fontFamily?: string;
}

/**
 * Paints the size×size row-major `values` as cells coloured heatColor(v, min, max, stops). The one
 * painter of heat-map cells: <ae-heatmap> and renderHeatmap both call it.
 */
export function paintHeatCells(
  ctx: CanvasRenderingContext2D,
  values: ArrayLike<number>,
  size: number,
  o: HeatCellsOptions,
): void {
  if (values.length < size * size)
    throw new ConfigError(
      `paintHeatCells: values holds ${values.length} numbers; expected size² = ${size * size}. Pass the whole matrix.`,
    );
  const stops = o.stops ?? DIVERGING_STOPS;
  const colours: Rgb[] = [];
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      // r·size + c < size² ≤ values.length, checked above.
      const rgb = heatColor(Number(values[r * size + c]!), o.min, o.max, stops);
      colours.push(rgb);
      ctx.fillStyle = rgbText(rgb);
      const x = Math.floor(o.left + c * o.cell);
      const y = Math.floor(o.top + r * o.cell);
      ctx.fillRect(x, y, Math.ceil(o.left + (c + 1) * o.cell) - x, Math.ceil(o.top + (r + 1) * o.cell) - y);
    }
  }
  if (!o.valueText) return;
  ctx.font = `${Math.round(o.cell * 0.28)}px ${o.fontFamily ?? 'system-ui, sans-serif'}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const [R, G, B] = colours[r * size + c]!;
      ctx.fillStyle = 0.299 * R + 0.587 * G + 0.114 * B > 140 ? '#111' : '#fff';
      const v = Number(values[r * size + c]!);
      ctx.fillText(v.toFixed(2), o.left + (c + 0.5) * o.cell, o.top + (r + 0.5) * o.cell);
    }
  }
}

/** Where everything sits on the canvas, in canvas pixels. */
export interface HeatmapRenderLayout {
  width: number;
  height: number;
  /** Side of one cell. */
  cell: number;
  /** Top-left of the matrix: cell (row r, column c) starts at (left + c·cell, top + r·cell). */
  left: number;
  top: number;
  /** The scale bar: max at its top, min at its bottom. */
  bar: { x: number; y: number; width: number; height: number };
}

/** The layout renderHeatmap uses for `h`; a long title widens the canvas, the content stays centred. */
export function heatmapLayout(h: Pick<HeatMap, 'size' | 'title'>): HeatmapRenderLayout {
  const probe = blankCanvas(1, 1).ctx;
  probe.font = TITLE_FONT;
  const titleWidth = Math.min(900, probe.measureText(h.title).width);
  const cell = heatCellSide(h.size, 400, 4, 40);
  const side = cell * h.size;
  const content = PAD + AXIS_BAND + side + BAR_GAP + BAR_WIDTH + BAR_LABELS;
  const width = Math.max(content, 280, Math.ceil(titleWidth) + 2 * PAD);
  const left = Math.floor((width - content) / 2) + PAD + AXIS_BAND;
  const top = TITLE_BAND + AXIS_BAND;
  const barHeight = Math.max(side, 120);
  return {
    width,
    height: top + barHeight + PAD,
    cell,
    left,
    top,
    bar: { x: left + side + BAR_GAP, y: top, width: BAR_WIDTH, height: barHeight },
  };
}

function checkHeatmap(h: HeatMap): void {
  const where = `renderHeatmap(${h.id})`;
  if (!Number.isInteger(h.size) || h.size < 1)
    throw new ConfigError(`${where}: size must be an integer ≥ 1; got ${h.size}.`);
  if (h.values.length !== h.size * h.size)
    throw new ConfigError(`${where}: values holds ${h.values.length} numbers; expected size² = ${h.size * h.size}.`);
  if (!(h.max >= h.min)) throw new ConfigError(`${where}: expected min ≤ max, got min ${h.min} and max ${h.max}.`);
}

/** Which row/column indices get a tick label: all when cells are wide enough, else every k-th. */
function tickStep(cell: number): number {
  return cell >= 16 ? 1 : 2 ** Math.ceil(Math.log2(16 / cell));
}

/**
 * Draws `h` onto a new canvas: cell (r, c) coloured heatColor(v, min, max) by paintHeatCells, rows and columns numbered from 0, and a scale bar labelled min, midpoint and max.
 */
export function renderHeatmap(h: HeatMap): HTMLCanvasElement {
  checkHeatmap(h);
  const layout = heatmapLayout(h);
  const { cell, left, top, bar } = layout;
  const { canvas, ctx } = blankCanvas(layout.width, layout.height);
  centredText(ctx, h.title, layout.width / 2, 8, layout.width - 2 * PAD, TITLE_FONT);
  paintHeatCells(ctx, h.values, h.size, { left, top, cell, min: h.min, max: h.max });
  const step = tickStep(cell);
  ctx.font = SMALL_FONT;
  ctx.fillStyle = MUTED_COLOR;
  for (let i = 0; i < h.size; i += step) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(String(i), left + (i + 0.5) * cell, top - 4);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(i), left - 4, top + (i + 0.5) * cell);
  }
  for (let y = 0; y < bar.height; y++) {
    const v = h.max - ((h.max - h.min) * y) / Math.max(1, bar.height - 1);
    ctx.fillStyle = rgbText(heatColor(v, h.min, h.max));
    ctx.fillRect(bar.x, bar.y + y, bar.width, 1);
  }
  ctx.strokeStyle = '#999999';
  ctx.lineWidth = 1;
  ctx.strokeRect(bar.x - 0.5, bar.y - 0.5, bar.width + 1, bar.height + 1);
  ctx.font = SMALL_FONT;
  ctx.fillStyle = TEXT_COLOR;
  ctx.textAlign = 'left';
  const labelX = bar.x + bar.width + 5;
  ctx.textBaseline = 'top';
  ctx.fillText(formatTick(h.max), labelX, bar.y);
  ctx.textBaseline = 'middle';
  ctx.fillText(formatTick((h.min + h.max) / 2), labelX, bar.y + bar.height / 2);
  ctx.textBaseline = 'bottom';
  ctx.fillText(formatTick(h.min), labelX, bar.y + bar.height);
  return canvas;
}
