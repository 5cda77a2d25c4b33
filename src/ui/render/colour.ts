// colour.ts: the one set of colours every figure uses, on the page and in the exported PNGs: the
// series colours of charts and the diverging scale of heat maps. Imports nothing.

export type Rgb = [number, number, number];

/** Series colours in order; they repeat after ten series. <ae-chart> takes them as its CSS defaults. */
export const SERIES_COLORS = [
  '#0b62d6',
  '#d1495b',
  '#2a9d55',
  '#b36b00',
  '#7b4fc9',
  '#0f8b8d',
  '#c2185b',
  '#5d6d1e',
  '#6d4c41',
  '#546e7a',
] as const;

/** Stops of the heat-map scale, low (t = 0, blue) to high (t = 1, red); white in the middle. */
export const DIVERGING_STOPS: readonly (readonly [number, number, number])[] = [
  [5, 113, 176],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [202, 0, 32],
];

/** Colour of values that are not finite. */
export const MISSING_COLOR: readonly [number, number, number] = [160, 160, 160];

/**
 * The colour at t ∈ [0, 1] (clamped; NaN gives MISSING_COLOR), interpolated linearly between `stops`
 * spaced evenly over [0, 1] (at least two).
 */
export function divergingColor(t: number, stops: readonly (readonly number[])[] = DIVERGING_STOPS): Rgb {
  if (Number.isNaN(t)) return [...MISSING_COLOR];
  if (stops.length < 2) throw new RangeError(`divergingColor: expected at least 2 colour stops, got ${stops.length}.`);
  const c = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(c));
  const f = c - i;
  // i and i + 1 lie in 0..stops.length − 1 by the clamps above.
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as Rgb;
}

/**
 * Where value `v` sits on the heat-map scale of a matrix whose colours span [min, max] (max > min):
 * when min < 0 < max, zero is the middle (t = 0.5) and the larger of |min| and max reaches an end;
 * for one-signed data the scale runs from the middle at the end nearest zero to the far end
 * (min ≥ 0: middle → high; max ≤ 0: low → middle). Clamped to [0, 1]; NaN for a non-finite v.
 */
export function heatPosition(v: number, min: number, max: number): number {
  if (!Number.isFinite(v)) return Number.NaN;
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  if (min < 0 && max > 0) return 0.5 + 0.5 * Math.max(-1, Math.min(1, v / Math.max(-min, max)));
  const span = max - min;
  if (!(span > 0)) return 0.5;
  const u = clamp((v - min) / span);
  return min >= 0 ? 0.5 + 0.5 * u : 0.5 * u;
}

/** The colour of `v` on the heat-map scale of [min, max] (see heatPosition), through `stops`. */
export function heatColor(
  v: number,
  min: number,
  max: number,
  stops: readonly (readonly number[])[] = DIVERGING_STOPS,
): Rgb {
  return divergingColor(heatPosition(v, min, max), stops);
}

/** `rgb(r, g, b)`, as a canvas fillStyle or a CSS colour. */
export const rgbText = ([r, g, b]: readonly number[]): string => `rgb(${r}, ${g}, ${b})`;
