// first-step.ts: the two first-step workloads of the FC autoencoder (fc-train.ts's model, batch and
// optimizer): seconds from "start" to the first finished training step with its loss read back on the
// CPU; lower is better.
//   first-step (cold): every measurement runs ONE peer in a fresh process (a freshly launched Chromium
//     with a new profile, or a fresh `node` child of the Node runner), so no library has a shader or
//     pipeline cache in memory. The host starts that process (a ColdRunner); coldFirstStep is what
//     runs in it, and measureColdWorkload alternates the peers over rounds and summarises.
//   first-step-warm: in the page (or Node process) that runs the suite, after a warm-up step: a fresh
//     model, optimizer and step on the running device / backends, whose pipeline caches are warm.
// Imports the engine's kernels layer, the FC training peers, jax-js helpers, the harness's types and
// the workload types.
import type { Gpu } from '../../src/gpu/device';
import { KernelRegistry } from '../../src/kernels/registry';
import type { Tuning } from '../../src/kernels/tuning';
import { tfjsDevice, watchErrors } from './env';
import { JaxTrainPeer, LR, MODEL, OurTrainPeer, SLOPE, TfTrainPeer, layerSizes, trainingBatches } from './fc-train';
import {
  summarize,
  workloadResult,
  type MeasureOptions,
  type PeerKey,
  type PeerResult,
  type Unavailable,
  type WorkloadResult,
} from './harness';
import { startJax, type Jax } from './jax';
import { since, type ColdWorkload, type Peer, type Size, type Tf, type Workload } from './types';

/**
 * Runs `make` → one step → dispose, `reps` times; the time covers all of it. The step's losses go to
 * `stepLosses`, not `losses` (every one is a first loss, so there is no fall to check).
 */
export class FirstStepPeer implements Peer {
  readonly losses: readonly number[] = [];
  readonly stepLosses: number[] = [];
  constructor(private readonly make: () => Promise<Peer>) {}

  async run(reps: number): Promise<number> {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      const peer = await this.make();
      try {
        await peer.run(1);
        this.stepLosses.push(...peer.losses);
      } finally {
        peer.dispose();
      }
    }
    return since(t0);
  }

  dispose(): void {}
}

const modelText = (size: Size) => {
  const m = MODEL[size];
  const dims = [m.inputSize, ...layerSizes(m).map(([, o]) => o)].join('-');
  return `the ${dims} FC autoencoder (leaky ReLU ${SLOPE}, MSE, Adam lr ${LR}), batch ${m.batch}`;
};

export const FIRST_STEP_WARM_WORKLOAD: Workload = {
  name: 'first-step-warm',
  unit: 'seconds',
  lowerIsBetter: true,
  unitScale: 1,
  repQuantum: 1,
  smokeReps: 1,
  maxReps: 1,
  description: (size) =>
    `seconds to build and run one training step (loss read) of ${modelText(size)}, in the page (or Node process) running ` +
    "the suite, after a warm-up step: ours a fresh model + Trainer on the suite's device and kernel registry; tfjs / jax-js fresh variables / params, optimizer and jit on " +
    "their running backends; every library's shader / pipeline cache is warm (no device start, no pipeline compiled); lower is better",
  workPerRep: () => 1,
  ours: (env, size) => {
    const batches = trainingBatches(env.images, MODEL[size]);
    return new FirstStepPeer(async () => new OurTrainPeer(env, batches, MODEL[size], 1, 'host')); // one batch written, as the peers do;
  },
  tfjs: (env, size) => {
    const batches = trainingBatches(env.images, MODEL[size]);
    return new FirstStepPeer(async () => new TfTrainPeer(env.tf, batches, MODEL[size], 1));
  },
  jax: (jax, env, size) => {
    const batches = trainingBatches(env.images, MODEL[size]);
    return new FirstStepPeer(async () => new JaxTrainPeer(jax, batches, MODEL[size], 1));
  },
};

