// matmul.wgsl: C[b] = A[b]·B[b] (+ bias, then activation) for strided A and B, tiled through
// workgroup memory: the variant for GPUs. matmul-direct.wgsl is its twin for CPU adapters.
// A(m, k) = a[b*a_bs + m*a_rs + k*a_cs], B(k, n) = b[b*b_bs + k*b_rs + n*b_cs], C(m, n) = c[b*c_bs + m*N + n].
// Strides express the transposed variants that backward needs (Aᵀ·B, A·Bᵀ) and batching.
// Bindings (by name, src/ops/matmul.ts): params; a, b, bias (read); c (read_write).
// Dispatch: (ceil(N / 64), ceil(M / 64), batch) workgroups of 8×8 threads; each thread owns an 8×8
// block of C. K is walked in slices of 16 through workgroup memory. Edge tiles are zero-padded on
// load and masked on store, so any M, N, K is correct. CPU reference: src/ops/matmul.ref.ts.
struct Params {
  M: u32, N: u32, K: u32,
  a_rs: u32, a_cs: u32, a_bs: u32,
  b_rs: u32, b_cs: u32, b_bs: u32,
  c_bs: u32,
  // Epilogue (entry `forward_bias_act` only): 0 none, 1 leaky ReLU (alpha; ReLU is alpha 0), 2 sigmoid, 3 tanh.
  act: u32, alpha: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;
const BK: u32 = 16u;
// Tiles are stored as vec4 along M (a) and N (b): a_tile[k * 16 + i] holds rows 4i..4i+3 of slice k.
var<workgroup> a_tile: array<vec4<f32>, 256>;
var<workgroup> b_tile: array<vec4<f32>, 256>;

fn load_a(batch: u32, m: u32, k: u32) -> f32 {
  if (m >= params.M || k >= params.K) { return 0.0; }
  return a[batch * params.a_bs + m * params.a_rs + k * params.a_cs];
}

fn load_b(batch: u32, k: u32, n: u32) -> f32 {
  if (k >= params.K || n >= params.N) { return 0.0; }
  return b[batch * params.b_bs + k * params.b_rs + n * params.b_cs];
}

struct Block { r0: mat4x4<f32>, r1: mat4x4<f32>, r2: mat4x4<f32>, r3: mat4x4<f32> }

// 8×8 threads, each owning an 8×8 block of C: rows 4·lid.y + {0..3} and 32 + 4·lid.y + {0..3},
// columns 4·lid.x + {0..3} and 32 + 4·lid.x + {0..3}. All threads must call it (barriers).
// Each thread loads 4 vec4 of each tile per K slice.
fn gemm_block(wid: vec3<u32>, lid: vec3<u32>) -> Block {
  let tid = lid.y * 8u + lid.x;
  let m0 = wid.y * TILE;
  let n0 = wid.x * TILE;
  var c00 = mat4x4<f32>(); var c01 = mat4x4<f32>(); var c10 = mat4x4<f32>(); var c11 = mat4x4<f32>();
  for (var k0 = 0u; k0 < params.K; k0 += BK) {
    for (var r = 0u; r < 4u; r++) {
      let slot = tid + 64u * r;
      let k = k0 + slot / 16u;
      let i = 4u * (slot % 16u);
      a_tile[slot] = vec4<f32>(load_a(wid.z, m0 + i, k), load_a(wid.z, m0 + i + 1u, k), load_a(wid.z, m0 + i + 2u, k), load_a(wid.z, m0 + i + 3u, k));
      b_tile[slot] = vec4<f32>(load_b(wid.z, k, n0 + i), load_b(wid.z, k, n0 + i + 1u), load_b(wid.z, k, n0 + i + 2u), load_b(wid.z, k, n0 + i + 3u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let a0 = a_tile[kk * 16u + lid.y];
      let a1 = a_tile[kk * 16u + 8u + lid.y];
      let b0 = b_tile[kk * 16u + lid.x];
      let b1 = b_tile[kk * 16u + 8u + lid.x];
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
  switch params.act {
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
      if (m + i < params.M && n + j < params.N) { c[z * params.c_bs + (m + i) * params.N + n + j] = activate(q[i][j] + bias[n + j]); }
    }
  }
}

@compute @workgroup_size(8, 8)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block(wid, lid);
  let m = wid.y * TILE + 4u * lid.y;
  let n = wid.x * TILE + 4u * lid.x;
  store(wid.z, m, n, q.r0);
  store(wid.z, m, n + 32u, q.r1);
  store(wid.z, m + 32u, n, q.r2);
  store(wid.z, m + 32u, n + 32u, q.r3);
}

@compute @workgroup_size(8, 8)
fn forward_bias_act(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gemm_block(wid, lid);
  let m = wid.y * TILE + 4u * lid.y;
  let n = wid.x * TILE + 4u * lid.x;
  store_bias_act(wid.z, m, n, q.r0);
  store_bias_act(wid.z, m, n + 32u, q.r1);
  store_bias_act(wid.z, m + 32u, n, q.r2);
  store_bias_act(wid.z, m + 32u, n + 32u, q.r3);
}
