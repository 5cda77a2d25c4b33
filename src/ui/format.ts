// format.ts: how numbers are written on the page and on the exported figures: values in legends and
// tables, axis ticks, clock durations and percentages. The components and ui/render both read these.
// Imports nothing.

/** A number for a legend or a label: 4 significant digits, exponent form for tiny or huge values. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return v.toLocaleString('en-US');
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** An axis tick (or a scale-bar label): like formatValue, but large numbers stay short (2.5e+6, not 2,500,000). */
export function formatTick(v: number | null | undefined): string {
  // uPlot hands null for ticks it leaves unlabelled (the minor ticks of a log axis).
  if (v === null || v === undefined) return '';
  if (Math.abs(v) >= 1e5) return v.toExponential(1).replace('.0e', 'e');
  return formatValue(v);
}

/** Seconds as m:ss (h:mm:ss from an hour); '?' for a negative or non-finite duration. */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A fraction as a percentage with `digits` decimals (0.256 → '26%'); '—' when not finite. */
export function formatPercent(fraction: number, digits = 0): string {
  return Number.isFinite(fraction) ? `${(100 * fraction).toFixed(digits)}%` : '—';
}