export const FIRST_STEP_COLD_WORKLOAD: ColdWorkload = {
  name: 'first-step',
  unit: 'seconds',
  cold: true,
  description: (size) =>
    `seconds from start to the first finished training step (loss read back) of ${modelText(size)}, each measurement ` +
    'one peer in a fresh process (new Chromium with a new profile / new node process), images already in memory: ours acquireGpu + new ' +
    "KernelRegistry + model + Trainer (every pipeline built); tfjs setBackend('webgpu') + ready() + variables + minimize; jax-js " +
    "init('webgpu') + params + jit(valueAndGrad) + Adam; lower is better",
};

/** What one cold first step needs in the process it runs in. */
export interface ColdContext {
  /** tfjs-core with the WebGPU backend registered (not necessarily started). */
  tf: Tf;
  /** jax-js (not necessarily started), or null when it is not loaded. */
  jax: Jax | null;
  /** Acquires our device (the host's WebGPU entry point). */
  acquire(): Promise<Gpu>;
  /** Our kernel variants forced instead of the adapter's defaults (none: the adapter's). */
  tuning?: Partial<Tuning>;
  /** Training images (784 floats per row, preprocessed) at full size, or null for seeded noise. */
  images: Float32Array | null;
  size: Size;
}

/** One cold first step's outcome: its seconds and the loss read, or why the peer could not start (jax-js only). */
export type ColdOutcome = { seconds: number; loss: number } | Unavailable;

/** Runs one cold first step of `peer` in a fresh process (the host's): resolves to that process's outcome. */
export type ColdRunner = (peer: PeerKey) => Promise<ColdOutcome>;

/**
 * One first step of `peer` from "start" in this process: the clock starts after the batches are made
 * from `ctx.images`, and covers the device / backend start (ours: ctx.acquire + a new KernelRegistry;
 * tfjs: setBackend('webgpu') + ready(); jax-js: init('webgpu') + defaultDevice), building the model with
 * the fc-train peers' constructors, one step and the loss read back. Cold only in a fresh process (in
 * a page that already ran a peer, its library's caches are warm). Throws on a GPU error; resolves to
 * `{ unavailable }` when jax-js cannot start. Everything it made is released before it returns.
 */
export async function coldFirstStep(peer: PeerKey, ctx: ColdContext): Promise<ColdOutcome> {
  const m = MODEL[ctx.size];
  const batches = trainingBatches(ctx.images, m);
  const errors: string[] = [];
  const cleanup: (() => void)[] = [];
  let step: Peer | null = null;
  const t0 = performance.now();
  try {
    if (peer === 'ours') {
      const gpu = await ctx.acquire();
      cleanup.push(() => gpu.destroy());
      cleanup.push(gpu.onFatal((e) => errors.push(`ours: ${e.message}`)));
      step = new OurTrainPeer({ gpu, registry: new KernelRegistry(gpu, ctx.tuning) }, batches, m, 1, 'host');
    } else if (peer === 'tfjs') {
      const { tf } = ctx;
      if (!(await tf.setBackend('webgpu'))) {
        throw new Error(
          `tfjs could not start its WebGPU backend; expected tf.setBackend('webgpu') to succeed, got backend "${tf.getBackend()}".`,
        );
      }
      await tf.ready();
      cleanup.push(watchErrors(tfjsDevice(tf), 'tfjs', errors));
      step = new TfTrainPeer(tf, batches, m, 1);
    } else {
      if (ctx.jax === null) return { unavailable: 'jax-js: not loaded in this process.' };
      const why = await startJax(ctx.jax);
      if (why !== null) return { unavailable: why };
      cleanup.push(watchErrors(ctx.jax.getWebGPUDevice(), 'jax', errors));
      step = new JaxTrainPeer(ctx.jax, batches, m, 1);
    }
    await step.run(1);
    const seconds = since(t0);
    if (errors.length > 0)
      throw new Error(
        `the GPU reported ${errors.length} error(s) during the first step; expected none. First: ${errors[0]}`,
      );
    const loss = step.losses[0];
    if (loss === undefined || !Number.isFinite(loss))
      throw new Error(`expected a finite loss from the first step, got ${loss}.`);
    return { seconds, loss };
  } finally {
    step?.dispose();
    for (const f of cleanup.reverse()) f();
  }
}

/** Relative tolerance between the peers' first losses (same weights and batch; f32 rounding only). */
export const FIRST_LOSS_RTOL = 1e-4;

