// matmul.wgsl: C[b] = A[b]·B[b] (+ bias, then activation) for strided A and B, tiled through
// workgroup memory: the variant for GPUs. matmul-direct.wgsl is its twin for CPU adapters.
// A(m, k) = a[b*a_bs + m*a_rs + k*a_cs], B(k, n) = b[b*b_bs + k*b_rs + n*b_cs], C(m, n) = c[b*c_bs + m*N + n].
// Strides express the transposed variants that backward needs (Aᵀ·B, A·Bᵀ) and batching.
// Bindings (by name, src/ops/matmul.ts): params; a, b, bias, act_out (read); c, row_sums (read_write).
// Epilogues (as in matmul-direct.wgsl): `forward*` C = A·B; `forward_bias_act*` C = act(A·B + bias);
// `forward_act_grad*` C = (A·B) ⊙ act'(Y), Y = act_out laid out as C; `forward_bias_grad*` C = A·B and
// row_sums[m] = Σ_k A(m, k) (batch 1).
// Two tile sizes, both with 16×16 threads (src/ops/matmul.ts tiledTile picks one per product):
//   `forward`, `forward_bias_act`: 64×64 tiles of C, a 4×4 block per thread, K in slices of 16;
//     dispatch (ceil(N / 64), ceil(M / 64), batch).
//   `forward_wide`, `forward_bias_act_wide`: 128×128 tiles, an 8×8 block per thread, K in slices of 8;
//     dispatch (ceil(N / 128), ceil(M / 128), batch).
// Edge tiles are zero-padded on load and masked on store, so any M, N, K is correct.
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
@group(0) @binding(5) var<storage, read> act_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> row_sums: array<f32>;

// Whether the GEMM also sums each of a thread's rows of A over K (`forward_bias_grad*`), one K slice at
// a time from 0 (the order of reduce.wgsl#sum_rows; padding adds zeros), into rs0 (rs1: a wide tile's
// second four rows).
override ROWSUM: bool = false;
var<private> rs0: vec4<f32>;
var<private> rs1: vec4<f32>;

// Tiles hold one K slice per row, stored as vec4 along M (a) and N (b): a_tile[k * 16 + (i ^ k)] holds
// rows 4i..4i+3 of slice k (64 tiles), a_wide[k * 32 + (i ^ k)] likewise (128 tiles); see tile_pos.
var<workgroup> a_tile: array<vec4<f32>, 256>;
var<workgroup> b_tile: array<vec4<f32>, 256>;
var<workgroup> a_wide: array<vec4<f32>, 256>;
var<workgroup> b_wide: array<vec4<f32>, 256>;

fn load_a(batch: u32, m: u32, k: u32) -> f32 {
  if (m >= params.M || k >= params.K) { return 0.0; }
  return a[batch * params.a_bs + m * params.a_rs + k * params.a_cs];
}

fn load_b(batch: u32, k: u32, n: u32) -> f32 {
  if (k >= params.K || n >= params.N) { return 0.0; }
  return b[batch * params.b_bs + k * params.b_rs + n * params.b_cs];
}

// Filling a tile of E rows (M or N) × S slices of K with 256 threads, 4 values each: value e = t + 256·j
// is row e / S, slice e % S when the operand's K stride is 1 (a warp reads along K), else row e % E,
// slice e / E (a warp reads along M or N), so global reads stay coalesced either way. Rows are stored
// as vec4 of 4 rows; slice k keeps vec4 i at position i ^ k, which spreads a warp's stores over the
// banks when it writes one row's slices.
fn tile_pos(e: u32, rows: u32, slices: u32, k_contiguous: bool) -> vec2<u32> {
  return select(vec2<u32>(e % rows, e / rows), vec2<u32>(e / slices, e % slices), k_contiguous);
}

fn gemm_block(wid: vec3<u32>, lid: vec3<u32>) -> mat4x4<f32> {
  let t = lid.y * 16u + lid.x;
  let m0 = wid.y * 64u;
  let n0 = wid.x * 64u;
  var acc = mat4x4<f32>();
  for (var k0 = 0u; k0 < params.K; k0 += 16u) {
    for (var j = 0u; j < 4u; j++) {
      let pa = tile_pos(t + 256u * j, 64u, 16u, params.a_cs == 1u);
      a_tile[pa.y * 16u + ((pa.x / 4u) ^ pa.y)][pa.x % 4u] = load_a(wid.z, m0 + pa.x, k0 + pa.y);
      let pb = tile_pos(t + 256u * j, 64u, 16u, params.b_rs == 1u);
      b_tile[pb.y * 16u + ((pb.x / 4u) ^ pb.y)][pb.x % 4u] = load_b(wid.z, k0 + pb.y, n0 + pb.x);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      let av = a_tile[kk * 16u + (lid.y ^ kk)];
      let bv = b_tile[kk * 16u + (lid.x ^ kk)];
      if (ROWSUM) { rs0 += av; }
      acc += mat4x4<f32>(av.x * bv, av.y * bv, av.z * bv, av.w * bv);
    }
    workgroupBarrier();
  }
  return acc;
}

struct Block { r0: mat4x4<f32>, r1: mat4x4<f32>, r2: mat4x4<f32>, r3: mat4x4<f32> }

