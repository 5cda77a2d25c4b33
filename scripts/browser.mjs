// browser.mjs: a page of this repo in headless Chromium with WebGPU, for the Node-side tools
// (`npm run experiment`, the benchmark). Serves the repo with a Vite dev server on a free localhost
// port, launches Chromium through puppeteer-core with the flags of scripts/chromium-flags.mjs, streams
// the page's console to stderr and closes everything on exit, SIGINT or SIGTERM.
// Imports vite, puppeteer-core and ./chromium-flags.mjs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium-flags.mjs';

export { CHROMIUM_FLAGS, CHROMIUM_PATH };

/** The repository root (the Vite root). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Thrown when the browser cannot be started at all (no binary); the message says how to fix it. */
export class BrowserUnavailableError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'BrowserUnavailableError';
  }
}

/**
 * Starts a Vite dev server over the repo on 127.0.0.1 and a free port.
 * `entries`: HTML pages whose imports Vite pre-bundles at start, so the dependency optimizer never
 * reloads the page halfway through a run. Returns { server, origin, close }.
 * @param {{ entries?: string[], include?: string[] }} [options]
 */
export async function startDevServer({ entries = [], include = [] } = {}) {
  const server = await createServer({
    root: REPO_ROOT,
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, open: false, watch: null },
    optimizeDeps: { entries, include },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error(`vite: the dev server has no TCP address; expected host and port, got ${String(address)}.`);
  }
  return { server, origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/** Launches headless Chromium with WebGPU (SwiftShader unless the flags are changed). */
export async function launchChromium({ executablePath = CHROMIUM_PATH, args = CHROMIUM_FLAGS } = {}) {
  if (!existsSync(executablePath)) {
    throw new BrowserUnavailableError(
      `chromium: no browser at ${executablePath}; expected a Chromium or Chrome binary. ` +
        'Install it with `sudo apt-get install -y chromium` or set CHROMIUM_PATH.',
    );
  }
  // protocolTimeout 0: an experiment may keep one page.evaluate() busy for many minutes.
  return puppeteer.launch({ executablePath, headless: true, args, protocolTimeout: 0 });
}

/**
 * Writes each console message of `page` to stderr (Vite's own chatter left out), page errors too.
 * @param {import('puppeteer-core').Page} page
 * @param {(line: string) => void} [write]
 */
export function streamConsole(page, write = (line) => process.stderr.write(`${line}\n`)) {
  page.on('console', (msg) => {
    let text = msg.text();
    if (text.startsWith('[vite]')) return;
    if (text.startsWith('Failed to load resource')) text += ` (${msg.location()?.url ?? 'unknown address'})`;
    const type = msg.type();
    write(type === 'error' || type === 'warn' ? `page ${type === 'warn' ? 'warning' : 'error'}: ${text}` : text);
  });
  page.on('pageerror', (e) => write(`page error: ${e instanceof Error ? e.message : String(e)}`));
}

/**
 * Serves the repo, launches Chromium and opens `path` (e.g. '/cli/run-experiment.html?x=1').
 * Returns { page, browser, origin, url, close }. close() is idempotent and also runs on process exit,
 * SIGINT and SIGTERM (a signal exits with 128 + its number after closing).
 * `console`: where the page's console lines go (default stderr; false: nowhere).
 * @param {string} path
 * @param {{ entries?: string[], include?: string[], console?: false | ((line: string) => void), gotoTimeoutMs?: number }} [options]
 */
export async function openRepoPage(
  path,
  { entries = [], include = [], console: onConsole, gotoTimeoutMs = 120_000 } = {},
) {
  /** @type {Awaited<ReturnType<typeof startDevServer>> | null} */
  let dev = null;
  /** @type {import('puppeteer-core').Browser | null} */
  let browser = null;
  /** @type {Promise<void> | null} */
  let closing = null;
  const close = () => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
      await browser?.close().catch(() => {});
      await dev?.close().catch(() => {});
    })();
    return closing;
  };
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    process.stderr.write(`\n${signal}: closing the browser and the dev server.\n`);
    close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  // On a plain exit only synchronous work runs: kill the browser process outright.
  const onExit = () => browser?.process()?.kill('SIGKILL');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  try {
    dev = await startDevServer({ entries, include });
    browser = await launchChromium();
    const page = await browser.newPage();
    if (onConsole !== false) streamConsole(page, onConsole);
    const url = new URL(path, dev.origin).href;
    await page.goto(url, { waitUntil: 'load', timeout: gotoTimeoutMs });
    return { page, browser, origin: dev.origin, url, close };
  } catch (e) {
    await close();
    throw e;
  }
}
