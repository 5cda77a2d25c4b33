// define.ts: an experiment from its schema, its cross-key rules and its run — defaults() and
// validate() come from the schema, so every experiment reads its config the same way. Imports
// experiments (types) and ./schema.
import type { ExperimentContext, ExperimentDef, ExperimentResult, Scale } from '../types';
import { type ConfigSchema, DEFAULT_SCALE, schemaDefaults, validateConfig } from './schema';

export interface ExperimentSpec<C extends object> {
  name: string;
  title: string;
  description: string;
  schema: ConfigSchema<C>;
  /** Rules between keys (batch ≤ trainSize, …), checked after every key is read; throws ConfigError. */
  check?(config: C): void;
  run(ctx: ExperimentContext, config: C): Promise<ExperimentResult>;
}

/** An experiment with the schema it was defined from. */
export interface SchemaExperiment<C extends object> extends ExperimentDef<C> {
  schema: ConfigSchema<C>;
}

export function defineExperiment<C extends object>(spec: ExperimentSpec<C>): SchemaExperiment<C> {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    schema: spec.schema,
    defaults: (scale: Scale) => schemaDefaults(spec.schema, scale),
    validate(config: Record<string, unknown>, scale: Scale = DEFAULT_SCALE): C {
      const c = validateConfig(spec.name, spec.schema, config, scale);
      spec.check?.(c);
      return c;
    },
    run: (ctx, config) => spec.run(ctx, config),
  };
}
