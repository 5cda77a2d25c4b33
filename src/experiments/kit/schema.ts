// schema.ts: the settings of an experiment as data — every key with its type, range or choices, unit,
// default per scale, a one-line help text and, for learning rates, a log-scale hint — and the one
// validator that reads a user's partial config against it. The same schema drives the command line's
// --help, the elements' attributes and the page address, so a bad value gets one message everywhere:
//
//   <experiment>.<key>: bad value <value as given>; expected <allowed range or choices>.[ <advice>]
//
// Values may come as text (attributes, the address and the command line give strings): numbers,
// lists ("3,5,10"), true/false, JSON objects and null ('null', 'default' or '') are read by the
// key's type. Imports util and the experiments' stopping rules; no GPU, no DOM.
import { ConfigError } from '../../util/errors';
import { type StopConditions, validateStop } from '../stopping';
import type { Scale } from '../types';

export const SCALES: readonly Scale[] = ['tiny', 'small', 'full'];
/** The scale a config is filled from when none is named: by the elements, the command line and validate(). */
export const DEFAULT_SCALE: Scale = 'small';

/** Optional stopping conditions besides the epoch count (see stopping.ts). */
export type StopOptions = Omit<StopConditions, 'maxEpochs'>;
export const STOP_KEYS = ['maxSteps', 'gradNorm', 'paramChange', 'targetLoss', 'timeLimitSeconds'] as const;

/** A value per scale. */
export type PerScale<V> = { readonly [S in Scale]: V };

/** The same value at every scale. */
export const everyScale = <V>(v: V): PerScale<V> => ({ tiny: v, small: v, full: v });

/** A value a key may hold once validated. */
export type ConfigValue = number | string | boolean | number[] | StopOptions | null;

interface KeyBase {
  /** One line: what the key sets. */
  help: string;
  /** What the number counts or measures, e.g. "images", "epochs" (none for choices). */
  unit?: string;
  /** When set, null is accepted too (written null, default or empty) and means this. */
  nullMeans?: string;
  default: PerScale<ConfigValue>;
}

/** An integer in [min, max] (max absent: no upper bound). */
export interface IntKey extends KeyBase {
  type: 'int';
  min: number;
  max?: number;
}

/** A finite number ≥ min (> min when minExclusive), at most max when given. */
export interface NumberKey extends KeyBase {
  type: 'number';
  min: number;
  minExclusive?: boolean;
  max?: number;
  /** Spans decades (a learning rate): a slider or a sweep should step on a log scale. */
  logScale?: boolean;
}

export interface ChoiceKey extends KeyBase {
  type: 'choice';
  choices: readonly string[];
}

export interface BooleanKey extends KeyBase {
  type: 'boolean';
}

/** A non-empty list of distinct integers in [min, max]. */
export interface IntListKey extends KeyBase {
  type: 'int-list';
  min: number;
  max?: number;
}

/** Free text (e.g. a weights key). */
export interface TextKey extends KeyBase {
  type: 'text';
}

/** Optional stopping conditions: an object with some of STOP_KEYS (JSON as text). */
export interface StopKey extends KeyBase {
  type: 'stop';
}

export type KeySpec = IntKey | NumberKey | ChoiceKey | BooleanKey | IntListKey | TextKey | StopKey;
export type KeyType = KeySpec['type'];

/** Every key of config C with its spec, in the order shown to people. */
export type ConfigSchema<C extends object> = { readonly [K in keyof C]-?: KeySpec };

/** The keys of a schema, in order. */
export function schemaKeys<C extends object>(schema: ConfigSchema<C>): (keyof C & string)[] {
  return Object.keys(schema) as (keyof C & string)[];
}

/** The default config at a scale (lists and objects copied). */
export function schemaDefaults<C extends object>(schema: ConfigSchema<C>, scale: Scale): C {
  const out: Record<string, unknown> = {};
  for (const key of schemaKeys(schema)) out[key] = copy(schema[key].default[scale]);
  return out as C;
}

const copy = (v: ConfigValue): ConfigValue =>
  Array.isArray(v) ? [...v] : v !== null && typeof v === 'object' ? { ...v } : v;

// --- messages ---------------------------------------------------------------------------------------

/** A value as the message shows it: text in quotes, lists in brackets, objects as JSON. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const range = (min: number, max: number | undefined, what: string): string =>
  max === undefined ? `${what} ≥ ${min}` : `${what} from ${min} to ${max}`;

/** What a key accepts, in words: "an integer from 1 to 784", "one of: mse, bce, kl", … */
export function allowedText(spec: KeySpec): string {
  const text = ((): string => {
    switch (spec.type) {
      case 'int':
        return range(spec.min, spec.max, 'an integer');
      case 'number': {
        const low = `a finite number ${spec.minExclusive ? '>' : '≥'} ${spec.min}`;
        return spec.max === undefined ? low : `${low} and ≤ ${spec.max}`;
      }
      case 'choice':
        return `one of: ${spec.choices.join(', ')}`;
      case 'boolean':
        return 'true or false';
      case 'int-list':
        return `a non-empty list of distinct integers, each ${spec.max === undefined ? `≥ ${spec.min}` : `from ${spec.min} to ${spec.max}`}`;
      case 'text':
        return 'text';
      case 'stop':
        return `an object with some of ${STOP_KEYS.join(', ')} (e.g. {"targetLoss":0.01}; {} for none)`;
    }
  })();
  return spec.nullMeans ? `${text}, or null (${spec.nullMeans})` : text;
}

/**
 * The one form of a refused value: `<experiment>.<key>: bad value <v>; expected <allowed>.[ advice]`.
 * `where` is the experiment and key path (e.g. "conv-latent.latents[1]").
 */
