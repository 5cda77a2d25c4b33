// Types of report-html.mjs, for the TypeScript tests that import it.
export interface PlanStep {
  id: string;
  name: string;
  report: 1 | 2;
  config?: Partial<Record<'tiny' | 'small' | 'full', Record<string, unknown>>>;
  usesWeights?: boolean;
}
export interface ReportTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}
/** One run as reproduce.mjs hands it over: `result` is the parsed result.json, or null when it failed. */
export interface ReportRun {
  id: string;
  name: string;
  status: 'ok' | 'failed' | 'config-error';
  error?: string;
  wallMs?: number;
  dir: string;
  result: Record<string, unknown> | null;
}
export interface ReportInput {
  scale: 'tiny' | 'small' | 'full';
  seed?: number | null;
  adapter?: string;
  totalMs?: number;
  finishedAt?: string;
  runs: ReportRun[];
}
export declare const PLAN: PlanStep[];
export declare const REPORT_FIGURES: Record<string, ReportTable[]>;
export declare const FAR_OFF: number;
export declare function formatClock(seconds: number): string;
export declare function metricRows(metrics?: Record<string, unknown>): [string, string][];
export declare function comparisonTable(run: ReportRun): ReportTable | null;
export declare function disagreementsOf(run: ReportRun): string[];
export declare function buildReport(input: ReportInput): {
  html: string;
  json: {
    scale: string;
    seed: number | null;
    adapter: string;
    totalMs: number;
    disagreements: { experiment: string; text: string }[];
    experiments: Record<string, unknown>[];
  } & Record<string, unknown>;
};
