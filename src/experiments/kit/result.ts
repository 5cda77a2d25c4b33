// result.ts: the scaffolding every experiment's run shares — an empty result to fill in, progress
// messages, and the check for a Stop by the user. Imports experiments (runtime, types).
import { describeAdapter } from '../runtime';
import type { ExperimentContext, ExperimentResult, Progress } from '../types';

/** What the result's config says of the learner's own images: "<name> (<count> images[, labelled])". */
export function userDataText(data: NonNullable<ExperimentContext['data']>): string {
  const { name, images } = data;
  return `${name} (${images.count} images, ${images.labels ? 'labelled' : 'unlabelled'})`;
}

/**
 * The empty result of an experiment, filled in by its run. When it trains on the learner's own
 * images (ctx.data), its config names them under `data`.
 */
export function newResult(ctx: ExperimentContext, experiment: string, config: object): ExperimentResult {
  return {
    experiment,
    config: { ...config, ...(ctx.data ? { data: userDataText(ctx.data) } : {}) } as Record<string, unknown>,
    metrics: {},
    charts: [],
    grids: [],
    tables: [],
    heatmaps: [],
    weights: [],
    stopReasons: {},
    adapter: describeAdapter(ctx.runtime).name,
    elapsedMs: 0,
    notes: [],
  };
}

/** Tells ctx.onProgress that `stage` started or moved on (`extra`: step counts and the like). */
export function progress(
  ctx: ExperimentContext,
  experiment: string,
  stage: string,
  message: string,
  extra: Partial<Progress> = {},
): void {
  ctx.onProgress?.({ experiment, stage, message, ...extra });
}

/** True (and a note saying so, once) when the user aborted; the run then returns what it has. */
export function stopped(ctx: ExperimentContext, result: ExperimentResult, what: string): boolean {
  if (!ctx.signal?.aborted) return false;
  if (!result.notes.some((n) => n.startsWith('Stopped by the user')))
    result.notes.push(`Stopped by the user ${what}; the results are partial.`);
  return true;
}
