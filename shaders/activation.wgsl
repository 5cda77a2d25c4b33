// activation.wgsl: activations, their gradients, and the inverse of leaky ReLU.
// ACT (an override, as in the GEMMs' bias-and-activation epilogue): 0 identity, 1 leaky ReLU (slope
// alpha; ReLU is alpha = 0), 2 sigmoid, 3 tanh (src/ops/activation.ts activationCode).
//   forward:         y  = f(x)
//   backward_y:      dx = dy * f'(y)      (sigmoid: y(1-y); tanh: 1-y²; leaky ReLU: y > 0 ⟺ x > 0 for alpha ≥ 0)
//   inverse:         x  = y >= 0 ? y : y / alpha   (leaky ReLU with alpha > 0)
//   inverse_backward dy_in = dx_out * (y >= 0 ? 1 : 1/alpha)
// At x = 0 the leaky ReLU gradient is taken as alpha (PyTorch takes the x <= 0 branch too).
// Bindings (by name, src/ops/activation.ts): params; x, y, dy (read); out (read_write).
// Dispatch: ceil(n / WG) workgroups on x (wrapping onto y beyond 65535: index = y*65535*WG + x).
struct Params { n: u32, alpha: f32 }

// The activation, fixed per pipeline (codes above), so each pipeline carries only its own function.
override ACT: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;

fn index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

fn act(v: f32) -> f32 {
  let kind = ACT; // read into a let: the reflection (wgsl_reflect) does not see an override used as a switch selector
  switch kind {
    case 1u: { return select(params.alpha * v, v, v > 0.0); }
    case 2u: { return 1.0 / (1.0 + exp(-v)); }
    case 3u: { return tanh(v); }
    default: { return v; }
  }
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = act(x[i]);
}

@compute @workgroup_size(WG)
fn backward_y(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  let v = y[i];
  var d: f32;
  let kind = ACT;
  switch kind {
    case 1u: { d = select(params.alpha, 1.0, v > 0.0); }
    case 2u: { d = v * (1.0 - v); }
    case 3u: { d = 1.0 - v * v; }
    default: { d = 1.0; }
  }
  out[i] = dy[i] * d;
}

@compute @workgroup_size(WG)
fn inverse(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  let v = y[i];
  out[i] = select(v / params.alpha, v, v >= 0.0);
}

@compute @workgroup_size(WG)
fn inverse_backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  out[i] = dy[i] * select(1.0 / params.alpha, 1.0, y[i] >= 0.0);
}
