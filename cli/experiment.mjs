// experiment.mjs: `npm run experiment -- <name> [--key value …] --out <dir>` runs one experiment in
// headless Chromium (WebGPU; the same code as the page) or, with --runner node, in Node on Dawn's
// bindings (./session.mjs; auto: the browser where Chromium is installed), and writes <dir>/result.json, a PNG per
// chart, grid and heat map, and a .safetensors per trained model. Progress lines go to stderr.
// Exit status: 0 done; 1 the experiment failed (or the GPU device was lost, or no browser);
// 2 the request was refused before any work (bad arguments, unknown experiment, a config value
// the experiment's validate() rejects, a missing weights file). `--help` lists the experiments;
// `<name> --help` prints every key of its schema (type, range or choices, unit, defaults, help).
// Its tables and metrics are printed (mean ± sd when run over several seeds, --seeds N).
// Imports ./session.mjs, ./experiment-args.mjs and ../scripts/report-html.mjs.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { USAGE, UsageError, parseExperimentArgs, splitWeightsArg, weightsKey } from './experiment-args.mjs';
import { openSession, resolveRunner } from './session.mjs';
import { writeAtomic } from '../scripts/write-atomic.mjs';
import { resultText } from '../scripts/report-html.mjs';

/** @typedef {import('./session.mjs').Outcome} Outcome what a runner answers for one run */

/**
 * Refuses the request: main() closes what it opened, then the process exits with status 2.
 * @param {string} message
 * @returns {never}
 */
function refuse(message) {
  throw new UsageError(message);
}

/**
 * @param {unknown} e
 * @returns {string}
 */
function errorText(e) {
  if (!(e instanceof Error)) return String(e);
  const err = /** @type {NodeJS.ErrnoException} */ (e);
  return err.code ?? err.message;
}

/**
 * The --weights arguments as { key: base64 }; every file is read (and refused) before the browser starts.
 * @param {readonly string[]} args
 * @returns {Record<string, string>}
 */
function readWeights(args) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @type {Record<string, string>} */
  const from = {};
  /** @param {string | null} key @param {string} path */
  const add = (key, path) => {
    /** @type {Buffer} */
    let bytes;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      refuse(`--weights: cannot read ${path} (${errorText(e)}); expected a readable .safetensors file.`);
    }
    const k = key ?? weightsKey(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
    if (from[k] !== undefined)
      refuse(
        `--weights: two files carry the key "${k}" (${from[k]} and ${path}); expected one file per key. Name one with KEY=FILE.`,
      );
    from[k] = path;
    out[k] = bytes.toString('base64');
  };
  for (const arg of args) {
    const { key, path } = splitWeightsArg(arg, existsSync);
    if (!existsSync(path))
      refuse(`--weights: no file ${path}; expected an existing .safetensors file (or KEY=FILE, or a folder of them).`);
    if (statSync(path).isDirectory()) {
      if (key !== null) refuse(`--weights: ${path} is a folder; KEY=FILE needs a file.`);
      const files = readdirSync(path)
        .filter((f) => f.toLowerCase().endsWith('.safetensors'))
        .sort();
      if (!files.length) refuse(`--weights: the folder ${path} holds no .safetensors files; expected at least one.`);
      for (const f of files) add(null, join(path, f));
    } else add(key, path);
  }
  return out;
}

/**
 * Refuses an --out that cannot be written before any work; the folder itself is made at the end.
 * @param {string} dir
 */
