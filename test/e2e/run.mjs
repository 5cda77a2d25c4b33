// run.mjs: end-to-end tests of the demo page and of the built library, as a person would use them,
// in real headless Chromium with WebGPU. Builds the library (vite.lib.config.ts), serves
// the demo page with the Vite dev server (scripts/browser.mjs) and demo/embed.html + dist/ with a
// plain static server, and drives both: start a tiny experiment, watch the curve and the image grid,
// stop, change attributes, provoke errors, remove a running element, and watch for CSP violations.
// Screenshots go to test-artifacts/e2e/. Prints one line per check and ends with
// `E2E: N passed, N failed`; exits non-zero on any failure. `--skip-build` reuses dist/lib.
// Imports node built-ins, ../../scripts/browser.mjs, ../../scripts/test-node/dawn.mjs and ./page-tools.mjs,
// ./static-server.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, launchChromium, startDevServer } from '../../scripts/browser.mjs';
import { chooseDawnAdapter, dawnAdapterName } from '../../scripts/test-node/dawn.mjs';
import { checkRunner, expect } from './checks.mjs';
import { clickControl, cspViolations, events, gridPixels, instrument, waitForLab } from './page-tools.mjs';
import { serveStatic } from './static-server.mjs';

const ART = join(REPO_ROOT, 'test-artifacts', 'e2e');
const EMPTY = join(ART, 'empty-data');
/** Per-wait limits: a CPU adapter (SwiftShader) is slow, but a tiny run takes seconds, not minutes. */
const RUN_MS = 90_000;
const SHORT_MS = 20_000;

const { counts, check } = checkRunner();
const t0 = Date.now();

/** @typedef {import('puppeteer-core').Page} Page */
/** @typedef {import('puppeteer-core').Browser} Browser */

/**
 * @param {Page} page
 * @param {string} file
 */
async function shot(page, file) {
  await page.screenshot({ path: join(ART, file), fullPage: false });
}

/**
 * Screenshots the whole element `selector` (beyond the viewport if it is taller).
 * @param {Page} page
 * @param {string} selector
 * @param {string} file
 */
async function shotOf(page, selector, file) {
  const el = await page.$(selector);
  if (el) await el.screenshot({ path: join(ART, file), captureBeyondViewport: true });
  else await shot(page, file);
}

/**
 * @param {Page} page
 * @param {() => boolean} predicate
 * @param {string} what
 */
const waitEvent = (page, predicate, what, timeoutMs = SHORT_MS) =>
  page.waitForFunction(predicate, { timeout: timeoutMs, polling: 200 }).catch(() => {
    throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
  });

// ---------------------------------------------------------------- the demo page (Vite dev server)
/**
 * @param {Browser} browser
 * @param {string} origin
 */
