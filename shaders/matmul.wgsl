// matmul.wgsl: C[b] = A[b]·B[b] (+ bias, then activation) for strided A and B.
// A(m, k) = a[b*a_bs + m*a_rs + k*a_cs], B(k, n) = b[b*b_bs + k*b_rs + n*b_cs], C(m, n) = c[b*c_bs + m*N + n].
// Strides express the transposed variants that backward needs (Aᵀ·B, A·Bᵀ) and batching.
// Bindings (by name, src/ops/matmul.ts): params; a, b, bias (read); c (read_write).
// Dispatch: (ceil(N / 64), ceil(M / 64), batch) workgroups of 16×16 threads; each thread owns a 4×4
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
var<workgroup> a_tile: array<f32, 1024>; // [BK][TILE]: a_tile[k * TILE + m]
var<workgroup> b_tile: array<f32, 1024>; // [BK][TILE]: b_tile[k * TILE + n]

fn load_a(batch: u32, m: u32, k: u32) -> f32 {
  if (m >= params.M || k >= params.K) { return 0.0; }
  return a[batch * params.a_bs + m * params.a_rs + k * params.a_cs];
}

fn load_b(batch: u32, k: u32, n: u32) -> f32 {
  if (k >= params.K || n >= params.N) { return 0.0; }
  return b[batch * params.b_bs + k * params.b_rs + n * params.b_cs];
}

// Accumulates this thread's 4×4 block; all threads of the workgroup must call it (barriers).
fn gemm_block(wid: vec3<u32>, lid: vec3<u32>) -> array<f32, 16> {
  let tid = lid.y * 16u + lid.x;
  let m0 = wid.y * TILE;
  let n0 = wid.x * TILE;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < params.K; k0 += BK) {
    // 256 threads load 1024 values of each tile: 4 each. For A, consecutive threads take
    // consecutive k when A is row-major (a_cs == 1), else consecutive m.
    for (var i = 0u; i < 4u; i++) {
      let idx = tid + i * 256u;
      if (params.a_cs == 1u) {
        let kk = idx % BK; let mm = idx / BK;
        a_tile[kk * TILE + mm] = load_a(wid.z, m0 + mm, k0 + kk);
      } else {
        let mm = idx % TILE; let kk = idx / TILE;
        a_tile[kk * TILE + mm] = load_a(wid.z, m0 + mm, k0 + kk);
      }
      if (params.b_cs == 1u) {
        let nn = idx % TILE; let kk = idx / TILE;
        b_tile[kk * TILE + nn] = load_b(wid.z, k0 + kk, n0 + nn);
      } else {
        let kk = idx % BK; let nn = idx / BK;
        b_tile[kk * TILE + nn] = load_b(wid.z, k0 + kk, n0 + nn);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = a_tile[kk * TILE + lid.y + 16u * i];
        bv[i] = b_tile[kk * TILE + lid.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(av[i], bv[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }
  return acc;
}

fn activate(v: f32) -> f32 {
  switch params.act {
    case 1u: { return select(params.alpha * v, v, v > 0.0); }
    case 2u: { return 1.0 / (1.0 + exp(-v)); }
    case 3u: { return tanh(v); }
    default: { return v; }
  }
}

// Rows and columns owned by thread (lid.x, lid.y) are strided by 16 so that neighbouring threads
// touch neighbouring columns of C.
@compute @workgroup_size(16, 16)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let acc = gemm_block(wid, lid);
  for (var i = 0u; i < 4u; i++) {
    let m = wid.y * TILE + lid.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let n = wid.x * TILE + lid.x + 16u * j;
      if (m < params.M && n < params.N) { c[wid.z * params.c_bs + m * params.N + n] = acc[i * 4u + j]; }
    }
  }
}

@compute @workgroup_size(16, 16)
fn forward_bias_act(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let acc = gemm_block(wid, lid);
  for (var i = 0u; i < 4u; i++) {
    let m = wid.y * TILE + lid.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let n = wid.x * TILE + lid.x + 16u * j;
      if (m < params.M && n < params.N) {
        c[wid.z * params.c_bs + m * params.N + n] = activate(acc[i * 4u + j] + bias[n]);
      }
    }
  }
}
