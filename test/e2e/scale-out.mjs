// scale-out.mjs: the command line at scale, driven as processes on SwiftShader's Vulkan driver:
// (a) `reproduce --runner node` gives the browser runner's metrics and weights on a tiny subset;
// (b) the same subset as two shards plus --merge gives the one-process run's metrics;
// (c) a run killed (SIGKILL) after a checkpoint file appears and restarted with the same --out
//     ends with weights files byte-equal to the uninterrupted run's;
// (d) bad shard specs, a merge of parts of other scales or seeds, a resume into a folder of another
//     configuration and a merge into a non-empty folder are refused (exit 2) with their message,
//     and the folder is left byte for byte as it was;
// (e) --plan lists every experiment's models with a measured step time and a total estimate;
// (f) python/test_autoencoders.py accepts the Node runner's weights files (names and shapes).
// Writes test-artifacts/scale-out-summary.json ({ passed, failed }); exits 1 on any failure.
// Runs `node cli/reproduce.mjs` (and python3); takes a few minutes on two CPU cores.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'scale-out-'));
const ONLY = 'fc-train,conv-latent,conv-transfer';
const TINY = ['--scale', 'tiny', '--only', ONLY];
// SwiftShader's Vulkan driver for the Node runner, as on a machine without a GPU.
const env = { ...process.env, AE_SWIFTSHADER: '1' };

let passed = 0;
let failed = 0;
/** @type {{ name: string, ok: boolean, error?: string }[]} */
const results = [];

/**
 * @param {string} name
 * @param {() => Promise<void> | void} body
 */
