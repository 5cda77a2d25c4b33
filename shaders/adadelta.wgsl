// adadelta.wgsl: one Adadelta step, in place, over one parameter tensor of n elements (the update rule
// of torch.optim.Adadelta).
//   g = grad + weight_decay * param
//   square_avg = rho * square_avg + (1 - rho) * g * g
//   delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
//   acc_delta = rho * acc_delta + (1 - rho) * delta * delta
//   param -= lr * delta
// The step-dependent values reach the kernel as this step's Row of the table `steps` (computed on
// the CPU in float64), picked by the step counter (step_row). One dispatch covers a whole parameter
// arena (n floats; its padding holds zeros and stays zero).
// Bindings (by name, src/optim/adadelta.ts): params; grad, steps, counter (read); param, square_avg,
// acc_delta, next_counter (read_write).
// Dispatch: `threads` = ceil(n / ELEMENTS_PER_THREAD) threads (src/optim/base.ts), thread t updating
// elements t, t + threads, …; ceil(threads / WG) workgroups on x, wrapping onto y beyond 65535
// (index = y*65535*WG + x).
// CPU reference: src/optim/adadelta.ref.ts
struct Params { n: u32, rows: u32, threads: u32, rho: f32, eps: f32, weight_decay: f32 }
struct Row { lr: f32, unused0: f32, unused1: f32, unused2: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> square_avg: array<f32>;
@group(0) @binding(4) var<storage, read_write> acc_delta: array<f32>;
@group(0) @binding(5) var<storage, read> steps: array<Row>;
@group(0) @binding(6) var<storage, read> counter: array<u32>;
@group(0) @binding(7) var<storage, read_write> next_counter: array<u32>;

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
    let v = params.rho * square_avg[i] + (1.0 - params.rho) * g * g;
    square_avg[i] = v;
    let a = acc_delta[i];
    let delta = sqrt(a + params.eps) / sqrt(v + params.eps) * g;
    acc_delta[i] = params.rho * a + (1.0 - params.rho) * delta * delta;
    param[i] = p - r.lr * delta;
  }
}
