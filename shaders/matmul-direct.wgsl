// matmul-direct.wgsl: C[b] = A[b]·B[b] (+ bias, then activation), register-blocked with no workgroup
// memory: the variant for CPU adapters (SwiftShader), where barriers are costly and caches do the
// tiling. Same bindings, params and dispatch geometry as matmul.wgsl (its tiled twin for GPUs):
// A(m, k) = a[b*a_bs + m*a_rs + k*a_cs], B(k, n) = b[b*b_bs + k*b_rs + n*b_cs], C(m, n) = c[b*c_bs + m*N + n].
// Bindings (by name, src/ops/matmul.ts): params; a, b, bias, act_out (read); c, row_sums (read_write).
// Entries: `forward` C = A·B; `forward_bias_act` C = act(A·B + bias); `forward_act_grad` C = (A·B) ⊙ act'(Y)
// with Y = act_out laid out as C (an input gradient through the activation whose output was saved);
// `forward_bias_grad` C = A·B and row_sums[m] = Σ_k A(m, k) (a weight gradient and its bias gradient;
// batch 1). `*_v4`: the same reading operands as vec4.
// Dispatch: (ceil(N / (8·WX)), ceil(M / (8·WY)), batch) workgroups of WX × WY threads (overrides,
// default 8 × 8: 64 × 64 tiles, matmul.wgsl's geometry); each thread owns an 8×8 block of C.
// src/ops/matmul.ts picks WX, WY per product so that skinny ones (16 rows, 16 columns) waste little.
// CPU reference: src/ops/matmul.ref.ts.
struct Params {
  M: u32, N: u32, K: u32,
  a_rs: u32, a_cs: u32, a_bs: u32,
  b_rs: u32, b_cs: u32, b_bs: u32,
  c_bs: u32,
  // The leaky ReLU slope of the epilogue (entries `forward_bias_act*` only; ReLU is alpha 0).
  alpha: f32,
  // The bias of batch b starts at b * bias_bs: 0 shares one bias; N gives each batch (a stack of models) its own.
  bias_bs: u32,
}

// The epilogue's activation, fixed per pipeline as in activation.wgsl: 0 none, 1 leaky ReLU (alpha),
// 2 sigmoid, 3 tanh (src/ops/activation.ts activationCode).
override ACT: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
// The saved activation output Y of `forward_act_grad*` (same layout as C).
@group(0) @binding(5) var<storage, read> act_out: array<f32>;
// The row sums of A of `forward_bias_grad*` (M values).
@group(0) @binding(6) var<storage, read_write> row_sums: array<f32>;

// The same operands viewed as vec4, for the `*_v4` entries (src/ops/matmul.ts picks them only when
// every offset they step by is a multiple of 4, so each vec4 is aligned).
@group(0) @binding(1) var<storage, read> a4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b4: array<vec4<f32>>;

// Threads along columns (x) and rows (y); a workgroup covers 8·WY rows × 8·WX columns of C.
override WX: u32 = 8u;
override WY: u32 = 8u;
// `*_v4` entries: whether A's (B's) stride along K is 1; otherwise its stride along M (N) is 1.
override A_KC: bool = true;
override B_KC: bool = false;
// Whether gemm_block also sums each of its rows of A over K (the `forward_bias_grad*` entries): added
// one K slice at a time from 0, the order of reduce.wgsl#sum_rows.
override ROWSUM: bool = false;

// q + x·yᵀ (row i of the block gains x[i]·y), as fused multiply-adds. (Parameter names differ from the
// bindings': the registry's reflection counts a name as a binding use wherever it appears.)
fn outer_acc(q: mat4x4<f32>, x: vec4<f32>, y: vec4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(fma(vec4<f32>(x.x), y, q[0]), fma(vec4<f32>(x.y), y, q[1]), fma(vec4<f32>(x.z), y, q[2]), fma(vec4<f32>(x.w), y, q[3]));
}

// s0, s1: with ROWSUM, the sums over K of the block's rows of A (rows of r0 / r1, then of r2 / r3).
struct Block { r0: mat4x4<f32>, r1: mat4x4<f32>, r2: mat4x4<f32>, r3: mat4x4<f32>, s0: vec4<f32>, s1: vec4<f32> }

