// adam.wgsl: one Adam / AdamW step, in place, over one parameter tensor of n elements (the update
// rules of torch.optim.Adam and torch.optim.AdamW).
//   g = grad + weight_decay * param                      (Adam's L2 term; 0 for AdamW)
//   exp_avg    = beta1 * exp_avg    + (1 - beta1) * g
//   exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
//   step_amsgrad only: max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq), used below instead of exp_avg_sq
//   denom = sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
//   param = param * decay - step_size * exp_avg / denom
// decay is AdamW's decoupled weight decay, 1 - lr * weight_decay (1 for Adam). The step-dependent
// factors are computed on the CPU in float64 for step t: step_size = lr / (1 - beta1^t) and
// bias_correction2_sqrt = sqrt(1 - beta2^t).
// Bindings (by name, src/optim/adam.ts): params; grad (read); param, exp_avg, exp_avg_sq,
// max_exp_avg_sq (read_write; the last only in step_amsgrad).
// Dispatch: ceil(n / WG) workgroups on x, wrapping onto y beyond 65535 (index = y*65535*WG + x).
// CPU reference: src/optim/adam.ref.ts
struct Params {
  n: u32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  decay: f32,
  step_size: f32,
  bias_correction2_sqrt: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> exp_avg: array<f32>;
@group(0) @binding(4) var<storage, read_write> exp_avg_sq: array<f32>;
@group(0) @binding(5) var<storage, read_write> max_exp_avg_sq: array<f32>;

const WG: u32 = 256u;

fn index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

/** Updates both moments of element i from its gradient; returns (param, exp_avg, exp_avg_sq). */
fn moments(i: u32) -> vec3<f32> {
  let p = param[i];
  let g = grad[i] + params.weight_decay * p;
  let m = params.beta1 * exp_avg[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * exp_avg_sq[i] + (1.0 - params.beta2) * g * g;
  exp_avg[i] = m;
  exp_avg_sq[i] = v;
  return vec3<f32>(p, m, v);
}

fn apply(i: u32, p: f32, m: f32, v: f32) {
  let denom = sqrt(v) / params.bias_correction2_sqrt + params.eps;
  param[i] = p * params.decay - params.step_size * m / denom;
}

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  let s = moments(i);
  apply(i, s.x, s.y, s.z);
}

@compute @workgroup_size(WG)
fn step_amsgrad(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  let s = moments(i);
  let v_max = max(max_exp_avg_sq[i], s.z);
  max_exp_avg_sq[i] = v_max;
  apply(i, s.x, s.y, v_max);
}
