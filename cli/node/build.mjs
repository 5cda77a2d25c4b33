// build.mjs: bundles the Node runner (cli/node/main.ts) with esbuild into cli/dist-node/runner.mjs,
// WGSL `?raw` imports as text and the native packages (webgpu, @napi-rs/canvas) left external, as
// bench/node.mjs does for the benchmark. `node cli/node/build.mjs` builds it alone; the CLI calls
// buildNodeRunner() before it imports the bundle. Imports esbuild.
import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rawText } from '../../scripts/esbuild-text.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where the bundle goes. */
export const RUNNER_BUNDLE = fileURLToPath(new URL('../dist-node/runner.mjs', import.meta.url));

/**
 * Bundles cli/node/main.ts; resolves to the bundle's path. Written beside it and renamed into place,
 * so processes starting together (the shards of one machine) never read a half-written bundle.
 */
export async function buildNodeRunner() {
  const temp = `${RUNNER_BUNDLE}.tmp-${process.pid}.mjs`;
  try {
    await bundle(temp);
    renameSync(temp, RUNNER_BUNDLE);
  } finally {
    rmSync(temp, { force: true });
  }
  return RUNNER_BUNDLE;
}

/** @param {string} outfile */
async function bundle(outfile) {
  await build({
    absWorkingDir: root,
    entryPoints: ['cli/node/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu', '@napi-rs/canvas'],
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    plugins: [rawText],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stderr.write(`built ${await buildNodeRunner()}\n`);
}