async function demoPage(browser, origin) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 1000 });
  const { consoleCsp } = await instrument(page);
  const lab = '#fc-train ae-fc-train-lab';
  const query =
    // Long enough (16 steps an epoch) for the live curve to be seen while it runs and for the
    // reconstructions to beat the mean image.
    '?fc-train.scale=tiny&fc-train.latent=16&fc-train.epochs=3&fc-train.train-size=512&fc-train.test-size=64';

  await check("demo: page loads and the address sets the section's attributes", async () => {
    await page.goto(`${origin}/${query}#fc-train`, { waitUntil: 'load', timeout: 120_000 });
    let s = await waitForLab(page, lab, 'the element to render', (x) => x.defined && x.config !== '', SHORT_MS).catch(
      () => null,
    );
    if (!s) {
      // A cold Vite cache can re-optimise dependencies after the first load (no HMR here to reload).
      console.log('     (reloading once: the elements were not defined after the first load)');
      await page.reload({ waitUntil: 'load', timeout: 120_000 });
      s = await waitForLab(page, lab, 'the element to render', (x) => x.defined && x.config !== '', SHORT_MS);
    }
    expect(
      /latent 16/.test(s.config) && /epochs 3\b/.test(s.config) && /scale tiny/.test(s.config),
      `config line does not show the address's settings: "${s.config}"`,
    );
    return s.config;
  });

  await check(
    'demo: Start trains; the live loss curve gains points while it runs, then an image grid appears',
    async () => {
      await clickControl(page, lab, 'start');
      const live = await waitForLab(
        page,
        lab,
        'live loss points while running',
        (x) => x.running && x.livePoints >= 2,
        RUN_MS,
      );
      const done = await waitForLab(page, lab, 'the run to finish', (x) => !x.running && x.grids > 0, RUN_MS);
      await shotOf(page, '#fc-train', 'demo-fc-train-done.png');
      await waitEvent(
        page,
        () => window.__events.some((e) => e.type === 'ae-done' && e.task === 'experiment' && !e.stopped),
        'the ae-done event',
      );
      expect(done.gridImages > 0, 'the image grid has no pixels');
      return `${live.livePoints} live points seen while running, ${done.grids} grid(s)`;
    },
  );

  await check(
    'demo: the grid shows its images pixel for pixel, and the reconstructions beat the mean image',
    async () => {
      const { grids } = await gridPixels(page, lab);
      expect(grids.length > 0, 'no image grid in the results');
      for (const g of grids) {
        expect(g.images > 0, `grid "${g.caption}" shows no image`);
        expect(g.mismatched === 0, `grid "${g.caption}": ${g.mismatched} canvas pixels differ from its images`);
      }
      const rec = grids.find((g) => g.recMse !== null);
      expect(rec, `no grid with rows labelled original and reconstruction: ${grids.map((g) => g.caption).join(', ')}`);
      const { recMse, meanImageMse } = /** @type {{ recMse: number, meanImageMse: number }} */ (rec);
      // The mean of the shown originals is fitted to them, a harder bar than the training set's mean image.
      expect(
        recMse < meanImageMse,
        `reconstructions are no better than the mean image: MSE ${recMse.toFixed(4)} vs ${meanImageMse.toFixed(4)}`,
      );
      return `${grids.map((g) => `${g.images} images`).join(', ')}; MSE ${recMse.toFixed(4)} vs mean image ${meanImageMse.toFixed(4)}`;
    },
  );

  await check('demo: changing attributes takes effect and is written to the address', async () => {
    await page.evaluate((/** @type {string} */ sel) => {
      const el = document.querySelector(sel);
      el?.setAttribute('seed', '3');
      el?.setAttribute('epochs', '6');
    }, lab);
    const s = await waitForLab(
      page,
      lab,
      'the config line to update',
      (x) => /seed 3/.test(x.config) && /epochs 6/.test(x.config),
      SHORT_MS,
    );
    const search = await page.evaluate(() => location.search);
    expect(
      search.includes('fc-train.seed=3') &&
        search.includes('fc-train.epochs=6') &&
        search.includes('fc-train.latent=16'),
      `address not updated: ${search}`,
    );
    return `${s.config} · ${search}`;
  });

  await check('demo: Stop ends a running experiment and keeps what ran', async () => {
    await clickControl(page, lab, 'start');
    await waitForLab(page, lab, 'live loss points', (x) => x.running && x.livePoints >= 2, RUN_MS);
    await clickControl(page, lab, 'stop');
    const s = await waitForLab(page, lab, 'the run to stop', (x) => !x.running && /stopped/i.test(x.status), SHORT_MS);
    await shotOf(page, '#fc-train', 'demo-fc-train-stopped.png');
    const done = (await events(page, 'ae-done')).filter((e) => e.stopped);
    expect(done.length > 0 || /Stopped/.test(s.status), 'no sign of the stop');
    return s.status;
  });

  await check('demo: removing a running element aborts its run (GPU work freed)', async () => {
    const result = await page.evaluate(
      async (/** @type {string} */ sel, /** @type {number} */ ms) => {
        const el = /** @type {any} the lab element: running, running$, updateComplete */ (document.querySelector(sel));
        // A seed no earlier run used, so no stored model is reused and training really runs.
        el.setAttribute('seed', '4');
        await el.updateComplete;
        el.shadowRoot.querySelector('[data-action="start"]').click();
        // Wait until training is under way.
        const t = performance.now();
        while (!(el.running && el.shadowRoot.querySelector('[part="chart"] ae-chart')?.pointCount > 0)) {
          if (performance.now() - t > ms) return { error: 'training never started' };
          await new Promise((r) => setTimeout(r, 100));
        }
        const parent = el.parentElement;
        let after = 0;
        el.addEventListener('ae-progress', () => after++);
        el.remove();
        const removedAt = performance.now();
        // running$ is the promise of the run; it settles once the experiment saw the abort signal.
        await Promise.race([el.running$, new Promise((r) => setTimeout(r, ms))]);
        const settledMs = performance.now() - removedAt;
        const stillRunning = el.running;
        parent.append(el);
        return { settledMs, after, stillRunning };
      },
      lab,
      RUN_MS,
    );
    if ('error' in result) throw new Error(result.error);
    expect(result.settledMs < SHORT_MS, `the run went on for ${Math.round(result.settledMs)} ms after removal`);
    expect(
      result.after === 0 && !result.stillRunning,
      `the removed element still reported progress (${result.after}) or running=${result.stillRunning}`,
    );
    return `run ended ${Math.round(result.settledMs)} ms after removal`;
  });

  await check('demo: latent="-1" gives an ae-error and a readable message', async () => {
    await page.evaluate((/** @type {string} */ sel) => document.querySelector(sel)?.setAttribute('latent', '-1'), lab);
    const s = await waitForLab(page, lab, 'the error box', (x) => /latent/.test(x.error), SHORT_MS);
    const ev = (await events(page, 'ae-error')).filter((e) => /latent/.test(e.message));
    expect(ev[0]?.errorName === 'ConfigError', `no ae-error ConfigError about latent: ${JSON.stringify(ev)}`);
    expect(s.startDisabled, 'Start stays enabled for a config that cannot run');
    await shotOf(page, '#fc-train', 'demo-latent-error.png');
    await page.evaluate((/** @type {string} */ sel) => document.querySelector(sel)?.setAttribute('latent', '16'), lab);
    return ev[0]?.message;
  });

  await check('demo: a missing dataset folder gives an ae-error naming the file', async () => {
    await page.evaluate(
      (/** @type {string} */ sel) => document.querySelector(sel)?.setAttribute('data-base-url', '/no-such-data/'),
      lab,
    );
    await clickControl(page, lab, 'start');
    const s = await waitForLab(page, lab, 'the error box', (x) => !x.running && x.error !== '', RUN_MS);
    expect(/no-such-data\/manifest\.json/.test(s.error), `message does not name the file: ${s.error}`);
    await page.evaluate(
      (/** @type {string} */ sel) => document.querySelector(sel)?.removeAttribute('data-base-url'),
      lab,
    );
    return s.error.slice(0, 140);
  });

  await check('demo: no CSP violations', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'demo-top.png');
    const v = await cspViolations(page, consoleCsp);
    expect(v.length === 0, v.join(' | '));
  });
  await page.close();
}

