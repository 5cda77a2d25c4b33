// seeds.ts: an experiment over N seeds. Run k of N uses seed + k (seedOf), the runs that differ only
// in seed form one group (trainGroup: today one after another, the result says so), and their results
// become one: every metric, table cell and curve point as the mean over the seeds with its sample
// standard deviation (n − 1) beside it, the per-seed figures kept in `perSeed`. Imports experiments
// (types) and ./schema.
import type {
  Chart,
  ExperimentContext,
  ExperimentResult,
  MetricValue,
  RunGroup,
  SeedRun,
  Series,
  Table,
} from '../types';
import { badValue, type IntKey } from './schema';

/** The largest seed a run may use (SEED_KEY's max). */
export const MAX_SEED = 0xffffffff;

export const SEEDS_KEY: IntKey = {
  type: 'int',
  min: 1,
  max: 100,
  unit: 'runs',
  help: 'runs with seeds seed, seed+1, …, seed+seeds−1; figures are their mean ± sample standard deviation',
  default: { tiny: 1, small: 1, full: 1 },
};

/** The seed of run k (from 0) of a seeds-N experiment whose seed is `seed`: seed + k. */
export function seedOf(seed: number, k: number): number {
  return seed + k;
}

/** The seeds of an experiment with `seeds` runs from `seed`: [seed, seed+1, …, seed+seeds−1]. */
export function seedList(seed: number, seeds: number): number[] {
  return Array.from({ length: seeds }, (_, k) => seedOf(seed, k));
}

/** seed + seeds − 1 must stay a valid seed; a ConfigError names both keys otherwise. */
export function checkSeeds(experiment: string, c: { seed: number; seeds: number }): void {
  if (c.seed + c.seeds - 1 > MAX_SEED)
    throw badValue(
      `${experiment}.seeds`,
      c.seeds,
      `at most ${MAX_SEED - c.seed + 1} (the last run's seed, seed + seeds − 1, must not pass ${MAX_SEED})`,
      'Lower seeds or seed.',
    );
}

// --- statistics ---------------------------------------------------------------------------------------

