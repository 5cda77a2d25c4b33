// run.mjs: `npm run bench` — serves the repo with Vite on a free localhost port, opens bench/index.html
// in headless Chromium (WebGPU on, the same flags as web-test-runner.config.mjs), forwards the page's
// progress lines to stderr, then prints a table (or, with --json, one JSON object: adapter and per-workload
// rows) on stdout and
// writes bench/results/<YYYY-MM-DD>-<adapter>.json.
// The cold first-step workload asks for each of its measurements through window.benchCold: every call
// launches a fresh Chromium (same flags, a new temporary profile), opens the page with ?cold=PEER, waits
// for that page's outcome (window.coldDone) and closes the browser.
//
// Flags: --rounds N (default 5)   --budget S (default 45; 0: none)   --smoke (1 round, tiny shapes,
//        nothing written)          --only name,name   --json   --help
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../scripts/chromium-flags.mjs';
import { finishRun, parseBenchArgs, resultFile, usage } from './report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * What bench/main.ts leaves on the page's window.
 * @typedef {Window & {
 *   benchResult?: import('./suite').BenchResult,
 *   benchError?: string,
 *   coldDone?: Promise<unknown>,
 * }} BenchWindow
 */

/** A headless Chromium with CHROMIUM_FLAGS and a new temporary profile (puppeteer's default). */
function launch() {
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    protocolTimeout: 0,
  });
}

/**
 * One cold first step: a fresh Chromium opens `url` (the page with ?cold=PEER), whose outcome comes back
 * as { outcome } or, on any failure (the page's, the browser's), { error }. The browser is closed after.
 * @param {string} url
 * @param {string} peer
 * @returns {Promise<unknown>}
 */
async function coldRun(url, peer) {
  let browser = null;
  try {
    browser = await launch();
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on('console', (msg) => {
      const text = msg.text();
      if (!text.startsWith('[vite]')) process.stderr.write(`[cold ${peer}] ${text}\n`);
    });
    page.on('pageerror', (e) => {
      const message = e instanceof Error ? e.message : String(e);
      errors.push(message);
      process.stderr.write(`[cold ${peer}] page error: ${message}\n`);
    });
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    const ready = await page.evaluate(() => /** @type {BenchWindow} */ (window).coldDone !== undefined);
    if (!ready)
      return { error: `the cold page did not start (${url})${errors.length ? `: ${errors.join('; ')}` : ''}` };
    return await page.evaluate(() => /** @type {BenchWindow} */ (window).coldDone);
  } catch (e) {
    return { error: `the browser for ${url} failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    await browser?.close();
  }
}

/**
 * @param {string[]} argv
 * @returns {import('./report.mjs').BenchArgs}
 */
function parseArgs(argv) {
  try {
    const opts = parseBenchArgs(argv);
    if (opts.help) {
      console.log(usage('bench'));
      process.exit(0);
    }
    return opts;
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(message);
  process.exit(2);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = await createServer({
    root,
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, open: false },
    // Bundle tfjs before the page asks for it, so the optimizer never reloads the page mid-run.
    optimizeDeps: {
      entries: ['bench/index.html'],
      include: [
        '@tensorflow/tfjs-core',
        '@tensorflow/tfjs-core/dist/register_all_gradients',
        '@tensorflow/tfjs-backend-webgpu',
        '@jax-js/jax',
      ],
    },
  });
  let browser = null;
  try {
    await server.listen();
    const { port } = /** @type {import('node:net').AddressInfo} */ (
      /** @type {import('node:http').Server} */ (server.httpServer).address()
    );
    const shared = {
      ...(opts.smoke ? { smoke: '1' } : {}),
      ...(opts.tuning ? { tuning: JSON.stringify(opts.tuning) } : {}),
    };
    const query = new URLSearchParams({
      rounds: String(opts.rounds),
      budget: String(opts.budget),
      ...shared,
      ...(opts.only ? { only: opts.only } : {}),
    });
    const url = `http://127.0.0.1:${port}/bench/index.html?${query}`;
    browser = await launch();
    const page = await browser.newPage();
    await page.exposeFunction('benchCold', (/** @type {string} */ peer) =>
      coldRun(`http://127.0.0.1:${port}/bench/index.html?${new URLSearchParams({ cold: peer, ...shared })}`, peer),
    );
    page.on('console', (msg) => {
      const text = msg.text();
      if (!text.startsWith('[vite]')) process.stderr.write(`${text}\n`);
    });
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e instanceof Error ? e.message : String(e)}\n`));
    process.stderr.write(`bench: ${url}\n`);
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForFunction(
      () => {
        const w = /** @type {BenchWindow} */ (window);
        return w.benchResult !== undefined || w.benchError !== undefined;
      },
      {
        timeout: 0,
        polling: 500,
      },
    );
    const { result, error } = await page.evaluate(() => {
      const w = /** @type {BenchWindow} */ (window);
      return { result: w.benchResult ?? null, error: w.benchError ?? null };
    });
    if (error !== null) throw new Error(`the bench page failed: ${error}`);
    // The page sets benchResult or benchError before the wait above ends.
    return { opts, result: /** @type {import('./suite').BenchResult} */ (result) };
  } finally {
    await browser?.close();
    await server.close();
  }
}

try {
  const { opts, result } = await main();
  /** @type {(file: string, text: string) => void} */
  const write = (file, text) => {
    mkdirSync(new URL('results/', import.meta.url), { recursive: true });
    writeFileSync(new URL(`../${file}`, import.meta.url), text);
  };
  const status = finishRun(result, opts, resultFile(result), write, (line) => process.stderr.write(`bench: ${line}\n`));
  if (status !== 0) process.exit(status);
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
