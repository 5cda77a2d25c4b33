// qr.wgsl: Householder QR of a tall matrix, one column per step, and the explicit Q₁ it defines.
// w is the working copy of A, [rows, ld] row-major (ld = n). Step j (0 ≤ j < n):
//   house:           from x = w[j:rows, j]: beta = −sign(x_j)·‖x‖ (sign(0) = +), the reflector
//                    v = (x − beta·e_j) / (x_j − beta) (so v_j = 1) and tau = (beta − x_j) / beta,
//                    so that H_j = I − tau·v·vᵀ maps x to beta·e_j. Writes v into column j of `v`
//                    (rows j..rows−1), tau[j] and diag[j] = beta = R(j, j). ‖x‖ is taken as
//                    max|x_i|·‖x / max|x_i|‖ so it neither overflows nor underflows. A zero column
//                    gives tau = 0 and beta = 0, a column holding NaN or ±Inf diag[j] = NaN; the
//                    host reads diag and reports either.
//   apply_reflector: t[j:rows, c] −= tau_j · v_j · (v_jᵀ · t[j:rows, c]) for each target column c in
//                    [c0, cols): the trailing columns of w while factorising (c0 = j + 1), or the
//                    columns of Q₁ while forming it (c0 = j, for j = n−1 down to 0, from t = [I_n; 0]).
//   init_identity:   t = [I_cols; 0], rows × cols.
// The target is strided, t(i, c) = t[i * t_rs + c * t_cs], so Q₁ can be written transposed.
// Bindings (by name, src/linalg/qr.ts): params; w (read); v, tau, diag (read_write in house, only
// read in apply_reflector); t (read_write).
// Dispatch: house 1 workgroup of WG threads (tree reductions over the rows); apply_reflector
// ceil((cols − c0) / WG) workgroups, one thread per target column; init_identity
// ceil(rows·cols / WG_FILL) workgroups, wrapping onto y past 65535 (index = y·65535·WG_FILL + x).
// CPU reference: src/linalg/lstsq.ref.ts.
struct Params {
  rows: u32, cols: u32,
  j: u32, c0: u32,
  ld: u32,
  t_rs: u32, t_cs: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> tau: array<f32>;
@group(0) @binding(4) var<storage, read_write> diag: array<f32>;
@group(0) @binding(5) var<storage, read_write> t: array<f32>;

const WG: u32 = 64u;
const WG_FILL: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

// Tree reductions over the workgroup; every thread must call them (barriers) and gets the result.
fn reduce_sum(lid: u32, value: f32) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier(); // the next reduction may overwrite partial[0]
  return total;
}

fn reduce_max(lid: u32, value: f32) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] = max(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  let top = partial[0];
  workgroupBarrier();
  return top;
}

// A quiet NaN's bits, in a var so that bitcast<f32> runs at run time: a constant expression that
// evaluates to NaN is a shader-creation error.
var<private> quiet_nan_bits: u32 = 0x7fc00000u;

// Tested on the bits: WGSL lets implementations assume floats are finite, so x != x may not work.
fn non_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}

@compute @workgroup_size(WG)
fn house(@builtin(local_invocation_id) lid3: vec3<u32>) {
  let lid = lid3.x;
  let j = params.j;
  let ld = params.ld;
  if (j >= params.rows || j >= ld) { return; }
  var amax = 0.0;
  var bad = 0.0;
  for (var i = j + lid; i < params.rows; i += WG) {
    let x = w[i * ld + j];
    amax = max(amax, abs(x));
    bad = select(bad, 1.0, non_finite(x));
  }
  let scale = reduce_max(lid, amax);
  let any_bad = reduce_max(lid, bad) > 0.0;
  var ss = 0.0;
  if (scale > 0.0) {
    for (var i = j + lid; i < params.rows; i += WG) {
      let y = w[i * ld + j] / scale;
      ss = fma(y, y, ss);
    }
  }
  let norm = scale * sqrt(reduce_sum(lid, ss));
  let alpha = w[j * ld + j];
  let beta = select(norm, -norm, alpha >= 0.0);
  // |alpha − beta| = |alpha| + norm: no cancellation; zero only for a zero column.
  let denom = alpha - beta;
  let zero = norm == 0.0;
  for (var i = j + 1u + lid; i < params.rows; i += WG) {
    v[i * ld + j] = select(w[i * ld + j] / denom, 0.0, zero);
  }
  if (lid == 0u) {
    v[j * ld + j] = 1.0;
    tau[j] = select((beta - alpha) / beta, 0.0, zero);
    // NaN marks a non-finite column for the host (float comparisons may drop NaNs; bits do not).
    diag[j] = select(beta, bitcast<f32>(quiet_nan_bits), any_bad);
  }
}

// One thread per target column, walking down the rows: neighbouring threads touch neighbouring
// columns (contiguous when t_cs = 1) and no barrier is needed. This is several times faster than a
// workgroup-wide reduction per column, both on SwiftShader and for the small n of a GPU step.
@compute @workgroup_size(WG)
fn apply_reflector(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = params.j;
  let c = params.c0 + gid.x;
  if (c >= params.cols || j >= params.rows) { return; }
  // vᵀ·t[:, c] summed in blocks of 32 rows, so rounding grows like (rows/32 + 32)·u, not rows·u.
  var d = 0.0;
  var i = j;
  while (i < params.rows) {
    let end = min(i + 32u, params.rows);
    var block_sum = 0.0;
    for (; i < end; i++) {
      block_sum = fma(v[i * params.ld + j], t[i * params.t_rs + c * params.t_cs], block_sum);
    }
    d += block_sum;
  }
  let s = tau[j] * d;
  for (var r = j; r < params.rows; r++) {
    let at = r * params.t_rs + c * params.t_cs;
    t[at] = fma(-s, v[r * params.ld + j], t[at]);
  }
}

@compute @workgroup_size(WG_FILL)
fn init_identity(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.y * 65535u * WG_FILL + gid.x;
  if (idx >= params.rows * params.cols) { return; }
  let i = idx / params.cols;
  let c = idx % params.cols;
  t[i * params.t_rs + c * params.t_cs] = select(0.0, 1.0, i == c);
}
