// stacked.wgsl: copies between a stack of models' tensors and one optimizer group's own buffers
// (src/optim/stacked.ts): out[dst + i] = a[src + i] for i < n, bit for bit.
// Bindings (by name): params; a (read); out (read_write).
// Dispatch: ceil(n / WG) workgroups, wrapping onto y beyond 65535 (index = y*65535*WG + x).
struct Params { n: u32, src: u32, dst: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;

@compute @workgroup_size(WG)
fn copy_range(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 65535u * WG + gid.x;
  if (i >= params.n) { return; }
  out[params.dst + i] = a[params.src + i];
}
