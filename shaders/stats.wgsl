// stats.wgsl: statistics of matrices (no gradients). x is row-major [n_rows, cols].
//   softmax_rows:   out = softmax (kind 0) or log-softmax (kind 1) of each row of x, shifted by the row
//                   maximum. One thread per row (n = rows).
//   col_mean:       out[c] = mean of column c over n rows. Computed as x0 + mean(x − x0) with x0 = x[0, c],
//                   so a constant column gives exactly its value; kind 1 writes mean(x − x0) instead (the
//                   shifted mean that `center` subtracts). One workgroup per column.
//   col_std:        out[c] = sample standard deviation (divisor n − 1) of column c, two passes over the
//                   shifted column: exactly 0 for a constant column. One workgroup per column.
//   center:         out[i] = (x[i] − x[c]) − m[c], c = i % cols, m from col_mean kind 1 (n = elements).
//   corr_normalize: out[i, j] = cov[a, b] / (sqrt(cov[a, a]) sqrt(cov[b, b])) with (a, b) = (min, max)(i, j)
//                   so the result is exactly symmetric, clamped to [−1, 1]; 1 on the diagonal; 0 off it
//                   when either variance is 0. cov is [cols, cols] (n = cols²).
//   reduce_sum:     out[g] = Σ f(x[i]) over the elements workgroup g visits (grid-stride over n), with
//                   f by kind: 0 x, 1 x², 2 |x| off the diagonal of a [cols, cols] matrix (0 on it).
//                   The last pass (one workgroup) writes alpha·s, or sqrt(alpha·s) when root = 1.
// Bindings (by name, src/ops/stats.ts): params; x, m, cov (read); out (read_write).
// Dispatch: softmax_rows, center, corr_normalize: ceil(n / WG) workgroups wrapping onto y beyond 65535
// (index = y*65535*WG + x); col_mean, col_std: one workgroup per column, (x, y) = column % 65535,
// column / 65535; reduce_sum: min(ceil(n / (4·WG)), 1024) workgroups. CPU reference: src/ops/stats.ref.ts.
struct Params { n: u32, cols: u32, kind: u32, root: u32, alpha: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> m: array<f32>;
@group(0) @binding(3) var<storage, read> cov: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

fn linear_index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

// Sum of v over the workgroup. Call from uniform control flow; every thread gets the total.
fn workgroup_sum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width >>= 1u) {
    if (lid < width) { partial[lid] += partial[lid + width]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier(); // nobody overwrites partial before everyone has read the total
  return total;
}

@compute @workgroup_size(WG)
fn softmax_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = linear_index(gid);
  if (row >= params.n) { return; }
  let base = row * params.cols;
  var mx = x[base];
  for (var j = 1u; j < params.cols; j++) { mx = max(mx, x[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < params.cols; j++) { s += exp(x[base + j] - mx); }
  let log_s = log(s);
  for (var j = 0u; j < params.cols; j++) {
    let shifted = x[base + j] - mx;
    out[base + j] = select(exp(shifted) / s, shifted - log_s, params.kind == 1u);
  }
}

// Σ over rows of (x[r, col] − x[0, col]) for this thread's rows.
fn shifted_column_sum(col: u32, lid: u32) -> f32 {
  let x0 = x[col];
  var s = 0.0;
  for (var r = lid; r < params.n; r += WG) { s += x[r * params.cols + col] - x0; }
  return s;
}

@compute @workgroup_size(WG)
fn col_mean(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = wid.y * 65535u + wid.x;
  if (col >= params.cols) { return; }
  let shifted_mean = workgroup_sum(lid.x, shifted_column_sum(col, lid.x)) / f32(params.n);
  if (lid.x == 0u) { out[col] = select(x[col] + shifted_mean, shifted_mean, params.kind == 1u); }
}

@compute @workgroup_size(WG)
fn col_std(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = wid.y * 65535u + wid.x;
  if (col >= params.cols) { return; }
  let shifted_mean = workgroup_sum(lid.x, shifted_column_sum(col, lid.x)) / f32(params.n);
  let x0 = x[col];
  var q = 0.0;
  for (var r = lid.x; r < params.n; r += WG) {
    let d = (x[r * params.cols + col] - x0) - shifted_mean;
    q += d * d;
  }
  let total = workgroup_sum(lid.x, q);
  if (lid.x == 0u) { out[col] = sqrt(total / f32(params.n - 1u)); }
}

@compute @workgroup_size(WG)
fn center(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = linear_index(gid);
  if (i >= params.n) { return; }
  let c = i % params.cols;
  out[i] = (x[i] - x[c]) - m[c];
}

@compute @workgroup_size(WG)
fn corr_normalize(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = linear_index(gid);
  if (i >= params.n) { return; }
  let d = params.cols;
  let a = min(i / d, i % d);
  let b = max(i / d, i % d);
  let var_a = cov[a * d + a];
  let var_b = cov[b * d + b];
  var r = 0.0;
  if (a == b) { r = 1.0; }
  else if (var_a > 0.0 && var_b > 0.0) { r = clamp(cov[a * d + b] / (sqrt(var_a) * sqrt(var_b)), -1.0, 1.0); }
  out[i] = r;
}

fn reduce_term(i: u32) -> f32 {
  let v = x[i];
  switch params.kind {
    case 1u: { return v * v; }
    case 2u: { return select(abs(v), 0.0, i / params.cols == i % params.cols); }
    default: { return v; }
  }
}

@compute @workgroup_size(WG)
fn reduce_sum(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
              @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * WG;
  var s = 0.0;
  for (var i = wid.x * WG + lid.x; i < params.n; i += stride) { s += reduce_term(i); }
  let total = params.alpha * workgroup_sum(lid.x, s);
  if (lid.x == 0u) { out[wid.x] = select(total, sqrt(total), params.root == 1u); }
}
