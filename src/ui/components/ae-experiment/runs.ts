// runs.ts: the runs a lab remembers on the page, for comparison — each run's settings, its curves
// (the series of its first line chart) and its final metrics. The learner pins runs to keep them and
// to overlay their curves; unpinned runs beyond the last few are forgotten. Exports as CSV (one row
// per run: settings, then metrics) and JSON (everything, curves included). Imports experiments types.
import type { ExperimentResult, MetricValue, Series } from '../../../experiments/types';

/** Unpinned runs kept besides the pinned ones. */
export const KEEP_UNPINNED = 5;

export interface RunRecord {
  /** 1, 2, … in the order the runs ended. */
  id: number;
  experiment: string;
  /** The run's config as its result gives it (including `data` for the learner's own images). */
  config: Record<string, unknown>;
  /** Every numeric final metric, nested records flattened as "outer.inner". */
  metrics: Record<string, number>;
  /** Title of the chart the curves come from, and its curves. */
  curvesTitle: string;
  curves: Series[];
  stopped: boolean;
  pinned: boolean;
}

/** Numeric metrics flattened: `{a: 1, b: {c: 2}}` → `{a: 1, 'b.c': 2}`; lists are left out. */
export function flatMetrics(metrics: Record<string, MetricValue>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v === 'number') out[k] = v;
    else if (!Array.isArray(v))
      for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') out[`${k}.${k2}`] = v2;
  }
  return out;
}

/** A config value as one cell: lists joined with spaces, objects as JSON, null as "default". */
export function settingText(v: unknown): string {
  if (v === null || v === undefined) return 'default';
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** One CSV cell: quoted when it holds a comma, a quote or a line break. */
const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export class RunStore {
  private list: RunRecord[] = [];
  private next = 1;

  /** Every remembered run, oldest first. */
  get runs(): readonly RunRecord[] {
    return this.list;
  }

  get pinned(): RunRecord[] {
    return this.list.filter((r) => r.pinned);
  }

  /** Remembers a finished (or stopped) run; forgets the oldest unpinned ones beyond KEEP_UNPINNED. */
  add(result: ExperimentResult, stopped: boolean): RunRecord {
    const chart = result.charts.find((c) => (c.kind ?? 'line') === 'line');
    const run: RunRecord = {
      id: this.next++,
      experiment: result.experiment,
      config: structuredClone(result.config),
      metrics: flatMetrics(result.metrics),
      curvesTitle: chart?.title ?? '',
      curves: (chart?.series ?? []).map((s) => ({
        name: s.name,
        x: [...s.x],
        y: [...s.y],
        ...(s.sd ? { sd: [...s.sd] } : {}),
      })),
      stopped,
      pinned: false,
    };
    this.list.push(run);
    const unpinned = this.list.filter((r) => !r.pinned);
    const drop = new Set(unpinned.slice(0, Math.max(0, unpinned.length - KEEP_UNPINNED)));
    this.list = this.list.filter((r) => !drop.has(r));
    return run;
  }

  /** Pins or unpins run `id`; false when there is no such run. */
  pin(id: number, on = true): boolean {
    const run = this.list.find((r) => r.id === id);
    if (!run) return false;
    run.pinned = on;
    return true;
  }

  /** Forgets every run. */
  clear(): void {
    this.list = [];
  }

  /** The pinned runs' curves on one chart: each series named "#<run> <series>". */
  overlay(): Series[] {
    return this.pinned.flatMap((r) =>
      r.curves.map((s) => ({ name: `#${r.id} ${s.name}`, x: s.x, y: s.y, ...(s.sd ? { sd: s.sd } : {}) })),
    );
  }

  /** The setting keys whose values differ between `runs` (every key when there is one run). */
  static differingKeys(runs: readonly RunRecord[]): string[] {
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config)))];
    if (runs.length < 2) return keys;
    return keys.filter((k) => new Set(runs.map((r) => settingText(r.config[k]))).size > 1);
  }

  /** One row per run: run, experiment, pinned, stopped, every setting, every metric. */
  csv(runs: readonly RunRecord[] = this.list): string {
    const settings = [...new Set(runs.flatMap((r) => Object.keys(r.config)))];
    const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
    const header = ['run', 'experiment', 'pinned', 'stopped', ...settings, ...metrics];
    const rows = runs.map((r) => [
      String(r.id),
      r.experiment,
      String(r.pinned),
      String(r.stopped),
      ...settings.map((k) => (k in r.config ? settingText(r.config[k]) : '')),
      ...metrics.map((k) => (k in r.metrics ? String(r.metrics[k]) : '')),
    ]);
    return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
  }

  /** Every run with its settings, metrics and curves, as indented JSON. */
  json(runs: readonly RunRecord[] = this.list): string {
    return `${JSON.stringify({ runs }, null, 2)}\n`;
  }
}
