// `npm test`: prepare the data if needed, type-check, run every test in headless Chromium, then the
// Node suite (scripts/test-node.mjs: the engine's tests from Node on Dawn, on the machine's GPU or on
// SwiftShader's Vulkan driver where Dawn finds none), then the end-to-end tests (test/e2e/run.mjs) and the tiny headless report (cli/reproduce.mjs checked by
// test/e2e/check-report.mjs); the last line counts all: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { nodeSuiteFiles } from './test-node/suite.mjs';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `npm test: no Chromium at ${chromium}; the tests run in headless Chromium with WebGPU.\n` +
      `Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n` +
      `(or set CHROMIUM_PATH to a Chromium/Chrome binary).`,
  );
  process.exit(1);
}

/**
 * @param {string} cmd
 * @param {string[]} args
 */
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('node', ['scripts/prepare-data.mjs']);
// Lint and format check (Biome, biome.json): a warning fails the run like an error.
run('npx', ['biome', 'check', '--error-on-warnings', '.']);
run('npx', ['tsc', '--noEmit']);
// The .mjs scripts, checked through their JSDoc types (checkJs).
run('npx', ['tsc', '-p', 'tsconfig.scripts.json', '--noEmit']);
rmSync('test-artifacts/summary.json', { force: true });
const r = spawnSync('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
let summary = null;
try {
  summary = JSON.parse(readFileSync('test-artifacts/summary.json', 'utf8'));
} catch {
  // the runner died before reporting
}
// The Node suite: the same engine tests from Node on Dawn. With TEST_FILES, only those of its files that
// were asked for (none: skipped); skipped when arguments are given (they are the browser runner's), or
// with NODE_TESTS=0.
let node = { passed: 0, failed: 0 };
const asked = process.env.TEST_FILES?.split(',').filter((f) => f.length > 0);
const nodeFiles = asked ? nodeSuiteFiles().filter((f) => asked.includes(f)) : nodeSuiteFiles();
if (process.env.NODE_TESTS !== '0' && process.argv.length <= 2 && nodeFiles.length > 0) {
  const summaryFile = 'test-artifacts/node/summary.json';
  rmSync(summaryFile, { force: true });
  const { TEST_FILES: _, ...env } = process.env;
  const nr = spawnSync('node', ['scripts/test-node.mjs', '--swiftshader-without-gpu', ...(asked ? nodeFiles : [])], {
    stdio: 'inherit',
    env,
  });
  try {
    const counts = JSON.parse(readFileSync(summaryFile, 'utf8'));
    node = { passed: counts.pass ?? 0, failed: (counts.fail ?? 0) + (counts.cancelled ?? 0) };
  } catch {
    node = { passed: 0, failed: 1 }; // the Node runner died before counting
  }
  if (nr.status !== 0 && node.failed === 0) node.failed = 1;
}
// End-to-end: the demo page and the built library (test/e2e/run.mjs builds it) as a person uses them.
// Skipped when only some test files were asked for (TEST_FILES or arguments), or with E2E=0.
const e2eWanted = process.env.E2E !== '0' && !process.env.TEST_FILES && process.argv.length <= 2;
let e2e = { passed: 0, failed: 0 };
if (e2eWanted) {
  rmSync('test-artifacts/e2e/summary.json', { force: true });
  const er = spawnSync('node', ['test/e2e/run.mjs'], { stdio: 'inherit' });
  try {
    e2e = JSON.parse(readFileSync('test-artifacts/e2e/summary.json', 'utf8'));
  } catch {
    e2e = { passed: 0, failed: 1 }; // the e2e script died before counting
  }
  if (er.status !== 0 && e2e.failed === 0) e2e.failed = 1;
}
// More end-to-end scripts, each counting its checks into a summary file: the labs' settings, runs and
// own data on the demo page (test/e2e/lab.mjs), and the command line without a browser, sharded,
// merged, killed and resumed (test/e2e/scale-out.mjs). Skipped like the end-to-end tests.
const MORE_E2E = [
  { script: 'test/e2e/lab.mjs', summary: 'test-artifacts/e2e/lab-summary.json' },
  { script: 'test/e2e/scale-out.mjs', summary: 'test-artifacts/scale-out-summary.json' },
];
if (e2eWanted) {
  for (const { script, summary: file } of MORE_E2E) {
    rmSync(file, { force: true });
    const sr = spawnSync('node', [script], { stdio: 'inherit' });
    let counts = { passed: 0, failed: 1 };
    try {
      counts = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // the script died before counting
    }
    if (sr.status !== 0 && counts.failed === 0) counts.failed = 1;
    console.log(`${script}: ${counts.passed} passed, ${counts.failed} failed`);
    e2e = { passed: e2e.passed + counts.passed, failed: e2e.failed + counts.failed };
  }
}
// The headless report: `reproduce --scale tiny` runs every experiment of both reports, then
// test/e2e/check-report.mjs checks its report.json, report.html and PNG files. Skipped like the
// end-to-end tests, or with REPRODUCE=0. Its counts join e2e's in the last line. Then the Node
// runner's parity, and a few experiments over two seeds checked for their spread.
if (e2eWanted && process.env.REPRODUCE !== '0') {
  const dir = 'test-artifacts/reproduce-tiny';
  rmSync(dir, { recursive: true, force: true });
  const t = Date.now();
  const rr = spawnSync('node', ['cli/reproduce.mjs', '--scale', 'tiny', '--out', dir], { stdio: 'inherit' });
  console.log(`reproduce --scale tiny exited ${rr.status} after ${((Date.now() - t) / 1000).toFixed(0)} s`);
  const cr = spawnSync('node', ['test/e2e/check-report.mjs', dir, '--scale', 'tiny'], { stdio: 'inherit' });
  let rc = { passed: 0, failed: 1 };
  try {
    rc = JSON.parse(readFileSync(`${dir}/check-summary.json`, 'utf8'));
  } catch {
    // the checker died before counting
  }
  if ((rr.status !== 0 || cr.status !== 0) && rc.failed === 0) rc.failed = 1;
  e2e = { passed: e2e.passed + rc.passed, failed: e2e.failed + rc.failed };
  // The same tiny reproduction through the Node runner (no browser): every experiment's metrics must
  // equal the browser runner's.
  const pr = spawnSync('node', ['test/e2e/runner-parity.mjs', dir, '--out', `${dir}-node`], { stdio: 'inherit' });
  let pc = { passed: 0, failed: 1 };
  try {
    pc = JSON.parse(readFileSync(`${dir}-node/parity-summary.json`, 'utf8'));
  } catch {
    // the parity script died before counting
  }
  if (pr.status !== 0 && pc.failed === 0) pc.failed = 1;
  e2e = { passed: e2e.passed + pc.passed, failed: e2e.failed + pc.failed };
  // Over two seeds: a few experiments (fc-train's curves, a sweep, the conv latent sizes and capacity bars)
  // at tiny scale; check-report --seeds 2 looks for the "mean ± sd" figures, the bands and error bars.
  const seedsDir = `${dir}-seeds2`;
  const only = 'fc-train,fc-sweep-loss,conv-latent,conv-capacity';
  rmSync(seedsDir, { recursive: true, force: true });
  const ts = Date.now();
  const sr2 = spawnSync(
    'node',
    ['cli/reproduce.mjs', '--scale', 'tiny', '--seeds', '2', '--only', only, '--out', seedsDir],
    { stdio: 'inherit' },
  );
  console.log(`reproduce --scale tiny --seeds 2 exited ${sr2.status} after ${((Date.now() - ts) / 1000).toFixed(0)} s`);
  const sc = spawnSync(
    'node',
    ['test/e2e/check-report.mjs', seedsDir, '--scale', 'tiny', '--seeds', '2', '--only', only],
    { stdio: 'inherit' },
  );
  let sc2 = { passed: 0, failed: 1 };
  try {
    sc2 = JSON.parse(readFileSync(`${seedsDir}/check-summary.json`, 'utf8'));
  } catch {
    // the checker died before counting
  }
  if ((sr2.status !== 0 || sc.status !== 0) && sc2.failed === 0) sc2.failed = 1;
  e2e = { passed: e2e.passed + sc2.passed, failed: e2e.failed + sc2.failed };
}
if (summary) {
  const tail = summary.skipped ? `, ${summary.skipped} skipped` : '';
  console.log(
    `\nbrowser ${summary.passed} passed, ${summary.failed} failed; node ${node.passed} passed, ${node.failed} failed; ` +
      `end-to-end and report ${e2e.passed} passed, ${e2e.failed} failed`,
  );
  console.log(
    `${summary.passed + node.passed + e2e.passed} passed, ${summary.failed + node.failed + e2e.failed} failed${tail}`,
  );
}
if (r.status !== 0 || !summary || summary.failed > 0 || summary.passed === 0 || node.failed > 0 || e2e.failed > 0)
  process.exit(r.status || 1);
