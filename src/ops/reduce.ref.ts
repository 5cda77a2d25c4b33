// reduce.ref.ts: float64 CPU references for src/ops/reduce.ts.

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
