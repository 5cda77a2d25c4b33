// help.ts: an experiment's settings as text for `npm run experiment -- <name> --help` — every key as
// its command-line option, its type, what it accepts, its unit, its default at each scale and its
// help line. Imports ./schema and experiments (types).
import type { ExperimentDef } from '../types';
import { allowedText, type ConfigValue, type KeySpec, SCALES, schemaKeys } from './schema';

/** `trainSize` → `train-size` (the option and attribute name of a key). */
export const kebabKey = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A default as it is typed on the command line: lists comma-separated, objects as JSON, null as null. */
export function defaultText(v: ConfigValue): string {
  if (Array.isArray(v)) return v.join(',');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string') return v === '' ? '""' : v;
  return String(v);
}

/** "tiny 256 · small 2000 · full 60000", or one value when every scale has the same. */
export function defaultsText(spec: KeySpec): string {
  const texts = SCALES.map((s) => defaultText(spec.default[s]));
  return texts.every((t) => t === texts[0])
    ? `${texts[0]} (every scale)`
    : SCALES.map((s, i) => `${s} ${texts[i]}`).join(' · ');
}

/** The lines of one key: option, type and accepted values, unit; then the help; then the defaults. */
export function keyHelp(key: string, spec: KeySpec): string[] {
  const unit = spec.unit ? ` [${spec.unit}]` : '';
  const log = spec.type === 'number' && spec.logScale ? ', log scale' : '';
  return [
    `  --${kebabKey(key)} <${spec.type}>${unit}: ${allowedText(spec)}${log}`,
    `      ${spec.help}`,
    `      default: ${defaultsText(spec)}`,
  ];
}

/** The whole --help text of an experiment (one without a schema says so). */
export function experimentHelp(def: ExperimentDef<object>): string {
  const head = [`${def.name}: ${def.title}`, `  ${def.description}`, ''];
  if (!def.schema) return [...head, '  (this experiment publishes no settings schema)'].join('\n');
  const schema = def.schema;
  const lines = [
    ...head,
    `usage: npm run experiment -- ${def.name} [--scale tiny|small|full] [--<key> <value> …] --out <dir>`,
    '',
    'settings (values may be given as text: numbers, comma lists such as 3,5,10, true/false, JSON, null):',
  ];
  for (const key of schemaKeys(schema)) lines.push(...keyHelp(key, schema[key]));
  return lines.join('\n');
}

/** One line per experiment: name and title, aligned. */
export function experimentList(defs: readonly ExperimentDef<object>[]): string {
  const width = Math.max(0, ...defs.map((d) => d.name.length));
  return defs.map((d) => `  ${d.name.padEnd(width)}  ${d.title}`).join('\n');
}
