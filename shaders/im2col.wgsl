// im2col.wgsl: the data movement that turns a 2-D convolution into one matrix product (src/ops/conv.ts
// pairs these with the GEMM kernels). Geometry as in conv2d.wgsl: x [N, C, H, W], w [O, C, KH, KW],
// y / dy [N, O, OH, OW], input row ih = oh·stride − pad + kh (rows outside [0, H) are zero padding).
// With Q = C·KH·KW (q = (c·KH + kh)·KW + kw), P = OH·OW and NP = N·P, every matrix below is row-major:
//   im2col               cols [Q, NP]:  cols[q, n·P + p] = x[n, c, ih, iw], 0 in the padding
//   to_channel_major     t [O, NP]:     t[o, n·P + p] = a[n, o, p]            (NCHW → CNHW)
//   from_channel_major   y [N, O, P]:   y[n, o, p] = t[o, n·P + p]            (CNHW → NCHW)
//   from_channel_major_bias             the same + b[o]
//   col2im               dx [N, C, H, W]: dx[n, c, ih, iw] = Σ cols[q, n·P + oh·OW + ow] over the
//                        (kh, oh), (kw, ow) with oh·stride − pad + kh = ih (likewise for columns)
//   col2im_bias          the same + b[c]
// So y = from_channel_major(W [O, Q] · im2col(x)), dx = col2im(Wᵀ · to_channel_major(dy)) and
// dw [O, Q] = to_channel_major(dy) · im2col(x)ᵀ.
// Bindings (by name, src/ops/conv.ts): params; x, b, t (read); y (read_write).
// params.n: the number of output elements (bounds check). One thread per output element, WG per
// workgroup, wrapping onto y beyond 65535 groups (index = gid.y · 65535 · WG + gid.x).
// CPU reference: src/ops/conv.ref.ts (the convolution these compose).
struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, KH: u32, KW: u32, stride: u32,
  pad: u32, OH: u32, OW: u32, n: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> t: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

const WG: u32 = 256u;

fn thread_index(gid: vec3<u32>) -> u32 { return gid.y * 65535u * WG + gid.x; }

@compute @workgroup_size(WG)
fn im2col(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  let P = params.OH * params.OW;
  let NP = params.N * P;
  let q = i / NP;
  let j = i % NP;
  let n = j / P;
  let p = j % P;
  let kw = q % params.KW;
  let kh = (q / params.KW) % params.KH;
  let c = q / (params.KW * params.KH);
  let ih = i32((p / params.OW) * params.stride + kh) - i32(params.pad);
  let iw = i32((p % params.OW) * params.stride + kw) - i32(params.pad);
  var v = 0.0;
  if (ih >= 0 && iw >= 0 && ih < i32(params.H) && iw < i32(params.W)) {
    v = x[((n * params.C + c) * params.H + u32(ih)) * params.W + u32(iw)];
  }
  y[i] = v;
}

@compute @workgroup_size(WG)
fn to_channel_major(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  let P = params.OH * params.OW;
  let NP = params.N * P;
  let o = i / NP;
  let j = i % NP;
  y[i] = t[((j / P) * params.O + o) * P + j % P];
}

// t's element for y[i], i over [N, O, P].
fn channel_major_at(i: u32) -> f32 {
  let P = params.OH * params.OW;
  let p = i % P;
  let o = (i / P) % params.O;
  let n = i / (P * params.O);
  return t[o * params.N * P + n * P + p];
}

@compute @workgroup_size(WG)
fn from_channel_major(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  y[i] = channel_major_at(i);
}

@compute @workgroup_size(WG)
fn from_channel_major_bias(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  y[i] = channel_major_at(i) + b[(i / (params.OH * params.OW)) % params.O];
}

// The sum for dx element i over [N, C, H, W]. In padded coordinates (th = ih + pad) an output row oh
// reaches th through tap kh = th − oh·stride, so only taps kh ≡ th (mod stride), kh ≤ th with
// oh = (th − kh) / stride < OH contribute: at most ceil(KH / stride) rows, likewise columns.
fn col2im_at(i: u32) -> f32 {
  let iw = i % params.W;
  let ih = (i / params.W) % params.H;
  let c = (i / (params.W * params.H)) % params.C;
  let n = i / (params.W * params.H * params.C);
  let P = params.OH * params.OW;
  let NP = params.N * P;
  let th = ih + params.pad;
  let tw = iw + params.pad;
  var acc = 0.0;
  for (var kh = th % params.stride; kh < params.KH && kh <= th; kh += params.stride) {
    let oh = (th - kh) / params.stride;
    if (oh >= params.OH) { continue; }
    for (var kw = tw % params.stride; kw < params.KW && kw <= tw; kw += params.stride) {
      let ow = (tw - kw) / params.stride;
      if (ow >= params.OW) { continue; }
      acc += t[((c * params.KH + kh) * params.KW + kw) * NP + n * P + oh * params.OW + ow];
    }
  }
  return acc;
}

@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  y[i] = col2im_at(i);
}

@compute @workgroup_size(WG)
fn col2im_bias(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= params.n) { return; }
  y[i] = col2im_at(i) + b[(i / (params.W * params.H)) % params.C];
}
