// heatmap.ts: a HeatMap (square matrix, e.g. latent correlations) drawn as coloured cells on a
// diverging blue–white–red scale from h.min to h.max, with a scale bar, for a PNG.
// Imports experiments types and ./text.
import type { HeatMap } from '../../experiments/types';
import { ConfigError } from '../../util/errors';
import { MUTED_COLOR, SMALL_FONT, TEXT_COLOR, TITLE_FONT, blankCanvas, centredText, formatNumber } from './text';

/** Stops of the colour map, low (t = 0, blue) to high (t = 1, red); white in the middle. */
export const DIVERGING_STOPS: readonly (readonly [number, number, number])[] = [
  [5, 113, 176],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [202, 0, 32],
];

/** Colour of values that are not finite. */
export const MISSING_COLOR: readonly [number, number, number] = [160, 160, 160];

const PAD = 12;
const TITLE_BAND = 30;
const AXIS_BAND = 22;
const BAR_WIDTH = 16;
const BAR_GAP = 14;
const BAR_LABELS = 70;

/** The colour at t ∈ [0, 1] (clamped; NaN gives MISSING_COLOR), interpolated linearly between stops. */
export function divergingColor(t: number): [number, number, number] {
  if (Number.isNaN(t)) return [...MISSING_COLOR];
  const c = Math.min(1, Math.max(0, t)) * (DIVERGING_STOPS.length - 1);
  const i = Math.min(DIVERGING_STOPS.length - 2, Math.floor(c));
  const f = c - i;
  const a = DIVERGING_STOPS[i]!;
  const b = DIVERGING_STOPS[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
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
  const cell = Math.max(4, Math.min(40, Math.floor(400 / Math.max(1, h.size))));
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
 * Draws `h` onto a new canvas: cell (r, c) coloured divergingColor((v − min) / (max − min)) (0.5 when
 * max = min), rows and columns numbered from 0, and a scale bar labelled min, midpoint and max.
 */
export function renderHeatmap(h: HeatMap): HTMLCanvasElement {
  checkHeatmap(h);
  const layout = heatmapLayout(h);
  const { cell, left, top, bar } = layout;
  const { canvas, ctx } = blankCanvas(layout.width, layout.height);
  centredText(ctx, h.title, layout.width / 2, 8, layout.width - 2 * PAD, TITLE_FONT);
  const span = h.max - h.min;
  const toT = (v: number) => (span > 0 ? (v - h.min) / span : 0.5);
  for (let r = 0; r < h.size; r++) {
    for (let c = 0; c < h.size; c++) {
      const v = h.values[r * h.size + c]!;
      const [R, G, B] = Number.isFinite(v) ? divergingColor(toT(v)) : MISSING_COLOR;
      ctx.fillStyle = `rgb(${R}, ${G}, ${B})`;
      ctx.fillRect(left + c * cell, top + r * cell, cell, cell);
    }
  }
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
    const [R, G, B] = divergingColor(1 - y / Math.max(1, bar.height - 1));
    ctx.fillStyle = `rgb(${R}, ${G}, ${B})`;
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
  ctx.fillText(formatNumber(h.max), labelX, bar.y);
  ctx.textBaseline = 'middle';
  ctx.fillText(formatNumber((h.min + h.max) / 2), labelX, bar.y + bar.height / 2);
  ctx.textBaseline = 'bottom';
  ctx.fillText(formatNumber(h.min), labelX, bar.y + bar.height);
  return canvas;
}
