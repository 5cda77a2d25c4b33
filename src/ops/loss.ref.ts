// loss.ref.ts: float64 CPU references for src/ops/loss.ts. Plain loops; imports util only.
// Each `*Ref` returns the loss as Σ term / divisor; each `*GradRef` returns dy · d loss / d pred.
// The conventions (clamps, wrap, 0·log 0) are documented on the ops in src/ops/loss.ts.
import { ConfigError } from '../util/errors';

/** Σ (p − t)² / divisor. */
export function mseRef(p: Float64Array, t: Float64Array, divisor: number): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - t[i]!) ** 2;
  return s / divisor;
}

export function mseGradRef(p: Float64Array, t: Float64Array, dy: number, divisor: number): Float64Array {
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) g[i] = (dy * 2 * (p[i]! - t[i]!)) / divisor;
  return g;
}

/** PyTorch's BCELoss log: natural log clamped below at −100 (log 0 = −100). */
function clampedLog(v: number): number {
  return v > 0 ? Math.max(Math.log(v), -100) : -100;
}

/** −Σ [t log p + (1 − t) log(1 − p)] / divisor, p clamped into [0, 1], each log clamped at −100. */
export function bceRef(p: Float64Array, t: Float64Array, divisor: number): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(Math.max(p[i]!, 0), 1);
    s -= t[i]! * clampedLog(q) + (1 - t[i]!) * clampedLog(1 - q);
  }
  return s / divisor;
}

/** (p − t) / max(p(1 − p), 1e-12) inside [0, 1] (PyTorch's BCELoss gradient), 0 outside. */
export function bceGradRef(p: Float64Array, t: Float64Array, dy: number, divisor: number): Float64Array {
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const q = p[i]!;
    if (q < 0 || q > 1) continue;
    g[i] = (dy * (q - t[i]!)) / Math.max(q * (1 - q), 1e-12) / divisor;
  }
  return g;
}

/** Σ [max(z, 0) − z t + log(1 + e^−|z|)] / divisor. */
export function bceWithLogitsRef(z: Float64Array, t: Float64Array, divisor: number): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.max(z[i]!, 0) - z[i]! * t[i]! + Math.log1p(Math.exp(-Math.abs(z[i]!)));
  return s / divisor;
}

export function bceWithLogitsGradRef(z: Float64Array, t: Float64Array, dy: number, divisor: number): Float64Array {
  const g = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) g[i] = (dy * (1 / (1 + Math.exp(-z[i]!)) - t[i]!)) / divisor;
  return g;
}

/** Σ t (log t − x) / divisor over t > 0 (x = log-probabilities; terms with t ≤ 0 are 0). */
export function klDivRef(x: Float64Array, t: Float64Array, divisor: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) if (t[i]! > 0) s += t[i]! * (Math.log(t[i]!) - x[i]!);
  return s / divisor;
}

export function klDivGradRef(x: Float64Array, t: Float64Array, dy: number, divisor: number): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) if (t[i]! > 0) g[i] = (-dy * t[i]!) / divisor;
  return g;
}

/** Throws unless every target is an integer class index in [0, classes). */
export function checkClassTargets(targets: ArrayLike<number>, classes: number, where = 'crossEntropyLoss'): void {
  for (let i = 0; i < targets.length; i++) {
    const y = targets[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new ConfigError(
        `${where}: target ${i} is not a class index; expected an integer in [0, ${classes}), got ${y}. Pass labels as class indices, not one-hot rows.`,
      );
    }
  }
}

/** log Σ_j exp(z[row, j]), by shifting with the row maximum. */
function rowLogSumExp(z: Float64Array, row: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, z[row * cols + j]!);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(z[row * cols + j]! - m);
  return m + Math.log(s);
}

/** Σ_rows [logsumexp(z_row) − z_row[y_row]] / rows for logits z [rows, cols], class indices y [rows]. */
export function crossEntropyRef(z: Float64Array, y: Float64Array, cols: number): number {
  const rows = y.length;
  checkClassTargets(y, cols);
  let s = 0;
  for (let r = 0; r < rows; r++) s += rowLogSumExp(z, r, cols) - z[r * cols + y[r]!]!;
  return s / rows;
}

/** dy · (softmax(z) − onehot(y)) / rows. */
export function crossEntropyGradRef(z: Float64Array, y: Float64Array, cols: number, dy: number): Float64Array {
  const rows = y.length;
  checkClassTargets(y, cols);
  const g = new Float64Array(z.length);
  for (let r = 0; r < rows; r++) {
    const lse = rowLogSumExp(z, r, cols);
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      g[i] = (dy * (Math.exp(z[i]! - lse) - (j === y[r]! ? 1 : 0))) / rows;
    }
  }
  return g;
}

/** d wrapped into [−180, 180): d − 360·floor(d/360 + 1/2), so a difference of ±180 maps to −180. */
export function wrapDegrees(d: number): number {
  return d - 360 * Math.floor(d / 360 + 0.5);
}

/** Σ wrap(p − t)² / divisor, angles in degrees. */
export function circularRef(p: Float64Array, t: Float64Array, divisor: number): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += wrapDegrees(p[i]! - t[i]!) ** 2;
  return s / divisor;
}

export function circularGradRef(p: Float64Array, t: Float64Array, dy: number, divisor: number): Float64Array {
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) g[i] = (dy * 2 * wrapDegrees(p[i]! - t[i]!)) / divisor;
  return g;
}
