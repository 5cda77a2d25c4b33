// loss.wgsl: scalar losses with mean reduction, and their gradients w.r.t. the prediction.
// KIND (an override): 0 MSE, 1 BCE on probabilities, 2 BCE with logits, 3 KL divergence (pred = log-probs),
//       4 cross-entropy (pred = logits [rows, cols], tgt = class index per row as f32), 5 circular (degrees).
//   forward:  out[g] = alpha * Σ term(i) over the terms workgroup g visits (grid-stride over n terms).
//             With one workgroup this is the loss; otherwise src/ops/loss.ts sums the partials
//             (reduce.wgsl#sum_all) and applies alpha there. n = elements, or rows for kind 4.
//   backward: out[i] = dy[0] * alpha * d term / d pred[i], for i < n (n = elements of pred).
//   value_grad: both at once, the gradient taken on through the activation whose output is pred (ACT, as
//             in activation.wgsl#backward_y; slope = its leaky ReLU slope): workgroup g writes out[g] as
//             forward does (over its terms), and grad_out[i] = (dy[0] * alpha * d term / d pred[i]) * act'(pred[i])
//             for the elements i < elems it visits (the same grid-stride walk); the product is formed in
//             the order of backward then activation.wgsl#backward_y, so it equals their two passes bit for bit.
// alpha is 1/count (the mean's divisor), so the gradient of mean(term) is alpha * term'.
// Conventions (the CPU reference src/ops/loss.ref.ts states the same):
//   BCE clamps pred into [0, 1] and each log at -100 (as PyTorch); gradient (p - t) / max(p(1-p), 1e-12)
//   inside [0, 1] (PyTorch's), 0 outside. KL terms with tgt <= 0 are 0 (0·log 0 = 0), gradient -tgt.
//   Cross-entropy clamps the class index into [0, cols) so reads stay in bounds; validate on the CPU.
//   Circular wraps d = pred - tgt to d - 360·floor(d/360 + 1/2) in [-180, 180): a tie maps to -180.
// Bindings (by name, src/ops/loss.ts): params; pred, tgt, dy (read); out, grad_out (read_write).
// Dispatch: forward, value_grad: min(ceil(max(n, elems) / (WG · terms per thread)), 1024) workgroups
// (src/ops/loss.ts); backward: ceil(n / WG) workgroups, wrapping onto y beyond 65535 (index = y*65535*WG + x).
// elems and slope are read by value_grad only.
struct Params { n: u32, cols: u32, alpha: f32, elems: u32, slope: f32 }

// The loss, fixed per pipeline (codes above), so each pipeline carries only its own terms.
override KIND: u32 = 0u;
// The activation whose output pred is, for value_grad: 0 identity, 1 leaky ReLU (slope), 2 sigmoid, 3 tanh.
override ACT: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> tgt: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_out: array<f32>;

const WG: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

// log(v) clamped below at -100; v <= 0 (or a flushed denormal) gives -100 without evaluating log(0).
fn clamped_log(v: f32) -> f32 {
  return select(-100.0, max(log(v), -100.0), v > 0.0);
}

// log(1 + v) for v in [0, 1], accurate when v is below f32's epsilon.
fn log1p(v: f32) -> f32 {
  let u = 1.0 + v;
  if (u == 1.0) { return v; }
  return log(u) * v / (u - 1.0);
}

fn sigmoid(z: f32) -> f32 {
  let e = exp(-abs(z));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), z >= 0.0);
}

fn wrap_degrees(d: f32) -> f32 {
  return d - 360.0 * floor(d / 360.0 + 0.5);
}

// The class index of a row, clamped into [0, cols).
fn class_of(row: u32) -> u32 {
  return u32(clamp(tgt[row], 0.0, f32(params.cols - 1u)));
}

