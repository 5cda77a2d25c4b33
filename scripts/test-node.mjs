// `npm run test:node`: the engine's tests that need no DOM (scripts/test-node/suite.mjs) from Node, on
// Dawn's WebGPU bindings (the `webgpu` package) instead of a browser, so the GPU kernels are checked on
// whatever adapter Dawn finds: a real GPU on a machine that has one, or SwiftShader's Vulkan driver.
//
//   node scripts/test-node.mjs [--swiftshader | --swiftshader-without-gpu] [test files…]
//
// The test files (default: the Node suite; or TEST_FILES=a,b) are bundled by esbuild (WGSL imported as
// text, the `webgpu` package left external) into test-artifacts/node/, each behind
// scripts/test-node/globals.mjs (WebGPU as navigator.gpu, mocha's describe/it on node:test, fetch of
// root-relative paths from the repository), then run one file at a time by `node --test`, whose spec
// reporter prints every test and the closing counts. The counts also go to test-artifacts/node/summary.json
// for scripts/test.mjs.
//
// Adapter: what navigator.gpu.requestAdapter() returns in Dawn; none is an error. `--swiftshader` (or
// WEBGPU_SWIFTSHADER=1) limits Vulkan to SwiftShader's driver (SWIFTSHADER_ICD, default Chromium's
// /usr/lib/chromium/vk_swiftshader_icd.json); `--swiftshader-without-gpu` (what `npm run test:node` and
// `npm test` pass) does so only when Dawn finds no adapter otherwise, and says so. WEBGPU_DAWN_OPTIONS
// passes options to Dawn's create().
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rawText } from './esbuild-text.mjs';
import { chooseDawnAdapter, dawnAdapterName } from './test-node/dawn.mjs';
import { nodeSuiteFiles } from './test-node/suite.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'test-artifacts', 'node');
const summaryFile = join(outdir, 'summary.json');

const USAGE = `usage: node scripts/test-node.mjs [--swiftshader | --swiftshader-without-gpu] [test files…]
  --swiftshader              run on SwiftShader's Vulkan driver (also WEBGPU_SWIFTSHADER=1)
  --swiftshader-without-gpu  use SwiftShader only if Dawn finds no adapter otherwise
  test files                 paths of *.test.ts files (also TEST_FILES=a,b); default: the Node suite`;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  process.stderr.write(`test:node: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
/** @type {'none' | 'swiftshader' | 'swiftshader-without-gpu'} */
let swiftshader = process.env.WEBGPU_SWIFTSHADER === '1' ? 'swiftshader' : 'none';
/** @type {string[]} */
const requested = [];
for (const a of args) {
  if (a === '--swiftshader') swiftshader = 'swiftshader';
  else if (a === '--swiftshader-without-gpu')
    swiftshader = swiftshader === 'swiftshader' ? 'swiftshader' : 'swiftshader-without-gpu';
  else if (a === '--help' || a === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  } else if (a.startsWith('-')) fail(`unknown option ${a}\n${USAGE}`);
  else requested.push(a);
}
if (process.env.TEST_FILES) requested.push(...process.env.TEST_FILES.split(',').filter((s) => s.length > 0));
const files = (
  requested.length ? requested.map((f) => relative(root, resolve(f)).split('\\').join('/')) : nodeSuiteFiles()
).filter((f, i, all) => all.indexOf(f) === i);
for (const f of files) {
  if (!existsSync(join(root, f)) || !statSync(join(root, f)).isFile()) fail(`no test file ${f}`);
  if (!f.endsWith('.test.ts')) fail(`${f} is not a *.test.ts file`);
}

// ---- the adapter ----
/** @type {{ adapter: import('./test-node/dawn.mjs').DawnAdapter, env: NodeJS.ProcessEnv }} */
let chosen;
try {
  chosen = chooseDawnAdapter(swiftshader);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
const adapterName = dawnAdapterName(chosen.adapter);
const env = { ...chosen.env, TEST_NODE_ROOT: root };
process.stdout.write(`test:node: adapter ${adapterName}${chosen.adapter.isFallback ? ' (a fallback adapter)' : ''}\n`);

// ---- bundle ----
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const globalsModule = join(root, 'scripts', 'test-node', 'globals.mjs');

/** @type {import('esbuild').Plugin} */
const entries = {
  name: 'node-test-entry',
  setup(b) {
    b.onResolve({ filter: /^node-test-entry:/ }, (a) => ({
      path: a.path.slice('node-test-entry:'.length),
      namespace: 'entry',
    }));
    b.onLoad({ filter: /.*/, namespace: 'entry' }, (a) => ({
      contents: `import ${JSON.stringify(globalsModule)};\nimport ${JSON.stringify(join(root, a.path))};\n`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};
const started = Date.now();
try {
  await build({
    absWorkingDir: root,
    entryPoints: files.map((f) => ({ in: `node-test-entry:${f}`, out: f.replace(/\.ts$/, '') })),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    external: ['webgpu'],
    mainFields: ['module', 'main'],
    tsconfig: join(root, 'tsconfig.json'),
    // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    plugins: [entries, rawText],
  });
} catch (e) {
  fail(`bundling the tests failed: ${e instanceof Error ? e.message : String(e)}`);
}
process.stdout.write(`test:node: bundled ${files.length} test files in ${Date.now() - started} ms\n`);

// ---- run ----
const bundles = files.map((f) => join(outdir, f.replace(/\.ts$/, '.mjs')));
const r = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'test-node', 'summary-reporter.mjs')}`,
    `--test-reporter-destination=${summaryFile}`,
    ...bundles,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
/** @type {{ pass?: number, fail?: number, cancelled?: number }} */
let counts = {};
try {
  counts = JSON.parse(readFileSync(summaryFile, 'utf8'));
} catch {
  // node --test died before its reporters finished
}
const passed = counts.pass ?? 0;
const failed = (counts.fail ?? 0) + (counts.cancelled ?? 0);
process.stdout.write(
  `test:node on ${adapterName}: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
);
const ok = r.status === 0 && failed === 0 && passed > 0;
process.exit(ok ? 0 : r.status || 1);