/** The arithmetic mean; NaN for no values. */
export function mean(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** The sample standard deviation (divisor n − 1); undefined for fewer than two values (no spread is known). */
export function sampleSd(xs: readonly number[]): number | undefined {
  if (xs.length < 2) return undefined;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** Mean and sample sd of some values (sd null when fewer than two). */
export function meanSd(xs: readonly number[]): { mean: number; sd: number | null } {
  return { mean: mean(xs), sd: sampleSd(xs) ?? null };
}

// --- groups -----------------------------------------------------------------------------------------

/** One run of a group: its name (e.g. "seed=3") and what it needs to run. */
export interface GroupMember<T> {
  name: string;
  run: T;
}

/**
 * Trains a group of runs of one experiment that differ only in seed (or in variants of one shape).
 * This version has no model axis, so the runs are trained one after another; the returned grouping
 * says so. No run is started after ctx.signal is aborted (the finished ones are returned), nor once
 * `before` (asked before each run) answers true.
 */
export async function trainGroup<T, R>(
  ctx: ExperimentContext,
  members: readonly GroupMember<T>[],
  train: (run: T, index: number) => Promise<R>,
  before?: (member: GroupMember<T>, index: number) => boolean,
): Promise<{ results: R[]; grouping: RunGroup[] }> {
  const results: R[] = [];
  for (const [i, m] of members.entries()) {
    if (before?.(m, i) || (i > 0 && ctx.signal?.aborted)) break;
    results.push(await train(m.run, i));
  }
  return {
    results,
    grouping: [
      {
        runs: members.slice(0, results.length).map((m) => m.name),
        together: false,
        how: 'trained one after another',
      },
    ],
  };
}

/**
 * Runs an experiment once per seed (seed, seed+1, …) as one group and merges the results into one
 * (combineSeeds). With seeds = 1 the single run's result is returned as it is.
 */
export async function runSeeds<C extends { seed: number; seeds?: number }>(
  ctx: ExperimentContext,
  config: C,
  run: (ctx: ExperimentContext, config: C) => Promise<ExperimentResult>,
): Promise<ExperimentResult> {
  const n = config.seeds ?? 1;
  if (n <= 1) return run(ctx, config);
  const started = performance.now();
  const seeds = seedList(config.seed, n);
  const members = seeds.map((seed) => ({ name: `seed=${seed}`, run: { ...config, seed, seeds: 1 } }));
  const { results, grouping } = await trainGroup(ctx, members, (c, i) => {
    const seed = seeds[i]!;
    const onProgress = ctx.onProgress;
    const tagged: ExperimentContext = {
      ...ctx,
      onProgress: onProgress
        ? (p) =>
            onProgress({
              ...p,
              stage: `${p.stage} (seed ${seed})`,
              ...(p.point ? { point: { ...p.point, series: `${p.point.series} (seed ${seed})` } } : {}),
            })
        : undefined,
    };
    return run(tagged, c);
  });
  const result = combineSeeds(
    results,
    seeds.slice(0, results.length),
    grouping,
    config as unknown as Record<string, unknown>,
  );
  result.elapsedMs = performance.now() - started;
  return result;
}

// --- merging results --------------------------------------------------------------------------------

/** What one metric of N runs merges to: the same shape, means in it, sds (null where unknown) beside. */
function combineMetric(values: readonly MetricValue[]): { mean: MetricValue; sd: MetricValue | null } {
  const first = values[0];
  if (first === undefined) return { mean: Number.NaN, sd: null };
  if (typeof first === 'number') {
    const { mean: m, sd } = meanSd(values.map((v) => (typeof v === 'number' ? v : Number.NaN)));
    return { mean: m, sd: sd ?? null };
  }
  if (Array.isArray(first)) {
    const length = Math.max(...values.map((v) => (Array.isArray(v) ? v.length : 0)));
    const means: number[] = [];
    const sds: number[] = [];
    for (let i = 0; i < length; i++) {
      const at = values.flatMap((v) => (Array.isArray(v) && i < v.length ? [v[i]!] : []));
      const s = meanSd(at);
      means.push(s.mean);
      sds.push(s.sd ?? Number.NaN);
    }
    return { mean: means, sd: sds };
  }
  const mean: Record<string, number | number[]> = {};
  const sd: Record<string, number | number[]> = {};
  for (const k of Object.keys(first)) {
    const inner = values.map((v) => (typeof v === 'object' && !Array.isArray(v) ? v[k] : undefined));
    const c = combineMetric(inner.filter((x): x is number | number[] => x !== undefined));
    mean[k] = c.mean as number | number[];
    sd[k] = (c.sd ?? Number.NaN) as number | number[];
  }
  return { mean, sd };
}

/** Every metric of the runs as mean and sd (keys of the first run; a key some run lacks merges the others). */
export function combineMetrics(runs: readonly Record<string, MetricValue>[]): {
  mean: Record<string, MetricValue>;
  sd: Record<string, MetricValue>;
} {
  const mean: Record<string, MetricValue> = {};
  const sd: Record<string, MetricValue> = {};
  const keys = [...new Set(runs.flatMap((m) => Object.keys(m)))];
  for (const k of keys) {
    const values = runs.flatMap((m) => (m[k] === undefined ? [] : [m[k]!]));
    const c = combineMetric(values);
    mean[k] = c.mean;
    sd[k] = c.sd ?? Number.NaN;
  }
  return { mean, sd };
}

/** One series over the runs: points matched by x, y the mean, sd the sample sd (NaN where one run has it). */
function combineSeries(series: readonly Series[]): Series {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const y: number[] = [];
  const sd: number[] = [];
  for (const x of xs) {
    const at = series.flatMap((s) => s.x.flatMap((sx, i) => (sx === x ? [s.y[i]!] : [])));
    const c = meanSd(at);
    y.push(c.mean);
    sd.push(c.sd ?? Number.NaN);
  }
  return { name: series[0]!.name, x: xs, y, sd };
}

/** The charts of the runs merged by id and series name: mean curves with their sd (bands, error bars). */
export function combineCharts(runs: readonly Chart[][]): Chart[] {
  return runs[0]!.map((chart) => {
    const same = runs.flatMap((cs) => cs.filter((c) => c.id === chart.id));
    return {
      ...chart,
      series: chart.series.map((s) =>
        combineSeries(same.flatMap((c) => c.series.filter((t) => t.name === s.name && t.x.length === t.y.length))),
      ),
    };
  });
}

/**
 * The tables of the runs merged cell by cell: a cell that is a number in every run becomes the mean,
 * with its sd in `sd` when the runs differ (a cell equal in every run, such as a latent size or a
 * parameter count, is a label and has none); text equal in every run stays, text that differs is
 * joined with " / ". Tables whose shape differs between runs keep the first run's.
 */
export function combineTables(runs: readonly Table[][]): Table[] {
  return runs[0]!.map((table) => {
    const same = runs.map((ts) => ts.find((t) => t.id === table.id));
    const shaped = same.every(
      (t) => t && t.rows.length === table.rows.length && t.rows.every((r, i) => r.length === table.rows[i]!.length),
    );
    if (!shaped) return table;
    const tables = same as Table[];
    const sd: (number | null)[][] = table.rows.map((row) => row.map(() => null));
    const rows = table.rows.map((row, i) =>
      row.map((_, j) => {
        const cells = tables.map((t) => t.rows[i]![j]!);
        if (cells.every((c) => c === cells[0])) return cells[0]!;
        if (cells.every((c) => typeof c === 'number')) {
          const s = meanSd(cells as number[]);
          sd[i]![j] = s.sd;
          return s.mean;
        }
        return [...new Set(cells.map(String))].join(' / ');
      }),
    );
    return { ...table, rows, sd };
  });
}

/**
 * One result from the results of runs that differ only in seed (seeds[k] for results[k]): metrics,
 * tables and charts as mean with sd beside; each run's own metrics, tables, charts, stop reasons and
 * notes in perSeed; the image grids and heat maps of the first seed (their titles say so); every run's
 * weights; stop reasons under "seed=S: …"; notes every run gave once, the others under "seed S: …".
 */
export function combineSeeds(
  results: readonly ExperimentResult[],
  seeds: readonly number[],
  grouping: RunGroup[],
  config: Record<string, unknown>,
): ExperimentResult {
  const first = results[0]!;
  const n = results.length;
  const { mean: metrics, sd: metricsSd } = combineMetrics(results.map((r) => r.metrics));
  const common = first.notes.filter((note) => results.every((r) => r.notes.includes(note)));
  const own = results.flatMap((r, k) =>
    r.notes.filter((note) => !common.includes(note)).map((x) => `seed ${seeds[k]}: ${x}`),
  );
  const perSeed: SeedRun[] = results.map((r, k) => ({
    seed: seeds[k]!,
    metrics: r.metrics,
    tables: r.tables,
    charts: r.charts,
    stopReasons: r.stopReasons,
    notes: r.notes,
    elapsedMs: r.elapsedMs,
  }));
  const groups = grouping.map((g) => `${g.runs.join(', ')}: ${g.together ? 'trained together' : g.how}`).join('; ');
  return {
    experiment: first.experiment,
    config: { ...first.config, ...config, seed: seeds[0], seeds: n },
    metrics,
    metricsSd,
    seeds: [...seeds],
    perSeed,
    // The seeds' group, then the groups within each seed's run (a sweep's variants), named by seed.
    grouping: [
      ...grouping,
      ...results.flatMap((r, k) =>
        (r.grouping ?? []).map((g) => ({ ...g, runs: g.runs.map((x) => `seed=${seeds[k]} ${x}`) })),
      ),
    ],
    charts: combineCharts(results.map((r) => r.charts)),
    grids: first.grids.map((g) => ({ ...g, title: `${g.title} (seed ${seeds[0]})` })),
    tables: combineTables(results.map((r) => r.tables)),
    heatmaps: first.heatmaps.map((h) => ({ ...h, title: `${h.title} (seed ${seeds[0]})` })),
    weights: results.flatMap((r) => r.weights),
    stopReasons: Object.fromEntries(
      results.flatMap((r, k) => Object.entries(r.stopReasons).map(([name, why]) => [`seed=${seeds[k]}: ${name}`, why])),
    ),
    adapter: first.adapter,
    elapsedMs: results.reduce((s, r) => s + r.elapsedMs, 0),
    notes: [
      `${n} seeds (${seeds.join(', ')}); ${groups}. Figures are the mean ± sample standard deviation over the seeds; image grids and heat maps are from seed ${seeds[0]}.`,
      ...common,
      ...own,
    ],
  };
}
