// conv2d.wgsl: 2-D convolution over NCHW tensors, its two gradients, and the per-channel bias sum.
// All entries use convolution terms: x [N, C, H, W], w [O, C, KH, KW] (PyTorch's Conv2d layout),
// y / dy [N, O, OH, OW], OH = floor((H + 2·pad − KH) / stride) + 1, input row ih = oh·stride − pad + kh
// (rows outside [0, H) are zero padding); columns likewise.
//   forward, forward_no_bias  y[n,o,oh,ow]  = Σ_{c,kh,kw} x[n,c,ih,iw] · w[o,c,kh,kw] (+ b[o])
//   backward_input            dx[n,c,ih,iw] = Σ dy[n,o,oh,ow] · w[o,c,kh,kw] over o and the (oh, kh), (ow, kw) that reach (ih, iw)
//   transpose_forward         y = backward_input(dy) + b[c]: ConvTranspose2d's forward, its input bound as dy and
//                             its weight [O, C, KH, KW] being PyTorch's ConvTranspose2d weight [in, out, kH, kW]
//   backward_weight           dw[o,c,kh,kw] = Σ_{n,oh,ow} dy[n,o,oh,ow] · x[n,c,ih,iw]
//   bias_grad                 db[o] = Σ_{n,oh,ow} dy[n,o,oh,ow]
// Bindings (by name, src/ops/conv.ts): params; x, w, b, dy (read); y, dx, dw, db (read_write).
// params.n: the entry's number of output elements (bounds check). CPU reference: src/ops/conv.ref.ts.
// Dispatch:
//   forward*, backward_input, transpose_forward: direct convolution, one thread per output element with a
//     serial f32 sum; ceil(n / WG) workgroups on x, wrapping onto y beyond 65535 groups.
//   backward_weight, bias_grad: one workgroup of 64 threads per output element, because these sums are long
//     (N·OH·OW terms) while their outputs are few. Threads split the terms (neighbours read neighbouring
//     ow) and add partial sums as a tree. n workgroups, wrapping: group index = wid.y · 65535 + wid.x.
struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, KH: u32, KW: u32, stride: u32,
  pad: u32, OH: u32, OW: u32, n: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<storage, read_write> dw: array<f32>;
@group(0) @binding(8) var<storage, read_write> db: array<f32>;

const WG: u32 = 256u;
const RWG: u32 = 64u;
var<workgroup> partial: array<f32, RWG>;

fn thread_index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }
fn group_index(wid: vec3<u32>) -> u32 { return wid.y * 65535u + wid.x; }

// The convolution sum for output element i of y [N, O, OH, OW]. The kernel window is clipped to the
// input once per output, so the inner loops carry no padding tests.
fn conv_at(i: u32) -> f32 {
  let ow = i % params.OW;
  let oh = (i / params.OW) % params.OH;
  let o = (i / (params.OW * params.OH)) % params.O;
  let n = i / (params.OW * params.OH * params.O);
  let ih0 = i32(oh * params.stride) - i32(params.pad);
  let iw0 = i32(ow * params.stride) - i32(params.pad);
  let kh_lo = u32(max(0, -ih0));
  let kh_hi = u32(clamp(i32(params.H) - ih0, 0, i32(params.KH)));
  let kw_lo = u32(max(0, -iw0));
  let kw_hi = u32(clamp(i32(params.W) - iw0, 0, i32(params.KW)));
  var acc = 0.0;
  for (var c = 0u; c < params.C; c++) {
    let x_plane = (n * params.C + c) * params.H;
    let w_plane = (o * params.C + c) * params.KH;
    for (var kh = kh_lo; kh < kh_hi; kh++) {
      let x_row = (x_plane + u32(ih0 + i32(kh))) * params.W;
      let w_row = (w_plane + kh) * params.KW;
      for (var kw = kw_lo; kw < kw_hi; kw++) {
        acc = fma(x[x_row + u32(iw0 + i32(kw))], w[w_row + kw], acc);
      }
    }
  }
  return acc;
}