// WX × WY threads, each owning an 8×8 block of C (rows 4·lid.y + {0..3} and 4·WY + 4·lid.y + {0..3};
// columns likewise with WX). Operands are read straight from storage, one k at a time: no workgroup
// memory and no barriers. Out-of-range rows/columns are clamped on load and masked on store.
fn gemm_block(wid: vec3<u32>, lid: vec3<u32>) -> Block {
  let m0 = wid.y * 8u * WY + 4u * lid.y;
  let n0 = wid.x * 8u * WX + 4u * lid.x;
  let hm = 4u * WY;
  let hn = 4u * WX;
  var c00 = mat4x4<f32>(); var c01 = mat4x4<f32>(); var c10 = mat4x4<f32>(); var c11 = mat4x4<f32>();
  let ab = wid.z * params.a_bs;
  let bb = wid.z * params.b_bs;
  // Row/column offsets, clamped into range so loads never leave the arrays.
  let mmax = params.M - 1u;
  let nmax = params.N - 1u;
  let ar0 = ab + min(m0, mmax) * params.a_rs; let ar1 = ab + min(m0 + 1u, mmax) * params.a_rs;
  let ar2 = ab + min(m0 + 2u, mmax) * params.a_rs; let ar3 = ab + min(m0 + 3u, mmax) * params.a_rs;
  let ar4 = ab + min(m0 + hm, mmax) * params.a_rs; let ar5 = ab + min(m0 + hm + 1u, mmax) * params.a_rs;
  let ar6 = ab + min(m0 + hm + 2u, mmax) * params.a_rs; let ar7 = ab + min(m0 + hm + 3u, mmax) * params.a_rs;
  let bc0 = bb + min(n0, nmax) * params.b_cs; let bc1 = bb + min(n0 + 1u, nmax) * params.b_cs;
  let bc2 = bb + min(n0 + 2u, nmax) * params.b_cs; let bc3 = bb + min(n0 + 3u, nmax) * params.b_cs;
  let bc4 = bb + min(n0 + hn, nmax) * params.b_cs; let bc5 = bb + min(n0 + hn + 1u, nmax) * params.b_cs;
  let bc6 = bb + min(n0 + hn + 2u, nmax) * params.b_cs; let bc7 = bb + min(n0 + hn + 3u, nmax) * params.b_cs;
  var s0 = vec4<f32>(); var s1 = vec4<f32>();
  for (var k = 0u; k < params.K; k++) {
    let ak = k * params.a_cs;
    let bk = k * params.b_rs;
    let a0 = vec4<f32>(a[ar0 + ak], a[ar1 + ak], a[ar2 + ak], a[ar3 + ak]);
    let a1 = vec4<f32>(a[ar4 + ak], a[ar5 + ak], a[ar6 + ak], a[ar7 + ak]);
    let b0 = vec4<f32>(b[bc0 + bk], b[bc1 + bk], b[bc2 + bk], b[bc3 + bk]);
    let b1 = vec4<f32>(b[bc4 + bk], b[bc5 + bk], b[bc6 + bk], b[bc7 + bk]);
    c00 = outer_acc(c00, a0, b0);
    c01 = outer_acc(c01, a0, b1);
    c10 = outer_acc(c10, a1, b0);
    c11 = outer_acc(c11, a1, b1);
    if (ROWSUM) { s0 += a0; s1 += a1; }
  }
  return Block(c00, c01, c10, c11, s0, s1);
}

// Four rows (or columns) at four consecutive K slices: kj holds the four values of slice k + j.
struct Quad { k0: vec4<f32>, k1: vec4<f32>, k2: vec4<f32>, k3: vec4<f32> }

// From four vec4 read along K (one per row) to one vec4 per slice.
fn along_k(x0: vec4<f32>, x1: vec4<f32>, x2: vec4<f32>, x3: vec4<f32>) -> Quad {
  return Quad(vec4<f32>(x0.x, x1.x, x2.x, x3.x), vec4<f32>(x0.y, x1.y, x2.y, x3.y),
              vec4<f32>(x0.z, x1.z, x2.z, x3.z), vec4<f32>(x0.w, x1.w, x2.w, x3.w));
}

// Where a thread's four rows of A (columns of B) start, in vec4 units of a4 (b4): along K, one start
// per row or column (clamped into range; their results are masked on store); along M (N), one start
// for all four, clamped to the last aligned four.
fn starts_along_k(base: u32, r: u32, last: u32, stride: u32) -> vec4<u32> {
  return vec4<u32>(base + min(r, last) * stride, base + min(r + 1u, last) * stride,
                   base + min(r + 2u, last) * stride, base + min(r + 3u, last) * stride) / 4u;
}

// Slices k..k+3 (k4 = k / 4) of the four rows starting at s: along K, one vec4 per row; otherwise one
// vec4 of four rows per slice, `step` vec4 apart.
fn quad(k_contiguous: bool, src: u32, s: vec4<u32>, k4: u32, step: u32) -> Quad {
  if (k_contiguous) {
    if (src == 0u) { return along_k(a4[s.x + k4], a4[s.y + k4], a4[s.z + k4], a4[s.w + k4]); }
    return along_k(b4[s.x + k4], b4[s.y + k4], b4[s.z + k4], b4[s.w + k4]);
  }
  let o = s.x + 4u * k4 * step;
  if (src == 0u) { return Quad(a4[o], a4[o + step], a4[o + 2u * step], a4[o + 3u * step]); }
  return Quad(b4[o], b4[o + step], b4[o + 2u * step], b4[o + 3u * step]);
}

