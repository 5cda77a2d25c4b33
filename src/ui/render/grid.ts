// grid.ts: grayscale images laid out and painted. paintGrayImages is the one image painter of
// <ae-image-grid> and the PNGs; tileLayout/tileOrigin place <ae-image-grid>'s tiles; renderGrid draws
// an ImageGrid (28×28 images in [0, 1]) onto one canvas for a PNG (gridLayout), each image pixel a
// 3×3 block, the title on top and the labels under the images. Imports experiments types and ./text.
import type { ImageGrid } from '../../experiments/types';
import { ConfigError } from '../../util/errors';
import { SMALL_FONT, TITLE_FONT, blankCanvas, centredText, fitText } from './text';

export const IMAGE_SIDE = 28;
export const GRID_SCALE = 3;

const PAD = 10;
const GAP = 6;
const TITLE_BAND = 30;
const LABEL_BAND = 16;
/** Cells widen for long labels up to this many pixels; longer labels are shortened. */
const MAX_CELL = 150;

/** Where everything sits on the canvas, in canvas pixels. */
export interface GridRenderLayout {
  width: number;
  height: number;
  rows: number;
  cols: number;
  /** Width of one cell; the image is centred in it. */
  cellWidth: number;
  /** Height of the label strip under each image (0 without labels). */
  labelBand: number;
  /** Top-left canvas pixel of image k. */
  imageOrigin(k: number): { x: number; y: number };
}

function checkGrid(grid: ImageGrid): void {
  const where = `renderGrid(${grid.id})`;
  const pixels = IMAGE_SIDE * IMAGE_SIDE;
  if (!Number.isInteger(grid.count) || grid.count < 0)
    throw new ConfigError(`${where}: count must be an integer ≥ 0; got ${grid.count}.`);
  if (!Number.isInteger(grid.cols) || grid.cols < 1)
    throw new ConfigError(`${where}: cols must be an integer ≥ 1; got ${grid.cols}.`);
  if (grid.images.length < grid.count * pixels) {
    throw new ConfigError(
      `${where}: images holds ${grid.images.length} values; expected count × 784 = ${grid.count * pixels}. Pass whole 28×28 images.`,
    );
  }
}

/** The layout renderGrid uses for `grid`. */
export function gridLayout(grid: Pick<ImageGrid, 'count' | 'cols' | 'labels' | 'title'>): GridRenderLayout {
  const ctx = blankCanvas(1, 1).ctx;
  const cols = Math.min(grid.cols, Math.max(1, grid.count));
  const rows = Math.ceil(grid.count / grid.cols);
  const side = IMAGE_SIDE * GRID_SCALE;
  const labels = grid.labels?.length ? grid.labels : null;
  ctx.font = SMALL_FONT;
  const widest = labels ? Math.max(...labels.map((l) => ctx.measureText(l).width)) : 0;
  const cellWidth = Math.max(side, Math.min(MAX_CELL, Math.ceil(widest) + 4));
  const labelBand = labels ? LABEL_BAND : 0;
  ctx.font = TITLE_FONT;
  const titleWidth = Math.min(900, ctx.measureText(grid.title ?? '').width);
  const width = Math.max(2 * PAD + cols * cellWidth + (cols - 1) * GAP, 240, Math.ceil(titleWidth) + 2 * PAD);
  const height = TITLE_BAND + rows * (side + labelBand) + Math.max(0, rows - 1) * GAP + PAD;
  const left = (width - (cols * cellWidth + (cols - 1) * GAP)) / 2;
  return {
    width,
    height,
    rows,
    cols,
    cellWidth,
    labelBand,
    imageOrigin(k) {
      const r = Math.floor(k / grid.cols);
      const c = k % grid.cols;
      return {
        x: Math.round(left + c * (cellWidth + GAP) + (cellWidth - side) / 2),
        y: TITLE_BAND + r * (side + labelBand + GAP),
      };
    },
  };
}

/** Where <ae-image-grid> puts everything on its canvas, in canvas pixels (one per image pixel). */
export interface TileLayout {
  /** Images drawn. */
  count: number;
  rows: number;
  cols: number;
  /** Canvas size. */
  width: number;
  height: number;
  /** Height of the label strip under each image (0 without labels). */
  labelBand: number;
  /** Side of each image. */
  side: number;
  /** Blank pixels between neighbouring images. */
  gap: number;
}

/** What tileLayout lays out: `available` whole images of side × side, of which `count` are wanted (all when undefined). */
export interface TileLayoutInput {
  available: number;
  count: number | undefined;
  /** Fixed rows and columns; 0 lets the count decide (`defaultCols` columns when both are 0). */
  rows: number;
  cols: number;
  defaultCols: number;
  side: number;
  gap: number;
  labelBand: number;
}

/**
 * The tiles of <ae-image-grid>: images row by row, `gap` pixels apart, each with its label strip
 * under it. With both rows and cols fixed, the count is cut to rows × cols.
 */
