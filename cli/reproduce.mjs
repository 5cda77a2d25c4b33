// reproduce.mjs: `npm run reproduce -- [--scale tiny|small|full] [--seed N] [--seeds N] [--only a,b] --out <dir>`
// runs every experiment of both reports in one session (the browser page or the Node runner, see
// ./session.mjs), handing trained weights on (fc-train/fc-compression → fc-inversion; conv-latent →
// conv-capacity, conv-interpolate, conv-correlation, conv-transfer), prints progress (experiment,
// epoch, ETA per model and overall) to stderr, and writes <dir>/report.html, <dir>/report.json and
// each experiment's files under <dir>/<experiment>/. --seeds N runs every experiment over seeds
// seed, seed+1, …, seed+N−1 and reports each figure as mean ± sample standard deviation.
// A run is resumable: <dir>/run.json records its configuration; each model is checkpointed under
// <dir>/<experiment>/checkpoints/ every --checkpoint-every seconds (or --checkpoint-steps steps) and
// when finished; run again with the same --out, finished experiments are kept and the others resume
// from their checkpoints. --plan lists the models with a time estimated from a short measured burst
// of each. --shard i/n runs one part of the plan; --merge DIR… --out D joins the parts' reports.
// Exit status: 0 all ran; 1 one or more failed; 2 refused (bad arguments, another configuration).
// Imports ./session.mjs, ./shards.mjs, ./experiment-args.mjs and ../scripts/report-html.mjs.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLAN, buildReport, formatClock } from '../scripts/report-html.mjs';
import { SCALES, UsageError } from './experiment-args.mjs';
import { RUNNERS, openSession, resolveRunner } from './session.mjs';
import { estimateCost, parseShard, splitPlan } from './shards.mjs';
import { writeAtomic } from '../scripts/write-atomic.mjs';

const USAGE = `usage: npm run reproduce -- [--scale tiny|small|full] [--seed N] [--seeds N] [--only a,b] --out <dir>
  runs every experiment of both reports and writes <dir>/report.html and report.json
  --seeds N                    every experiment over N seeds (seed, seed+1, …); figures as mean ± sd (default 1)
  --runner auto|browser|node   where to run (default auto: the browser where Chromium is installed, else node)
  --plan                       list every model with its steps and an estimated time, then stop
  --checkpoint-every S         seconds between checkpoints of a model in training (default 120)
  --checkpoint-steps N         checkpoint every N training steps instead
  --shard i/n                  run part i of n of the plan (parts balanced by estimated work)
  --merge DIR… --out D         build one report in D from the folders of all n parts`;

/** The first line of run.json's "program"; a folder without it is not a reproduction's. */
const PROGRAM = 'autoencoder-lab reproduce';

/**
 * @typedef {import('./experiment-args.mjs').Scale} Scale
 * @typedef {import('../scripts/report-html.mjs').ReportRun} ReportRun
 * @typedef {import('./session.mjs').PlannedModel} PlannedModel
 * @typedef {{ scale: Scale, out: string | null, seed: number | undefined, seeds: number, only: string[] | null, help: boolean,
 *   runner: string, plan: boolean, shard: string | null, merge: string[] | null, checkpointEvery: number,
 *   checkpointSteps: number | undefined }} Args
 * @typedef {{ program: string, scale: Scale, seed: number | null, seeds?: number, experiments: string[], shard: string | null,
 *   part: string[], finished: boolean, adapter?: string, totalMs?: number,
 *   runs?: { id: string, name: string, status: string, error?: string, wallMs: number }[] }} RunRecord
 */

/** @param {string} value @returns {value is Scale} */
const isScale = (value) => /** @type {readonly string[]} */ (SCALES).includes(value);

/**
 * @param {string} flag
 * @param {string} raw
 * @param {number} min
 */
function wholeNumber(flag, raw, min) {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min) throw new UsageError(`${flag}: expected a whole number ≥ ${min}, got "${raw}".`);
  return n;
}

/**
 * @param {readonly string[]} argv
 * @returns {Args}
 */
