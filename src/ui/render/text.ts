// text.ts: fonts and small text-drawing helpers shared by the PNG renderers (chart, grid, heat map).
// Imports nothing.

/** Plain sans-serif stack; headless Linux Chromium resolves it to DejaVu or Liberation. */
export const FONT_FAMILY = 'system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
export const TITLE_FONT = `600 15px ${FONT_FAMILY}`;
export const BODY_FONT = `12px ${FONT_FAMILY}`;
export const SMALL_FONT = `11px ${FONT_FAMILY}`;
export const TEXT_COLOR = '#1f2328';
export const MUTED_COLOR = '#57606a';
export const BACKGROUND = '#ffffff';

/** A 2D context of a new canvas of `width`×`height` filled with `background`. */
export function blankCanvas(
  width: number,
  height: number,
  background = BACKGROUND,
): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx)
    throw new Error(
      `render: canvas.getContext('2d') returned null for a ${width}×${height} canvas; expected a 2D context. The browser may be out of canvas memory.`,
    );
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx };
}

/** `text` shortened with an ellipsis so that it is at most `maxWidth` pixels wide in ctx's font. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${text.slice(0, lo)}…` : '';
}

/** Writes `text` centred on x with its top at y, shortened to fit `maxWidth`. */
export function centredText(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  maxWidth: number,
  font = BODY_FONT,
  color = TEXT_COLOR,
): void {
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(fitText(ctx, text, maxWidth), x, y);
}