// ---------------------------------------------------------------- lazy loading of the demo page
/**
 * @param {Browser} browser
 * @param {string} origin
 */
async function lazyPage(browser, origin) {
  const page = await browser.newPage();
  // A short window, so the dataset viewers start below the fold.
  await page.setViewport({ width: 1100, height: 300 });
  /** @type {string[]} */
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const defined = (/** @type {string} */ tag) =>
    page.evaluate((/** @type {string} */ t) => customElements.get(t) !== undefined, tag);
  const dataFiles = () => requests.filter((p) => /\/data\/.*\.u8$/.test(p));

  await check('demo lazy: the first load fetches no dataset and defines no lab below the fold', async () => {
    await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 120_000 });
    await waitEvent(page, () => customElements.get('ae-gpu-status') !== undefined, 'the GPU status element');
    await new Promise((r) => setTimeout(r, 1500));
    const labs = { fc: await defined('ae-fc-train-lab'), theory: await defined('ae-theory-lab') };
    expect(!labs.fc && !labs.theory, `defined before scrolling: ${JSON.stringify(labs)}`);
    expect(dataFiles().length === 0, `dataset files fetched at load: ${dataFiles().join(', ')}`);
    const status = await page.evaluate(
      () =>
        document.querySelector('ae-dataset-viewer')?.shadowRoot?.querySelector('[part="status"]')?.textContent ?? '',
    );
    expect(/loads when/.test(status), `the viewer does not say it waits: "${status.trim()}"`);
    return `${requests.filter((p) => /\.(ts|js)$/.test(p)).length} script requests`;
  });

  await check('demo lazy: scrolling to the datasets loads them; scrolling to a section defines its lab', async () => {
    await page.evaluate(() => document.querySelector('ae-dataset-viewer')?.scrollIntoView());
    await waitEvent(
      page,
      () => !!document.querySelector('ae-dataset-viewer')?.shadowRoot?.querySelector('ae-image-grid'),
      'the MNIST sample',
      RUN_MS,
    );
    expect(
      dataFiles().some((p) => p.includes('mnist-train-images')),
      `no dataset file fetched: ${dataFiles().join(', ')}`,
    );
    await page.evaluate(() => document.getElementById('conv-transfer')?.scrollIntoView());
    await waitEvent(
      page,
      () => customElements.get('ae-conv-transfer-lab') !== undefined,
      'ae-conv-transfer-lab to be defined',
    );
    await page.evaluate(() => document.getElementById('theory')?.scrollIntoView());
    await waitEvent(page, () => customElements.get('ae-theory-lab') !== undefined, 'ae-theory-lab to be defined');
    return `${dataFiles().length} dataset file(s) fetched after scrolling`;
  });
  await page.close();
}

