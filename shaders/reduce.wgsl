// reduce.wgsl: sums. Accumulation is in f32 with a tree inside each workgroup, which keeps the
// error near O(log n)·eps rather than O(n)·eps for a serial sum.
//   sum_rows:  out[c] = Σ_r a[r * cols + c]     for a [rows, cols] array (one thread per column,
//              used for bias gradients, where rows is the batch size)
//   sum_all:   out[g] = Σ over the slice of a handled by workgroup g; run it again on `out` until one
//              value remains (src/ops/reduce.ts chains the passes). alpha scales the final result.
// Bindings (by name, src/ops/reduce.ts): params; a (read); out (read_write).
// Dispatch: sum_rows: ceil(cols / 256) workgroups; sum_all: ceil(n / 1024) workgroups of 256 threads.
struct Params { n: u32, cols: u32, alpha: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn sum_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  if (col >= params.cols) { return; }
  let rows = params.n / params.cols;
  var s = 0.0;
  for (var r = 0u; r < rows; r++) { s += a[r * params.cols + col]; }
  out[col] = params.alpha * s;
}

@compute @workgroup_size(256)
fn sum_all(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let base = wid.x * 1024u + lid.x;
  var s = 0.0;
  for (var i = 0u; i < 4u; i++) {
    let idx = base + i * 256u;
    if (idx < params.n) { s += a[idx]; }
  }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid.x < stride) { partial[lid.x] += partial[lid.x + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[wid.x] = params.alpha * partial[0]; }
}