async function check(name, body) {
  const t0 = Date.now();
  try {
    await body();
    passed++;
    results.push({ name, ok: true });
    process.stdout.write(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  } catch (e) {
    failed++;
    const error = e instanceof Error ? e.message : String(e);
    results.push({ name, ok: false, error });
    process.stdout.write(`FAIL ${name}: ${error}\n`);
  }
}

/**
 * @param {unknown} cond
 * @param {string} message
 * @returns {asserts cond}
 */
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Runs `node cli/reproduce.mjs ARGS`; resolves to { code, stdout, stderr }.
 * @param {string[]} args
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function reproduce(args) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['cli/reproduce.mjs', ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * @param {{ code: number, stderr: string }} r
 * @param {string} what
 */
function expectOk(r, what) {
  assert(r.code === 0, `${what} exited with ${r.code}; last lines: ${r.stderr.split('\n').slice(-6).join(' | ')}`);
}

/**
 * Every file under `dir` (relative path → sha256), checkpoints included.
 * @param {string} dir
 * @returns {Record<string, string>}
 */
function snapshot(dir) {
  /** @type {Record<string, string>} */
  const out = {};
  const walk = (/** @type {string} */ d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/**
 * @param {string} dir
 * @returns {{ id: string, status: string, result: { metrics: unknown } | null }[]}
 */
const experimentsOf = (dir) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).experiments;

/**
 * Metrics by experiment of a finished run's report.json; every experiment must have run.
 * @param {string} dir
 */
function metricsOf(dir) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const e of experimentsOf(dir)) {
    assert(e.status === 'ok' && e.result, `${dir}: ${e.id} did not run (${e.status})`);
    out[e.id] = e.result.metrics;
  }
  return out;
}

/**
 * The .safetensors files of each experiment's folder (relative path → sha256).
 * @param {string} dir
 */
function weightsOf(dir) {
  return Object.fromEntries(
    Object.entries(snapshot(dir)).filter(([p]) => p.endsWith('.safetensors') && !p.includes('checkpoints')),
  );
}

/**
 * @param {Record<string, unknown>} a
 * @param {Record<string, unknown>} b
 * @param {string} what
 */
function expectSameMetrics(a, b, what) {
  assert(
    Object.keys(a).length === ONLY.split(',').length,
    `${what}: expected ${ONLY} in the report, got ${Object.keys(a).join(', ')}`,
  );
  for (const id of Object.keys(a))
    assert(
      isDeepStrictEqual(a[id], b[id]),
      `${what}: ${id} metrics differ: ${JSON.stringify(a[id])} vs ${JSON.stringify(b[id])}`,
    );
}

/**
 * Expects exit status 2, a message matching `pattern`, and `dir` unchanged.
 * @param {string[]} args
 * @param {RegExp} pattern
 * @param {string} dir
 */
async function expectRefused(args, pattern, dir) {
  const before = snapshot(dir);
  const r = await reproduce(args);
  assert(r.code === 2, `reproduce ${args.join(' ')}: expected exit status 2, got ${r.code}`);
  assert(
    pattern.test(r.stderr),
    `reproduce ${args.join(' ')}: expected a message matching ${pattern}, got: ${r.stderr.trim()}`,
  );
  assert(isDeepStrictEqual(snapshot(dir), before), `reproduce ${args.join(' ')}: ${dir} changed`);
}

const one = join(work, 'node');
const browser = join(work, 'browser');

await check('(a) --runner node gives the browser runner\u2019s metrics and weights', async () => {
  const r = await reproduce([...TINY, '--runner', 'node', '--out', one]);
  expectOk(r, 'reproduce --runner node');
  assert(
    /\[runner\] node: adapter .*swiftshader/i.test(r.stderr),
    'the node runner did not name its SwiftShader adapter',
  );
  assert(/CPU implementation, not a GPU/.test(r.stderr), 'the node runner did not say that there is no GPU');
  const b = await reproduce([...TINY, '--runner', 'browser', '--out', browser]);
  expectOk(b, 'reproduce --runner browser');
  expectSameMetrics(metricsOf(one), metricsOf(browser), 'node vs browser');
  assert(isDeepStrictEqual(weightsOf(one), weightsOf(browser)), 'node vs browser: the weights files differ');
  const pngs = (/** @type {string} */ d) =>
    Object.keys(snapshot(d))
      .filter((p) => p.endsWith('.png'))
      .sort();
  assert(pngs(one).length > 0 && isDeepStrictEqual(pngs(one), pngs(browser)), 'node vs browser: different PNG files');
});

await check('(b) two shards plus --merge give the one-process run\u2019s metrics', async () => {
  const parts = [join(work, 'part1'), join(work, 'part2')];
  for (const [k, dir] of parts.entries())
    expectOk(await reproduce([...TINY, '--runner', 'node', '--shard', `${k + 1}/2`, '--out', dir]), `shard ${k + 1}/2`);
  const [first = [], second = []] = parts.map((d) => experimentsOf(d).map((e) => e.id));
  assert(first.length > 0 && second.length > 0, `a shard ran nothing: ${JSON.stringify([first, second])}`);
  assert(!first.some((id) => second.includes(id)), `the shards overlap: ${JSON.stringify([first, second])}`);
  const merged = join(work, 'merged');
  expectOk(await reproduce(['--merge', ...parts, '--out', merged]), 'merge');
  expectSameMetrics(metricsOf(merged), metricsOf(one), 'merged vs one process');
  assert(existsSync(join(merged, 'report.html')), 'the merge wrote no report.html');
});

await check('(c) killed after a checkpoint and restarted, the weights equal an uninterrupted run\u2019s', async () => {
  const dir = join(work, 'killed');
  const args = [...TINY, '--runner', 'node', '--checkpoint-steps', '2', '--out', dir];
  const child = spawn(process.execPath, ['cli/reproduce.mjs', ...args], {
    cwd: root,
    env,
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.on('close', r));
  const started = Date.now();
  /** @returns {string[]} */
  const checkpoints = () =>
    Object.keys(snapshot(dir)).filter((p) => p.includes('checkpoints/') && p.endsWith('.ckpt.safetensors'));
  while (checkpoints().length === 0 && Date.now() - started < 120_000 && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  assert(checkpoints().length > 0, 'no checkpoint file appeared within 2 minutes');
  process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
  await exited;
  assert(
    !existsSync(join(dir, 'report.json')),
    'the run finished before it was killed; expected it killed mid-training',
  );
  const r = await reproduce(args);
  expectOk(r, 'the restarted run');
  assert(/resuming the run/.test(r.stderr), 'the restart did not say it resumed');
  assert(/resuming from the checkpoint at step \d+/.test(r.stderr), 'no model resumed from a checkpoint');
  assert(
    isDeepStrictEqual(weightsOf(dir), weightsOf(one)),
    'the resumed run\u2019s weights differ from the uninterrupted run\u2019s',
  );
  expectSameMetrics(metricsOf(dir), metricsOf(one), 'resumed vs uninterrupted');
});

await check('(d) bad shard specs, mixed merges and a resume into another configuration are refused', async () => {
  for (const spec of ['0/2', '3/2', 'a/b'])
    await expectRefused([...TINY, '--runner', 'node', '--shard', spec, '--out', one], /--shard: /, one);
  await expectRefused(
    [...TINY, '--runner', 'node', '--seed', '3', '--out', one],
    /another configuration \(seed: none there, 3 here\)/,
    one,
  );
  await expectRefused(
    ['--scale', 'small', '--only', ONLY, '--runner', 'node', '--out', one],
    /another configuration \(scale: tiny there, small here/,
    one,
  );
  // Parts of another seed and of another scale, run for real.
  const seeded = join(work, 'seed1-part2');
  expectOk(
    await reproduce([...TINY, '--seed', '1', '--runner', 'node', '--shard', '2/2', '--out', seeded]),
    'seed 1 shard 2/2',
  );
  const target = join(work, 'merge-refused');
  await expectRefused(['--merge', join(work, 'part1'), seeded, '--out', target], /the parts differ in seed/, target);
  const small = join(work, 'small-part2');
  expectOk(
    await reproduce(['--scale', 'small', '--only', 'fc-train', '--runner', 'node', '--shard', '1/1', '--out', small]),
    'small scale',
  );
  await expectRefused(['--merge', join(work, 'part1'), small, '--out', target], /the parts differ in scale/, target);
  await expectRefused(['--merge', join(work, 'part1'), join(work, 'part1'), '--out', target], /given twice/, target);
  await expectRefused(['--merge', join(work, 'part1'), '--out', target], /part\(s\) 2\/2 missing/, target);
  await expectRefused(['--merge', join(work, 'part1'), join(work, 'part2'), '--out', one], /is not empty/, one);
});

await check('(e) --plan lists every model with a measured step time and a total', async () => {
  const r = await reproduce([...TINY, '--runner', 'node', '--plan']);
  expectOk(r, 'reproduce --plan');
  for (const id of ONLY.split(',')) {
    const m = new RegExp(`^${id}: (\\d+) model\\(s\\), estimated (\\d+:\\d\\d)$`, 'm').exec(r.stdout);
    assert(m && Number(m[1]) >= 1, `--plan: no line for ${id}:\n${r.stdout}`);
  }
  const models = r.stdout
    .split('\n')
    .filter((l) => /^ {2}.+: \d+ epoch\(s\), \d+ steps of batch \d+ on \d+ images · [\d.]+ ms\/step/.test(l));
  const counted = [...r.stdout.matchAll(/: (\d+) model\(s\)/g)].reduce((s, m) => s + Number(m[1]), 0);
  assert(models.length === counted && counted >= 3, `--plan: ${models.length} model lines for ${counted} models`);
  assert(
    models.every((l) => !/ NaN ms/.test(l) && !/ 0\.0 ms/.test(l)),
    `--plan: a model without a measured step:\n${r.stdout}`,
  );
  assert(/^total: estimated \d+:\d\d/m.test(r.stdout), `--plan: no total:\n${r.stdout}`);
  // conv-latent's models are the ones the real run trained (its stop reasons, by model name).
  const latent = JSON.parse(readFileSync(join(one, 'conv-latent', 'result.json'), 'utf8'));
  for (const name of Object.keys(latent.stopReasons ?? {}))
    assert(r.stdout.includes(`  ${name}: `), `--plan: conv-latent's model "${name}" is not listed`);
});

await check('(f) python/test_autoencoders.py accepts the node runner\u2019s weights files', () => {
  const py = spawnSync('python3', ['python/test_autoencoders.py', one], { cwd: root, encoding: 'utf8' });
  if (py.error) throw new Error(`python3 could not be started: ${py.error.message}`);
  assert(
    py.status === 0,
    `python/test_autoencoders.py exited with ${py.status}: ${py.stderr.split('\n').slice(-12).join('\n')}`,
  );
});

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
writeFileSync(join(root, 'test-artifacts', 'scale-out-summary.json'), `${JSON.stringify({ passed, failed })}\n`);
process.stdout.write(`scale-out: ${passed} passed, ${failed} failed\n`);
if (failed === 0) rmSync(work, { recursive: true, force: true });
else process.stdout.write(`(outputs kept in ${work})\n`);
process.exit(failed === 0 ? 0 : 1);