// gemm_block reading four K slices per step as vec4 (K a multiple of 4).
fn gemm_block_v4(wid: vec3<u32>, lid: vec3<u32>) -> Block {
  let m0 = wid.y * 8u * WY + 4u * lid.y;
  let n0 = wid.x * 8u * WX + 4u * lid.x;
  let ab = wid.z * params.a_bs;
  let bb = wid.z * params.b_bs;
  // Row starts of A's two halves and column starts of B's, and the vec4 step between K slices.
  var sa0: vec4<u32>; var sa1: vec4<u32>; var sb0: vec4<u32>; var sb1: vec4<u32>;
  if (A_KC) {
    sa0 = starts_along_k(ab, m0, params.M - 1u, params.a_rs);
    sa1 = starts_along_k(ab, m0 + 4u * WY, params.M - 1u, params.a_rs);
  } else {
    sa0 = vec4<u32>((ab + min(m0, params.M - 4u)) / 4u);
    sa1 = vec4<u32>((ab + min(m0 + 4u * WY, params.M - 4u)) / 4u);
  }
  if (B_KC) {
    sb0 = starts_along_k(bb, n0, params.N - 1u, params.b_cs);
    sb1 = starts_along_k(bb, n0 + 4u * WX, params.N - 1u, params.b_cs);
  } else {
    sb0 = vec4<u32>((bb + min(n0, params.N - 4u)) / 4u);
    sb1 = vec4<u32>((bb + min(n0 + 4u * WX, params.N - 4u)) / 4u);
  }
  let step_a = params.a_cs / 4u;
  let step_b = params.b_rs / 4u;
  let k4_end = params.K / 4u;
  var c00 = mat4x4<f32>(); var c01 = mat4x4<f32>(); var c10 = mat4x4<f32>(); var c11 = mat4x4<f32>();
  var s0 = vec4<f32>(); var s1 = vec4<f32>();
  for (var k4 = 0u; k4 < k4_end; k4++) {
    let x0 = quad(A_KC, 0u, sa0, k4, step_a);
    let x1 = quad(A_KC, 0u, sa1, k4, step_a);
    let y0 = quad(B_KC, 1u, sb0, k4, step_b);
    let y1 = quad(B_KC, 1u, sb1, k4, step_b);
    c00 = outer_acc(c00, x0.k0, y0.k0); c01 = outer_acc(c01, x0.k0, y1.k0);
    c10 = outer_acc(c10, x1.k0, y0.k0); c11 = outer_acc(c11, x1.k0, y1.k0);
    c00 = outer_acc(c00, x0.k1, y0.k1); c01 = outer_acc(c01, x0.k1, y1.k1);
    c10 = outer_acc(c10, x1.k1, y0.k1); c11 = outer_acc(c11, x1.k1, y1.k1);
    c00 = outer_acc(c00, x0.k2, y0.k2); c01 = outer_acc(c01, x0.k2, y1.k2);
    c10 = outer_acc(c10, x1.k2, y0.k2); c11 = outer_acc(c11, x1.k2, y1.k2);
    c00 = outer_acc(c00, x0.k3, y0.k3); c01 = outer_acc(c01, x0.k3, y1.k3);
    c10 = outer_acc(c10, x1.k3, y0.k3); c11 = outer_acc(c11, x1.k3, y1.k3);
    if (ROWSUM) {
      s0 += x0.k0; s0 += x0.k1; s0 += x0.k2; s0 += x0.k3;
      s1 += x1.k0; s1 += x1.k1; s1 += x1.k2; s1 += x1.k3;
    }
  }
  return Block(c00, c01, c10, c11, s0, s1);
}

fn activate(v: f32) -> f32 {
  let kind = ACT; // read into a let: the reflection (wgsl_reflect) does not see an override used as a switch selector
  switch kind {
    case 1u: { return select(params.alpha * v, v, v > 0.0); }
    case 2u: { return 1.0 / (1.0 + exp(-v)); }
    case 3u: { return tanh(v); }
    default: { return v; }
  }
}

// Writes one 4×4 quarter (rows from m, columns from n) of a thread's block.
fn store(z: u32, m: u32, n: u32, q: mat4x4<f32>) {
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      if (m + i < params.M && n + j < params.N) { c[z * params.c_bs + (m + i) * params.N + n + j] = q[i][j]; }
    }
  }
}