/**
 * Measures a cold workload: `rounds` rounds, each running every peer once through `run` (a fresh
 * process each), the order rotated by one every round; the time budget applies to the measured
 * seconds as in the harness. A failed run fails the workload, naming the peer; jax-js reporting that
 * it cannot start is recorded as unavailable. Every loss read must agree with ours' first within
 * FIRST_LOSS_RTOL (relative).
 */
export async function measureColdWorkload(
  w: ColdWorkload,
  run: ColdRunner,
  options: MeasureOptions,
): Promise<WorkloadResult> {
  const { size, rounds } = options;
  const log = options.log ?? (() => {});
  const budget = options.budgetSeconds ?? Infinity;
  const keys: PeerKey[] = ['ours', 'tfjs', 'jax'];
  const seconds: Record<PeerKey, number[]> = { ours: [], tfjs: [], jax: [] };
  const losses: Record<PeerKey, number[]> = { ours: [], tfjs: [], jax: [] };
  let jaxMissing: string | null = null;
  let measured = 0;
  let done = 0;
  for (let r = 0; r < rounds; r++) {
    const active = keys.filter((k) => k !== 'jax' || jaxMissing === null);
    const order = active.map((_, i) => active[(i + r) % active.length]!);
    for (const key of order) {
      let out: ColdOutcome;
      try {
        out = await run(key);
      } catch (e) {
        throw new Error(
          `bench ${w.name}: the cold ${key} run (round ${r + 1}) failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if ('unavailable' in out) {
        if (key !== 'jax')
          throw new Error(`bench ${w.name}: the cold ${key} run (round ${r + 1}) could not start: ${out.unavailable}`);
        jaxMissing = out.unavailable;
        log(`${w.name}: jax-js unavailable: ${out.unavailable}`);
        continue;
      }
      if (!(Number.isFinite(out.seconds) && out.seconds > 0) || !Number.isFinite(out.loss)) {
        throw new Error(
          `bench ${w.name}: the cold ${key} run (round ${r + 1}) returned ${JSON.stringify(out)}; expected positive finite seconds and a finite loss.`,
        );
      }
      seconds[key].push(out.seconds);
      losses[key].push(out.loss);
      measured += out.seconds;
    }
    done = r + 1;
    const ran = active.filter((k) => seconds[k].length === done);
    log(
      `${w.name}: round ${done}/${rounds}: ${ran.map((k) => `${k} ${seconds[k][r]!.toPrecision(4)} s (loss ${losses[k][r]!.toFixed(5)})`).join(', ')}`,
    );
    if (done < rounds && measured + measured / done > budget) {
      log(`${w.name}: time budget (${budget} s) reached; stopping after ${done} of ${rounds} rounds`);
      break;
    }
  }
  const reference = losses.ours[0]!;
  for (const key of keys) {
    for (const loss of losses[key]) {
      if (!(Math.abs(loss - reference) <= FIRST_LOSS_RTOL * Math.abs(reference))) {
        throw new Error(
          `bench ${w.name}: the first losses differ: ${keys.map((k) => `${k} [${losses[k].map((x) => x.toPrecision(7)).join(', ')}]`).join(', ')}; ` +
            `expected all within ${FIRST_LOSS_RTOL} (relative) of ours (same weights and batch).`,
        );
      }
    }
  }
  const result = (key: PeerKey): PeerResult => ({
    ...summarize(seconds[key]),
    samples: seconds[key],
    seconds: seconds[key],
    firstLoss: losses[key][0]!,
  });
  const ours = result('ours');
  const tfjs = result('tfjs');
  const jax: PeerResult | Unavailable = jaxMissing === null ? result('jax') : { unavailable: jaxMissing };
  log(
    `${w.name}: first loss ours ${ours.firstLoss!.toFixed(5)}, tfjs ${tfjs.firstLoss!.toFixed(5)}, jax ${'median' in jax ? jax.firstLoss!.toFixed(5) : 'n/a'}`,
  );
  return workloadResult(
    { ...w, lowerIsBetter: true },
    size,
    { workPerRep: 1, reps: 1, rounds: done, roundsRequested: rounds },
    ours,
    tfjs,
    jax,
  );
}
