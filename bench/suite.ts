// suite.ts: one benchmark run wherever it happens: the bench page (bench/main.ts, Chromium) and the Node
// runner (bench/node-main.ts, Dawn's bindings) both call runSuite with their own tfjs, jax-js, WebGPU
// entry point and image loader. Imports the workloads and the data layer (pure functions only).
import type { Dataset } from '../src/data/types';
import { fitPreprocessor, toFloat } from '../src/data/preprocess';
import { sampleSubset } from '../src/data/sampling';
import type { Tuning } from '../src/gpu/device';
import { createBenchEnv, describeEnv, measureWorkload, WORKLOADS, type EnvDescription, type Jax, type Size, type Tf, type WorkloadResult } from './workloads/index';

/** Fashion-MNIST training images used by the training workloads (8 batches of 256). */
export const TRAIN_IMAGES = 2048;
export const DATA_SEED = 7;

export interface BenchResult {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  /** budgetSeconds: measured seconds per workload after which no new round starts (null: unlimited). */
  config: { rounds: number; size: Size; only: string[] | null; budgetSeconds: number | null; tuning: Partial<Tuning> | null };
  /** Where it ran: 'chromium' (the bench page) or 'node' (Dawn's Node bindings). */
  host: string;
  env: EnvDescription;
  data: string;
  /** How the numbers were taken; kept with the numbers so the file explains itself. */
  method: string[];
  workloads: WorkloadResult[];
}

export interface SuiteOptions {
  rounds: number;
  size: Size;
  /** Workload names to run (null: all). */
  only: string[] | null;
  /** Measured seconds per workload after which no new round starts (0: unlimited). */
  budget: number;
  /** Kernel variants forced on our engine (null: chosen from the adapter). */
  tuning: Partial<Tuning> | null;
  host: string;
  log(line: string): void;
  tf: Tf;
  jax: Jax | null;
  /** The WebGPU entry point for our engine (default navigator.gpu). */
  gpuApi?: GPU;
  /** Loads Fashion-MNIST (only called when a full-size training or inference workload runs). */
  loadFashion(): Promise<Dataset>;
}

const METHOD = [
  'Each workload sets up every peer once (operands uploaded, pipelines built / functions jitted), runs one warm-up repetition on each, ' +
    'then picks one repetition count for all so that the slowest peer runs about 0.25 s per measurement (≥ 1, ≤ 200).',
  'Rounds run ours, tfjs, jax (A/B/C), the order rotated by one each round; each value is work × reps / wall seconds (first-step: ' +
    'seconds per rep); reported: median [min–max] over rounds. With a time budget, no new round starts once the measured time of a ' +
    'workload would pass it (at least one round always runs).',
  'GEMM and conv: all reps recorded back to back, then completion awaited: ours and tfjs queue.onSubmittedWorkDone() (tfjs\'s open ' +
    'compute pass ended and its encoder submitted first); jax-js keeps every rep\'s output (it is lazy) and awaits blockUntilReady on all. ' +
    'No readback inside the timed region.',
  'FLOPs: 2·M·N·K per product; 2·N·O·OH·OW·C·KH·KW per convolution and per convolution gradient. gemm-2048-peak (our 2048³ GEMM) is ' +
    'the adapter\'s measured peak; GFLOPS rows also report their share of it.',
  'Training: samples/s = batch × steps / wall seconds; the loss is read back on every step (sync1, conv-train) or every 10th step and on ' +
    'the last step of each measurement (sync10), which is what the timing waits for. All peers start from identical weights and batches.',
  'jax-js is written as its users write it: a pure loss of a parameter list, jit(valueAndGrad(loss)) fused with a hand-written Adam/AdamW ' +
    '(bias corrections passed in as scalars so one trace serves every step).',
  'first-step: from "start" to the first finished training step with its loss read: ours on a fresh device and kernel registry (every ' +
    'pipeline built); tfjs and jax-js on a fresh model in the same page (their libraries keep their own caches). Lower is better.',
  'inference: 10,000 test images through encoder + decoder in batches of 1,000, each reconstruction read back.',
  'tfjs runs in its default NHWC layout for convolutions; ours and jax-js are NCHW. tfjs Adam in fc-train uses its default epsilon (1e-7), ' +
    'ours and jax-js PyTorch\'s (1e-8); conv-train uses 1e-8 everywhere.',
  'ratio = ours median ÷ peer median in the workload\'s unit (> 1: ours is faster for rates; for first-step seconds, < 1 is ours faster).',
];

/** Runs the selected workloads on ours, tfjs and jax-js, alternating rounds; resolves to the full result. */
export async function runSuite(o: SuiteOptions): Promise<BenchResult> {
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error(`bench: bad rounds; expected an integer ≥ 1, got ${o.rounds}.`);
  if (!(o.budget >= 0)) throw new Error(`bench: bad budget; expected seconds ≥ 0 (0: unlimited), got ${o.budget}.`);
  const unknown = (o.only ?? []).filter((n) => !WORKLOADS.some((w) => w.name === n));
  if (unknown.length) {
    throw new Error(`bench: unknown workload(s) ${unknown.join(', ')}; expected names from: ${WORKLOADS.map((w) => w.name).join(', ')}.`);
  }
  const selected = WORKLOADS.filter((w) => !o.only || o.only.includes(w.name));
  const startedAt = new Date().toISOString();

  const wantsImages = o.size === 'full' && selected.some((w) => w.unit !== 'GFLOPS');
  let images: { train: Float32Array; test: Float32Array } | null = null;
  if (wantsImages) {
    o.log(`loading Fashion-MNIST (${TRAIN_IMAGES} training images, seed ${DATA_SEED}; the test split)…`);
    const data = await o.loadFashion();
    const pre = fitPreprocessor(data.train, 'global');
    images = { train: toFloat(sampleSubset(data.train, TRAIN_IMAGES, DATA_SEED), pre), test: toFloat(data.test, pre) };
  }
  const env = await createBenchEnv(o.tf, images?.train ?? null, o.jax, images?.test ?? null, { gpuApi: o.gpuApi, tuning: o.tuning ?? undefined });
  const description = describeEnv(env);
  o.log(`adapter: ${JSON.stringify(description.adapter)}; tuning ${JSON.stringify(env.gpu.tuning)}; tfjs ${description.tfjsVersion} on ${description.tfjsBackend} (${JSON.stringify(description.tfjsAdapter)})`);

  const budgetSeconds = o.budget > 0 ? o.budget : Infinity;
  const workloads: WorkloadResult[] = [];
  try {
    for (const w of selected) {
      o.log(`${w.name}: ${w.description(o.size)}`);
      workloads.push(await measureWorkload(w, env, { size: o.size, rounds: o.rounds, log: o.log, budgetSeconds }));
    }
  } finally {
    env.gpu.destroy();
  }
  return {
    schema: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    config: { rounds: o.rounds, size: o.size, only: o.only, budgetSeconds: o.budget > 0 ? o.budget : null, tuning: o.tuning },
    host: o.host,
    env: { ...description, tuning: env.gpu.tuning },
    data: images ? `Fashion-MNIST train, ${TRAIN_IMAGES} images sampled with seed ${DATA_SEED}, and the 10,000 test images (inference), 'global' preprocessing to [0, 1]` : 'seeded uniform noise',
    method: METHOD,
    workloads,
  };
}