// Row maximum and log Σ exp(z - max) of the logits in row `row`.
fn row_max_lse(row: u32) -> vec2<f32> {
  let base = row * params.cols;
  var m = pred[base];
  for (var j = 1u; j < params.cols; j++) { m = max(m, pred[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < params.cols; j++) { s += exp(pred[base + j] - m); }
  return vec2<f32>(m, log(s));
}

fn term(i: u32) -> f32 {
  let kind = KIND; // read into a let: the reflection (wgsl_reflect) does not see an override used as a switch selector
  switch kind {
    case 0u: { let d = pred[i] - tgt[i]; return d * d; }
    case 1u: {
      let q = clamp(pred[i], 0.0, 1.0);
      let y = tgt[i];
      return -(y * clamped_log(q) + (1.0 - y) * clamped_log(1.0 - q));
    }
    case 2u: { let z = pred[i]; return max(z, 0.0) - z * tgt[i] + log1p(exp(-abs(z))); }
    case 3u: { let y = tgt[i]; return select(0.0, y * (log(max(y, 1e-37)) - pred[i]), y > 0.0); }
    case 4u: {
      let ml = row_max_lse(i);
      // (max - z_y) first: both are large for large logits, and their difference is exact-ish.
      return (ml.x - pred[i * params.cols + class_of(i)]) + ml.y;
    }
    case 5u: { let w = wrap_degrees(pred[i] - tgt[i]); return w * w; }
    default: { return 0.0; }
  }
}

fn grad(i: u32) -> f32 {
  let kind = KIND; // read into a let: the reflection (wgsl_reflect) does not see an override used as a switch selector
  switch kind {
    case 0u: { return 2.0 * (pred[i] - tgt[i]); }
    case 1u: {
      let q = pred[i];
      if (q < 0.0 || q > 1.0) { return 0.0; }
      return (q - tgt[i]) / max(q * (1.0 - q), 1e-12);
    }
    case 2u: { return sigmoid(pred[i]) - tgt[i]; }
    case 3u: { let y = tgt[i]; return select(0.0, -y, y > 0.0); }
    case 4u: {
      let row = i / params.cols;
      let col = i % params.cols;
      let ml = row_max_lse(row);
      return exp(pred[i] - ml.x - ml.y) - select(0.0, 1.0, col == class_of(row));
    }
    case 5u: { return 2.0 * wrap_degrees(pred[i] - tgt[i]); }
    default: { return 0.0; }
  }
}

// act'(v) from the activation's output v.
fn act_grad(v: f32) -> f32 {
  let kind = ACT; // read into a let (see term)
  switch kind {
    case 1u: { return select(params.slope, 1.0, v > 0.0); }
    case 2u: { return v * (1.0 - v); }
    case 3u: { return 1.0 - v * v; }
    default: { return 1.0; }
  }
}

// Workgroup g's share of the sum, times scale, into out[g] (all threads call it: barriers).
fn sum_terms(wid: vec3<u32>, lid: vec3<u32>, stride: u32, scale: f32) {
  var s = 0.0;
  for (var i = wid.x * WG + lid.x; i < params.n; i += stride) { s += term(i); }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width >>= 1u) {
    if (lid.x < width) { partial[lid.x] += partial[lid.x + width]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[wid.x] = scale * partial[0]; }
}

@compute @workgroup_size(WG)
fn value_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
              @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * WG;
  let scale = dy[0] * params.alpha;
  for (var i = wid.x * WG + lid.x; i < params.elems; i += stride) {
    let g = scale * grad(i);
    grad_out[i] = g * act_grad(pred[i]);
  }
  // As forward: alpha applied here when there is one workgroup, else by the sum of the partials.
  sum_terms(wid, lid, stride, select(1.0, params.alpha, groups.x == 1u));
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
           @builtin(num_workgroups) groups: vec3<u32>) {
  sum_terms(wid, lid, groups.x * WG, params.alpha);
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 65535u * WG + gid.x;
  if (i >= params.n) { return; }
  out[i] = dy[0] * params.alpha * grad(i);
}
