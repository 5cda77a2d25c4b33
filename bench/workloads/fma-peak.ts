// fma-peak.ts: the adapter's f32 FMA rate (shaders/fma-peak.wgsl), the ceiling that gemm-2048-peak's
// share_of_fma_peak is taken against. Ours alone: it measures the adapter, not a library. Imports
// the engine's gpu and kernels layers and the workload types.
//
// Shapes: on a GPU 4096 workgroups of 256 threads (about a million threads, several per core of any
// current GPU) × 256 loop trips; on a CPU adapter 16 workgroups (enough for every core SwiftShader
// uses), so one repetition stays near a tenth of a second there.
import type { Gpu } from '../../src/gpu/device';
import type { ManagedBuffer } from '../../src/gpu/buffers';
import { readFloat32 } from '../../src/gpu/readback';
import type { BoundKernel, KernelRegistry } from '../../src/kernels/registry';
import { SHADERS } from '../../src/kernels/shaders';
import { since, type BenchEnv, type Peer, type Size, type Workload } from './types';

/** Threads per workgroup (WG in the shader). */
const WG = 256;
/** Independent recurrences per thread: four vec4 accumulators. */
const CHAINS = 16;
/** Steps of every accumulator per loop trip (UNROLL in the shader). */
const UNROLL = 8;
/** The multiplier: 1 − 2⁻¹⁰, exact in f32, so every chain stays within 1024 · |c| ≤ 512. */
export const FMA_M = 1 - 2 ** -10;

export interface FmaShape {
  /** Workgroups of WG threads. */
  groups: number;
  /** Loop trips; each runs UNROLL steps of every chain. */
  iters: number;
}

/** The shape for an adapter: a CPU adapter (isFallback) gets few workgroups. */
export function fmaShape(size: Size, onCpu: boolean): FmaShape {
  if (size === 'smoke') return { groups: 2, iters: 8 };
  return onCpu ? { groups: 16, iters: 256 } : { groups: 4096, iters: 256 };
}

/** FLOPs of one dispatch: two per FMA. */
export const fmaFlops = (s: FmaShape): number => 2 * s.groups * WG * s.iters * UNROLL * CHAINS;

/**
 * Float64 evaluation of what the kernel writes: for each thread, the sum of its 16 chains'
 * values after iters · UNROLL steps of a ← a·m + c from a₀ = c, c = (q mod 4096) / 4096 − 0.5.
 * Returns [threads · 4] (lane l of thread t sums the chains q = 16t + 4j + l, j = 0…3).
 */
export function fmaChainsRef(s: FmaShape, m = FMA_M): Float64Array {
  const threads = s.groups * WG;
  const steps = s.iters * UNROLL;
  const out = new Float64Array(threads * 4);
  for (let t = 0; t < threads; t++) {
    for (let j = 0; j < 4; j++) {
      for (let l = 0; l < 4; l++) {
        const c = ((16 * t + 4 * j + l) % 4096) / 4096 - 0.5;
        let a = c;
        for (let k = 0; k < steps; k++) a = a * m + c;
        out[4 * t + l]! += a;
      }
    }
  }
  return out;
}

/** One bound dispatch of the FMA kernel over `shape`, writing [threads · 4] floats into its own buffer. */
export class FmaKernel {
  readonly out: ManagedBuffer;
  private readonly bound: BoundKernel;

  constructor(
    private readonly gpu: Gpu,
    registry: KernelRegistry,
    readonly shape: FmaShape,
    m = FMA_M,
  ) {
    const threads = shape.groups * WG;
    this.out = gpu.buffers.create('fma-peak:out', threads * 16);
    const kernel = registry.kernel(SHADERS.fmaPeak, 'fma_peak');
    this.bound = registry.bind(kernel, { out: this.out }, { iters: shape.iters, threads, m, pad: 0 });
  }

  /** Records `reps` dispatches into one pass, submits, and waits for the queue; resolves to wall seconds. */
  async run(reps: number): Promise<number> {
    const { device } = this.gpu;
    const t0 = performance.now();
    const encoder = device.createCommandEncoder({ label: 'fma-peak' });
    const pass = encoder.beginComputePass({ label: 'fma-peak' });
    for (let r = 0; r < reps; r++) this.bound.encode(pass, [this.shape.groups, 1, 1]);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const seconds = since(t0);
    if (this.gpu.lostError) throw this.gpu.lostError;
    return seconds;
  }

  read(): Promise<Float32Array> {
    return readFloat32(this.gpu, this.out);
  }

  dispose(): void {
    this.bound.dispose();
    this.out.dispose();
  }
}

class FmaPeer implements Peer {
  readonly losses: readonly number[] = [];
  readonly kernel: FmaKernel;

  constructor(env: BenchEnv, shape: FmaShape) {
    this.kernel = new FmaKernel(env.gpu, env.registry, shape);
  }

  run(reps: number): Promise<number> {
    return this.kernel.run(reps);
  }

  dispose(): void {
    this.kernel.dispose();
  }
}

const ALONE = "the adapter's own ceiling, measured by our kernel alone; no library runs it.";

const shapeOf = (env: BenchEnv, size: Size): FmaShape => fmaShape(size, env.gpu.adapter.isFallback);

export const FMA_PEAK_WORKLOAD: Workload = {
  name: 'fma-peak',
  unit: 'GFLOPS',
  unitScale: 1e9,
  repQuantum: 1,
  smokeReps: 2,
  description: (size) => {
    const gpu = fmaShape(size, false);
    const cpu = fmaShape(size, true);
    return (
      `f32 FMA rate: ${CHAINS} independent chains a ← fma(a, m, c) per thread (four vec4 accumulators, ${UNROLL} steps per trip), ` +
      `${gpu.groups} workgroups × ${WG} threads × ${gpu.iters} trips (CPU adapter: ${cpu.groups} workgroups); 2 FLOPs per FMA; ` +
      'reps recorded back to back, then onSubmittedWorkDone awaited'
    );
  },
  workPerRep: (size, env) => fmaFlops(shapeOf(env, size)),
  oursAlone: () => ALONE,
  ours: (env, size) => new FmaPeer(env, shapeOf(env, size)),
  tfjs: () => {
    throw new Error(`fma-peak: ${ALONE}`);
  },
};
