// matmul.ref.ts: float64 CPU reference for src/ops/matmul.ts. Plain triple loop.

/** C = op(A)·op(B) for one matrix pair; A stored [M,K] (or [K,M] if transA), B stored [K,N] (or [N,K] if transB). */
export function matmulRef(
  a: Float64Array,
  b: Float64Array,
  M: number,
  K: number,
  N: number,
  transA = false,
  transB = false,
): Float64Array {
  const c = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const av = transA ? a[k * M + m]! : a[m * K + k]!;
        const bv = transB ? b[n * K + k]! : b[k * N + n]!;
        s += av * bv;
      }
      c[m * N + n] = s;
    }
  }
  return c;
}
