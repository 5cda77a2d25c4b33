// trisolve.wgsl: back-substitution R·X = C for an upper-triangular n × n R, in place, with one
// thread per right-hand side (column s of X, 0 ≤ s < k).
// R(i, l) = r[i * r_rs + l] for l > i (only the strict upper triangle of r is read; below it is
// workspace), R(i, i) = diag[i]. x(i, s) = x[i * x_rs + s * x_cs] holds C on entry and X on exit, so
// X can be [n, k] (x_rs = k, x_cs = 1) or [k, n] (x_rs = 1, x_cs = n).
// A zero diag[i] gives ±Inf/NaN; the host checks R's diagonal before dispatching.
// Bindings (by name, src/linalg/qr.ts): params; r, diag (read); x (read_write).
// Dispatch: ceil(k / WG) workgroups on x, wrapping onto y past 65535 (s = y·65535·WG + x).
// CPU reference: src/linalg/lstsq.ref.ts.
struct Params { n: u32, k: u32, r_rs: u32, x_rs: u32, x_cs: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read> diag: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;

const WG: u32 = 64u;

@compute @workgroup_size(WG)
fn back_substitute(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.y * 65535u * WG + gid.x;
  if (s >= params.k) { return; }
  let base = s * params.x_cs;
  // Rows bottom-up; every thread reads the same R(i, l), so those loads are shared across the group.
  for (var step = 0u; step < params.n; step++) {
    let i = params.n - 1u - step;
    var acc = x[i * params.x_rs + base];
    for (var l = i + 1u; l < params.n; l++) {
      acc = fma(-r[i * params.r_rs + l], x[l * params.x_rs + base], acc);
    }
    x[i * params.x_rs + base] = acc / diag[i];
  }
}