function parseArgs(argv) {
  /** @type {Args} */
  const a = {
    scale: 'small',
    out: null,
    seed: undefined,
    seeds: 1,
    only: null,
    help: false,
    runner: 'auto',
    plan: false,
    shard: null,
    merge: null,
    checkpointEvery: 120,
    checkpointSteps: undefined,
  };
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
    else if (flag === '--seed') a.seed = wholeNumber('--seed', value(), 0);
    else if (flag === '--seeds') a.seeds = wholeNumber('--seeds', value(), 1);
    else if (flag === '--runner') {
      const r = value();
      if (!(/** @type {readonly string[]} */ (RUNNERS).includes(r)))
        throw new UsageError(`--runner: unknown runner "${r}"; expected ${RUNNERS.join(', ')}.`);
      a.runner = r;
    } else if (flag === '--plan') a.plan = true;
    else if (flag === '--shard') {
      const s = value();
      parseShard(s);
      a.shard = s;
    } else if (flag === '--checkpoint-every') a.checkpointEvery = wholeNumber('--checkpoint-every', value(), 1);
    else if (flag === '--checkpoint-steps') a.checkpointSteps = wholeNumber('--checkpoint-steps', value(), 1);
    else if (flag === '--merge') {
      a.merge = [];
      if (inline !== undefined) a.merge.push(inline);
      while (argv[i + 1] !== undefined && !(/** @type {string} */ (argv[i + 1]).startsWith('--')))
        a.merge.push(/** @type {string} */ (argv[++i]));
      if (!a.merge.length)
        throw new UsageError('--merge: needs the parts\u2019 folders; expected --merge DIR… --out D.');
    } else
      throw new UsageError(
        `reproduce: unknown argument "${arg}"; expected --scale, --seed, --seeds, --only, --out, --runner, --plan, --shard, --merge, --checkpoint-every or --checkpoint-steps.\n${USAGE}`,
      );
  }
  if (a.merge && (a.shard || a.plan || a.only))
    throw new UsageError(
      '--merge: takes only the parts\u2019 folders and --out; the parts carry their own scale and seed.',
    );
  return a;
}

/**
 * run.json of a folder, null when there is none; refuses one that is not a reproduction's.
 * @param {string} dir
 * @returns {RunRecord | null}
 */
function readRecord(dir) {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) return null;
  /** @type {RunRecord} */
  let record;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `${file} is not JSON (${e instanceof Error ? e.message : String(e)}); expected a reproduction's run.json.`,
    );
  }
  if (record?.program !== PROGRAM)
    throw new UsageError(`${file}: not written by npm run reproduce; expected "program": "${PROGRAM}".`);
  return record;
}

/**
 * What differs between a folder's run.json and this run, as "key: there … here …" lines.
 * @param {RunRecord} there
 * @param {RunRecord} here
 */
function differences(there, here) {
  /** @type {string[]} */
  const out = [];
  const show = (/** @type {unknown} */ v) => (Array.isArray(v) ? v.join(',') : v === null ? 'none' : String(v));
  for (const key of /** @type {const} */ (['scale', 'seed', 'seeds', 'experiments', 'shard'])) {
    if (show(there[key] ?? (key === 'seeds' ? 1 : null)) !== show(here[key] ?? (key === 'seeds' ? 1 : null)))
      out.push(`${key}: ${show(there[key])} there, ${show(here[key])} here`);
  }
  return out;
}

