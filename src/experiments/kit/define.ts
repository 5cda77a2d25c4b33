// define.ts: an experiment from its schema, its cross-key rules and its run — defaults() and
// validate() come from the schema, so every experiment reads its config the same way. Every
// experiment with a `seed` key also gets `seeds` (right after it): the run is repeated for seed,
// seed+1, …, and the results merged into mean ± sd (./seeds). Imports experiments (types), ./schema
// and ./seeds.
import type { ExperimentContext, ExperimentDef, ExperimentResult, Scale } from '../types';
import { type ConfigSchema, DEFAULT_SCALE, type KeySpec, schemaDefaults, validateConfig } from './schema';
import { checkSeeds, runSeeds, SEEDS_KEY } from './seeds';

export interface ExperimentSpec<C extends object> {
  name: string;
  title: string;
  description: string;
  schema: ConfigSchema<C>;
  /** Rules between keys (batch ≤ trainSize, …), checked after every key is read; throws ConfigError. */
  check?(config: C): void;
  /** One run at config.seed (a config with seeds > 1 is split into runs of one seed each before this). */
  run(ctx: ExperimentContext, config: C): Promise<ExperimentResult>;
}

/** An experiment with the schema it was defined from. */
export interface SchemaExperiment<C extends object> extends ExperimentDef<C> {
  schema: ConfigSchema<C>;
}

/** The number of seeds an experiment runs (`seeds`; 1 when the config has none). */
export interface Seeded {
  seeds: number;
}

/** `schema` with `seeds` inserted right after `seed` (unchanged when it has no `seed`). */
export function withSeedsKey<C extends object>(schema: ConfigSchema<C>): ConfigSchema<C & Seeded> {
  if (!('seed' in schema) || 'seeds' in schema) return schema as ConfigSchema<C & Seeded>;
  const out: Record<string, KeySpec> = {};
  for (const [k, spec] of Object.entries(schema) as [string, KeySpec][]) {
    out[k] = spec;
    if (k === 'seed') out.seeds = SEEDS_KEY;
  }
  return out as ConfigSchema<C & Seeded>;
}

export function defineExperiment<C extends object>(spec: ExperimentSpec<C>): SchemaExperiment<C & Seeded> {
  const schema = withSeedsKey(spec.schema);
  const seeded = 'seeds' in schema;
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    schema,
    defaults: (scale: Scale) => schemaDefaults(schema, scale),
    validate(config: Record<string, unknown>, scale: Scale = DEFAULT_SCALE): C & Seeded {
      const c = validateConfig(spec.name, schema, config, scale);
      spec.check?.(c);
      if (seeded) checkSeeds(spec.name, c as unknown as { seed: number; seeds: number });
      return c;
    },
    run: (ctx, config) =>
      seeded ? runSeeds(ctx, config as C & Seeded & { seed: number }, (c, x) => spec.run(c, x)) : spec.run(ctx, config),
  };
}
