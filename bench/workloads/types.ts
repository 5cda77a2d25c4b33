// types.ts: what a benchmark workload is, and the environment both peers run in.
// Imports the engine's gpu/kernels types, its Rng, and tfjs-core's types only (tfjs itself is handed
// in as a namespace object, so these modules load in the bench page (Vite, ES modules) and in the test
// runner (tfjs's UMD bundles) alike).
import type * as TfCore from '@tensorflow/tfjs-core';
import type { Gpu } from '../../src/gpu/device';
import type { KernelRegistry } from '../../src/kernels/registry';
import { Rng } from '../../src/util/rng';
import type { Jax } from './jax';

/** The tfjs-core namespace with the WebGPU backend registered and active. */
export type Tf = typeof TfCore;

/** 'full': the shapes named in the workload; 'smoke': tiny shapes that run in well under a second. */
export type Size = 'full' | 'smoke';

export interface BenchEnv {
  /** Our engine's device and kernel registry. */
  gpu: Gpu;
  /** Acquires another device the way `gpu` was (same entry point; `registry.tuning` holds the kernel variants). */
  acquire(): Promise<Gpu>;
  registry: KernelRegistry;
  /** tfjs-core, backend 'webgpu' ready (it has its own device on the same adapter). */
  tf: Tf;
  /** GPU errors reported by either device (uncaptured validation errors, loss); a workload fails on any. */
  errors: string[];
  /** jax-js with its WebGPU device as the default, or null when it could not start (see jaxUnavailable). */
  jax: Jax | null;
  /** Why jax-js is not measured (null when it is). */
  jaxUnavailable: string | null;
  /**
   * Fashion-MNIST training images as floats in [0, 1] (784 per row, preprocessed 'global'), for the
   * training workloads at full size; null means seeded uniform noise is used instead.
   */
  images: Float32Array | null;
  /** Fashion-MNIST test images (784 per row, same preprocessing) for the inference workload, or null for noise. */
  testImages: Float32Array | null;
}

/** One side (ours, tfjs or jax) of a workload, set up once and then measured repeatedly. */
export interface Peer {
  /**
   * Runs `reps` repetitions back to back and waits until the GPU has finished them; resolves to the
   * wall time in seconds from the first submit (the first recorded command) to completion.
   */
  run(reps: number): Promise<number>;
  /** Every loss read back so far, in step order (training workloads only; empty otherwise). */
  readonly losses: readonly number[];
  dispose(): void;
}

export interface Workload {
  name: string;
  /** The reported unit: 'GFLOPS', 'samples/s', 'images/s' (higher is better) or 'seconds' (lower is better). */
  unit: string;
  /** True for 'seconds': the value is seconds per repetition instead of work per second. */
  lowerIsBetter?: boolean;
  /** Most repetitions per measurement (default: the harness's maxReps). */
  maxReps?: number;
  /** One line: shapes, what is timed, how completion is awaited. */
  description(size: Size): string;
  /**
   * Work of one repetition in the unit's numerator: FLOPs (counted as 2·M·N·K per product) or samples.
   * `env` is given for workloads whose shapes follow the adapter (fma-peak).
   */
  workPerRep(size: Size, env: BenchEnv): number;
  /**
   * Training workloads: counted FLOPs of one repetition (one step), from the layer shapes; the result
   * then also reports every peer's rate as GFLOP/s.
   */
  flopsPerRep?(size: Size): number;
  /**
   * Why tfjs and jax-js are left out on this adapter and size (ours runs alone), or null when they
   * run. Absent: they always run.
   */
  oursAlone?(env: BenchEnv, size: Size): string | null;
  /** Divides work/second into the unit (1e9 for GFLOPS). */
  unitScale: number;
  /** Repetition counts are rounded up to a multiple of this (10 when the loss is read every 10 steps). */
  repQuantum: number;
  /** Repetitions of one smoke measurement. */
  smokeReps: number;
  ours(env: BenchEnv, size: Size): Promise<Peer> | Peer;
  tfjs(env: BenchEnv, size: Size): Promise<Peer> | Peer;
  /** jax-js's side; absent: the workload reports why instead of a number. */
  jax?(jax: Jax, env: BenchEnv, size: Size): Promise<Peer> | Peer;
  /** Why `jax` is absent (shown in the jax column). */
  jaxMissing?: string;
  /**
   * Training workloads: after the warm-up, this many more repetitions (steps) of every peer run one by
   * one with the dispatch and upload counters installed (src/gpu/counting.ts), untimed; the result
   * keeps the counts of the last. A whole number of batch cycles (2 at smoke size) keeps every peer's
   * later steps on the batches they would have had.
   */
  countsSteps?: number;
}

/**
 * A workload measured outside the page or process that runs the others: each measurement runs one
 * peer in a process of its own, which the host starts (bench/workloads/first-step.ts).
 */
export interface ColdWorkload {
  name: string;
  /** Seconds per measurement (lower is better). */
  unit: 'seconds';
  cold: true;
  /** One line: shapes, what is timed. */
  description(size: Size): string;
}

/** Seeded uniform values in [lo, hi), for operands whose values do not matter to the timing. */
export function uniformData(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** Seconds since `t0` (a performance.now() reading). */
export const since = (t0: number): number => (performance.now() - t0) / 1000;
