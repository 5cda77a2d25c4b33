// sgd.wgsl: one step of stochastic gradient descent, in place, over one parameter tensor of n
// elements (the update rule of torch.optim.SGD).
//   d = grad + weight_decay * param
//   step:           param -= lr * d                                       (momentum = 0: no state)
//   step_momentum:  momentum_buffer = first_step ? d : momentum * momentum_buffer + (1 - dampening) * d
//                   d = nesterov ? d + momentum * momentum_buffer : momentum_buffer
//                   param -= lr * d
// first_step is 1 on the optimizer's first step only: the buffer starts as a copy of d, not as zero.
// Both entries share one Params struct; `step` ignores the momentum fields (the caller passes 0).
// The step-dependent values reach the kernel as this step's Row of the table `steps` (computed on
// the CPU in float64), picked by the step counter (step_row). One dispatch covers a whole parameter
// arena (n floats; its padding holds zeros and stays zero).
// Bindings (by name, src/optim/sgd.ts): params; grad, steps, counter (read); param, momentum_buffer,
// next_counter (read_write).
// Dispatch: `threads` = ceil(n / ELEMENTS_PER_THREAD) threads (src/optim/base.ts), thread t updating
// elements t, t + threads, …; ceil(threads / WG) workgroups on x, wrapping onto y beyond 65535
// (index = y*65535*WG + x).
// CPU reference: src/optim/sgd.ref.ts
struct Params { n: u32, rows: u32, threads: u32, weight_decay: f32, momentum: f32, dampening: f32, nesterov: u32 }
struct Row { lr: f32, first_step: f32, unused0: f32, unused1: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> momentum_buffer: array<f32>;
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
    let d = grad[i] + params.weight_decay * p;
    param[i] = p - r.lr * d;
  }
}

@compute @workgroup_size(WG)
fn step_momentum(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = index(gid);
  let r = step_row(t);
  if (t >= params.threads) { return; }
  for (var i = t; i < params.n; i += params.threads) {
    let p = param[i];
    let d = grad[i] + params.weight_decay * p;
    var buf = d;
    if (r.first_step == 0.0) {
      buf = params.momentum * momentum_buffer[i] + (1.0 - params.dampening) * d;
    }
    momentum_buffer[i] = buf;
    let direction = select(buf, d + params.momentum * buf, params.nesterov != 0u);
    param[i] = p - r.lr * direction;
  }
}
