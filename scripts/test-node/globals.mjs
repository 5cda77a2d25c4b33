// The globals a test file of this project expects, for Node: WebGPU as `navigator.gpu` (Dawn's bindings,
// the `webgpu` package), mocha's describe / it / before / after / beforeEach / afterEach on top of
// node:test, and a fetch that answers the test server's root-relative paths from the repository.
// scripts/test-node.mjs bundles this module ahead of every test file; it runs before the file's own code.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as nodeTest from 'node:test';
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
/** Dawn options (`create`'s list), e.g. `backend=vulkan` or `adapter=NAME`, from WEBGPU_DAWN_OPTIONS. */
const dawnOptions = (process.env.WEBGPU_DAWN_OPTIONS ?? '').split(/\s+/).filter((s) => s.length > 0);
const gpu = create(dawnOptions);
const nav = /** @type {{ gpu?: GPU } | undefined} */ (/** @type {any} */ (globalThis).navigator);
if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
else
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, userAgent: `node ${process.version}` },
    configurable: true,
  });

// ---- fetch: the browser suite's server serves the repository root, and /data/ from public/data ----
const root = process.env.TEST_NODE_ROOT ?? process.cwd();
const nodeFetch = globalThis.fetch;
/**
 * Root-relative paths ('/data/manifest.json', '/src/x.ts') are read from the repository, as the browser
 * suite's test server serves them; a missing file answers 404 like that server. Other URLs go to Node's fetch.
 * @param {RequestInfo | URL} input
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
async function repoFetch(input, init) {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('/') || url.startsWith('//')) return nodeFetch(input, init);
  const path = decodeURIComponent(url.replace(/[?#].*$/, ''));
  const file = path.startsWith('/data/') ? join(root, 'public', path) : join(root, path);
  try {
    return new Response(await readFile(file), { status: 200 });
  } catch {
    return new Response(`Not Found: ${path}`, { status: 404 });
  }
}
globalThis.fetch = /** @type {typeof fetch} */ (repoFetch);

// ---- mocha's interface on node:test ----
/** The browser suite's default per-test limit (web-test-runner.config.mjs). */
const DEFAULT_TIMEOUT_MS = 120_000;

/** Per-suite settings, innermost last: what `this.timeout(ms)` in a describe callback sets. */
const suites = [{ timeout: DEFAULT_TIMEOUT_MS }];
const currentTimeout = () => /** @type {{ timeout: number }} */ (suites[suites.length - 1]).timeout;

/**
 * Runs a mocha-style test or hook body with mocha's `this` (timeout(ms), slow()) and its time limit:
 * the limit starts when the body starts, and `this.timeout(ms)` inside the body restarts it at ms.
 * @param {string} what
 * @param {Function} fn
 * @param {number} limit
 * @returns {Promise<void>}
 */
function runMochaBody(what, fn, limit) {
  return new Promise((resolve, reject) => {
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    let settled = false;
    const arm = (/** @type {number} */ ms) => {
      if (timer) clearTimeout(timer);
      if (ms > 0 && Number.isFinite(ms))
        timer = setTimeout(() => finish(new Error(`${what}: timeout of ${ms} ms exceeded`)), ms);
    };
    const finish = (/** @type {unknown} */ err) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const ctx = {
      timeout(/** @type {number} */ ms) {
        arm(ms);
        return ctx;
      },
      slow() {
        return ctx;
      },
    };
    arm(limit);
    try {
      if (fn.length > 0) {
        fn.call(ctx, (/** @type {unknown} */ err) => finish(err));
      } else {
        Promise.resolve(fn.call(ctx)).then(
          () => finish(undefined),
          (e) => finish(e ?? new Error(`${what}: rejected with ${String(e)}`)),
        );
      }
    } catch (e) {
      finish(e);
    }
  });
}

/**
 * @param {string} name
 * @param {Function} body
 */
function describe(name, body) {
  nodeTest.describe(name, () => {
    const settings = { timeout: currentTimeout() };
    suites.push(settings);
    try {
      const ctx = {
        timeout(/** @type {number} */ ms) {
          settings.timeout = ms;
          return ctx;
        },
        slow() {
          return ctx;
        },
      };
      body.call(ctx);
    } finally {
      suites.pop();
    }
  });
}

/**
 * @param {string} name
 * @param {Function} [fn]
 */
function it(name, fn) {
  if (!fn) throw new Error(`it("${name}") has no body; a pending test would never fail, so the suite refuses it`);
  const limit = currentTimeout();
  nodeTest.it(name, () => runMochaBody(`"${name}"`, fn, limit));
}

/**
 * @param {(fn: () => unknown) => void} hook
 * @param {string} kind
 */
const wrapHook = (hook, kind) => (/** @type {Function} */ fn) => {
  const limit = currentTimeout();
  hook(() => runMochaBody(`"${kind}" hook`, fn, limit));
};

Object.assign(globalThis, {
  describe,
  context: describe,
  it,
  specify: it,
  before: wrapHook(nodeTest.before, 'before all'),
  after: wrapHook(nodeTest.after, 'after all'),
  beforeEach: wrapHook(nodeTest.beforeEach, 'before each'),
  afterEach: wrapHook(nodeTest.afterEach, 'after each'),
});