// ---------------------------------------------------------------- the built library in embed.html
/**
 * @param {Browser} browser
 * @param {string} origin
 */
async function embedPage(browser, origin) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 1100 });
  const { consoleCsp } = await instrument(page);
  /** @type {string[]} */
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const lab = '#lab';
  const log = () => page.evaluate(() => document.getElementById('log')?.textContent ?? '');

  await check('embed: the page loads the one built module and its elements', async () => {
    await page.goto(`${origin}/demo/embed.html`, { waitUntil: 'load', timeout: 60_000 });
    const s = await waitForLab(page, lab, 'the element to render', (x) => x.defined && x.config !== '', SHORT_MS);
    const scripts = requests.filter((p) => p.endsWith('.js'));
    expect(
      scripts.includes('/dist/lib/autoencoder-lab.js') &&
        scripts.every((p) => p === '/dist/lib/autoencoder-lab.js' || p === '/demo/embed-log.js'),
      `unexpected scripts: ${scripts.join(', ')}`,
    );
    const base = await page.evaluate(
      async (/** @type {string} */ url) => (await import(url)).resolveDataBaseUrl(''),
      '/dist/lib/autoencoder-lab.js',
    );
    expect(base === `${origin}/dist/lib/data/`, `default data URL is ${base}`);
    return `${s.config}; data from ${base}`;
  });

  await check('embed: Start trains with the data next to the module; events reach the page', async () => {
    // A run long enough (64 steps) for the live curve to be seen while it runs.
    await page.evaluate((/** @type {string} */ sel) => {
      const el = document.querySelector(sel);
      el?.setAttribute('train-size', '1024');
      el?.setAttribute('epochs', '2');
    }, lab);
    await waitForLab(page, lab, 'the config line to update', (x) => /train-size 1024\b/.test(x.config), SHORT_MS);
    await clickControl(page, lab, 'start');
    const live = await waitForLab(
      page,
      lab,
      'live loss points while running',
      (x) => x.running && x.livePoints >= 2,
      RUN_MS,
    );
    const done = await waitForLab(page, lab, 'the run to finish', (x) => !x.running && x.grids > 0, RUN_MS);
    await waitEvent(
      page,
      () => /ae-done experiment fc-train/.test(document.getElementById('log')?.textContent ?? ''),
      'the ae-done log line',
    );
    const text = await log();
    expect(/ae-progress experiment/.test(text), `log lacks ae-progress:\n${text}`);
    expect(
      requests.some((p) => p.startsWith('/dist/lib/data/fashion-mnist-')),
      'no dataset file fetched from dist/lib/data/',
    );
    await shotOf(page, 'body', 'embed-done.png');
    const { grids } = await gridPixels(page, lab);
    for (const g of grids)
      expect(g.mismatched === 0, `grid "${g.caption}": ${g.mismatched} canvas pixels differ from its images`);
    return `${live.livePoints} live points while running, ${done.grids} grid(s) drawn as given, ${text.split('\n').length - 1} log lines`;
  });

  await check('embed: latent="-1" gives an ae-error printed by the page', async () => {
    await page.evaluate((/** @type {string} */ sel) => document.querySelector(sel)?.setAttribute('latent', '-1'), lab);
    await waitForLab(page, lab, 'the error box', (x) => /latent/.test(x.error), SHORT_MS);
    await waitEvent(
      page,
      () => /ae-error experiment: .*latent/.test(document.getElementById('log')?.textContent ?? ''),
      'the log line',
    );
    await page.evaluate((/** @type {string} */ sel) => document.querySelector(sel)?.setAttribute('latent', '8'), lab);
    return (await log()).split('\n').find((/** @type {string} */ l) => l.startsWith('ae-error'));
  });

  await check('embed: data-base-url pointing at an empty folder gives an ae-error (HTTP 404)', async () => {
    await page.evaluate(
      (/** @type {string} */ sel) => document.querySelector(sel)?.setAttribute('data-base-url', '/empty-data/'),
      lab,
    );
    await clickControl(page, lab, 'start');
    const s = await waitForLab(page, lab, 'the error box', (x) => !x.running && x.error !== '', RUN_MS);
    expect(/empty-data\/manifest\.json/.test(s.error) && /404/.test(s.error), `unexpected message: ${s.error}`);
    await waitEvent(
      page,
      () => /ae-error experiment: .*empty-data/.test(document.getElementById('log')?.textContent ?? ''),
      'the log line',
    );
    await shot(page, 'embed-missing-data.png');
    return s.error.slice(0, 140);
  });

  await check('embed: no CSP violations', async () => {
    const v = await cspViolations(page, consoleCsp);
    expect(v.length === 0, v.join(' | '));
  });
  await page.close();
}

