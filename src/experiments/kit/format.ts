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