// The input-gradient sum for element i of dx [N, C, H, W], gathered from dy. In padded coordinates
// (th = ih + pad) an output row oh touches th through tap kh = th − oh·stride, so only taps with
// kh ≡ th (mod stride), kh ≤ th, and oh = (th − kh) / stride < OH contribute.
fn conv_transpose_at(i: u32) -> f32 {
  let iw = i % params.W;
  let ih = (i / params.W) % params.H;
  let c = (i / (params.W * params.H)) % params.C;
  let n = i / (params.W * params.H * params.C);
  let th = ih + params.pad;
  let tw = iw + params.pad;
  var acc = 0.0;
  for (var kh = th % params.stride; kh < params.KH && kh <= th; kh += params.stride) {
    let oh = (th - kh) / params.stride;
    if (oh >= params.OH) { continue; }
    for (var kw = tw % params.stride; kw < params.KW && kw <= tw; kw += params.stride) {
      let ow = (tw - kw) / params.stride;
      if (ow >= params.OW) { continue; }
      for (var o = 0u; o < params.O; o++) {
        let g = dy[((n * params.O + o) * params.OH + oh) * params.OW + ow];
        acc = fma(g, w[((o * params.C + c) * params.KH + kh) * params.KW + kw], acc);
      }
    }
  }
  return acc;
}

// Adds the 64 partial sums of the workgroup; every thread of the group must call it.
fn tree_sum(lid: u32, s: f32) -> f32 {
  partial[lid] = s;
  workgroupBarrier();
  for (var half = RWG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  return partial[0];
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  let o = (i / (params.OW * params.OH)) % params.O;
  y[i] = conv_at(i) + b[o];
}

@compute @workgroup_size(WG)
fn forward_no_bias(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  y[i] = conv_at(i);
}

@compute @workgroup_size(WG)
fn backward_input(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  dx[i] = conv_transpose_at(i);
}

@compute @workgroup_size(WG)
fn transpose_forward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  let c = (i / (params.W * params.H)) % params.C;
  y[i] = conv_transpose_at(i) + b[c];
}

@compute @workgroup_size(RWG)
fn backward_weight(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let e = group_index(wid);
  if (e >= params.n) { return; } // uniform across the workgroup: e depends on wid only
  let kw = e % params.KW;
  let kh = (e / params.KW) % params.KH;
  let c = (e / (params.KW * params.KH)) % params.C;
  let o = e / (params.KW * params.KH * params.C);
  let plane = params.OH * params.OW;
  var s = 0.0;
  for (var r = lid.x; r < params.N * plane; r += RWG) {
    let n = r / plane;
    let oh = (r % plane) / params.OW;
    let ow = r % params.OW;
    let ih = i32(oh * params.stride + kh) - i32(params.pad);
    let iw = i32(ow * params.stride + kw) - i32(params.pad);
    if (ih < 0 || iw < 0 || ih >= i32(params.H) || iw >= i32(params.W)) { continue; }
    let xv = x[((n * params.C + c) * params.H + u32(ih)) * params.W + u32(iw)];
    s = fma(dy[(n * params.O + o) * plane + oh * params.OW + ow], xv, s);
  }
  let total = tree_sum(lid.x, s);
  if (lid.x == 0u) { dw[e] = total; }
}

@compute @workgroup_size(RWG)
fn bias_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let o = group_index(wid);
  if (o >= params.n) { return; } // uniform across the workgroup
  let plane = params.OH * params.OW;
  var s = 0.0;
  for (var r = lid.x; r < params.N * plane; r += RWG) {
    s += dy[((r / plane) * params.O + o) * plane + r % plane];
  }
  let total = tree_sum(lid.x, s);
  if (lid.x == 0u) { db[o] = total; }
}
