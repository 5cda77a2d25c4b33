// spread.ts: the spread of a chart over several seeds, drawn the same way on the page (<ae-chart>) and
// in the PNGs (renderChart): a shaded band ±1 standard deviation around a mean line (two uPlot series,
// the band's edges, filled between by a uPlot band) and an error bar ±1 sd on each bar (drawn onto
// uPlot's canvas in its draw hook). Imports uplot types only.
import type uPlot from 'uplot';

/** Opacity of a band's fill. */
export const BAND_ALPHA = 0.2;
/** Half the width of an error bar's caps, in CSS pixels. */
export const ERROR_CAP = 4;

/** `colour` at BAND_ALPHA: a #rrggbb gets an alpha byte, any other CSS colour is mixed with transparent. */
export function bandFill(colour: string): string {
  if (/^#[0-9a-f]{6}$/i.test(colour))
    return `${colour}${Math.round(BAND_ALPHA * 255)
      .toString(16)
      .padStart(2, '0')}`;
  return `color-mix(in srgb, ${colour} ${Math.round(BAND_ALPHA * 100)}%, transparent)`;
}

/**
 * The edges of a ±1 sd band around `y`: null where y or its sd is missing (no band there), and on a
 * log axis a lower edge ≤ 0 left out (the band then starts at the axis' bottom).
 */
export function bandEdges(
  y: readonly (number | null)[],
  sd: readonly (number | null | undefined)[],
  log: boolean,
): { lo: (number | null)[]; hi: (number | null)[] } {
  const lo: (number | null)[] = [];
  const hi: (number | null)[] = [];
  y.forEach((v, i) => {
    const s = sd[i];
    const known = v !== null && typeof s === 'number' && Number.isFinite(s);
    hi.push(known ? v + s : null);
    const low = known ? v - s : null;
    lo.push(low !== null && log && low <= 0 ? null : low);
  });
  return { lo, hi };
}

/** The class of a band edge's uPlot series (and of its legend row, which <ae-chart> hides). */
export const BAND_EDGE_CLASS = 'ae-band-edge';

/** The uPlot series of a band edge: not stroked, no points, gaps spanned. */
export function bandEdgeSeries(label: string): uPlot.Series {
  return { label, class: BAND_EDGE_CLASS, stroke: 'transparent', width: 0, spanGaps: true, points: { show: false } };
}

/**
 * One series' error bars: its uPlot series index, the sd per point and the bar's offset from the point's
 * x (bars: x is the category's index; `atData`: x is the data's own x, for the lone point of a line).
 * `colour` overrides drawErrorBars' colour.
 */
export interface ErrorBars {
  series: number;
  sd: readonly (number | null | undefined)[];
  centre: number;
  atData?: boolean;
  colour?: string;
}

/**
 * Error bars for the lines that have a single point (a band needs two): ±1 sd at that point in the
 * series' colour. `cols` and `sds` are the series' columns and sds, `colours` their colours.
 */
export function lonePointBars(
  cols: readonly (readonly (number | null)[])[],
  sds: readonly (readonly (number | null | undefined)[])[],
  colours: readonly string[],
): ErrorBars[] {
  const out: ErrorBars[] = [];
  cols.forEach((col, i) => {
    const points = col.filter((v) => v !== null).length;
    const sd = sds[i] ?? [];
    if (points === 1 && sd.some((v) => typeof v === 'number' && Number.isFinite(v)))
      out.push({ series: i + 1, sd, centre: 0, atData: true, colour: colours[i] });
  });
  return out;
}

/**
 * Draws ±1 sd error bars (a vertical line with caps) over bars onto `u`'s canvas, in `colour`: at
 * category k of series s, from y − sd to y + sd at x = k + centre. Call from uPlot's draw hook.
 */
export function drawErrorBars(u: uPlot, bars: readonly ErrorBars[], colour: string): void {
  const ctx = u.ctx;
  const ratio = u.ctx.canvas.width / Math.max(1, u.width);
  ctx.save();
  ctx.lineWidth = Math.max(1, 1.5 * ratio);
  for (const b of bars) {
    const ys = u.data[b.series] as (number | null)[] | undefined;
    if (!ys) continue;
    const xs = u.data[0] as number[];
    ctx.strokeStyle = b.colour ?? colour;
    ctx.beginPath();
    ys.forEach((y, k) => {
      const s = b.sd[k];
      // No bar for an unknown sd, nor for a spread of exactly 0 (equal in every seed, e.g. a parameter count).
      if (y === null || y === undefined || typeof s !== 'number' || !Number.isFinite(s) || s <= 0) return;
      const x = u.valToPos((b.atData ? xs[k]! : k) + b.centre, 'x', true);
      const top = u.valToPos(y + s, 'y', true);
      const bottom = u.valToPos(y - s, 'y', true);
      const cap = ERROR_CAP * ratio;
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.moveTo(x - cap, top);
      ctx.lineTo(x + cap, top);
      ctx.moveTo(x - cap, bottom);
      ctx.lineTo(x + cap, bottom);
    });
    ctx.stroke();
  }
  ctx.restore();
}

/** The highest y + sd of some columns (for a y range that keeps every error bar in view); -∞ when none. */
export function spreadTop(
  cols: readonly (readonly (number | null)[])[],
  sds: readonly (readonly (number | null | undefined)[])[],
): number {
  let top = Number.NEGATIVE_INFINITY;
  cols.forEach((col, i) =>
    col.forEach((y, k) => {
      const s = sds[i]?.[k];
      if (y !== null && typeof s === 'number' && Number.isFinite(s)) top = Math.max(top, y + s);
    }),
  );
  return top;
}