// The same with the epilogue: bias of column n + j, then the activation.
fn store_bias_act(z: u32, m: u32, n: u32, q: mat4x4<f32>) {
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      if (m + i < params.M && n + j < params.N) { c[z * params.c_bs + (m + i) * params.N + n + j] = activate(q[i][j] + bias[z * params.bias_bs + n + j]); }
    }
  }
}

// act'(v) from the activation's output v, as activation.wgsl#backward_y takes it.
fn act_grad(v: f32) -> f32 {
  let kind = ACT; // read into a let (see activate)
  switch kind {
    case 1u: { return select(params.alpha, 1.0, v > 0.0); }
    case 2u: { return v * (1.0 - v); }
    case 3u: { return 1.0 - v * v; }
    default: { return 1.0; }
  }
}

// The same with the input gradient's epilogue: each value times act'(y) at the same place.
fn store_act_grad(z: u32, m: u32, n: u32, q: mat4x4<f32>) {
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let at = z * params.c_bs + (m + i) * params.N + n + j;
      if (m + i < params.M && n + j < params.N) { c[at] = q[i][j] * act_grad(act_out[at]); }
    }
  }
}

// Four row sums (rows from m) into row_sums.
fn store_rowsum(m: u32, s: vec4<f32>) {
  for (var i = 0u; i < 4u; i++) {
    if (m + i < params.M) { row_sums[m + i] = s[i]; }
  }
}

// A thread's 8×8 block written to C (the quarter layout of gemm_block), plain or with the epilogue.
fn store_block(wid: vec3<u32>, lid: vec3<u32>, q: Block) {
  let m = wid.y * 8u * WY + 4u * lid.y;
  let n = wid.x * 8u * WX + 4u * lid.x;
  store(wid.z, m, n, q.r0);
  store(wid.z, m, n + 4u * WX, q.r1);
  store(wid.z, m + 4u * WY, n, q.r2);
  store(wid.z, m + 4u * WY, n + 4u * WX, q.r3);
}

fn store_block_bias_act(wid: vec3<u32>, lid: vec3<u32>, q: Block) {
  let m = wid.y * 8u * WY + 4u * lid.y;
  let n = wid.x * 8u * WX + 4u * lid.x;
  store_bias_act(wid.z, m, n, q.r0);
  store_bias_act(wid.z, m, n + 4u * WX, q.r1);
  store_bias_act(wid.z, m + 4u * WY, n, q.r2);
  store_bias_act(wid.z, m + 4u * WY, n + 4u * WX, q.r3);
}

fn store_block_act_grad(wid: vec3<u32>, lid: vec3<u32>, q: Block) {
  let m = wid.y * 8u * WY + 4u * lid.y;
  let n = wid.x * 8u * WX + 4u * lid.x;
  store_act_grad(wid.z, m, n, q.r0);
  store_act_grad(wid.z, m, n + 4u * WX, q.r1);
  store_act_grad(wid.z, m + 4u * WY, n, q.r2);
  store_act_grad(wid.z, m + 4u * WY, n + 4u * WX, q.r3);
}

// The plain block, and the row sums from the threads that own column 0 (every row once).
fn store_block_bias_grad(wid: vec3<u32>, lid: vec3<u32>, q: Block) {
  store_block(wid, lid, q);
  if (wid.x == 0u && lid.x == 0u) {
    let m = wid.y * 8u * WY + 4u * lid.y;
    store_rowsum(m, q.s0);
    store_rowsum(m + 4u * WY, q.s1);
  }
}

@compute @workgroup_size(WX, WY)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block(wid, lid, gemm_block(wid, lid));
}

@compute @workgroup_size(WX, WY)
fn forward_bias_act(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block_bias_act(wid, lid, gemm_block(wid, lid));
}

@compute @workgroup_size(WX, WY)
fn forward_v4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block(wid, lid, gemm_block_v4(wid, lid));
}

@compute @workgroup_size(WX, WY)
fn forward_bias_act_v4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block_bias_act(wid, lid, gemm_block_v4(wid, lid));
}

@compute @workgroup_size(WX, WY)
fn forward_act_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block_act_grad(wid, lid, gemm_block(wid, lid));
}

@compute @workgroup_size(WX, WY)
fn forward_act_grad_v4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block_act_grad(wid, lid, gemm_block_v4(wid, lid));
}

@compute @workgroup_size(WX, WY)
fn forward_bias_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block_bias_grad(wid, lid, gemm_block(wid, lid));
}

@compute @workgroup_size(WX, WY)
fn forward_bias_grad_v4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  store_block_bias_grad(wid, lid, gemm_block_v4(wid, lid));
}
