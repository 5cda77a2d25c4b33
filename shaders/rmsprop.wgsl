// rmsprop.wgsl: one RMSprop step, in place, over one parameter tensor of n elements (the update rule
// of torch.optim.RMSprop).
//   g = grad + weight_decay * param
//   square_avg = alpha * square_avg + (1 - alpha) * g * g
//   plain:     avg = sqrt(square_avg) + eps
//   centered:  grad_avg = alpha * grad_avg + (1 - alpha) * g
//              avg = sqrt(max(square_avg - grad_avg^2, 0)) + eps
//   no momentum:  param -= lr * g / avg
//   momentum:     momentum_buffer = momentum * momentum_buffer + g / avg;  param -= lr * momentum_buffer
// The clamp at 0 only matters when rounding makes the centered variance negative (PyTorch would
// take the square root of a negative number there and produce NaN).
// One entry per combination, so that each binds only the state it uses:
//   step, step_momentum, step_centered, step_centered_momentum.
// The learning rate reaches the kernel as this step's Row of the table `steps`, picked by the step
// counter (step_row). One dispatch covers a whole parameter arena (n floats; its padding holds
// zeros and stays zero).
// Bindings (by name, src/optim/rmsprop.ts): params; grad, steps, counter (read); param, square_avg,
// grad_avg, momentum_buffer (the last two only where the entry's name says so), next_counter
// (read_write).
// Dispatch: `threads` = ceil(n / ELEMENTS_PER_THREAD) threads (src/optim/base.ts), thread t updating
// elements t, t + threads, …; ceil(threads / WG) workgroups on x, wrapping onto y beyond 65535
// (index = y*65535*WG + x).
// CPU reference: src/optim/rmsprop.ref.ts
struct Params { n: u32, rows: u32, threads: u32, alpha: f32, eps: f32, weight_decay: f32, momentum: f32 }
struct Row { lr: f32, unused0: f32, unused1: f32, unused2: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> square_avg: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad_avg: array<f32>;
@group(0) @binding(5) var<storage, read_write> momentum_buffer: array<f32>;
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

fn decayed_grad(i: u32) -> f32 { return grad[i] + params.weight_decay * param[i]; }

fn update_square_avg(i: u32, g: f32) -> f32 {
  let v = params.alpha * square_avg[i] + (1.0 - params.alpha) * g * g;
  square_avg[i] = v;
  return v;
}

fn centered_avg(i: u32, g: f32, v: f32) -> f32 {
  let m = params.alpha * grad_avg[i] + (1.0 - params.alpha) * g;
  grad_avg[i] = m;
  return sqrt(max(v - m * m, 0.0)) + params.eps;
}

fn apply_momentum(i: u32, lr: f32, g: f32, avg: f32) {
  let buf = params.momentum * momentum_buffer[i] + g / avg;
  momentum_buffer[i] = buf;
  param[i] = param[i] - lr * buf;
}

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let g = decayed_grad(i);
    let avg = sqrt(update_square_avg(i, g)) + params.eps;
    param[i] = param[i] - r.lr * g / avg;
  }
}

@compute @workgroup_size(WG)
fn step_momentum(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let g = decayed_grad(i);
    apply_momentum(i, r.lr, g, sqrt(update_square_avg(i, g)) + params.eps);
  }
}

@compute @workgroup_size(WG)
fn step_centered(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let g = decayed_grad(i);
    let avg = centered_avg(i, g, update_square_avg(i, g));
    param[i] = param[i] - r.lr * g / avg;
  }
}

@compute @workgroup_size(WG)
fn step_centered_momentum(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let g = decayed_grad(i);
    apply_momentum(i, r.lr, g, centered_avg(i, g, update_square_avg(i, g)));
  }
}