export function badValue(where: string, value: unknown, expected: string, advice = ''): ConfigError {
  return new ConfigError(`${where}: bad value ${showValue(value)}; expected ${expected}.${advice ? ` ${advice}` : ''}`);
}

// --- reading values ---------------------------------------------------------------------------------

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NULL_TEXT = new Set(['', 'null', 'default']);

/** A number, or a string that is exactly one (trimmed); anything else is returned as it is. */
function numeric(v: unknown): unknown {
  if (typeof v === 'string' && NUMBER.test(v.trim())) return Number(v.trim());
  return v;
}

function readInt(where: string, shown: unknown, v: unknown, min: number, max: number | undefined, expected: string) {
  const n = numeric(v);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || (max !== undefined && n > max))
    throw badValue(where, shown, expected);
  return n;
}

/**
 * List items from an array, a single number, or text: "3,5,10" (a trailing comma allowed: "8,"),
 * "3 5 10" or "[3, 5, 10]". An empty item between commas stays, to be refused by name.
 */
function listItems(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (typeof v === 'number') return [v];
  if (typeof v !== 'string') return null;
  const t = v
    .trim()
    .replace(/^\[|\]$/g, '')
    .trim();
  if (t === '') return [];
  if (!t.includes(',')) return t.split(/\s+/);
  const items = t.split(',').map((x) => x.trim());
  if (items.length > 1 && items[items.length - 1] === '') items.pop();
  return items;
}

function readStop(where: string, spec: StopKey, v: unknown): StopOptions {
  let obj = v;
  if (typeof v === 'string') {
    try {
      obj = JSON.parse(v.trim() === '' ? '{}' : v);
    } catch {
      throw badValue(where, v, allowedText(spec));
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badValue(where, v, allowedText(spec));
  const stop = obj as Record<string, unknown>;
  for (const k of Object.keys(stop))
    if (!(STOP_KEYS as readonly string[]).includes(k))
      throw badValue(
        where,
        v,
        allowedText(spec),
        `"${k}" is not a stopping condition; set the epoch count with epochs.`,
      );
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(stop)) out[k] = numeric(x);
  try {
    validateStop({ maxEpochs: 1, ...(out as StopOptions) });
  } catch (e) {
    if (e instanceof ConfigError) throw badValue(where, v, allowedText(spec), e.message);
    throw e;
  }
  return out as StopOptions;
}

/** Reads one value (typed or text) as `spec` says, or throws the one-form ConfigError naming `where`. */
export function readValue(where: string, spec: KeySpec, v: unknown): ConfigValue {
  if (spec.nullMeans !== undefined && (v === null || (typeof v === 'string' && NULL_TEXT.has(v.trim())))) return null;
  const expected = allowedText(spec);
  switch (spec.type) {
    case 'int':
      return readInt(where, v, v, spec.min, spec.max, expected);
    case 'number': {
      const n = numeric(v);
      const low = spec.minExclusive ? (x: number) => x > spec.min : (x: number) => x >= spec.min;
      if (typeof n !== 'number' || !Number.isFinite(n) || !low(n) || (spec.max !== undefined && n > spec.max))
        throw badValue(where, v, expected);
      return n;
    }
    case 'choice': {
      const t = typeof v === 'string' ? v.trim() : v;
      if (typeof t !== 'string' || !spec.choices.includes(t)) throw badValue(where, v, expected);
      return t;
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      const t = typeof v === 'string' ? v.trim() : null;
      if (t === '' || t === 'true') return true;
      if (t === 'false') return false;
      throw badValue(where, v, expected);
    }
    case 'int-list': {
      const items = listItems(v);
      if (items === null || items.length === 0) throw badValue(where, v, expected);
      const each = range(spec.min, spec.max, 'an integer');
      const out = items.map((x, i) => readInt(`${where}[${i}]`, x, x, spec.min, spec.max, each));
      const dup = out.find((x, i) => out.indexOf(x) !== i);
      if (dup !== undefined) throw badValue(where, v, expected, `${dup} appears twice; list each value once.`);
      return out;
    }
    case 'text':
      if (typeof v !== 'string') throw badValue(where, v, expected);
      return v;
    case 'stop':
      return readStop(where, spec, v);
  }
}

/**
 * Merges `user` over the schema's defaults at `scale` and reads every key: an unknown key is refused
 * with the accepted ones listed, a bad value with the one message form. Cross-key rules are the
 * experiment's (see defineExperiment's `check`).
 */
export function validateConfig<C extends object>(
  experiment: string,
  schema: ConfigSchema<C>,
  user: Record<string, unknown>,
  scale: Scale = DEFAULT_SCALE,
): C {
  if (user === null || typeof user !== 'object' || Array.isArray(user))
    throw new ConfigError(
      `${experiment}: bad config ${showValue(user)}; expected an object of settings. Pass {} for the defaults.`,
    );
  if (!SCALES.includes(scale))
    throw new ConfigError(`${experiment}: bad scale ${showValue(scale)}; expected one of: ${SCALES.join(', ')}.`);
  const keys: string[] = schemaKeys(schema);
  for (const k of Object.keys(user))
    if (!keys.includes(k))
      throw new ConfigError(`${experiment}: unknown key "${k}"; expected one of: ${keys.join(', ')}.`);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const spec = schema[k as keyof C];
    const given = user[k];
    out[k] = given === undefined ? copy(spec.default[scale]) : readValue(`${experiment}.${k}`, spec, given);
  }
  return out as C;
}

/** "at most trainSize = 256" for a value that must not exceed another key's. */
export function checkAtMost(
  experiment: string,
  key: string,
  value: number,
  limitKey: string,
  limit: number,
  advice: string,
): void {
  if (value > limit) throw badValue(`${experiment}.${key}`, value, `at most ${limitKey} = ${limit}`, advice);
}
