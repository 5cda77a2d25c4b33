// Types of report.mjs for the TypeScript modules that import it (bench/node-main.ts).
import type { BenchResult } from './suite';

export function table(result: BenchResult): string;
export function header(result: BenchResult): string;
export function compact(result: BenchResult): unknown;
export function slug(s: string): string;
export function resultFile(result: BenchResult, suffix?: string): string;
export function stalledTraining(result: BenchResult): string[];
export function parseTuning(text: string): Partial<import('../src/gpu/device').Tuning>;
export function tuningArg(tuning: Partial<import('../src/gpu/device').Tuning>): string;
export interface BenchArgs {
  rounds: number;
  budget: number;
  smoke: boolean;
  only: string | null;
  json: boolean;
  tuning: Partial<import('../src/gpu/device').Tuning> | null;
  data: string | null;
  out: string | null;
  /** Node only: run one cold first step of this peer and print its outcome (a child of the runner). */
  cold: 'ours' | 'tfjs' | 'jax' | null;
  help: boolean;
}
export function usage(script: string): string;
export function parseBenchArgs(argv: string[], options?: { node?: boolean }): BenchArgs;
export function finishRun(
  result: BenchResult,
  opts: { json: boolean; smoke: boolean },
  file: string,
  write: (file: string, text: string) => void,
  log: (line: string) => void,
): number;
