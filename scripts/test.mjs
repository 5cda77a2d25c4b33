// `npm test`: prepare the data if needed, type-check, then run every test in headless Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `npm test: no Chromium at ${chromium}; the tests run in headless Chromium with WebGPU.\n` +
      `Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n` +
      `(or set CHROMIUM_PATH to a Chromium/Chrome binary).`,
  );
  process.exit(1);
}

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('node', ['scripts/prepare-data.mjs']);
run('npx', ['tsc', '--noEmit']);
rmSync('test-artifacts/summary.json', { force: true });
const r = spawnSync('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
let summary = null;
try {
  summary = JSON.parse(readFileSync('test-artifacts/summary.json', 'utf8'));
} catch {
  // the runner died before reporting
}
if (summary) {
  const tail = summary.skipped ? `, ${summary.skipped} skipped` : '';
  console.log(`\n${summary.passed} passed, ${summary.failed} failed${tail}`);
}
if (r.status !== 0 || !summary || summary.failed > 0 || summary.passed === 0) process.exit(r.status || 1);
