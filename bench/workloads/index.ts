// workloads: every benchmark workload in run order, the harness that measures one, and the shared
// environment. The bench page (bench/main.ts) and the smoke test (test/bench) both import this.
import { CONV_WORKLOADS } from './conv';
import { CONV_TRAIN_WORKLOAD } from './conv-train';
import { FIRST_STEP_WORKLOAD, INFERENCE_WORKLOAD } from './fc-extra';
import { TRAIN_WORKLOADS } from './fc-train';
import { GEMM_WORKLOADS } from './gemm';
import type { Workload } from './types';

export const WORKLOADS: readonly Workload[] = [
  ...GEMM_WORKLOADS, ...CONV_WORKLOADS, ...TRAIN_WORKLOADS, CONV_TRAIN_WORKLOAD, FIRST_STEP_WORKLOAD, INFERENCE_WORKLOAD,
];

export { createBenchEnv, describeEnv } from './env';
export type { EnvDescription } from './env';
export { measureWorkload, summarize } from './harness';
export type { MeasureOptions, PeerKey, PeerResult, Summary, Unavailable, WorkloadResult } from './harness';
export { OurOpsPeer, TfOpsPeer, tfFinish } from './peers';
export { JaxOpsPeer, startJax, type Jax } from './jax';
export { FirstStepPeer, InferPeer } from './fc-extra';
export type { BenchEnv, Peer, Size, Tf, Workload } from './types';