/** @returns {Promise<number>} the exit status */
async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.merge) return merge(args.merge, args.out);
  if (args.out === null && !args.plan)
    throw new UsageError(
      `reproduce: --out <dir> is required; expected e.g. npm run reproduce -- --scale tiny --out runs/repro.\n${USAGE}`,
    );
  const only = args.only;
  if (only) {
    const unknown = only.filter((o) => !PLAN.some((p) => p.id === o || p.name === o));
    if (unknown.length)
      throw new UsageError(
        `--only: unknown experiment(s) ${unknown.join(', ')}; expected some of ${PLAN.map((p) => p.id).join(', ')}.`,
      );
  }
  const steps = PLAN.filter((p) => !only || only.includes(p.id) || only.includes(p.name));
  const out = args.out === null ? null : resolve(args.out);
  const shard = args.shard ? parseShard(args.shard) : null;
  const existing = out ? readRecord(out) : null;
  const started = Date.now();
  let current = '';
  /** @param {string} line */
  const log = (line) => process.stderr.write(`[${formatClock((Date.now() - started) / 1000)} ${current}] ${line}\n`);

  const session = await openSession(resolveRunner(args.runner), log);
  /** @type {ReportRun[]} */
  const runs = [];
  try {
    // Each experiment's config at this scale and seed, validated, with its estimated work.
    const planned = [];
    for (const step of steps) {
      /** @type {Record<string, unknown>} */
      const config = { ...(step.config?.[args.scale] ?? {}) };
      if (args.seed !== undefined) config.seed = args.seed;
      if (args.seeds !== 1) config.seeds = args.seeds;
      const checked = await session.validate(step.name, config, args.scale);
      if (checked.status !== 'ok') throw new UsageError(`${step.id}: ${checked.message}`);
      planned.push({ ...step, config, cost: estimateCost(step.name, checked.config) });
    }
    const part = shard ? splitPlan(planned, shard.index, shard.count) : planned;
    /** @type {RunRecord} */
    const record = {
      program: PROGRAM,
      scale: args.scale,
      seed: args.seed ?? null,
      ...(args.seeds !== 1 ? { seeds: args.seeds } : {}),
      experiments: steps.map((s) => s.id),
      shard: args.shard,
      part: part.map((s) => s.id),
      finished: false,
    };
    if (existing && !args.plan) {
      const diff = differences(existing, record);
      if (diff.length)
        throw new UsageError(
          `reproduce: ${out} holds a run of another configuration (${diff.join('; ')}); nothing was changed. Resume with the same --scale, --seed, --seeds, --only and --shard, or choose another --out.`,
        );
    }
    if (shard)
      log(
        `shard ${args.shard}: ${part.map((s) => s.id).join(', ') || '(no experiments: more parts than experiments)'}`,
      );
    if (args.plan) return await plan(session, part, args.scale, log);

    const dir = /** @type {string} */ (out);
    mkdirSync(dir, { recursive: true });
    writeAtomic(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    if (existing) log(`resuming the run in ${dir}`);
    /** @type {Record<'fc' | 'conv', Record<string, string>>} */
    const weights = { fc: {}, conv: {} };
    let adapter = (await session.adapter()).name;
    const totalCost = part.reduce((s, p) => s + p.cost, 0) || 1;
    let doneCost = 0;
    let trainedMs = 0;
    let trainedCost = 0;
    for (const [i, step] of part.entries()) {
      current = `${i + 1}/${part.length}`;
      const family = step.name.startsWith('fc') ? 'fc' : 'conv';
      const handed = step.usesWeights ? weights[family] : {};
      const expDir = join(dir, step.id);
      const resultFile = join(expDir, 'result.json');
      /** @type {Map<string, string>} */
      const byFile = new Map();
      /** @type {{ adapter?: string, weights?: { key: string, file: string }[] } & Record<string, unknown>} */
      let result;
      let ms = 0;
      if (existsSync(resultFile)) {
        result = JSON.parse(readFileSync(resultFile, 'utf8'));
        for (const w of result.weights ?? []) byFile.set(w.file, readFileSync(join(expDir, w.file)).toString('base64'));
        const prior = existing?.runs?.find((r) => r.id === step.id);
        ms = prior?.wallMs ?? 0;
        log(`${step.id} finished in an earlier run; kept`);
      } else {
        const eta =
          trainedCost > 0
            ? ` · overall ETA ${formatClock(((totalCost - doneCost) * trainedMs) / trainedCost / 1000)}`
            : '';
        log(
          `${step.id} starting (scale ${args.scale}${Object.keys(handed).length ? `, reusing ${Object.keys(handed).length} trained model(s)` : ''})${eta}`,
        );
        const t0 = Date.now();
        const { outcome } = await session.run(step.name, step.config, {
          scale: args.scale,
          weights: handed,
          checkpointDir: join(expDir, 'checkpoints'),
          policy:
            args.checkpointSteps !== undefined ? { steps: args.checkpointSteps } : { seconds: args.checkpointEvery },
        });
        ms = Date.now() - t0;
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
          doneCost += step.cost;
          if (/stopped answering|device/i.test(outcome.message)) break;
          continue;
        }
        mkdirSync(expDir, { recursive: true });
        for (const f of outcome.files) {
          if (!/^[A-Za-z0-9][A-Za-z0-9._=+-]*$/.test(f.name))
            throw new Error(`the runner named an output file "${f.name}"; expected a plain file name.`);
          writeAtomic(join(expDir, f.name), Buffer.from(f.base64, 'base64'));
          byFile.set(f.name, f.base64);
        }
        // result.json last: on disk, it means the experiment's files are all there.
        writeAtomic(resultFile, outcome.resultJson);
        rmSync(join(expDir, 'checkpoints'), { recursive: true, force: true });
        result = JSON.parse(outcome.resultJson);
        trainedMs += ms;
        trainedCost += step.cost;
      }
      doneCost += step.cost;
      adapter = result.adapter ?? adapter;
      // The first model trained under a key is the one handed on (fc-train's before the sweeps' of the same key).
      for (const w of result.weights ?? [])
        if (byFile.has(w.file) && !(w.key in weights[family]))
          weights[family][w.key] = /** @type {string} */ (byFile.get(w.file));
      runs.push({ id: step.id, name: step.name, status: 'ok', wallMs: ms, result, dir: step.id });
      log(`${step.id} done in ${formatClock(ms / 1000)} (overall ${formatClock((Date.now() - started) / 1000)})`);
    }
    const totalMs = runs.reduce((s, r) => s + (r.wallMs ?? 0), 0);
    const report = buildReport({
      scale: args.scale,
      seed: args.seed ?? null,
      seeds: args.seeds,
      adapter,
      totalMs,
      finishedAt: new Date().toISOString(),
      runs,
    });
    writeAtomic(join(dir, 'report.html'), report.html);
    writeAtomic(join(dir, 'report.json'), `${JSON.stringify(report.json, null, 2)}\n`);
    const ok = runs.every((r) => r.status === 'ok') && runs.length === part.length;
    const summary = runs.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      error: r.error,
      wallMs: r.wallMs ?? 0,
    }));
    writeAtomic(
      join(dir, 'run.json'),
      `${JSON.stringify({ ...record, finished: ok, adapter, totalMs, runs: summary }, null, 2)}\n`,
    );
    current = 'done';
    log(
      `${join(dir, 'report.html')} written; ${runs.filter((r) => r.status === 'ok').length}/${part.length} experiments ran, ${report.json.disagreements.length} disagreement(s) noted`,
    );
    return ok ? 0 : 1;
  } finally {
    await session.close();
  }
}

