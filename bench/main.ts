// main.ts: the bench page. Reads its options from the query string (rounds, smoke, only, budget), runs the
// selected workloads on our engine, on tfjs's WebGPU backend and on jax-js's WebGPU device in this page, logs progress lines to
// the console (bench/run.mjs forwards them), and leaves the result object on `window.benchResult`
// (or the failure on `window.benchError`). Imports tfjs (ES build, through Vite), jax-js, the data layer
// and the workloads.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import * as jax from '@jax-js/jax';
import { loadDataset } from '../src/data/datasets';
import { fitPreprocessor, toFloat } from '../src/data/preprocess';
import { sampleSubset } from '../src/data/sampling';
import { createBenchEnv, describeEnv, measureWorkload, WORKLOADS, type EnvDescription, type Size, type Tf, type WorkloadResult } from './workloads/index';

/** Fashion-MNIST training images used by the training workloads (8 batches of 256). */
const TRAIN_IMAGES = 2048;
const DATA_SEED = 7;

export interface BenchResult {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  /** budgetSeconds: measured seconds per workload after which no new round starts (null: unlimited). */
  config: { rounds: number; size: Size; only: string[] | null; budgetSeconds: number | null };
  env: EnvDescription;
  data: string;
  /** How the numbers were taken; kept with the numbers so the file explains itself. */
  method: string[];
  workloads: WorkloadResult[];
}

declare global {
  interface Window {
    benchResult?: BenchResult;
    benchError?: string;
  }
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

const log = (line: string) => {
  console.log(`[bench] ${line}`);
  document.getElementById('log')!.textContent += `${line}\n`;
};

/** Training rows for the training workloads, and the 10,000 test rows (same preprocessing) for inference. */
async function fashionImages(): Promise<{ train: Float32Array; test: Float32Array }> {
  const data = await loadDataset('fashion-mnist');
  const pre = fitPreprocessor(data.train, 'global');
  return { train: toFloat(sampleSubset(data.train, TRAIN_IMAGES, DATA_SEED), pre), test: toFloat(data.test, pre) };
}

async function main(): Promise<BenchResult> {
  const q = new URLSearchParams(location.search);
  const rounds = Number(q.get('rounds') ?? 5);
  const size: Size = q.get('smoke') === '1' ? 'smoke' : 'full';
  const budget = Number(q.get('budget') ?? 0);
  const only = q.get('only') ? q.get('only')!.split(',').map((s) => s.trim()).filter(Boolean) : null;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench: bad rounds; expected an integer ≥ 1, got ${q.get('rounds')}.`);
  if (!(budget >= 0)) throw new Error(`bench: bad budget; expected seconds ≥ 0 (0: unlimited), got ${q.get('budget')}.`);
  const budgetSeconds = budget > 0 ? budget : Infinity;
  const unknown = (only ?? []).filter((n) => !WORKLOADS.some((w) => w.name === n));
  if (unknown.length) {
    throw new Error(`bench: unknown workload(s) ${unknown.join(', ')}; expected names from: ${WORKLOADS.map((w) => w.name).join(', ')}.`);
  }
  const selected = WORKLOADS.filter((w) => !only || only.includes(w.name));
  const startedAt = new Date().toISOString();

  const wantsImages = size === 'full' && selected.some((w) => w.unit !== 'GFLOPS');
  if (wantsImages) log(`loading Fashion-MNIST (${TRAIN_IMAGES} training images, seed ${DATA_SEED}; the test split)…`);
  const images = wantsImages ? await fashionImages() : null;
  const env = await createBenchEnv(tf as unknown as Tf, images?.train ?? null, jax, images?.test ?? null);
  const description = describeEnv(env);
  log(`adapter: ${JSON.stringify(description.adapter)}; tfjs ${description.tfjsVersion} on ${description.tfjsBackend} (${JSON.stringify(description.tfjsAdapter)})`);

  const workloads: WorkloadResult[] = [];
  try {
    for (const w of selected) {
      log(`${w.name}: ${w.description(size)}`);
      workloads.push(await measureWorkload(w, env, { size, rounds, log, budgetSeconds }));
    }
  } finally {
    env.gpu.destroy();
  }
  return {
    schema: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    config: { rounds, size, only, budgetSeconds: budget > 0 ? budget : null },
    env: description,
    data: images ? `Fashion-MNIST train, ${TRAIN_IMAGES} images sampled with seed ${DATA_SEED}, and the 10,000 test images (inference), 'global' preprocessing to [0, 1]` : 'seeded uniform noise',
    method: METHOD,
    workloads,
  };
}

main().then(
  (result) => {
    log('done');
    window.benchResult = result;
  },
  (e: unknown) => {
    const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    log(`FAILED: ${message}`);
    window.benchError = message;
  },
);