function checkOut(dir) {
  let at = dir;
  while (!existsSync(at)) {
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (!statSync(at).isDirectory()) refuse(`--out: ${at} is a file; expected a folder (created when missing).`);
  try {
    accessSync(at, constants.W_OK);
  } catch {
    refuse(`--out: ${at} is not writable; expected a folder this user can write to.`);
  }
}

/**
 * @param {string} dir
 * @param {{ resultJson: string, files: { name: string, base64: string }[] }} outcome
 * @returns {string[]}
 */
function writeOutputs(dir, outcome) {
  const safe = /^[A-Za-z0-9][A-Za-z0-9._=+-]*$/;
  for (const f of outcome.files) {
    if (!safe.test(f.name)) throw new Error(`the page named an output file "${f.name}"; expected a plain file name.`);
  }
  mkdirSync(dir, { recursive: true });
  const written = [];
  // The weights and images first, result.json last: a result.json on disk means the whole run is there.
  for (const f of outcome.files) {
    writeAtomic(join(dir, f.name), Buffer.from(f.base64, 'base64'));
    written.push(f.name);
  }
  writeAtomic(join(dir, 'result.json'), outcome.resultJson);
  return ['result.json', ...written];
}

/** @returns {Promise<number>} the exit status */
async function main() {
  /** @type {import('./experiment-args.mjs').ExperimentRequest} */
  let request;
  try {
    request = parseExperimentArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) refuse(`${e.message} (--help shows the usage)`);
    throw e;
  }
  if (request.help) return help(request.name, request.runner);
  if (!request.list && request.out === null)
    refuse(
      `experiment: --out <dir> is required; expected e.g. npm run experiment -- ${request.name ?? '<name>'} --out runs/${request.name ?? 'x'}.`,
    );
  const weights = request.list ? {} : readWeights(request.weights);
  const out = request.out === null ? '' : resolve(request.out);
  if (out !== '') checkOut(out);

  const session = await openSession(resolveRunner(request.runner), (line) => process.stderr.write(`${line}\n`));
  try {
    const all = await session.list();
    if (request.list) {
      const width = Math.max(0, ...all.map((e) => e.name.length));
      for (const e of all) process.stdout.write(`${e.name.padEnd(width)}  ${e.title}\n`);
      if (!all.length) process.stdout.write('(no experiments are registered)\n');
      return 0;
    }
    if (request.name === null) {
      refuse(
        `experiment: no experiment named; expected one of ${all.map((e) => e.name).join(', ') || '(none registered)'}.`,
      );
    }
    const checked = await session.validate(request.name, request.config, request.scale);
    if (checked.status === 'config-error') refuse(checked.message);
    if (checked.status !== 'ok') throw new Error(checked.message);
    const shown = Object.entries(checked.config).map(
      ([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : v}`,
    );
    process.stderr.write(`[${request.name}] ${checked.title}; scale ${request.scale}: ${shown.join(' ')}\n`);
    const started = Date.now();
    const { outcome } = await session.run(request.name, request.config, { scale: request.scale, weights });
    if (outcome.status === 'config-error') refuse(outcome.message);
    if (outcome.status === 'failed') {
      const what = outcome.deviceLost ? 'the GPU device was lost' : 'failed';
      process.stderr.write(`[${request.name}] ${what}: ${outcome.message}\n`);
      return 1;
    }
    const written = writeOutputs(out, outcome);
    const pngs = written.filter((f) => f.endsWith('.png')).length;
    const tensors = written.filter((f) => f.endsWith('.safetensors')).length;
    process.stderr.write(`[${request.name}] done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const text = resultText(JSON.parse(outcome.resultJson));
    if (text) process.stdout.write(`${text}\n`);
    process.stdout.write(
      `${join(out, 'result.json')} (+ ${pngs} PNG${pngs === 1 ? '' : 's'}, ${tensors} weights file${tensors === 1 ? '' : 's'})\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}

/**
 * `--help`: the usage and the experiments; `<name> --help`: that experiment's settings, from its schema.
 * @param {string | null} name
 * @param {'auto' | 'browser' | 'node'} runner
 * @returns {Promise<number>}
 */
async function help(name, runner) {
  const session = await openSession(resolveRunner(runner), (line) => process.stderr.write(`${line}\n`));
  try {
    if (name !== null && !(await session.list()).some((e) => e.name === name))
      refuse(`experiment: unknown name "${name}" (npm run experiment -- --help lists the experiments).`);
    const text = await session.help(name);
    process.stdout.write(name === null ? `${USAGE}\n\n${text}\n` : `${text}\n`);
    return 0;
  } finally {
    await session.close();
  }
}

try {
  process.exit(await main());
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`experiment: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