/**
 * `--plan`: each experiment of the part trains each of its models for a short measured burst; prints
 * every model (steps, epochs, batch, seconds per step) and the estimated time per experiment and in total.
 * @param {import('./session.mjs').Session} session
 * @param {{ id: string, name: string, config: Record<string, unknown> }[]} part
 * @param {Scale} scale
 * @param {(line: string) => void} log
 * @returns {Promise<number>}
 */
async function plan(session, part, scale, log) {
  const adapter = await session.adapter();
  // Each experiment's lines go out as soon as it is measured: a long plan shows its progress.
  const print = (/** @type {string[]} */ lines) => process.stdout.write(`${lines.join('\n')}\n`);
  const seeds = Number(part[0]?.config.seeds ?? 1);
  print([
    `plan: scale ${scale}, ${part.length} experiment(s)${seeds > 1 ? `, ${seeds} seeds each (trained one after another)` : ''}, adapter ${adapter.name}`,
  ]);
  let total = 0;
  let failed = 0;
  for (const step of part) {
    log(`${step.id}: measuring a short burst of each model's training step`);
    const { outcome, plan: models } = await session.run(step.name, step.config, { scale, plan: true });
    if (outcome.status !== 'ok' || !models) {
      failed++;
      print([
        `${step.id}: could not be measured (${outcome.status === 'ok' ? 'no models reported' : outcome.message})`,
      ]);
      continue;
    }
    const seconds = models.reduce((s, m) => s + m.steps * m.secondsPerStep, 0);
    total += seconds;
    print([
      `${step.id}: ${models.length} model(s), estimated ${formatClock(seconds)}`,
      ...models.map(
        (m) =>
          `  ${m.name}: ${m.epochs} epoch(s), ${m.steps} steps of batch ${m.batchSize} on ${m.samples} images · ${(m.secondsPerStep * 1000).toFixed(1)} ms/step · ${formatClock(m.steps * m.secondsPerStep)}`,
      ),
    ]);
  }
  print([
    `total: estimated ${formatClock(total)} of training on ${adapter.name} (the training steps as timed in the bursts; data loading and the experiments' final evaluations come on top)`,
  ]);
  return failed ? 1 : 0;
}

/**
 * `--merge DIR… --out D`: one report from the parts of a sharded run. Refuses (and writes nothing)
 * when a folder is not a finished part, the parts differ in scale, seed or experiments, a part is
 * given twice or missing, or D is not empty.
 * @param {string[]} dirs
 * @param {string | null} outArg
 * @returns {number}
 */