// ---------------------------------------------------------------- main
mkdirSync(ART, { recursive: true });
rmSync(EMPTY, { recursive: true, force: true });
mkdirSync(EMPTY, { recursive: true });
writeFileSync(join(EMPTY, 'README.txt'), 'Left empty on purpose: the e2e test points data-base-url here.\n');

let dev = null;
let stat = null;
let browser = null;
try {
  if (!process.argv.includes('--skip-build')) {
    await check('build: npm run build:lib writes dist/lib/autoencoder-lab.js and dist/lib/data/', async () => {
      // The same steps as `npm run build:lib`: prepare-data (a no-op when public/data/ is current), then Vite.
      const prep = spawnSync('node', ['scripts/prepare-data.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(prep.status === 0, `prepare-data failed (${prep.status}):\n${prep.stdout}\n${prep.stderr}`);
      const r = spawnSync('npx', ['vite', 'build', '--config', 'vite.lib.config.ts', '--logLevel', 'warn'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      expect(r.status === 0, `vite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    });
  }
  await check('bench:node: the Node runner (Dawn bindings) runs the smoke benchmark on the adapter Dawn finds', () => {
    // The bench page's twin for machines without a browser: on this machine's GPU, or on SwiftShader's
    // Vulkan driver (Chromium's) where Dawn finds no other adapter.
    const { adapter, env } = chooseDawnAdapter('swiftshader-without-gpu');
    const b = spawnSync('node', ['bench/node.mjs', '--build-only'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(b.status === 0, `bundling failed (${b.status}):\n${b.stderr}`);
    const r = spawnSync(
      'node',
      ['bench/dist-node/bench.mjs', '--smoke', '--only', 'gemm-fc-dw,fc-train-sync1,first-step', '--json'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000, env },
    );
    expect(r.status === 0, `bench.mjs exited ${r.status}:\n${r.stderr.slice(-3000)}`);
    const out = JSON.parse(r.stdout);
    const ran = out.adapter;
    expect(
      ran.vendor === adapter.vendor && ran.architecture === adapter.architecture && ran.device === adapter.device,
      `the results name ${JSON.stringify(ran)}; Dawn's adapter is ${dawnAdapterName(adapter)}`,
    );
    const names = out.workloads.map((/** @type {any} */ w) => w.name).join(',');
    expect(names === 'gemm-fc-dw,fc-train-sync1,first-step', `expected the three asked-for rows, got ${names}`);
    for (const w of out.workloads) {
      for (const who of ['ours', 'tfjs', 'jax']) {
        const m = w[who].median;
        expect(
          Number.isFinite(m) && m > 0,
          `${w.name}: ${who} median ${JSON.stringify(w[who])}; expected a positive number`,
        );
      }
      expect(
        Number.isFinite(w.ratio_tfjs) && Number.isFinite(w.ratio_jax),
        `${w.name}: ratios ${w.ratio_tfjs}, ${w.ratio_jax}`,
      );
    }
    return `${dawnAdapterName(adapter)}: ${out.workloads.map((/** @type {any} */ w) => `${w.name} ours ${w.ours.median.toPrecision(3)} ${w.unit}`).join('; ')}`;
  });
  [dev, stat] = await Promise.all([
    startDevServer(
      /** @type {any} scripts/browser.mjs leaves its option types to their defaults */ ({
        entries: ['index.html', 'demo/main.ts', 'src/ui/index.ts'],
        include: ['lit', 'lit/decorators.js', 'lit/directives/if-defined.js', 'uplot', 'wgsl_reflect'],
      }),
    ),
    serveStatic({ '/demo/': join(REPO_ROOT, 'demo'), '/dist/': join(REPO_ROOT, 'dist'), '/empty-data/': EMPTY }),
  ]);
  browser = await launchChromium();
  await demoPage(browser, dev.origin);
  await lazyPage(browser, dev.origin);
  await embedPage(browser, stat.origin);
} catch (e) {
  counts.failed++;
  console.log(`FAIL e2e setup: ${e instanceof Error ? e.stack : String(e)}`);
} finally {
  await browser?.close().catch(() => {});
  await dev?.close().catch(() => {});
  await stat?.close().catch(() => {});
}
console.log(`e2e took ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in test-artifacts/e2e/`);
mkdirSync(ART, { recursive: true });
writeFileSync(join(ART, 'summary.json'), JSON.stringify(counts));
console.log(`E2E: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
