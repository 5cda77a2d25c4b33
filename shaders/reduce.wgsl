// reduce.wgsl: sums. Accumulation is in f32 with a tree inside each workgroup, which keeps the
// error near O(log n)·eps rather than O(n)·eps for a serial sum.
//   sum_rows:  out[c] = alpha · Σ_r a[r * cols + c]   for a [rows, cols] array (one thread per column,
//              used for bias gradients, where rows is the batch size)
//   sum_cols:  out[r] = alpha · Σ_c a[r * cols + c]   (one thread per row, added left to right from 0)
//   sum_all:   out[g] = Σ over the WG · TERMS values of a handled by workgroup g; run it again on `out`
//              until one value remains (src/ops/reduce.ts chains the passes). alpha scales the result.
// Bindings (by name, src/ops/reduce.ts): params; a (read); out (read_write).
// Dispatch: sum_rows, sum_cols: ceil(outputs / WG) workgroups, wrapping onto y beyond 65535
// (index = y*65535*WG + x); sum_all: ceil(n / (WG · TERMS)) workgroups.
struct Params { n: u32, cols: u32, alpha: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;
// Values each sum_all thread adds before the workgroup tree.
override TERMS: u32 = 4u;

var<workgroup> partial: array<f32, WG>;

fn index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

@compute @workgroup_size(WG)
fn sum_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = index(gid);
  if (col >= params.cols) { return; }
  let rows = params.n / params.cols;
  var s = 0.0;
  for (var r = 0u; r < rows; r++) { s += a[r * params.cols + col]; }
  out[col] = params.alpha * s;
}

@compute @workgroup_size(WG)
fn sum_cols(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = index(gid);
  if (row >= params.n / params.cols) { return; }
  let base = row * params.cols;
  var s = 0.0;
  for (var c = 0u; c < params.cols; c++) { s += a[base + c]; }
  out[row] = params.alpha * s;
}

@compute @workgroup_size(WG)
fn sum_all(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let base = wid.x * WG * TERMS + lid.x;
  var s = 0.0;
  for (var i = 0u; i < TERMS; i++) {
    let idx = base + i * WG;
    if (idx < params.n) { s += a[idx]; }
  }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid.x < stride) { partial[lid.x] += partial[lid.x + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[wid.x] = params.alpha * partial[0]; }
}
