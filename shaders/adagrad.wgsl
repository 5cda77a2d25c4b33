// adagrad.wgsl: one Adagrad step, in place, over one parameter tensor of n elements (the update rule
// of torch.optim.Adagrad).
//   g = grad + weight_decay * param
//   sum += g * g
//   param -= clr * g / (sqrt(sum) + eps)
// clr = lr / (1 + (t - 1) * lr_decay) for step t is computed on the CPU in float64. `sum` starts at
// initial_accumulator_value (written by src/optim/adagrad.ts when the state is made).
// The step-dependent values reach the kernel as this step's Row of the table `steps` (computed on
// the CPU in float64), picked by the step counter (step_row). One dispatch covers a whole parameter
// arena (n floats; its padding holds zeros and stays zero).
// Bindings (by name, src/optim/adagrad.ts): params; grad, steps, counter (read); param, sum,
// next_counter (read_write).
// Dispatch: `threads` = ceil(n / ELEMENTS_PER_THREAD) threads (src/optim/base.ts), thread t updating
// elements t, t + threads, …; ceil(threads / WG) workgroups on x, wrapping onto y beyond 65535
// (index = y*65535*WG + x).
// CPU reference: src/optim/adagrad.ref.ts
struct Params { n: u32, rows: u32, threads: u32, weight_decay: f32, eps: f32 }
struct Row { clr: f32, unused0: f32, unused1: f32, unused2: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> sum: array<f32>;
@group(0) @binding(4) var<storage, read> steps: array<Row>;
@group(0) @binding(5) var<storage, read> counter: array<u32>;
@group(0) @binding(6) var<storage, read_write> next_counter: array<u32>;

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

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let p = param[i];
    let g = grad[i] + params.weight_decay * p;
    let s = sum[i] + g * g;
    sum[i] = s;
    param[i] = p - r.clr * g / (sqrt(s) + params.eps);
  }
}
