// fma-peak.wgsl: the adapter's f32 fused multiply-add rate, for the benchmark's fma-peak row (the
// ceiling the GEMM's share is measured against). Each thread runs CHAINS = 16 independent recurrences
//   a ← fma(a, m, c),   a₀ = c
// as four vec4 accumulators, UNROLL steps of all four per loop trip, params.iters trips: no memory
// traffic inside the loop and no dependence between the four accumulators, so the arithmetic units
// (not latency or bandwidth) set the time. The chain of global index q = thread·16 + 4·j + lane has
//   c = f32(q % 4096) / 4096 − 0.5
// (exact in f32), and with |m| < 1 every chain stays bounded (it tends to c / (1 − m)).
// out[thread] = a₀ + a₁ + a₂ + a₃ (vec4), so no chain is dead code. FMAs per thread:
// iters · UNROLL · 4 accumulators · 4 lanes; FLOPs: twice that.
// Bindings (by name, bench/workloads/fma-peak.ts): params; out (read_write). params.threads: threads
// that run (bounds check). One thread per out element, WG per workgroup, groups on x only.
// CPU reference: the same recurrences in float64 (bench/workloads/fma-peak.ts fmaChainsRef).
struct Params {
  iters: u32,
  threads: u32,
  m: f32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;

const WG: u32 = 256u;

// The additive terms of the four lanes of accumulator j of thread t.
fn terms(t: u32, j: u32) -> vec4<f32> {
  let q = vec4<u32>(0u, 1u, 2u, 3u) + (t * 16u + 4u * j);
  return vec4<f32>(q % vec4<u32>(4096u)) * (1.0 / 4096.0) - 0.5;
}

@compute @workgroup_size(WG)
fn fma_peak(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= params.threads) { return; }
  let m = vec4<f32>(params.m);
  let c0 = terms(t, 0u);
  let c1 = terms(t, 1u);
  let c2 = terms(t, 2u);
  let c3 = terms(t, 3u);
  var a0 = c0;
  var a1 = c1;
  var a2 = c2;
  var a3 = c3;
  // UNROLL = 8 steps of each accumulator per trip.
  for (var i = 0u; i < params.iters; i++) {
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
    a0 = fma(a0, m, c0); a1 = fma(a1, m, c1); a2 = fma(a2, m, c2); a3 = fma(a3, m, c3);
  }
  out[t] = a0 + a1 + a2 + a3;
}
