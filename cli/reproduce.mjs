// reproduce.mjs: `npm run reproduce -- [--scale tiny|small|full] [--seed N] --out <dir>` runs every
// experiment of both reports headless in one browser session (cli/run-experiment.html), handing
// trained weights on (fc-train/fc-compression → fc-inversion; conv-latent → conv-interpolate,
// conv-correlation, conv-transfer), prints progress (experiment, epoch, ETA, overall elapsed) to
// stderr, and writes <dir>/report.html, <dir>/report.json and each experiment's files under
// <dir>/<experiment>/. Exit status: 0 all ran; 1 one or more failed; 2 bad arguments.
// Imports ../scripts/browser.mjs, ./experiment-args.mjs and ../scripts/report-html.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openRepoPage } from '../scripts/browser.mjs';
import { SCALES, UsageError } from './experiment-args.mjs';
import { PLAN, buildReport, formatClock } from '../scripts/report-html.mjs';

const PAGE = 'cli/run-experiment.html';
const USAGE = `usage: npm run reproduce -- [--scale tiny|small|full] [--seed N] [--only a,b] --out <dir>
  runs every experiment of both reports and writes <dir>/report.html and report.json`;

/**
 * @typedef {import('./experiment-args.mjs').Scale} Scale
 * @typedef {import('../scripts/report-html.mjs').ReportRun} ReportRun
 * @typedef {{ scale: Scale, out: string | null, seed: number | undefined, only: string[] | null, help: boolean }} Args
 * @typedef {{ status: 'ok', resultJson: string, files: { name: string, base64: string }[] }
 *   | { status: 'config-error' | 'failed', message: string }} Outcome
 */

/** @param {string} value @returns {value is Scale} */
const isScale = (value) => /** @type {readonly string[]} */ (SCALES).includes(value);

/**
 * @param {readonly string[]} argv
 * @returns {Args}
 */
function parseArgs(argv) {
  /** @type {Args} */
  const a = { scale: 'small', out: null, seed: undefined, only: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '')
        throw new UsageError(`reproduce: ${flag} needs a value; expected ${flag} <value>.`);
      return v;
    };
    if (flag === '--help' || flag === '-h') a.help = true;
    else if (flag === '--scale') {
      const scale = value();
      if (!isScale(scale))
        throw new UsageError(`--scale: unknown scale "${scale}"; expected one of ${SCALES.join(', ')}.`);
      a.scale = scale;
    } else if (flag === '--out') a.out = value();
    else if (flag === '--only') a.only = value().split(',');
    else if (flag === '--seed') {
      const raw = value();
      const seed = Number(raw);
      if (!Number.isInteger(seed) || seed < 0)
        throw new UsageError(`--seed: expected a whole number ≥ 0, got "${raw}".`);
      a.seed = seed;
    } else
      throw new UsageError(
        `reproduce: unknown argument "${arg}"; expected --scale, --seed, --only or --out.\n${USAGE}`,
      );
  }
  return a;
}

/** @returns {Promise<number>} the exit status */
async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.out === null)
    throw new UsageError(
      `reproduce: --out <dir> is required; expected e.g. npm run reproduce -- --scale tiny --out runs/repro.\n${USAGE}`,
    );
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const only = args.only;
  const plan = PLAN.filter((p) => !only || only.includes(p.id) || only.includes(p.name));
  const started = Date.now();
  let current = '';
  /** @param {string} line */
  const log = (line) => process.stderr.write(`[${formatClock((Date.now() - started) / 1000)} ${current}] ${line}\n`);
  const session = await openRepoPage(`/${PAGE}`, { entries: [PAGE], console: log });
  /** @type {ReportRun[]} */
  const runs = [];
  /** @type {Record<'fc' | 'conv', Record<string, string>>} */
  const weights = { fc: {}, conv: {} };
  let adapter = 'unknown';
  try {
    const { page } = session;
    await page.waitForFunction(() => window.__experimentPageReady === true, { timeout: 120_000, polling: 100 });
    for (const [i, step] of plan.entries()) {
      current = `${i + 1}/${plan.length}`;
      /** @type {Record<string, unknown>} */
      const config = { ...(step.config?.[args.scale] ?? {}) };
      if (args.seed !== undefined) config.seed = args.seed;
      const family = step.name.startsWith('fc') ? 'fc' : 'conv';
      const handed = step.usesWeights ? weights[family] : {};
      log(
        `${step.id} starting (scale ${args.scale}${Object.keys(handed).length ? `, reusing ${Object.keys(handed).length} trained model(s)` : ''})`,
      );
      const t0 = Date.now();
      /** @type {Outcome} */
      let outcome;
      try {
        const raw = await page.evaluate(
          (name, cfg, options) =>
            /** @type {NonNullable<Window['__runExperiment']>} */ (window.__runExperiment)(name, cfg, options),
          step.name,
          config,
          { scale: args.scale, weights: handed },
        );
        outcome = JSON.parse(raw);
      } catch (e) {
        outcome = {
          status: 'failed',
          message: `the page stopped answering: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
      const ms = Date.now() - t0;
      if (outcome.status !== 'ok') {
        log(`${step.id} ${outcome.status}: ${outcome.message}`);
        runs.push({
          id: step.id,
          name: step.name,
          status: outcome.status,
          error: outcome.message,
          wallMs: ms,
          result: null,
          dir: step.id,
        });
        if (/stopped answering|device/i.test(outcome.message)) break;
        continue;
      }
      const dir = join(out, step.id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'result.json'), outcome.resultJson);
      /** @type {Map<string, string>} */
      const byFile = new Map();
      for (const f of outcome.files) {
        if (!/^[A-Za-z0-9][A-Za-z0-9._=+-]*$/.test(f.name))
          throw new Error(`the page named an output file "${f.name}"; expected a plain file name.`);
        writeFileSync(join(dir, f.name), Buffer.from(f.base64, 'base64'));
        byFile.set(f.name, f.base64);
      }
      /** @type {{ adapter?: string, weights?: { key: string, file: string }[] } & Record<string, unknown>} */
      const result = JSON.parse(outcome.resultJson);
      adapter = result.adapter ?? adapter;
      // The first model trained under a key is the one handed on (fc-train's before the sweeps' of the same key).
      for (const w of result.weights ?? [])
        if (byFile.has(w.file) && !(w.key in weights[family]))
          weights[family][w.key] = /** @type {string} */ (byFile.get(w.file));
      runs.push({ id: step.id, name: step.name, status: 'ok', wallMs: ms, result, dir: step.id });
      log(`${step.id} done in ${formatClock(ms / 1000)} (overall ${formatClock((Date.now() - started) / 1000)})`);
    }
  } finally {
    await session.close();
  }
  const report = buildReport({
    scale: args.scale,
    seed: args.seed ?? null,
    adapter,
    totalMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
    runs,
  });
  writeFileSync(join(out, 'report.html'), report.html);
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(report.json, null, 2)}\n`);
  current = 'done';
  log(
    `${join(out, 'report.html')} written; ${runs.filter((r) => r.status === 'ok').length}/${plan.length} experiments ran, ${report.json.disagreements.length} disagreement(s) noted`,
  );
  return runs.every((r) => r.status === 'ok') && runs.length === plan.length ? 0 : 1;
}

try {
  process.exit(await main());
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
