// reduce.ref.ts: float64 CPU references for src/ops/reduce.ts (sums and their broadcasts).

/** Column sums of a [rows, cols] array. */
export function sumRowsRef(a: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < a.length; i++) out[i % cols]! += a[i]!;
  return out;
}

export function sumAllRef(a: Float64Array, alpha: number): Float64Array {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return Float64Array.of(alpha * s);
}

/** Row sums of a [rows, cols] array: [rows]. */
export function sumColsRef(a: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(a.length / cols);
  for (let i = 0; i < a.length; i++) out[Math.floor(i / cols)]! += a[i]!;
  return out;
}

/** v [cols] repeated to n elements. */
export function broadcastRowsRef(v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = v[i % v.length]!;
  return out;
}

/** v [rows] repeated across `cols` columns: [rows, cols]. */
export function broadcastColsRef(v: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = v[Math.floor(i / cols)]!;
  return out;
}
