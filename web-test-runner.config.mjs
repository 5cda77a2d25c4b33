// @web/test-runner: every test runs in the system's headless Chromium with WebGPU on SwiftShader.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { summaryLineReporter } from './scripts/summary-reporter.mjs';
import { CHROMIUM_FLAGS } from './scripts/chromium-flags.mjs'; // each flag is explained there
import { defaultReporter } from '@web/test-runner';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Serves `*.wgsl?raw` as a JS module exporting the text, like Vite's `?raw`.
 * @type {import('@web/dev-server-core').Plugin}
 */
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

/**
 * Serves `*.css?inline` as a JS module exporting the stylesheet text, like Vite's `?inline`.
 * @type {import('@web/dev-server-core').Plugin}
 */
const cssInline = {
  name: 'css-inline',
  async serve(context) {
    if (context.path.endsWith('.css') && context.URL.searchParams.has('inline')) {
      const text = await readFile(root + context.path.slice(1), 'utf8');
      return { body: `export default ${JSON.stringify(text)};`, type: 'js' };
    }
    return undefined;
  },
};

/**
 * The datasets live in public/data (served at /data/ by Vite); mirror that here.
 * @type {import('@web/dev-server-core').Middleware}
 */
const dataAlias = (context, next) => {
  if (context.url.startsWith('/data/')) context.url = `/public${context.url}`;
  return next();
};

/** @type {import('@web/test-runner').TestRunnerConfig} */
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
  plugins: [wgslRaw, cssInline, esbuildPlugin({ ts: true, target: 'es2022', tsconfig: `${root}tsconfig.json` })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        // true is the new headless mode (puppeteer passes --headless=new).
        headless: true,
        args: CHROMIUM_FLAGS,
      },
    }),
  ],
  reporters: [defaultReporter(), summaryLineReporter()],
};
