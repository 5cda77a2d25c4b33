// loss-stacked.wgsl: the model axis of loss.wgsl. Not a module of its own: src/kernels/stacked-shaders.ts
// appends it to loss.wgsl, so these entries call the same term() and grad() and keep its Params,
// bindings and KIND override. pred and tgt hold a stack of models, model k's terms right after
// model k - 1's (src/ops/stacked.ts stackedLoss).
//   forward_stacked:  like forward, for model wid.y over its params.n terms (n = elements, or rows for
//                     kind 4) starting at wid.y · n: out[wid.y · groups + wid.x] = alpha · Σ term.
//                     The same terms in the same order as forward over that model alone, so each
//                     model's partials are the bits its lone loss would give.
//   backward_stacked: out[i] = dy[model of i] · alpha · d term / d pred[i] for i < n (n = elements of
//                     the whole stack, MODELS models of n / MODELS each): backward with one dy per model.
// Dispatch: forward_stacked (groups, models, 1), groups as forward; backward_stacked as backward.

// Models in the stack (backward_stacked only).
override MODELS: u32 = 1u;

@compute @workgroup_size(WG)
fn forward_stacked(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
                   @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * WG;
  let base = wid.y * params.n;
  var s = 0.0;
  for (var i = wid.x * WG + lid.x; i < params.n; i += stride) { s += term(base + i); }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width >>= 1u) {
    if (lid.x < width) { partial[lid.x] += partial[lid.x + width]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[wid.y * groups.x + wid.x] = params.alpha * partial[0]; }
}

@compute @workgroup_size(WG)
fn backward_stacked(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 65535u * WG + gid.x;
  if (i >= params.n) { return; }
  let models = MODELS;
  out[i] = dy[i / (params.n / models)] * params.alpha * grad(i);
}