export function tileLayout(o: TileLayoutInput): TileLayout {
  let count = Math.min(o.available, o.count === undefined ? o.available : Math.max(0, Math.floor(o.count)));
  const fixedRows = Math.max(0, Math.floor(o.rows) || 0);
  const fixedCols = Math.max(0, Math.floor(o.cols) || 0);
  let cols: number;
  let rows: number;
  if (fixedRows && fixedCols) {
    cols = fixedCols;
    rows = fixedRows;
    count = Math.min(count, rows * cols);
  } else if (fixedCols) {
    cols = fixedCols;
    rows = Math.ceil(count / cols);
  } else if (fixedRows) {
    rows = fixedRows;
    cols = Math.ceil(count / rows);
  } else {
    cols = Math.min(count, o.defaultCols);
    rows = cols ? Math.ceil(count / cols) : 0;
  }
  const { side, gap, labelBand } = o;
  const width = cols ? cols * side + (cols - 1) * gap : 0;
  const height = rows ? rows * (side + labelBand) + (rows - 1) * gap : 0;
  return { count, rows, cols, width, height, labelBand, side, gap };
}

/** Canvas-pixel position of the top-left corner of image `index` in `layout`. */
export function tileOrigin(layout: TileLayout, index: number): { x: number; y: number } {
  const col = index % layout.cols;
  const row = Math.floor(index / layout.cols);
  return { x: col * (layout.side + layout.gap), y: row * (layout.side + layout.labelBand + layout.gap) };
}

/** A [0, 1] value as a gray byte: clamped, NaN black. */
export function grayByte(v: number): number {
  return v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
}

/** Where paintGrayImages puts each image. */
export interface GrayImagesOptions {
  /** Images to paint, from the first. */
  count: number;
  /** Side of each square image in image pixels. */
  side: number;
  /** Target pixels per image pixel (a scale×scale block). */
  scale: number;
  /** Top-left target pixel of image k. */
  origin(k: number): { x: number; y: number };
}

/**
 * Paints `count` square grayscale images (image after image, each row-major) into `target`, opaque:
 * Float32Array values read as [0, 1] through grayByte, Uint8Array values as bytes. Pixels outside the
 * images are left as they are.
 */
export function paintGrayImages(target: ImageData, images: Float32Array | Uint8Array, o: GrayImagesOptions): void {
  const { side, scale } = o;
  const pixels = side * side;
  const span = side * scale;
  if (images.length < o.count * pixels)
    throw new ConfigError(
      `paintGrayImages: images holds ${images.length} values; expected count × ${pixels} = ${o.count * pixels}. Pass whole images.`,
    );
  const isFloat = images instanceof Float32Array;
  const rgba = target.data;
  for (let k = 0; k < o.count; k++) {
    const { x: x0, y: y0 } = o.origin(k);
    if (x0 < 0 || y0 < 0 || x0 + span > target.width || y0 + span > target.height)
      throw new ConfigError(
        `paintGrayImages: image ${k} at (${x0}, ${y0}) spans ${span}×${span} pixels, outside the ${target.width}×${target.height} target; expected a layout that fits.`,
      );
    const base = k * pixels;
    for (let y = 0; y < span; y++) {
      const row = base + Math.floor(y / scale) * side;
      let out = ((y0 + y) * target.width + x0) * 4;
      for (let x = 0; x < span; x++, out += 4) {
        // row + x / scale < (k + 1)·pixels ≤ images.length, checked above.
        const raw = images[row + Math.floor(x / scale)]!;
        const g = isFloat ? grayByte(raw) : raw;
        rgba[out] = g;
        rgba[out + 1] = g;
        rgba[out + 2] = g;
        rgba[out + 3] = 255;
      }
    }
  }
}

/**
 * Draws `grid` onto a new canvas: image k at gridLayout(...).imageOrigin(k), each image pixel a
 * GRID_SCALE × GRID_SCALE block of its gray value, labels[k] (when given) centred under image k.
 */
export function renderGrid(grid: ImageGrid): HTMLCanvasElement {
  checkGrid(grid);
  const layout = gridLayout(grid);
  const { canvas, ctx } = blankCanvas(layout.width, layout.height);
  centredText(ctx, grid.title, layout.width / 2, 8, layout.width - 2 * PAD, TITLE_FONT);
  const side = IMAGE_SIDE * GRID_SCALE;
  const pixels = ctx.getImageData(0, 0, layout.width, layout.height);
  paintGrayImages(pixels, grid.images, {
    count: grid.count,
    side: IMAGE_SIDE,
    scale: GRID_SCALE,
    origin: (k) => layout.imageOrigin(k),
  });
  ctx.putImageData(pixels, 0, 0);
  for (let k = 0; k < grid.count; k++) {
    const { x, y } = layout.imageOrigin(k);
    const label = grid.labels?.[k];
    if (label !== undefined) {
      ctx.font = SMALL_FONT;
      centredText(ctx, fitText(ctx, label, layout.cellWidth), x + side / 2, y + side + 2, layout.cellWidth, SMALL_FONT);
    }
  }
  return canvas;
}
