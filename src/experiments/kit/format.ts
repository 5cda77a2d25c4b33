// format.ts: numbers in the experiments' notes and tables, in two forms. Imports nothing.
//
//   formatNumber(0.17)        "0.1700"   fixed significant digits (|v| ≥ 100: one decimal, "3397.0")
//   formatSignificant(0.17)   "0.17"     the shortest text at that many significant digits

/** `digits` significant digits with trailing zeros kept; one decimal from 100 on; undefined/NaN/±∞ as their names. */
export function formatNumber(v: number | undefined, digits = 4): string {
  if (v === undefined || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(digits);
}

/** Rounded to `digits` significant digits, trailing zeros dropped (0.0213, 1.27, 312); NaN/±∞ as their names. */
export function formatSignificant(v: number, digits = 4): string {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v);
}

/** Whether `sd` is a known spread (a finite number; null, undefined and NaN mean none is known). */
export const hasSpread = (sd: number | null | undefined): sd is number => typeof sd === 'number' && Number.isFinite(sd);

/**
 * A mean with its standard deviation, "12.3 ± 0.4" (the sd to 2 significant digits), or the mean alone
 * when the sd is not known (one seed): never a made-up "± 0". `format` writes the mean.
 */
export function formatMeanSd(
  mean: number,
  sd: number | null | undefined,
  format: (v: number) => string = (v) => formatSignificant(v),
): string {
  return hasSpread(sd) ? `${format(mean)} ± ${formatSignificant(sd, 2)}` : format(mean);
}
