// experiment-args.mjs: the command line of `npm run experiment` turned into a request, and the
// safetensors header read for a weights file's key. Pure functions (no Node or browser APIs), so the
// browser tests in test/cli/ import them as they are. Config values stay text: the experiment's
// schema reads them (src/experiments/kit/schema.ts), as it reads attributes and the page address,
// so a bad value gets the same message from each. Imports nothing.

/** @typedef {'tiny' | 'small' | 'full'} Scale */

/**
 * A config value as given: text, or true / false for a bare --flag / --no-flag (--seed is a number).
 * @typedef {string | number | boolean} ArgValue
 */

/**
 * @typedef {object} ExperimentRequest
 * @property {string | null} name
 * @property {Record<string, ArgValue>} config
 * @property {Scale} scale
 * @property {string | null} out
 * @property {number | undefined} seed
 * @property {string[]} weights raw --weights arguments (FILE, KEY=FILE or a folder), resolved by the CLI
 * @property {'auto' | 'browser' | 'node'} runner where to run: the browser page, the Node runner, or auto
 * @property {boolean} list
 * @property {boolean} help
 */

/** @type {readonly Scale[]} */
export const SCALES = ['tiny', 'small', 'full'];

export const USAGE = `usage: npm run experiment -- <name> [--key value …] --out <dir>
  <name>              an experiment (npm run experiment -- --list shows them)
  --out <dir>         where result.json, the PNGs and the weights go (required)
  --scale S           tiny | small | full: picks the defaults (default small)
  --seed N            the experiment's seed
  --seeds N           run it over N seeds (seed, seed+1, …, seed+N−1, one after another) and report
                      every figure as mean ± sample standard deviation (default 1)
  --weights FILE      a .safetensors file to reuse (repeatable; KEY=FILE names its key; a folder
                      means every .safetensors file in it)
  --<key> <value>     any config key, kebab-case (--train-size 6000 sets trainSize); the value is
                      read by the key's type: numbers, true/false, comma lists (--latents 2,4,8),
                      JSON (--stop '{"targetLoss":0.01}'), null; a bare --flag is true
  --runner R          auto | browser | node: headless Chromium, or Node on Dawn's WebGPU bindings
                      (auto, the default: the browser where Chromium is installed, else node)
  --list              list the experiments and exit
  <name> --help       every key of that experiment: type, range or choices, unit, defaults, help`;

/** A command line that cannot be run; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * "train-size" → "trainSize"; "lr" stays.
 * @param {string} kebab
 * @returns {string}
 */
export function camelCase(kebab) {
  return kebab.replace(/-+([a-z0-9])/gi, (_, /** @type {string} */ c) => c.toUpperCase());
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** @param {string} value @returns {value is Scale} */
const isScale = (value) => /** @type {readonly string[]} */ (SCALES).includes(value);

/**
 * Parses the arguments after `npm run experiment --`.
 * Throws UsageError for anything it cannot accept (no value, a repeated key, a bad scale or seed);
 * whether the config values suit the experiment is the experiment's validate() to say.
 * @param {readonly string[]} argv
 * @returns {ExperimentRequest}
 */
export function parseExperimentArgs(argv) {
  /** @type {ExperimentRequest} */
  const request = {
    name: null,
    config: {},
    scale: 'small',
    out: null,
    seed: undefined,
    weights: [],
    runner: 'auto',
    list: false,
    help: false,
  };
  /** @type {Map<string, string>} */
  const seen = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
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
    /** @type {string | null} */
    let raw = null;
    const next = argv[i + 1];
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (next !== undefined && !next.startsWith('--')) {
      raw = next;
      i++;
    }

    if (flag === 'weights') {
      if (raw === null || raw === '')
        throw new UsageError('--weights: needs a file; expected --weights FILE.safetensors or --weights KEY=FILE.');
      request.weights.push(raw);
      continue;
    }
    const key = flag === 'out' || flag === 'scale' || flag === 'seed' || flag === 'runner' ? flag : camelCase(flag);
    const prior = seen.get(key);
    if (prior !== undefined)
      throw new UsageError(`--${flag}: given twice (also as --${prior}); expected each key once.`);
    seen.set(key, flag);

    if (flag === 'out') {
      if (raw === null || raw === '') throw new UsageError('--out: needs a folder; expected --out <dir>.');
      request.out = raw;
    } else if (flag === 'runner') {
      if (raw !== 'auto' && raw !== 'browser' && raw !== 'node')
        throw new UsageError(`--runner: unknown runner "${raw ?? ''}"; expected auto, browser or node.`);
      request.runner = raw;
    } else if (flag === 'scale') {
      if (raw === null || !isScale(raw))
        throw new UsageError(`--scale: unknown scale "${raw ?? ''}"; expected one of ${SCALES.join(', ')}.`);
      request.scale = raw;
    } else if (flag === 'seed') {
      const seed = raw === null ? NaN : Number(raw);
      if (raw === null || !Number.isInteger(seed) || seed < 0 || !NUMBER.test(raw))
        throw new UsageError(`--seed: expected a whole number ≥ 0, got "${raw ?? ''}".`);
      request.seed = seed;
      request.config.seed = seed;
    } else if (raw === null && flag.startsWith('no-') && flag.length > 3) {
      request.config[camelCase(flag.slice(3))] = false;
    } else {
      request.config[key] = raw === null ? true : raw;
    }
  }
  return request;
}

/**
 * One --weights argument split into { key, path }: the whole text is a path when `exists(text)`;
 * otherwise KEY=PATH at the last '=' (keys themselves contain '=', e.g. conv:latent=8:c=16:seed=1).
 * @param {string} text
 * @param {(path: string) => boolean} exists
 * @returns {{ key: string | null, path: string }}
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
 * @param {Uint8Array} bytes
 * @param {string} fileName
 * @returns {Record<string, string>}
 */
export function safetensorsMetadata(bytes, fileName) {
  /** @param {string} what */
  const bad = (what) =>
    new UsageError(
      `--weights ${fileName}: ${what}; expected a safetensors file (8-byte little-endian header length, then a JSON header).`,
    );
  if (bytes.length < 8) throw bad(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (length > bytes.length - 8)
    throw bad(`the header claims ${length} bytes but the file has ${bytes.length - 8} after the length`);
  /** @type {unknown} */
  let header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch {
    throw bad('the header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw bad('the header is not a JSON object');
  const meta = /** @type {{ __metadata__?: unknown }} */ (header).__metadata__;
  return meta && typeof meta === 'object' ? /** @type {Record<string, string>} */ (meta) : {};
}

/**
 * The key a weights file goes by: its metadata "key", else the file name without folder and extension.
 * @param {Uint8Array} bytes
 * @param {string} fileName
 * @returns {string}
 */
export function weightsKey(bytes, fileName) {
  const key = safetensorsMetadata(bytes, fileName).key;
  if (typeof key === 'string' && key !== '') return key;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.safetensors$/i, '');
}
