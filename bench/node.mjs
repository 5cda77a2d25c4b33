// node.mjs: `npm run bench:node` — bundles bench/node-main.ts (esbuild; WGSL imported as text, the
// `webgpu` package left external) into bench/dist-node/bench.mjs, then runs it with this Node, passing
// the flags on. `--build-only` stops after the bundle (to copy it, with node_modules/webgpu, to a GPU
// machine without a browser). Needs Dawn's Vulkan backend to find a driver: on Linux, libvulkan.so.1
// and the GPU's ICD (on a machine without a GPU, Chromium's SwiftShader ICD works: see BENCHMARKS.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rawText } from '../scripts/esbuild-text.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = fileURLToPath(new URL('dist-node/bench.mjs', import.meta.url));

const args = process.argv.slice(2);
const buildOnly = args.includes('--build-only');
await build({
  absWorkingDir: root,
  entryPoints: ['bench/node-main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [rawText],
});
process.stderr.write(`bench:node: bundled ${outfile}\n`);
if (!buildOnly) {
  const r = spawnSync(process.execPath, [outfile, ...args], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
