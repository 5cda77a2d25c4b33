// workloads: every benchmark workload in run order, the harness that measures one, and the shared
// environment. The bench page (bench/main.ts), the Node runner and the smoke test (test/bench) import this.
import { CONV_WORKLOADS } from './conv';
import { CONV_TRAIN_C128_WORKLOAD, CONV_TRAIN_WORKLOAD } from './conv-train';
import { INFERENCE_WORKLOAD } from './fc-extra';
import { FMA_PEAK_WORKLOAD } from './fma-peak';
import { TRAIN_WORKLOADS } from './fc-train';
import { FIRST_STEP_COLD_WORKLOAD, FIRST_STEP_WARM_WORKLOAD } from './first-step';
import { GEMM_WORKLOADS } from './gemm';
import type { ColdWorkload, Workload } from './types';

/** Every workload in run order: the in-page ones and the cold ones (each measurement in a fresh process). */
export const SUITE_WORKLOADS: readonly (Workload | ColdWorkload)[] = [
  FMA_PEAK_WORKLOAD,
  ...GEMM_WORKLOADS,
  ...CONV_WORKLOADS,
  ...TRAIN_WORKLOADS,
  CONV_TRAIN_WORKLOAD,
  CONV_TRAIN_C128_WORKLOAD,
  FIRST_STEP_COLD_WORKLOAD,
  FIRST_STEP_WARM_WORKLOAD,
  INFERENCE_WORKLOAD,
];

export const isCold = (w: Workload | ColdWorkload): w is ColdWorkload => 'cold' in w && w.cold === true;

/** The workloads measured in the page (or process) by the harness, in run order. */
export const WORKLOADS: readonly Workload[] = SUITE_WORKLOADS.filter((w): w is Workload => !isCold(w));

export { createBenchEnv, describeEnv } from './env';
export type { EnvDescription } from './env';
export { measureWorkload, summarize } from './harness';
export type { MeasureOptions, PeerKey, PeerResult, Summary, Unavailable, WorkloadResult } from './harness';
export { OurOpsPeer, TfOpsPeer, tfFinish } from './peers';
export { JaxOpsPeer, startJax, type Jax } from './jax';
export { InferPeer } from './fc-extra';
export { FMA_M, FmaKernel, fmaChainsRef, fmaFlops, fmaShape, type FmaShape } from './fma-peak';
export { convForwardMacs, convStepFlops } from './conv-train';
export {
  coldFirstStep,
  FIRST_LOSS_RTOL,
  FIRST_STEP_COLD_WORKLOAD,
  FIRST_STEP_WARM_WORKLOAD,
  FirstStepPeer,
  measureColdWorkload,
  type ColdContext,
  type ColdOutcome,
  type ColdRunner,
} from './first-step';
export type { BenchEnv, ColdWorkload, Peer, Size, Tf, Workload } from './types';
