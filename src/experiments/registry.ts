// registry.ts: every experiment by name, for the components, the CLI and the full report.
import { ConfigError } from '../util/errors';
import { CONV_EXPERIMENTS } from './conv/index';
import { FC_EXPERIMENTS } from './fc/index';
import type { ExperimentDef } from './types';

const ALL: readonly ExperimentDef<object>[] = [...FC_EXPERIMENTS, ...CONV_EXPERIMENTS];

export function experiments(): ExperimentDef<object>[] {
  return [...ALL];
}

export function findExperiment(name: string): ExperimentDef<object> {
  const all = experiments();
  const def = all.find((e) => e.name === name);
  if (!def)
    throw new ConfigError(`experiment: unknown name "${name}"; expected one of ${all.map((e) => e.name).join(', ')}.`);
  return def;
}
