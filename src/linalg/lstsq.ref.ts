// lstsq.ref.ts: CPU references for src/linalg/lstsq.ts. Imports nothing.
// - lstsqRef / pinvRef: float64 Householder QR least squares, written independently of
//   shaders/qr.wgsl (reflectors kept unnormalised, H = I − 2·u·uᵀ/(uᵀu), applied to A and B together).
// - lstsqNormalEquationsF32: the normal equations AᵀA·X = AᵀB solved by Cholesky with every
//   operation rounded to float32 (Math.fround). Not a reference for correctness: it measures what
//   squaring the condition number costs in float32, so tests can show that QR is the better choice.
// All matrices are row-major; A is [m, n] with m ≥ n, B is [m, k], X is [n, k].

/** X [n, k] minimising ‖A·X − B‖_F, in float64. Throws if a column of A is exactly dependent. */
export function lstsqRef(a: ArrayLike<number>, m: number, n: number, b: ArrayLike<number>, k: number): Float64Array {
  const r = Float64Array.from(a);
  const c = Float64Array.from(b);
  const u = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    let norm2 = 0;
    for (let i = j; i < m; i++) norm2 += r[i * n + j]! * r[i * n + j]!;
    const norm = Math.sqrt(norm2);
    if (norm === 0) throw new Error(`lstsqRef: column ${j} of A is zero after elimination; A is rank-deficient.`);
    const alpha = r[j * n + j]!;
    const beta = alpha >= 0 ? -norm : norm;
    // u = x − beta·e_j; H·x = beta·e_j.
    for (let i = j; i < m; i++) u[i] = r[i * n + j]!;
    u[j] = alpha - beta;
    let uu = 0;
    for (let i = j; i < m; i++) uu += u[i]! * u[i]!;
    const reflect = (data: Float64Array, cols: number, from: number) => {
      for (let col = from; col < cols; col++) {
        let d = 0;
        for (let i = j; i < m; i++) d += u[i]! * data[i * cols + col]!;
        const f = (2 * d) / uu;
        for (let i = j; i < m; i++) data[i * cols + col]! -= f * u[i]!;
      }
    };
    reflect(r, n, j);
    reflect(c, k, 0);
  }
  // Back-substitution on the top n rows.
  const x = new Float64Array(n * k);
  for (let col = 0; col < k; col++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = c[i * k + col]!;
      for (let l = i + 1; l < n; l++) s -= r[i * n + l]! * x[l * k + col]!;
      x[i * k + col] = s / r[i * n + i]!;
    }
  }
  return x;
}

/** A⁺ [n, m] = the least-squares solution for B = I_m, in float64. */
export function pinvRef(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const eye = new Float64Array(m * m);
  for (let i = 0; i < m; i++) eye[i * m + i] = 1;
  return lstsqRef(a, m, n, eye, m);
}

/**
 * X [n, k] from the normal equations in float32 arithmetic: G = AᵀA and C = AᵀB accumulated in
 * float32, then Cholesky G = LLᵀ and two triangular solves, each operation rounded with Math.fround.
 * A non-positive pivot (G lost definiteness to rounding) yields NaN for every entry.
 */
export function lstsqNormalEquationsF32(
  a: ArrayLike<number>,
  m: number,
  n: number,
  b: ArrayLike<number>,
  k: number,
): Float64Array {
  const f = Math.fround;
  const g = new Float64Array(n * n);
  const c = new Float64Array(n * k);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let s = 0;
      for (let i = 0; i < m; i++) s = f(s + f(f(a[i * n + p]!) * f(a[i * n + q]!)));
      g[p * n + q] = s;
    }
    for (let col = 0; col < k; col++) {
      let s = 0;
      for (let i = 0; i < m; i++) s = f(s + f(f(a[i * n + p]!) * f(b[i * k + col]!)));
      c[p * k + col] = s;
    }
  }
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = g[j * n + j]!;
    for (let p = 0; p < j; p++) d = f(d - f(l[j * n + p]! * l[j * n + p]!));
    if (!(d > 0)) return new Float64Array(n * k).fill(NaN);
    l[j * n + j] = f(Math.sqrt(d));
    for (let i = j + 1; i < n; i++) {
      let s = g[i * n + j]!;
      for (let p = 0; p < j; p++) s = f(s - f(l[i * n + p]! * l[j * n + p]!));
      l[i * n + j] = f(s / l[j * n + j]!);
    }
  }
  const x = new Float64Array(n * k);
  const y = new Float64Array(n);
  for (let col = 0; col < k; col++) {
    for (let i = 0; i < n; i++) {
      let s = c[i * k + col]!;
      for (let p = 0; p < i; p++) s = f(s - f(l[i * n + p]! * y[p]!));
      y[i] = f(s / l[i * n + i]!);
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let p = i + 1; p < n; p++) s = f(s - f(l[p * n + i]! * x[p * k + col]!));
      x[i * k + col] = f(s / l[i * n + i]!);
    }
  }
  return x;
}