// A thread's 8×8 block of a 128 tile: rows 4·lid.y + {0..3} and 64 + 4·lid.y + {0..3}, columns
// likewise from lid.x. All threads must call it (barriers).
fn gemm_block_wide(wid: vec3<u32>, lid: vec3<u32>) -> Block {
  let t = lid.y * 16u + lid.x;
  let m0 = wid.y * 128u;
  let n0 = wid.x * 128u;
  var c00 = mat4x4<f32>(); var c01 = mat4x4<f32>(); var c10 = mat4x4<f32>(); var c11 = mat4x4<f32>();
  for (var k0 = 0u; k0 < params.K; k0 += 8u) {
    for (var j = 0u; j < 4u; j++) {
      let pa = tile_pos(t + 256u * j, 128u, 8u, params.a_cs == 1u);
      a_wide[pa.y * 32u + ((pa.x / 4u) ^ pa.y)][pa.x % 4u] = load_a(wid.z, m0 + pa.x, k0 + pa.y);
      let pb = tile_pos(t + 256u * j, 128u, 8u, params.b_rs == 1u);
      b_wide[pb.y * 32u + ((pb.x / 4u) ^ pb.y)][pb.x % 4u] = load_b(wid.z, k0 + pb.y, n0 + pb.x);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 8u; kk++) {
      let a0 = a_wide[kk * 32u + (lid.y ^ kk)];
      let a1 = a_wide[kk * 32u + ((16u + lid.y) ^ kk)];
      let b0 = b_wide[kk * 32u + (lid.x ^ kk)];
      let b1 = b_wide[kk * 32u + ((16u + lid.x) ^ kk)];
      if (ROWSUM) { rs0 += a0; rs1 += a1; }
      c00 += mat4x4<f32>(a0.x * b0, a0.y * b0, a0.z * b0, a0.w * b0);
      c01 += mat4x4<f32>(a0.x * b1, a0.y * b1, a0.z * b1, a0.w * b1);
      c10 += mat4x4<f32>(a1.x * b0, a1.y * b0, a1.z * b0, a1.w * b0);
      c11 += mat4x4<f32>(a1.x * b1, a1.y * b1, a1.z * b1, a1.w * b1);
    }
    workgroupBarrier();
  }
  return Block(c00, c01, c10, c11);
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

// Writes a 4×4 block (rows from m, columns from n) of C.
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

// store with the input gradient's epilogue: each value times act'(act_out) at the same place.
fn store_act_grad(z: u32, m: u32, n: u32, q: mat4x4<f32>) {
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let at = z * params.c_bs + (m + i) * params.N + n + j;
      if (m + i < params.M && n + j < params.N) { c[at] = q[i][j] * act_grad(act_out[at]); }
    }
  }
}

// Four row sums (rows from m) into row_sums, from the threads owning column 0 (every row once).
fn store_rowsum(wid: vec3<u32>, lid: vec3<u32>, m: u32, s: vec4<f32>) {
  if (wid.x != 0u || lid.x != 0u) { return; }
  for (var i = 0u; i < 4u; i++) {
    if (m + i < params.M) { row_sums[m + i] = s[i]; }
  }
}

@compute @workgroup_size(16, 16)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block(wid, lid);
  store(wid.z, wid.y * 64u + 4u * lid.y, wid.x * 64u + 4u * lid.x, q);
}

@compute @workgroup_size(16, 16)
fn forward_bias_act(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block(wid, lid);
  store_bias_act(wid.z, wid.y * 64u + 4u * lid.y, wid.x * 64u + 4u * lid.x, q);
}

@compute @workgroup_size(16, 16)
fn forward_wide(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block_wide(wid, lid);
  let m = wid.y * 128u + 4u * lid.y;
  let n = wid.x * 128u + 4u * lid.x;
  store(wid.z, m, n, q.r0);
  store(wid.z, m, n + 64u, q.r1);
  store(wid.z, m + 64u, n, q.r2);
  store(wid.z, m + 64u, n + 64u, q.r3);
}

@compute @workgroup_size(16, 16)
fn forward_bias_act_wide(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block_wide(wid, lid);
  let m = wid.y * 128u + 4u * lid.y;
  let n = wid.x * 128u + 4u * lid.x;
  store_bias_act(wid.z, m, n, q.r0);
  store_bias_act(wid.z, m, n + 64u, q.r1);
  store_bias_act(wid.z, m + 64u, n, q.r2);
  store_bias_act(wid.z, m + 64u, n + 64u, q.r3);
}

@compute @workgroup_size(16, 16)
fn forward_act_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block(wid, lid);
  store_act_grad(wid.z, wid.y * 64u + 4u * lid.y, wid.x * 64u + 4u * lid.x, q);
}

@compute @workgroup_size(16, 16)
fn forward_act_grad_wide(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block_wide(wid, lid);
  let m = wid.y * 128u + 4u * lid.y;
  let n = wid.x * 128u + 4u * lid.x;
  store_act_grad(wid.z, m, n, q.r0);
  store_act_grad(wid.z, m, n + 64u, q.r1);
  store_act_grad(wid.z, m + 64u, n, q.r2);
  store_act_grad(wid.z, m + 64u, n + 64u, q.r3);
}

@compute @workgroup_size(16, 16)
fn forward_bias_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block(wid, lid);
  let m = wid.y * 64u + 4u * lid.y;
  store(wid.z, m, wid.x * 64u + 4u * lid.x, q);
  store_rowsum(wid, lid, m, rs0);
}

@compute @workgroup_size(16, 16)
fn forward_bias_grad_wide(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block_wide(wid, lid);
  let m = wid.y * 128u + 4u * lid.y;
  let n = wid.x * 128u + 4u * lid.x;
  store(wid.z, m, n, q.r0);
  store(wid.z, m, n + 64u, q.r1);
  store(wid.z, m + 64u, n, q.r2);
  store(wid.z, m + 64u, n + 64u, q.r3);
  store_rowsum(wid, lid, m, rs0);
  store_rowsum(wid, lid, m + 64u, rs1);
}
