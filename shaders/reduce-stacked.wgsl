// reduce-stacked.wgsl: the model axis of reduce.wgsl. Not a module of its own: src/kernels/stacked-shaders.ts
// appends it to reduce.wgsl (same Params, bindings, WG and TERMS). `a` holds MODELS models' tensors
// of params.n values each, one after another (src/ops/stacked.ts).
//   sum_rows_stacked: out[k · cols + c] = alpha · Σ_r a[k · n + r · cols + c], rows added in order from 0
//                     (sum_rows over each model's [rows, cols]); one thread per output.
//   sum_all_stacked:  out[wid.y · groups + wid.x] = Σ of the WG · TERMS values workgroup wid.x handles in
//                     model wid.y's n values, scaled by alpha (sum_all over each model).
// Dispatch: sum_rows_stacked ceil(MODELS · cols / WG) workgroups, wrapping onto y beyond 65535;
// sum_all_stacked (ceil(n / (WG · TERMS)), models, 1).

// Models in the stack (sum_rows_stacked only).
override MODELS: u32 = 1u;

@compute @workgroup_size(WG)
fn sum_rows_stacked(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = index(gid);
  let models = MODELS;
  if (o >= models * params.cols) { return; }
  let k = o / params.cols;
  let col = o % params.cols;
  let rows = params.n / params.cols;
  let base = k * params.n + col;
  var s = 0.0;
  for (var r = 0u; r < rows; r++) { s += a[base + r * params.cols]; }
  out[o] = params.alpha * s;
}

@compute @workgroup_size(WG)
fn sum_all_stacked(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                   @builtin(num_workgroups) groups: vec3<u32>) {
  let start = wid.y * params.n;
  let base = wid.x * WG * TERMS + lid.x;
  var s = 0.0;
  for (var i = 0u; i < TERMS; i++) {
    let idx = base + i * WG;
    if (idx < params.n) { s += a[start + idx]; }
  }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid.x < stride) { partial[lid.x] += partial[lid.x + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[wid.y * groups.x + wid.x] = params.alpha * partial[0]; }
}
