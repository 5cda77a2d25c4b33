// experiment-args.mjs: the command line of `npm run experiment` turned into a request, and the
// safetensors header read for a weights file's key. Pure functions (no Node or browser APIs), so the
// browser tests in test/cli/ import them as they are. Imports nothing.

export const SCALES = ['tiny', 'small', 'full'];

export const USAGE = `usage: npm run experiment -- <name> [--key value …] --out <dir>
  <name>              an experiment (npm run experiment -- --list shows them)
  --out <dir>         where result.json, the PNGs and the weights go (required)
  --scale S           tiny | small | full: picks the defaults (default small)
  --seed N            the experiment's seed
  --weights FILE      a .safetensors file to reuse (repeatable; KEY=FILE names its key; a folder
                      means every .safetensors file in it)
  --<key> <value>     any config key, kebab-case (--train-size 6000 sets trainSize); values are
                      numbers, true/false, text, comma lists (--latents 2,4,8) or JSON
                      (--stop '{"maxEpochs":3}'); a bare --flag is true
  --list              list the experiments and exit`;

/** A command line that cannot be run; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/** "train-size" → "trainSize"; "lr" stays. */
export function camelCase(kebab) {
  return kebab.replace(/-+([a-z0-9])/gi, (_, c) => c.toUpperCase());
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function scalar(text) {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (NUMBER.test(text)) return Number(text);
  return text;
}

/**
 * A value as typed on the command line: numbers, true/false, comma lists of those (a trailing comma
 * makes a one-item list: "8," → [8]), JSON for objects and arrays ('{"maxEpochs":3}'), anything else
 * as text. `key` names the option in errors.
 */
export function parseValue(text, key = 'value') {
  if (/^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new UsageError(
        `--${key}: "${text}" starts like JSON but does not parse (${e.message}); expected e.g. '{"maxEpochs":3}'.`,
      );
    }
  }
  if (!text.includes(',')) return scalar(text);
  const parts = text.split(',');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.some((p) => p.trim() === '')) {
    throw new UsageError(`--${key}: empty item in the list "${text}"; expected comma-separated values such as 2,4,8.`);
  }
  return parts.map((p) => scalar(p.trim()));
}

/**
 * Parses the arguments after `npm run experiment --`. Returns
 * { name, config, scale, out, seed, weights: [{ key?, path }], list, help }.
 * Throws UsageError for anything it cannot accept (no value, a repeated key, a bad scale or seed);
 * whether the config values suit the experiment is the experiment's validate() to say.
 */
export function parseExperimentArgs(argv) {
  const request = {
    name: null,
    config: {},
    scale: 'small',
    out: null,
    seed: undefined,
    weights: [],
    list: false,
    help: false,
  };
  const seen = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      request.help = true;
      continue;
    }
    if (arg === '--list') {
      request.list = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-')) throw new UsageError(`experiment: unknown option "${arg}"; expected --key value pairs.`);
      if (request.name !== null)
        throw new UsageError(
          `experiment: two experiment names given ("${request.name}" and "${arg}"); expected one name, then --key value pairs.`,
        );
      request.name = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!/^[a-z][a-z0-9-]*$/i.test(flag))
      throw new UsageError(
        `experiment: "${arg}" is not an option; expected --key value with a key such as train-size.`,
      );
    let raw;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) raw = argv[++i];
    else raw = null;

    if (flag === 'weights') {
      if (raw === null || raw === '')
        throw new UsageError('--weights: needs a file; expected --weights FILE.safetensors or --weights KEY=FILE.');
      request.weights.push(raw);
      continue;
    }
    const key = flag === 'out' || flag === 'scale' || flag === 'seed' ? flag : camelCase(flag);
    const prior = seen.get(key);
    if (prior !== undefined)
      throw new UsageError(`--${flag}: given twice (also as --${prior}); expected each key once.`);
    seen.set(key, flag);

    if (flag === 'out') {
      if (raw === null || raw === '') throw new UsageError('--out: needs a folder; expected --out <dir>.');
      request.out = raw;
    } else if (flag === 'scale') {
      if (!SCALES.includes(raw))
        throw new UsageError(`--scale: unknown scale "${raw ?? ''}"; expected one of ${SCALES.join(', ')}.`);
      request.scale = raw;
    } else if (flag === 'seed') {
      const seed = raw === null ? NaN : Number(raw);
      if (!Number.isInteger(seed) || seed < 0 || !NUMBER.test(raw))
        throw new UsageError(`--seed: expected a whole number ≥ 0, got "${raw ?? ''}".`);
      request.seed = seed;
      request.config.seed = seed;
    } else if (raw === null && flag.startsWith('no-') && flag.length > 3) {
      request.config[camelCase(flag.slice(3))] = false;
    } else {
      request.config[key] = raw === null ? true : parseValue(raw, flag);
    }
  }
  return request;
}

/**
 * One --weights argument split into { key, path }: the whole text is a path when `exists(text)`;
 * otherwise KEY=PATH at the last '=' (keys themselves contain '=', e.g. conv:latent=8:c=16:seed=1).
 */
export function splitWeightsArg(text, exists) {
  if (exists(text)) return { key: null, path: text };
  const eq = text.lastIndexOf('=');
  if (eq > 0 && eq < text.length - 1) return { key: text.slice(0, eq), path: text.slice(eq + 1) };
  return { key: null, path: text };
}

/**
 * The "__metadata__" object of a safetensors file (empty when there is none). Throws UsageError
 * naming `fileName` when the header is not safetensors.
 */
export function safetensorsMetadata(bytes, fileName) {
  const bad = (what) =>
    new UsageError(
      `--weights ${fileName}: ${what}; expected a safetensors file (8-byte little-endian header length, then a JSON header).`,
    );
  if (bytes.length < 8) throw bad(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (length > bytes.length - 8)
    throw bad(`the header claims ${length} bytes but the file has ${bytes.length - 8} after the length`);
  let header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch {
    throw bad('the header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw bad('the header is not a JSON object');
  const meta = header.__metadata__;
  return meta && typeof meta === 'object' ? meta : {};
}

/** The key a weights file goes by: its metadata "key", else the file name without folder and extension. */
export function weightsKey(bytes, fileName) {
  const key = safetensorsMetadata(bytes, fileName).key;
  if (typeof key === 'string' && key !== '') return key;
  const base = fileName.split(/[\\/]/).pop();
  return base.replace(/\.safetensors$/i, '');
}