function merge(dirs, outArg) {
  if (outArg === null) throw new UsageError('--merge: --out D is required; expected --merge DIR… --out D.');
  const out = resolve(outArg);
  if (existsSync(out) && readdirSync(out).length)
    throw new UsageError(
      `--merge: ${out} is not empty; expected a new or empty folder for the merged report (nothing was changed).`,
    );
  const parts = dirs.map((d) => {
    const dir = resolve(d);
    const record = readRecord(dir);
    if (!record) throw new UsageError(`--merge: ${dir} has no run.json; expected the --out folder of a reproduce run.`);
    if (!record.finished || !existsSync(join(dir, 'report.json')))
      throw new UsageError(
        `--merge: ${dir} is not a finished run (run it again with the same arguments to finish it).`,
      );
    return { dir, record };
  });
  const first = /** @type {{ dir: string, record: RunRecord }} */ (parts[0]);
  for (const p of parts.slice(1))
    for (const key of /** @type {const} */ (['scale', 'seed', 'seeds', 'experiments'])) {
      const a = JSON.stringify(first.record[key] ?? (key === 'seeds' ? 1 : null));
      const b = JSON.stringify(p.record[key] ?? (key === 'seeds' ? 1 : null));
      if (a !== b)
        throw new UsageError(
          `--merge: the parts differ in ${key} (${first.dir}: ${a}; ${p.dir}: ${b}); expected parts of one run.`,
        );
    }
  const counts = new Set(parts.map((p) => (p.record.shard ? parseShard(p.record.shard).count : 1)));
  if (counts.size > 1)
    throw new UsageError(
      `--merge: the parts were split differently (${parts.map((p) => `${p.dir}: ${p.record.shard ?? 'whole'}`).join('; ')}); expected one n.`,
    );
  const n = /** @type {number} */ ([...counts][0]);
  /** @type {Map<number, string>} */
  const seen = new Map();
  for (const p of parts) {
    const i = p.record.shard ? parseShard(p.record.shard).index : 1;
    const prior = seen.get(i);
    if (prior !== undefined)
      throw new UsageError(`--merge: part ${i}/${n} is given twice (${prior} and ${p.dir}); expected each part once.`);
    seen.set(i, p.dir);
  }
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length)
    throw new UsageError(
      `--merge: part(s) ${missing.map((k) => `${k}/${n}`).join(', ')} missing; expected all ${n} parts.`,
    );
  /** @type {Map<string, { dir: string, run: NonNullable<RunRecord['runs']>[number] }>} */
  const byId = new Map();
  for (const p of parts)
    for (const r of p.record.runs ?? []) {
      if (byId.has(r.id))
        throw new UsageError(
          `--merge: ${r.id} was run in two parts (${byId.get(r.id)?.dir} and ${p.dir}); expected disjoint parts.`,
        );
      byId.set(r.id, { dir: p.dir, run: r });
    }
  const absent = first.record.experiments.filter((id) => !byId.has(id));
  if (absent.length)
    throw new UsageError(`--merge: no part ran ${absent.join(', ')}; expected every experiment of the plan.`);

  /** @type {ReportRun[]} */
  const runs = [];
  for (const id of first.record.experiments) {
    const { dir, run } = /** @type {{ dir: string, run: NonNullable<RunRecord['runs']>[number] }} */ (byId.get(id));
    const resultFile = join(dir, id, 'result.json');
    const result = run.status === 'ok' ? JSON.parse(readFileSync(resultFile, 'utf8')) : null;
    runs.push({
      id,
      name: run.name,
      status: /** @type {never} */ (run.status),
      error: run.error,
      wallMs: run.wallMs,
      result,
      dir: id,
    });
  }
  mkdirSync(out, { recursive: true });
  for (const id of first.record.experiments) {
    const { dir } = /** @type {{ dir: string }} */ (byId.get(id));
    if (existsSync(join(dir, id)))
      cpSync(join(dir, id), join(out, id), { recursive: true, filter: (src) => !src.includes(`${id}/checkpoints`) });
  }
  const adapters = [...new Set(parts.map((p) => p.record.adapter ?? 'unknown'))];
  const totalMs = parts.reduce((s, p) => s + (p.record.totalMs ?? 0), 0);
  const report = buildReport({
    scale: first.record.scale,
    seed: first.record.seed,
    seeds: first.record.seeds ?? 1,
    adapter: adapters.join(' + '),
    totalMs,
    finishedAt: new Date().toISOString(),
    runs,
  });
  writeAtomic(join(out, 'report.html'), report.html);
  writeAtomic(join(out, 'report.json'), `${JSON.stringify(report.json, null, 2)}\n`);
  /** @type {RunRecord} */
  const record = {
    ...first.record,
    shard: null,
    part: first.record.experiments,
    finished: runs.every((r) => r.status === 'ok'),
    adapter: adapters.join(' + '),
    totalMs,
    runs: runs.map((r) => ({ id: r.id, name: r.name, status: r.status, error: r.error, wallMs: r.wallMs ?? 0 })),
  };
  writeAtomic(join(out, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  process.stderr.write(
    `merged ${parts.length} part(s) into ${join(out, 'report.html')} (${runs.length} experiments)\n`,
  );
  return record.finished ? 0 : 1;
}

try {
  process.exit(await main());
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
