// elementwise.wgsl: arithmetic on flat f32 arrays of n elements.
//   axpby:    out = alpha * a + beta * b        (add: 1,1; sub: 1,-1)
//   mul:      out = a * b
//   scale:    out = alpha * a + beta            (affine map of one array)
//   add_row:  out[i] = a[i] + b[i % cols]       (bias broadcast over the rows of an [n/cols, cols] array)
//   fill_row: out[i] = alpha * b[i % cols]      (a [cols] vector repeated over rows; cols = 1 broadcasts a scalar)
//   fill_col: out[i] = alpha * b[i / cols]      (a [rows] vector repeated across the columns of each row)
// Bindings (by name, src/ops/elementwise.ts and the broadcasts of src/ops/reduce.ts): params; a, b (read);
// out (read_write).
// Dispatch: ceil(n / WG) workgroups on x, wrapping onto y beyond 65535 (index = y*65535*WG + x).
struct Params { n: u32, cols: u32, alpha: f32, beta: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;

fn index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

@compute @workgroup_size(WG)
fn axpby(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = params.alpha * a[i] + params.beta * b[i];
}

@compute @workgroup_size(WG)
fn mul(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = a[i] * b[i];
}

@compute @workgroup_size(WG)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = params.alpha * a[i] + params.beta;
}

@compute @workgroup_size(WG)
fn add_row(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = a[i] + b[i % params.cols];
}

@compute @workgroup_size(WG)
fn fill_row(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = params.alpha * b[i % params.cols];
}

@compute @workgroup_size(WG)
fn fill_col(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = params.alpha * b[i / params.cols];
}
