// @web/test-runner: every test runs in the system's headless Chromium with WebGPU on SwiftShader.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { summaryLineReporter } from './scripts/summary-reporter.mjs';
import { defaultReporter } from '@web/test-runner';

const root = fileURLToPath(new URL('.', import.meta.url));

const CHROMIUM_FLAGS = [
  '--no-sandbox', // tests run as root in containers, where the sandbox cannot start
  '--headless=new', // full Chromium in new headless mode; the old headless shell has no WebGPU
  '--enable-unsafe-webgpu', // WebGPU on Linux is still behind this flag
  '--enable-features=Vulkan', // Dawn's Vulkan backend...
  '--use-vulkan=swiftshader', // ...on SwiftShader, the CPU Vulkan implementation
  '--use-webgpu-adapter=swiftshader', // offer the SwiftShader adapter to requestAdapter()
  '--use-angle=swiftshader', // keep ANGLE off any (absent) hardware GPU
  '--disable-background-networking', // the machine has no network: no update or
  '--disable-component-update', //   component fetches that would fail and
  '--disable-sync', //   slow the start
  '--no-first-run',
];

/** Serves `*.wgsl?raw` as a JS module exporting the text, like Vite's `?raw`. */
const wgslRaw = {
  name: 'wgsl-raw',
  async serve(context) {
    if (context.path.endsWith('.wgsl')) {
      const text = await readFile(root + context.path.slice(1), 'utf8');
      return { body: `export default ${JSON.stringify(text)};`, type: 'js' };
    }
    return undefined;
  },
};

/** The datasets live in public/data (served at /data/ by Vite); mirror that here. */
const dataAlias = (context, next) => {
  if (context.url.startsWith('/data/')) context.url = '/public' + context.url;
  return next();
};

export default {
  rootDir: root,
  files: process.env.TEST_FILES ? process.env.TEST_FILES.split(',') : ['test/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120000,
  testsStartTimeout: 180000,
  testsFinishTimeout: 900000,
  testFramework: { config: { timeout: 120000 } },
  middleware: [dataAlias],
  plugins: [wgslRaw, esbuildPlugin({ ts: true, target: 'es2022', tsconfig: root + 'tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        headless: 'new',
        args: CHROMIUM_FLAGS,
      },
    }),
  ],
  reporters: [defaultReporter(), summaryLineReporter()],
};
