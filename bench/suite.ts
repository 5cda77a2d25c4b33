// suite.ts: one benchmark run wherever it happens: the bench page (bench/main.ts, Chromium) and the Node
// runner (bench/node-main.ts, Dawn's bindings) both call runSuite with their own tfjs, jax-js, WebGPU
// entry point, image loader and a runner of cold first steps in fresh processes; each such fresh
// process (a page opened with ?cold=PEER, or `node bench.mjs --cold PEER`) calls runColdChild.
// Imports the workloads, the engine's device entry point and the data layer (pure functions only).
import type { Dataset } from '../src/data/types';
import { fitPreprocessor, toFloat } from '../src/data/preprocess';
import { sampleSubset } from '../src/data/sampling';
import { acquireGpu } from '../src/gpu/device';
import type { Tuning } from '../src/kernels/tuning';
import {
  coldFirstStep,
  createBenchEnv,
  describeEnv,
  isCold,
  measureColdWorkload,
  measureWorkload,
  SUITE_WORKLOADS,
  type ColdOutcome,
  type ColdRunner,
  type EnvDescription,
  type Jax,
  type PeerKey,
  type Size,
  type Tf,
  type WorkloadResult,
} from './workloads/index';

/** Fashion-MNIST training images used by the training workloads (8 batches of 256). */
export const TRAIN_IMAGES = 2048;
export const DATA_SEED = 7;

export interface BenchResult {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  /** budgetSeconds: measured seconds per workload after which no new round starts (null: unlimited). */
  config: {
    rounds: number;
    size: Size;
    only: string[] | null;
    budgetSeconds: number | null;
    tuning: Partial<Tuning> | null;
  };
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
  /**
   * Runs one cold first step of a peer in a fresh process (a new browser, a new node process) with this
   * run's size and tuning. Absent: the cold workloads cannot run; they are left out with a log line, or
   * the run fails when `only` names one.
   */
  cold?: ColdRunner;
}

/** The Fashion-MNIST training images of the training workloads: TRAIN_IMAGES rows sampled with DATA_SEED, 'global' preprocessing. */
function prepareImages(data: Dataset, withTest: boolean): { train: Float32Array; test: Float32Array | null } {
  const pre = fitPreprocessor(data.train, 'global');
  return {
    train: toFloat(sampleSubset(data.train, TRAIN_IMAGES, DATA_SEED), pre),
    test: withTest ? toFloat(data.test, pre) : null,
  };
}

const METHOD = [
  'Each workload but first-step sets up every peer once in the page (operands uploaded, pipelines built / functions jitted), runs one ' +
    'warm-up repetition on each, then picks one repetition count for all so that the slowest peer runs about 0.25 s per measurement (≥ 1, ≤ 200).',
  'Rounds run ours, tfjs, jax (A/B/C), the order rotated by one each round; each value is work × reps / wall seconds (first-step and ' +
    'first-step-warm: seconds per rep); reported: median [min–max] over rounds. With a time budget, no new round starts once the measured time of a ' +
    'workload would pass it (at least one round always runs).',
  "GEMM and conv: all reps recorded back to back, then completion awaited: ours and tfjs queue.onSubmittedWorkDone() (tfjs's open " +
    "compute pass ended and its encoder submitted first); jax-js keeps every rep's output (it is lazy) and awaits blockUntilReady on all. " +
    'No readback inside the timed region.',
  'FLOPs: 2·M·N·K per product; 2·N·O·OH·OW·C·KH·KW per convolution and per convolution gradient. gemm-2048-peak (our 2048³ GEMM) is ' +
    "the adapter's measured peak; GFLOPS rows also report their share of it.",
  'Training: samples/s = batch × steps / wall seconds; the loss is read back on every step (sync1, conv-train) or every 10th step and on ' +
    'the last step of each measurement (sync10), which is what the timing waits for. All peers start from identical weights and batches.',
  'jax-js is written as its users write it: a pure loss of a parameter list, jit(valueAndGrad(loss)) fused with a hand-written Adam/AdamW ' +
    '(bias corrections passed in as scalars so one trace serves every step).',
  'first-step (cold start): each measurement runs ONE peer in a fresh process: a newly launched Chromium with a new temporary profile ' +
    '(npm run bench) or a new node process (npm run bench:node), so no library has a shader or pipeline cache in memory. The clock starts ' +
    "once the modules are loaded and the training images are in memory as floats, and stops when the first step's loss is on the CPU; " +
    "it covers the device / backend start (ours: acquireGpu + a new KernelRegistry; tfjs: setBackend('webgpu') + ready(); jax-js: " +
    "init('webgpu') + defaultDevice), building the model, optimizer and step (every pipeline compiled), one step and the loss read. " +
    "Rounds run the three processes one after another, the order rotated each round; every peer's loss must agree (same weights and batch). " +
    'Lower is better.',
  "first-step-warm: the same model built and stepped once in the bench page (Node: the runner's process) after a warm-up step and " +
    'the workloads before it: ' +
    "ours a fresh model + Trainer on the page's device and kernel registry; tfjs and jax-js fresh variables / params, optimizer and jit on " +
    "their running backends. No device starts and every library's shader / pipeline cache is warm: it measures model and step " +
    'construction plus one step. Lower is better.',
  'inference: 10,000 test images through encoder + decoder in batches of 1,000, each reconstruction read back.',
  'tfjs runs in its default NHWC layout for convolutions; ours and jax-js are NCHW. tfjs Adam in fc-train uses its default epsilon (1e-7), ' +
    "ours and jax-js PyTorch's (1e-8); conv-train uses 1e-8 everywhere.",
  "ratio = ours median ÷ peer median in the workload's unit (> 1: ours is faster for rates; for seconds, the first-step rows, < 1 is ours faster).",
];

