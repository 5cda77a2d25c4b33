// runner-parity.mjs: the whole tiny reproduction through the Node runner (Dawn on SwiftShader's Vulkan
// driver where no GPU is found) against the browser runner's report of the same code and seed:
//   node test/e2e/runner-parity.mjs <browser report dir> [--out <dir>]
// One check per experiment of the browser report: it ran under the Node runner too, with exactly the
// same metrics (same seed, same SwiftShader build: the arithmetic is the same, so equality is exact),
// plus one check that the Node runner wrote the same files. Writes <out>/parity-summary.json
// ({ passed, failed }); exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const [browserDir, ...rest] = process.argv.slice(2);
const outAt = rest.indexOf('--out');
const out = outAt >= 0 ? rest[outAt + 1] : 'test-artifacts/reproduce-tiny-node';
if (!browserDir || !out || !existsSync(join(browserDir, 'report.json'))) {
  console.error('usage: node test/e2e/runner-parity.mjs <dir with the browser runner report.json> [--out <dir>]');
  process.exit(2);
}

/**
 * @typedef {{ id: string, status: string, result: { metrics: unknown } | null }} ReportRun
 * @param {string} dir
 * @returns {{ scale: string, experiments: ReportRun[] }}
 */
const report = (dir) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));

const browser = report(browserDir);
rmSync(out, { recursive: true, force: true });
const t = Date.now();
const r = spawnSync(
  process.execPath,
  ['cli/reproduce.mjs', '--scale', browser.scale, '--runner', 'node', '--out', out],
  { stdio: 'inherit', env: { ...process.env } },
);
console.log(
  `reproduce --scale ${browser.scale} --runner node exited ${r.status} after ${((Date.now() - t) / 1000).toFixed(0)} s`,
);

let passed = 0;
let failed = 0;
/**
 * @param {string} name
 * @param {() => void} body
 */
function check(name, body) {
  try {
    body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
/**
 * @param {boolean} ok
 * @param {string} message
 */
function assert(ok, message) {
  if (!ok) throw new Error(message);
}

/** @type {Map<string, ReportRun>} */
const node = new Map();
if (existsSync(join(out, 'report.json'))) for (const e of report(out).experiments) node.set(e.id, e);
for (const b of browser.experiments) {
  check(`${b.id}: the Node runner's metrics equal the browser runner's`, () => {
    const n = node.get(b.id);
    assert(b.status === 'ok' && b.result !== null, `the browser run of ${b.id} did not finish (${b.status})`);
    if (n === undefined || n.status !== 'ok' || n.result === null)
      throw new Error(`the Node run of ${b.id} did not finish`);
    assert(
      isDeepStrictEqual(n.result.metrics, b.result?.metrics),
      `metrics differ: node ${JSON.stringify(n.result.metrics)} vs browser ${JSON.stringify(b.result?.metrics)}`,
    );
  });
}
check('the Node runner writes the same files as the browser runner', () => {
  for (const b of browser.experiments) {
    const want = readdirSync(join(browserDir, b.id)).sort();
    const got = existsSync(join(out, b.id)) ? readdirSync(join(out, b.id)).sort() : [];
    assert(isDeepStrictEqual(got, want), `${b.id}: node wrote ${got.join(', ')}; browser ${want.join(', ')}`);
  }
});
writeFileSync(join(out, 'parity-summary.json'), JSON.stringify({ passed, failed }));
console.log(`runner parity: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || r.status !== 0 ? 1 : 0);
