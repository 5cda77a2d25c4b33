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
// bias_correction2_sqrt = sqrt(1 - beta2^t); they reach the kernel as this step's Row of the table
// `steps`, picked by the step counter (see step_row, shared by every optimizer shader).
// One dispatch covers a whole parameter arena (n floats; its padding holds zeros and stays zero).
// Bindings (by name, src/optim/adam.ts): params; grad, steps, counter (read); param, exp_avg,
// exp_avg_sq, max_exp_avg_sq (the last only in step_amsgrad), next_counter (read_write).
// Dispatch: `threads` = ceil(n / ELEMENTS_PER_THREAD) threads (src/optim/base.ts), thread t updating
// elements t, t + threads, …; ceil(threads / WG) workgroups on x, wrapping onto y beyond 65535
// (index = y*65535*WG + x).
// CPU reference: src/optim/adam.ref.ts
struct Params {
  n: u32,
  rows: u32,
  threads: u32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
}
struct Row { step_size: f32, bias_correction2_sqrt: f32, decay: f32, unused: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> exp_avg: array<f32>;
@group(0) @binding(4) var<storage, read_write> exp_avg_sq: array<f32>;
@group(0) @binding(5) var<storage, read_write> max_exp_avg_sq: array<f32>;
@group(0) @binding(6) var<storage, read> steps: array<Row>;
@group(0) @binding(7) var<storage, read> counter: array<u32>;
@group(0) @binding(8) var<storage, read_write> next_counter: array<u32>;

const WG: u32 = 256u;

fn index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

// This step's row of the table: steps[counter[0]]. Thread 0 writes the next step's row index into
// the other counter buffer (the next dispatch binds the two the other way round), so no thread
// reads a value that this dispatch changes.
fn step_row(i: u32) -> Row {
  let k = counter[0];
  if (i == 0u) { next_counter[0] = (k + 1u) % params.rows; }
  return steps[k];
}

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

fn apply(i: u32, r: Row, p: f32, m: f32, v: f32) {
  let denom = sqrt(v) / r.bias_correction2_sqrt + params.eps;
  param[i] = p * r.decay - r.step_size * m / denom;
}

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let s = moments(i);
    apply(i, r, s.x, s.y, s.z);
  }
}

@compute @workgroup_size(WG)
fn step_amsgrad(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let s = moments(i);
    let v_max = max(max_exp_avg_sq[i], s.z);
    max_exp_avg_sq[i] = v_max;
    apply(i, r, s.x, s.y, v_max);
  }
}
