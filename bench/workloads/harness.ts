// harness.ts: how one workload is measured — set up the peers (ours, tfjs, and jax-js when it runs),
// warm each up, pick a repetition count, then alternate them for a number of rounds (A/B/C, the order
// rotated each round) and summarise. Imports the workload types only.
//
// Repetitions: after one warm-up run each (pipeline compilation, first uploads), a run takes `reps`
// repetitions such that the slowest peer needs about `targetSeconds` (at least 1, at most `maxReps`,
// rounded up to the workload's quantum). Every peer uses the same count in every round.
//
// Time budget: on a slow adapter (SwiftShader on a CPU) one round of a training workload can take
// minutes. Rounds stop early, after at least one, when the next round would probably end past
// `budgetSeconds` of measured time; the result records how many rounds ran.
import { countWork, type WorkCount } from '../../src/gpu/counting';
import type { BenchEnv, Peer, Size, Workload } from './types';

export interface MeasureOptions {
  size: Size;
  /** Measured rounds; each round runs every peer once. */
  rounds: number;
  /** Seconds one measured run should take on the slower peer (full size only). */
  targetSeconds?: number;
  maxReps?: number;
  /** Measured seconds (warm-up excluded) after which no new round starts; default unlimited. */
  budgetSeconds?: number;
  /** Progress lines (the page forwards them to the console). */
  log?: (line: string) => void;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export interface PeerResult extends Summary {
  /** The rate of each round, in the workload's unit. */
  samples: number[];
  /** Wall seconds of each round. */
  seconds: number[];
  /** Training workloads: the first and last loss read back, and whether it fell. */
  firstLoss?: number;
  lastLoss?: number;
  lossFell?: boolean;
}

export type PeerKey = 'ours' | 'tfjs' | 'jax';

/** A peer that was not measured, and why. */
export interface Unavailable {
  unavailable: string;
}

export interface WorkloadResult {
  name: string;
  unit: string;
  /** True when smaller values are better (unit 'seconds'). */
  lowerIsBetter: boolean;
  description: string;
  /** Work per repetition in the unit's numerator (FLOPs or samples). */
  workPerRep: number;
  reps: number;
  /** Rounds measured (fewer than asked when the time budget ran out). */
  rounds: number;
  roundsRequested: number;
  ours: PeerResult;
  /** tfjs's result, or why it was left out (a workload that runs ours alone on this adapter). */
  tfjs: PeerResult | Unavailable;
  jax: PeerResult | Unavailable;
  /** ours median ÷ tfjs median, in the unit (> 1 is ours faster for rates; < 1 for seconds); null when tfjs was not measured. */
  ratioTfjs: number | null;
  /** ours median ÷ jax median; null when jax was not measured. */
  ratioJax: number | null;
  /**
   * Counted, not timed (workloads with countsSteps): the dispatches and host-to-GPU bytes of one
   * steady-state step (one repetition after the warm-up) of each measured peer.
   */
  counts?: Partial<Record<PeerKey, WorkCount>>;
  /** Workloads with flopsPerRep: the counted FLOPs of one repetition (one training step). */
  flopsPerRep?: number;
  /** Workloads with flopsPerRep: each measured peer's rate as GFLOP/s (its rounds' rates × FLOPs per unit of work). */
  gflops?: Partial<Record<PeerKey, Summary>>;
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

function checkErrors(env: BenchEnv, where: string): void {
  if (env.errors.length > 0) {
    const all = env.errors.splice(0);
    throw new Error(`bench ${where}: the GPU reported ${all.length} error(s); expected none. First: ${all[0]}`);
  }
}

function peerResult(peer: Peer, samples: number[], seconds: number[]): PeerResult {
  const result: PeerResult = { ...summarize(samples), samples, seconds };
  if (peer.losses.length > 0) {
    result.firstLoss = peer.losses[0]!;
    result.lastLoss = peer.losses[peer.losses.length - 1]!;
    result.lossFell = result.lastLoss < result.firstLoss;
  }
  return result;
}

/** Measures one workload; every peer is disposed before it returns or throws. */
/** A workload's row from its peers' results: the descriptive fields, then the ratios ours ÷ peer. */
export function workloadResult(
  w: Pick<Workload, 'name' | 'unit' | 'lowerIsBetter' | 'description'>,
  size: Size,
  run: { workPerRep: number; reps: number; rounds: number; roundsRequested: number },
  ours: PeerResult,
  tfjs: PeerResult | Unavailable,
  jax: PeerResult | Unavailable,
): WorkloadResult {
  return {
    name: w.name,
    unit: w.unit,
    lowerIsBetter: w.lowerIsBetter ?? false,
    description: w.description(size),
    ...run,
    ours,
    tfjs,
    jax,
    ratioTfjs: 'median' in tfjs ? ours.median / tfjs.median : null,
    ratioJax: 'median' in jax ? ours.median / jax.median : null,
  };
}

export async function measureWorkload(w: Workload, env: BenchEnv, options: MeasureOptions): Promise<WorkloadResult> {
  const { size, rounds } = options;
  const log = options.log ?? (() => {});
  const target = options.targetSeconds ?? 0.25;
  const maxReps = w.maxReps ?? options.maxReps ?? 200;
  const budget = options.budgetSeconds ?? Infinity;
  const work = w.workPerRep(size, env);
  const value = (reps: number, seconds: number) =>
    w.lowerIsBetter ? seconds / reps : (work * reps) / seconds / w.unitScale;
  // On some adapters a workload runs ours alone (the peers would take too long): tfjs and jax say why.
  const alone = w.oursAlone?.(env, size) ?? null;
  const jaxMissing =
    alone !== null
      ? alone
      : env.jax === null
        ? (env.jaxUnavailable ?? 'jax-js: not started.')
        : w.jax === undefined
          ? (w.jaxMissing ?? 'no jax-js version of this workload.')
          : null;
  const peers: [PeerKey, Peer][] = [];
  try {
    peers.push(['ours', await w.ours(env, size)]);
    if (alone === null) peers.push(['tfjs', await w.tfjs(env, size)]);
    if (jaxMissing === null) peers.push(['jax', await w.jax!(env.jax!, env, size)]);
    checkErrors(env, `${w.name} setup`);

    const slowest = async () => {
      let worst = 0;
      for (const [, p] of peers) worst = Math.max(worst, await p.run(1));
      return worst;
    };
    let perRep = await slowest();
    checkErrors(env, `${w.name} warm-up`);
    log(`${w.name}: warmed up (slowest peer ${(perRep * 1e3).toFixed(1)} ms per rep, compilation included)`);
    let reps = w.smokeReps;
    if (size === 'full') {
      // A fast first run was dominated by compilation: time one more rep of each to calibrate.
      if (perRep < target) perRep = await slowest();
      reps = Math.min(maxReps, Math.max(1, Math.ceil(target / perRep)));
    }
    reps = Math.min(maxReps, Math.ceil(reps / w.repQuantum) * w.repQuantum);

    // Counted steps (every peer takes them, so they stay on the same batches); the last one's counts are kept.
    let counts: Partial<Record<PeerKey, WorkCount>> | undefined;
    if (w.countsSteps) {
      counts = {};
      for (const [key, peer] of peers)
        for (let s = 0; s < w.countsSteps; s++)
          counts[key] = (await countWork(env.gpu.device, () => peer.run(1))).count;
      checkErrors(env, `${w.name} counted step`);
      log(
        `${w.name}: one step: ${peers.map(([k]) => `${k} ${counts![k]!.dispatches} dispatches, ${counts![k]!.uploadBytes} B uploaded`).join('; ')}`,
      );
    }

    const samples: Record<PeerKey, number[]> = { ours: [], tfjs: [], jax: [] };
    const seconds: Record<PeerKey, number[]> = { ours: [], tfjs: [], jax: [] };
    let measured = 0;
    for (let r = 0; r < rounds; r++) {
      // A/B/C order, rotated every round so that no peer always runs right after another's work.
      const order = peers.map((_, i) => peers[(i + r) % peers.length]!);
      for (const [key, peer] of order) {
        const s = await peer.run(reps);
        seconds[key].push(s);
        samples[key].push(value(reps, s));
        measured += s;
      }
      checkErrors(env, `${w.name} round ${r + 1}`);
      log(
        `${w.name}: round ${r + 1}/${rounds}: ${peers.map(([k]) => `${k} ${samples[k][r]!.toPrecision(4)}`).join(', ')} ${w.unit} (${reps} reps)`,
      );
      if (r + 1 < rounds && measured + measured / (r + 1) > budget) {
        log(`${w.name}: time budget (${budget} s) reached; stopping after ${r + 1} of ${rounds} rounds`);
        break;
      }
    }
    const result = (key: PeerKey) => peerResult(peers.find(([k]) => k === key)![1], samples[key], seconds[key]);
    const ours = result('ours');
    const tfjs: PeerResult | Unavailable = alone === null ? result('tfjs') : { unavailable: alone };
    const jax: PeerResult | Unavailable = jaxMissing === null ? result('jax') : { unavailable: jaxMissing };
    for (const [key, r] of [
      ['ours', ours],
      ['tfjs', tfjs],
      ['jax', jax],
    ] as const) {
      if ('firstLoss' in r && r.firstLoss !== undefined)
        log(
          `${w.name}: ${key} loss ${r.firstLoss.toFixed(5)} → ${r.lastLoss!.toFixed(5)}${r.lossFell ? '' : ' (did NOT fall)'}`,
        );
    }
    const row = workloadResult(
      w,
      size,
      { workPerRep: work, reps, rounds: samples.ours.length, roundsRequested: rounds },
      ours,
      tfjs,
      jax,
    );
    const flops = w.flopsPerRep?.(size);
    const gflops =
      flops === undefined
        ? undefined
        : Object.fromEntries(
            peers.map(([k]) => [k, summarize(samples[k].map((v) => (v * flops) / work / 1e9))] as const),
          );
    return {
      ...row,
      ...(counts ? { counts } : {}),
      ...(flops === undefined ? {} : { flopsPerRep: flops, gflops }),
    };
  } finally {
    for (const [, p] of peers) p.dispose();
  }
}
