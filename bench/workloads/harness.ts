// harness.ts: how one workload is measured — set up both peers, warm each up, pick a repetition
// count, then alternate ours / tfjs for a number of rounds (A/B/A/B) and summarise. Imports the
// workload types only.
//
// Repetitions: after one warm-up run each (pipeline compilation, first uploads), a run takes `reps`
// repetitions such that the slower peer needs about `targetSeconds` (at least 1, at most `maxReps`,
// rounded up to the workload's quantum). Both peers use the same count in every round.
//
// Time budget: on a slow adapter (SwiftShader on a CPU) one round of a training workload can take
// minutes. Rounds stop early, after at least one, when the next round would probably end past
// `budgetSeconds` of measured time; the result records how many rounds ran.
import type { BenchEnv, Peer, Size, Workload } from './types';

export interface MeasureOptions {
  size: Size;
  /** Measured rounds; each round runs ours once, then tfjs once. */
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

export interface WorkloadResult {
  name: string;
  unit: string;
  description: string;
  /** Work per repetition in the unit's numerator (FLOPs or samples). */
  workPerRep: number;
  reps: number;
  /** Rounds measured (fewer than asked when the time budget ran out). */
  rounds: number;
  roundsRequested: number;
  ours: PeerResult;
  tfjs: PeerResult;
  /** ours median ÷ tfjs median (> 1: ours is faster). */
  ratio: number;
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

/** Measures one workload; both peers are disposed before it returns or throws. */
export async function measureWorkload(w: Workload, env: BenchEnv, options: MeasureOptions): Promise<WorkloadResult> {
  const { size, rounds } = options;
  const log = options.log ?? (() => {});
  const target = options.targetSeconds ?? 0.25;
  const maxReps = options.maxReps ?? 200;
  const budget = options.budgetSeconds ?? Infinity;
  const work = w.workPerRep(size);
  const rate = (reps: number, seconds: number) => (work * reps) / seconds / w.unitScale;
  const peers: Peer[] = [];
  try {
    const ours = await w.ours(env, size);
    peers.push(ours);
    const tfjs = await w.tfjs(env, size);
    peers.push(tfjs);
    checkErrors(env, `${w.name} setup`);

    let perRep = Math.max(await ours.run(1), await tfjs.run(1));
    checkErrors(env, `${w.name} warm-up`);
    log(`${w.name}: warmed up (slower peer ${(perRep * 1e3).toFixed(1)} ms per rep, compilation included)`);
    let reps = w.smokeReps;
    if (size === 'full') {
      // A fast first run was dominated by compilation: time one more rep of each to calibrate.
      if (perRep < target) perRep = Math.max(await ours.run(1), await tfjs.run(1));
      reps = Math.min(maxReps, Math.max(1, Math.ceil(target / perRep)));
    }
    reps = Math.ceil(reps / w.repQuantum) * w.repQuantum;

    const samples = { ours: [] as number[], tfjs: [] as number[] };
    const seconds = { ours: [] as number[], tfjs: [] as number[] };
    let measured = 0;
    for (let r = 0; r < rounds; r++) {
      for (const [key, peer] of [['ours', ours], ['tfjs', tfjs]] as const) {
        const s = await peer.run(reps);
        seconds[key].push(s);
        samples[key].push(rate(reps, s));
      }
      checkErrors(env, `${w.name} round ${r + 1}`);
      log(`${w.name}: round ${r + 1}/${rounds}: ours ${samples.ours[r]!.toPrecision(4)} ${w.unit}, tfjs ${samples.tfjs[r]!.toPrecision(4)} ${w.unit} (${reps} reps)`);
      measured += seconds.ours[r]! + seconds.tfjs[r]!;
      if (r + 1 < rounds && measured + measured / (r + 1) > budget) {
        log(`${w.name}: time budget (${budget} s) reached; stopping after ${r + 1} of ${rounds} rounds`);
        break;
      }
    }
    const oursResult = peerResult(ours, samples.ours, seconds.ours);
    const tfjsResult = peerResult(tfjs, samples.tfjs, seconds.tfjs);
    for (const [key, r] of [['ours', oursResult], ['tfjs', tfjsResult]] as const) {
      if (r.firstLoss !== undefined) log(`${w.name}: ${key} loss ${r.firstLoss.toFixed(5)} → ${r.lastLoss!.toFixed(5)}${r.lossFell ? '' : ' (did NOT fall)'}`);
    }
    return {
      name: w.name,
      unit: w.unit,
      description: w.description(size),
      workPerRep: work,
      reps,
      rounds: samples.ours.length,
      roundsRequested: rounds,
      ours: oursResult,
      tfjs: tfjsResult,
      ratio: oursResult.median / tfjsResult.median,
    };
  } finally {
    for (const p of peers) p.dispose();
  }
}