/** Runs the selected workloads on ours, tfjs and jax-js, alternating rounds; resolves to the full result. */
export async function runSuite(o: SuiteOptions): Promise<BenchResult> {
  if (!Number.isInteger(o.rounds) || o.rounds < 1)
    throw new Error(`bench: bad rounds; expected an integer ≥ 1, got ${o.rounds}.`);
  if (!(o.budget >= 0)) throw new Error(`bench: bad budget; expected seconds ≥ 0 (0: unlimited), got ${o.budget}.`);
  const unknown = (o.only ?? []).filter((n) => !SUITE_WORKLOADS.some((w) => w.name === n));
  if (unknown.length) {
    throw new Error(
      `bench: unknown workload(s) ${unknown.join(', ')}; expected names from: ${SUITE_WORKLOADS.map((w) => w.name).join(', ')}.`,
    );
  }
  let selected = SUITE_WORKLOADS.filter((w) => !o.only || o.only.includes(w.name));
  if (!o.cold) {
    const cold = selected.filter(isCold).map((w) => w.name);
    if (cold.length && o.only) {
      throw new Error(
        `bench: ${cold.join(', ')} run(s) each peer in a fresh browser or process, which this host cannot start; run it with npm run bench or npm run bench:node.`,
      );
    }
    if (cold.length)
      o.log(
        `leaving out ${cold.join(', ')}: this host cannot start fresh processes (npm run bench and npm run bench:node can)`,
      );
    selected = selected.filter((w) => !isCold(w));
  }
  const startedAt = new Date().toISOString();

  const wantsImages = o.size === 'full' && selected.some((w) => !isCold(w) && w.unit !== 'GFLOPS');
  let images: { train: Float32Array; test: Float32Array | null } | null = null;
  if (wantsImages) {
    o.log(`loading Fashion-MNIST (${TRAIN_IMAGES} training images, seed ${DATA_SEED}; the test split)…`);
    images = prepareImages(await o.loadFashion(), true);
  }
  const env = await createBenchEnv(o.tf, images?.train ?? null, o.jax, images?.test ?? null, {
    gpuApi: o.gpuApi,
    tuning: o.tuning ?? undefined,
  });
  const description = describeEnv(env);
  o.log(
    `adapter: ${JSON.stringify(description.adapter)}; tuning ${JSON.stringify(env.registry.tuning)}; tfjs ${description.tfjsVersion} on ${description.tfjsBackend} (${JSON.stringify(description.tfjsAdapter)})`,
  );

  const budgetSeconds = o.budget > 0 ? o.budget : Infinity;
  const workloads: WorkloadResult[] = [];
  try {
    for (const w of selected) {
      o.log(`${w.name}: ${w.description(o.size)}`);
      const options = { size: o.size, rounds: o.rounds, log: o.log, budgetSeconds };
      workloads.push(
        isCold(w) ? await measureColdWorkload(w, o.cold!, options) : await measureWorkload(w, env, options),
      );
    }
  } finally {
    env.gpu.destroy();
  }
  return {
    schema: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    config: {
      rounds: o.rounds,
      size: o.size,
      only: o.only,
      budgetSeconds: o.budget > 0 ? o.budget : null,
      tuning: o.tuning,
    },
    host: o.host,
    env: { ...description, tuning: env.registry.tuning },
    data: images
      ? `Fashion-MNIST train, ${TRAIN_IMAGES} images sampled with seed ${DATA_SEED}, and the 10,000 test images (inference), 'global' preprocessing to [0, 1]`
      : 'seeded uniform noise',
    method: METHOD,
    workloads,
  };
}

export interface ColdChildOptions {
  /** 'ours', 'tfjs' or 'jax'. */
  peer: string;
  size: Size;
  tuning: Partial<Tuning> | null;
  log(line: string): void;
  tf: Tf;
  jax: Jax | null;
  /** The WebGPU entry point for our engine (default navigator.gpu). */
  gpuApi?: GPU;
  loadFashion(): Promise<Dataset>;
}

const PEERS: readonly PeerKey[] = ['ours', 'tfjs', 'jax'];

/**
 * The body of one fresh process of a cold workload: loads and prepares the training images (full size;
 * untimed), then runs one cold first step of the peer (coldFirstStep) and resolves to its outcome.
 */
export async function runColdChild(o: ColdChildOptions): Promise<ColdOutcome> {
  if (!PEERS.includes(o.peer as PeerKey))
    throw new Error(`bench: bad cold peer "${o.peer}"; expected one of ${PEERS.join(', ')}.`);
  const peer = o.peer as PeerKey;
  let images: Float32Array | null = null;
  if (o.size === 'full') {
    o.log(`cold ${peer}: loading Fashion-MNIST (${TRAIN_IMAGES} training images, seed ${DATA_SEED})…`);
    images = prepareImages(await o.loadFashion(), false).train;
  }
  const acquire = () => acquireGpu({ gpu: o.gpuApi });
  const tuning = o.tuning ?? undefined;
  const outcome = await coldFirstStep(peer, { tf: o.tf, jax: o.jax, acquire, tuning, images, size: o.size });
  o.log(
    `cold ${peer}: ${'unavailable' in outcome ? outcome.unavailable : `${outcome.seconds.toFixed(3)} s, loss ${outcome.loss.toFixed(5)}`}`,
  );
  return outcome;
}
