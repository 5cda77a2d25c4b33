// tuning.ts: the kernel variants chosen for an adapter (the fastest measured on it). Imports gpu types.
// The registry holds one Tuning; ops read it (ctx.registry.tuning) when they build.
import type { AdapterSummary } from '../gpu/device';

export interface Tuning {
  /** 'direct' GEMM suits CPU adapters (SwiftShader), 'tiled' suits GPUs. */
  gemm: 'tiled' | 'direct';
  /**
   * Terms each thread of a long sum (a loss over a batch) adds before the workgroup tree: few on GPUs,
   * where many workgroups hide latency; many on CPU adapters, where each workgroup's barriers cost
   * far more than the adds (a 200k-term MSE: 196 workgroups 46 ms, 13 workgroups 3 ms on SwiftShader).
   */
  termsPerThread: number;
  /**
   * How convolutions run: 'im2col' lowers each to gather kernels around one GEMM (the adapter's GEMM
   * variant), 'direct' runs one thread (weight gradient: one workgroup) per output element. 'im2col'
   * needs scratch matrices of C·KH·KW × N·OH·OW floats; a convolution whose scratch would pass
   * im2colMaxBytes (or the adapter's maxStorageBufferBindingSize) runs 'direct'.
   */
  conv: 'im2col' | 'direct';
  im2colMaxBytes: number;
  /**
   * The tiled GEMM runs 128 × 128 tiles (256 threads) on products with at least this many of them, and
   * 64 × 64 tiles (64 threads) on smaller ones, where wide tiles would leave the GPU's cores idle.
   */
  wideMinTiles: number;
  /** The direct GEMM reads operands as vec4 where their layout allows (matmul.ts vec4Layout). */
  vec4Reads: boolean;
  /** The direct GEMM's candidate thread grids [WX, WY] (default: all of matmul.ts DIRECT_GRIDS). */
  directGrids?: readonly (readonly [number, number])[];
}

/** The variants for an adapter: CPU implementations (SwiftShader) get the direct GEMM and long per-thread sums. */
export function tuningFor(adapter: AdapterSummary, overrides: Partial<Tuning> = {}): Tuning {
  return {
    gemm: adapter.isFallback ? 'direct' : 'tiled',
    termsPerThread: adapter.isFallback ? 64 : 4,
    conv: 'im2col',
    im2colMaxBytes: 64 * 2 ** 20,
    wideMinTiles: 128,
    vec4Reads: true,
    ...overrides,
  };
}
