// adagrad.wgsl: one Adagrad step, in place, over one parameter tensor of n elements (the update rule
// of torch.optim.Adagrad).
//   g = grad + weight_decay * param
//   sum += g * g
//   param -= clr * g / (sqrt(sum) + eps)
// clr = lr / (1 + (t - 1) * lr_decay) for step t is computed on the CPU in float64. `sum` starts at
// initial_accumulator_value (written by src/optim/adagrad.ts when the state is made).
// Bindings (by name, src/optim/adagrad.ts): params; grad (read); param, sum (read_write).
// Dispatch: ceil(n / WG) workgroups on x, wrapping onto y beyond 65535 (index = y*65535*WG + x).
// CPU reference: src/optim/adagrad.ref.ts
struct Params { n: u32, clr: f32, weight_decay: f32, eps: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> sum: array<f32>;

const WG: u32 = 256u;

fn index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= params.n) { return; }
  let p = param[i];
  let g = grad[i] + params.weight_decay * p;
  let s = sum[i] + g * g;
  sum[i] = s;
  param[i] = p - params.clr * g / (sqrt(s) + params.eps);
}
