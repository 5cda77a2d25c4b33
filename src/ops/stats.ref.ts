// stats.ref.ts: float64 CPU references for src/ops/stats.ts. Plain loops; imports nothing.
// Matrices are row-major; [rows, cols] with columns as variables.

/** Softmax (or log-softmax) of each row of a [rows, cols] array, shifted by the row maximum. */
export function softmaxRef(x: Float64Array, cols: number, log: boolean): Float64Array {
  const out = new Float64Array(x.length);
  for (let base = 0; base < x.length; base += cols) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) mx = Math.max(mx, x[base + j]!);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[base + j]! - mx);
    for (let j = 0; j < cols; j++) {
      const z = x[base + j]! - mx;
      out[base + j] = log ? z - Math.log(s) : Math.exp(z) / s;
    }
  }
  return out;
}

export function columnMeanRef(x: Float64Array, rows: number, cols: number): Float64Array {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += x[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= rows;
  return mean;
}

/** Sample standard deviation (divisor rows − 1) of each column, two-pass. */
export function columnStdRef(x: Float64Array, rows: number, cols: number): Float64Array {
  const mean = columnMeanRef(x, rows, cols);
  const std = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c]! += (x[r * cols + c]! - mean[c]!) ** 2;
  for (let c = 0; c < cols; c++) std[c] = Math.sqrt(std[c]! / (rows - 1));
  return std;
}

/** Whether every entry of column c equals the first. */
function isConstantColumn(x: Float64Array, rows: number, cols: number, c: number): boolean {
  for (let r = 1; r < rows; r++) if (x[r * cols + c] !== x[c]) return false;
  return true;
}

/**
 * Pearson correlation matrix [cols, cols] of the columns of x (numpy.corrcoef(x, rowvar=False)),
 * from centered columns. A constant column correlates 0 with every other column and 1 with itself.
 */
export function pearsonRef(x: Float64Array, rows: number, cols: number): Float64Array {
  const mean = columnMeanRef(x, rows, cols);
  const cov = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < cols; i++) {
      const di = x[r * cols + i]! - mean[i]!;
      for (let j = 0; j < cols; j++) cov[i * cols + j]! += di * (x[r * cols + j]! - mean[j]!);
    }
  }
  const constant = Array.from({ length: cols }, (_, c) => isConstantColumn(x, rows, cols, c));
  const corr = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      if (i === j) corr[i * cols + j] = 1;
      else if (constant[i] || constant[j]) corr[i * cols + j] = 0;
      else corr[i * cols + j] = cov[i * cols + j]! / Math.sqrt(cov[i * cols + i]! * cov[j * cols + j]!);
    }
  }
  return corr;
}

/** Mean of |a[i, j]| over i ≠ j of a [d, d] matrix. */
export function meanAbsOffDiagonalRef(a: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) s += Math.abs(a[i * d + j]!);
  return s / (d * (d - 1));
}

export function frobeniusNormRef(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
