// lab.mjs: end-to-end tests of the labs as instruments, in real headless Chromium with WebGPU
// (SwiftShader), driven as a person would: on the demo page's #fc-train, change the optimizer with
// its select and the latent size with its input, run, and read both back from the result's config;
// type a bad learning rate and see the validator's message beside the field with Start disabled;
// "Copy link" and open that link in a new tab to find the same settings; pin two runs and see two
// curves; train on an uploaded IDX file and see a corrupt one refused; look at the lab at 375 px and
// in the dark theme, and reach the settings with the keyboard; in the latent-space section, press Start
// on the explorer (at the tiny scale), move the mouse over its plane and see the decoded image's pixels
// change, and draw a stroke on the drawing pad to see a reconstruction and its code bars. Tiny sizes throughout. Screenshots go
// to test-artifacts/e2e/lab-*.png, the counts to test-artifacts/e2e/lab-summary.json.
// Run: node test/e2e/lab.mjs. Imports node built-ins, ../../scripts/browser.mjs and ./page-tools.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, launchChromium, startDevServer } from '../../scripts/browser.mjs';
import { checkRunner, expect } from './checks.mjs';
import { clickControl, instrument, waitForLab } from './page-tools.mjs';

const ART = join(REPO_ROOT, 'test-artifacts', 'e2e');
const RUN_MS = 120_000;
const SHORT_MS = 20_000;
const LAB = '#fc-train ae-fc-train-lab';
/** Tiny settings through the address, so each run takes seconds. */
const QUERY = '?fc-train.scale=tiny&fc-train.epochs=2&fc-train.train-size=64&fc-train.test-size=32&fc-train.batch=16';

const { counts, check } = checkRunner();
const t0 = Date.now();

/** @typedef {import('puppeteer-core').Page} Page */
/** @typedef {import('puppeteer-core').Browser} Browser */
/**
 * What the lab shows, read through its shadow root.
 * @typedef {{ values: Record<string, string>, errors: Record<string, string>, startDisabled: boolean,
 *   running: boolean, config: Record<string, any> | null, effective: Record<string, any> | null, runs: number,
 *   compareSeries: number, compareNames: string[], comparePoints: number, uploadNote: string,
 *   uploadError: string, link: string }} PanelState
 */

/** Screenshots the whole section `selector`. @param {Page} page @param {string} selector @param {string} file */
async function shotOf(page, selector, file) {
  const el = await page.$(selector);
  if (!el) throw new Error(`nothing matches ${selector} for the screenshot ${file}`);
  await el.screenshot({ path: join(ART, file), captureBeyondViewport: true });
}

/** The element `inner` inside the lab's shadow root, as a handle. @param {Page} page @param {string} inner */
async function inLab(page, inner) {
  const h = await page.evaluateHandle(
    (/** @type {string} */ sel, /** @type {string} */ q) => document.querySelector(sel)?.shadowRoot?.querySelector(q),
    LAB,
    inner,
  );
  const el = h.asElement();
  if (!el) throw new Error(`no ${inner} in ${LAB}`);
  return /** @type {import('puppeteer-core').ElementHandle<HTMLInputElement>} */ (el);
}

/**
 * Types `text` into the settings field `key` as a person would: select its text, type, Tab away.
 * @param {Page} page @param {string} key @param {string} text
 */
async function typeSetting(page, key, text) {
  const input = await inLab(page, `[part="settings"] [name="${key}"]`);
  await input.click({ count: 3 });
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  if (text) await input.type(text);
  await page.keyboard.press('Tab');
}

/**
 * What the panel shows: each control's value, the field errors, Start's state, the runs.
 * @param {Page} page @returns {Promise<PanelState>}
 */
function panel(page) {
  return page.evaluate((/** @type {string} */ sel) => {
    /** @type {any} */
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    /** @type {Record<string, string>} */
    const values = {};
    for (const c of root?.querySelectorAll('[part="settings"] [name]') ?? [])
      values[c.name] = c.type === 'checkbox' ? String(c.checked) : c.value;
    /** @type {Record<string, string>} */
    const errors = {};
    for (const f of root?.querySelectorAll('.field') ?? []) {
      const e = f.querySelector('.field-error');
      if (e) errors[f.dataset.key] = e.textContent.trim();
    }
    const compare = root?.querySelector('ae-chart[data-chart="compare"]');
    return {
      values,
      errors,
      startDisabled: root?.querySelector('[data-action="start"]')?.disabled ?? true,
      running: el?.hasAttribute('running') ?? false,
      config: el?.lastResult?.config ?? null,
      effective: el?.effectiveConfig ?? null,
      runs: root?.querySelectorAll('[data-table="runs"] tbody tr').length ?? 0,
      compareSeries: compare?.series?.length ?? 0,
      compareNames: (compare?.series ?? []).map((/** @type {{ name: string }} */ x) => x.name),
      comparePoints: compare?.pointCount ?? 0,
      uploadNote: root?.querySelector('[data-note="upload"]')?.textContent?.trim() ?? '',
      uploadError: root?.querySelector('[data-error="upload"]')?.textContent?.trim() ?? '',
      link: root?.querySelector('[part="link"]')?.value ?? '',
    };
  }, LAB);
}

/**
 * Polls the panel until `predicate` holds; throws naming `what` and the last state.
 * @param {Page} page @param {string} what @param {(s: PanelState) => boolean} predicate
 * @returns {Promise<PanelState>}
 */
async function waitPanel(page, what, predicate, timeoutMs = SHORT_MS) {
  const t = Date.now();
  /** @type {PanelState | null} */
  let last = null;
  while (Date.now() - t < timeoutMs) {
    last = await panel(page);
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last ${JSON.stringify(last)}`);
}

/** Start, then wait for the run to end with a result. @param {Page} page @param {string} what */
async function runOnce(page, what) {
  const before = (await panel(page)).runs;
  await clickControl(page, LAB, 'start');
  return waitPanel(page, what, (s) => !s.running && s.runs > before, RUN_MS);
}

/** An IDX file: magic (0, 0, 0x08, dims), big-endian dims, then the bytes. @param {number[]} dims @param {Uint8Array} data */
function idx(dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** A new tab on `url`, once the lab has rendered. @param {Browser} browser @param {string} url */
async function openLab(browser, url, viewport = { width: 1100, height: 1200 }) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  await instrument(page);
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  const ready = (/** @type {any} */ s) => s.defined && s.config !== '';
  const s = await waitForLab(page, LAB, 'the lab to render', ready, SHORT_MS).catch(() => null);
  if (!s) {
    // A cold Vite cache can re-optimise dependencies after the first load.
    await page.reload({ waitUntil: 'load', timeout: 120_000 });
    await waitForLab(page, LAB, 'the lab to render', ready, SHORT_MS);
  }
  return page;
}

const EXPLORER = '#explorer';
const PAD = 'ae-drawing-pad[for="explorer"]';

/**
 * Reads a canvas in `host`'s shadow root (RGBA bytes as a plain array), after the element's settled().
 * @param {Page} page @param {string} host @param {string} inner
 * @returns {Promise<number[]>}
 */
function shadowCanvas(page, host, inner) {
  return page.evaluate(
    async (/** @type {string} */ h, /** @type {string} */ q) => {
      const el = /** @type {any} */ (document.querySelector(h));
      await el.settled();
      const c = /** @type {HTMLCanvasElement | null} */ (el.shadowRoot?.querySelector(q));
      if (!c) throw new Error(`no ${q} in ${h}`);
      return Array.from(c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? []);
    },
    host,
    inner,
  );
}

/** The viewport box of `inner` in `host`'s shadow root, scrolled into view. @param {Page} page @param {string} host @param {string} inner */
async function shadowBox(page, host, inner) {
  const box = await page.evaluate(
    (/** @type {string} */ h, /** @type {string} */ q) => {
      const el = document.querySelector(h)?.shadowRoot?.querySelector(q);
      if (!el) return null;
      el.scrollIntoView({ block: 'center' });
      const r = el.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    },
    host,
    inner,
  );
  if (!box || box.width === 0) throw new Error(`${inner} in ${host} is not on the page`);
  return box;
}

/**
 * Presses `host`'s Start button with the mouse and waits for the model to be ready.
 * @param {Page} page @param {string} host
 */
async function startModel(page, host) {
  const b = await shadowBox(page, host, 'button.primary');
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  const t = Date.now();
  for (;;) {
    const s = await page.evaluate((/** @type {string} */ h) => {
      const el = /** @type {any} */ (document.querySelector(h));
      return { status: el.status, error: el.shadowRoot?.querySelector('[part="error"]')?.textContent ?? '' };
    }, host);
    if (s.status === 'ready') return;
    if (s.status === 'error') throw new Error(`${host} failed: ${s.error}`);
    if (Date.now() - t > RUN_MS) throw new Error(`timed out waiting for ${host} to be ready (${s.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** @param {number[]} a @param {number[]} b RGBA pixels that differ (any channel). */
function changedPixels(a, b) {
  let n = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i += 4)
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) n++;
  return n;
}

/** The explorer and the drawing pad of the demo page's latent-space section. @param {Browser} browser @param {string} origin */
async function latentSpace(browser, origin) {
  const page = await openLab(browser, `${origin}/${QUERY}#latent-space`);
  try {
    await check('explorer: the decoded image follows the mouse over the plane (pixels change)', async () => {
      await page.evaluate(
        (/** @type {string} */ e, /** @type {string} */ p) => {
          for (const sel of [e, p]) document.querySelector(sel)?.setAttribute('scale', 'tiny');
        },
        EXPLORER,
        PAD,
      );
      await startModel(page, EXPLORER);
      const plane = await shadowBox(page, EXPLORER, '.u-over');
      const at = (/** @type {number} */ fx, /** @type {number} */ fy) =>
        page.mouse.move(plane.x + plane.width * fx, plane.y + plane.height * fy, { steps: 4 });
      await at(0.2, 0.25);
      const first = await shadowCanvas(page, EXPLORER, '[part="decoded-canvas"]');
      await at(0.8, 0.75);
      const second = await shadowCanvas(page, EXPLORER, '[part="decoded-canvas"]');
      expect(first.length === 28 * 28 * 4, `decoded canvas has ${first.length / 4} pixels, not 784`);
      const changed = changedPixels(first, second);
      expect(changed > 20, `only ${changed} of 784 decoded pixels changed between two pointer positions`);
      await shotOf(page, EXPLORER, 'lab-explorer.png');
      return `${changed} of 784 decoded pixels changed`;
    });

    await check('drawing pad: a stroke drawn with the mouse gives a reconstruction and code bars', async () => {
      const ready = await page.evaluate(
        (/** @type {string} */ p) => /** @type {any} */ (document.querySelector(p)).status,
        PAD,
      );
      if (ready !== 'ready') await startModel(page, PAD);
      const blank = await shadowCanvas(page, PAD, '[part="reconstruction"]');
      const pad = await shadowBox(page, PAD, '[part="pad"]');
      const to = (/** @type {number} */ fx, /** @type {number} */ fy) =>
        /** @type {[number, number]} */ ([pad.x + pad.width * fx, pad.y + pad.height * fy]);
      // A "7": a bar across the top, then down to the bottom left.
      await page.mouse.move(...to(0.3, 0.25));
      await page.mouse.down();
      await page.mouse.move(...to(0.7, 0.25), { steps: 8 });
      await page.mouse.move(...to(0.45, 0.8), { steps: 12 });
      await page.mouse.up();
      const drawn = await page.evaluate((/** @type {string} */ p) => {
        const el = /** @type {any} */ (document.querySelector(p));
        return Array.from(/** @type {Float32Array} */ (el.pixels)).filter((v) => v > 0.5).length;
      }, PAD);
      expect(drawn > 20, `the stroke inked only ${drawn} of the pad's 784 pixels`);
      const recon = await shadowCanvas(page, PAD, '[part="reconstruction"]');
      const lit = recon.filter((v, i) => i % 4 === 0 && v > 0).length;
      const changed = changedPixels(blank, recon);
      expect(changed > 20 && lit > 20, `reconstruction: ${changed} pixels changed, ${lit} above black`);
      const bars = await page.evaluate(
        (/** @type {string} */ p) =>
          document.querySelector(p)?.shadowRoot?.querySelectorAll('svg[part="code"] rect').length ?? 0,
        PAD,
      );
      expect(bars === 8, `${bars} code bars, expected 8 (latent="8")`);
      await shotOf(page, PAD, 'lab-drawing-pad.png');
      return `${drawn} pixels inked; reconstruction: ${changed} pixels changed; ${bars} code bars`;
    });
  } finally {
    await page.close();
  }
}

/** @param {Browser} browser @param {string} origin */
async function main(browser, origin) {
  const page = await openLab(browser, `${origin}/${QUERY}#fc-train`);

  await check(
    'settings: the optimizer select and the latent input set the run; the result config shows both',
    async () => {
      const select = await inLab(page, '[part="settings"] select[name="optimizer"]');
      await select.select('adamw');
      await typeSetting(page, 'latent', '5');
      const s0 = await waitPanel(
        page,
        'the settings to take',
        (s) => s.effective?.optimizer === 'adamw' && s.effective?.latent === 5,
      );
      const search = await page.evaluate(() => location.search);
      expect(
        search.includes('fc-train.optimizer=adamw') && search.includes('fc-train.latent=5'),
        `address not updated: ${search}`,
      );
      const s = await runOnce(page, 'the first run');
      expect(s.config?.optimizer === 'adamw' && s.config?.latent === 5, `result config ${JSON.stringify(s.config)}`);
      await shotOf(page, '#fc-train', 'lab-settings-run.png');
      return `values ${JSON.stringify(s0.values)}; result optimizer ${s.config?.optimizer}, latent ${s.config?.latent}`;
    },
  );

  await check(
    "settings: a bad learning rate shows the validator's message beside the field; Start is disabled",
    async () => {
      await typeSetting(page, 'lr', '-1');
      const expected = await page.evaluate(async () => {
        // The validator itself, loaded from the dev server: the message the command line prints.
        const registry = '/src/experiments/registry.ts';
        const { findExperiment } = await import(registry);
        try {
          findExperiment('fc-train').validate({ lr: '-1' }, 'tiny');
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
        return 'no error';
      });
      const s = await waitPanel(page, 'the lr message', (x) => Boolean(x.errors.lr));
      expect(s.errors.lr === expected, `beside lr: "${s.errors.lr}"; the validator says "${expected}"`);
      expect(s.startDisabled, 'Start is enabled with a bad learning rate');
      await shotOf(page, '#fc-train', 'lab-bad-lr.png');
      await typeSetting(page, 'lr', '');
      const fixed = await waitPanel(page, 'the message to go', (x) => !x.errors.lr && !x.startDisabled);
      return `${s.errors.lr} → fixed: Start ${fixed.startDisabled ? 'disabled' : 'enabled'}`;
    },
  );

  await check('settings: "Copy link" gives a link that opens the page with the same settings', async () => {
    await clickControl(page, LAB, 'copy-link');
    const s = await waitPanel(page, 'the link', (x) => x.link !== '');
    const other = await openLab(browser, s.link);
    try {
      const t = await waitPanel(other, 'the settings from the link', (x) => x.effective !== null);
      expect(
        JSON.stringify(t.effective) === JSON.stringify(s.effective),
        `link gave ${JSON.stringify(t.effective)}, expected ${JSON.stringify(s.effective)}`,
      );
      expect(t.values.optimizer === 'adamw' && t.values.latent === '5', `controls show ${JSON.stringify(t.values)}`);
      await shotOf(other, '#fc-train', 'lab-copy-link-opened.png');
    } finally {
      await other.close();
    }
    return s.link.replace(origin, '');
  });

  await check('runs: two pinned runs draw their curves on one chart', async () => {
    const select = await inLab(page, '[part="settings"] select[name="optimizer"]');
    await select.select('sgd');
    await waitPanel(page, 'sgd', (s) => s.effective?.optimizer === 'sgd');
    await runOnce(page, 'the second run');
    for (const id of [1, 2]) await (await inLab(page, `input[data-pin="${id}"]`)).click();
    const s = await waitPanel(page, 'the overlay', (x) => x.compareSeries >= 2);
    // fc-train's loss chart has a train and a test curve: two of each, one pair per pinned run.
    const runsDrawn = [...new Set(s.compareNames.map((n) => n.split(' ')[0]))];
    expect(
      runsDrawn.join() === '#1,#2' && s.compareSeries === 4 && s.comparePoints > 0,
      `comparison chart has ${JSON.stringify(s.compareNames)} (${s.comparePoints} points); expected the train and test curves of runs #1 and #2`,
    );
    const compare = await inLab(page, '[part="runs"]');
    await compare.screenshot({ path: join(ART, 'lab-pinned-runs.png') });
    return `${s.runs} runs, curves ${s.compareNames.join(', ')}`;
  });

  await check('data: an uploaded IDX file trains the lab, and the result says so', async () => {
    const count = 40;
    const px = new Uint8Array(count * 784);
    for (let i = 0; i < count; i++)
      for (let p = 0; p < 784; p++) {
        const r = Math.floor(p / 28) - 14;
        const c = (p % 28) - 14;
        px[i * 784 + p] = r * r + c * c < 20 + (i % 8) * 12 ? 255 : 0;
      }
    const file = join(ART, 'lab-upload-images.idx');
    writeFileSync(file, idx([count, 28, 28], px));
    await (await inLab(page, '[part="data"] summary')).click();
    await (await inLab(page, 'input[data-upload="images"]')).uploadFile(file);
    await waitPanel(page, 'the upload to be read', (x) => /Training on/.test(x.uploadNote));
    await typeSetting(page, 'trainSize', '32');
    await typeSetting(page, 'testSize', '8');
    const s = await runOnce(page, 'the run on the uploaded images');
    expect(
      s.config?.data === 'lab-upload-images.idx (40 images, unlabelled)',
      `result config data ${JSON.stringify(s.config?.data)}`,
    );
    await shotOf(page, '#fc-train', 'lab-upload-trained.png');
    return s.uploadNote;
  });

  await check('data: a truncated IDX file is refused with a message that says what was expected', async () => {
    const file = join(ART, 'lab-upload-truncated.idx');
    writeFileSync(file, idx([3, 28, 28], new Uint8Array(2 * 784)));
    await (await inLab(page, 'input[data-upload="images"]')).uploadFile(file);
    const s = await waitPanel(page, 'the refusal', (x) => x.uploadError !== '');
    const expected =
      'lab-upload-truncated.idx: file is truncated for dimensions 3x28x28; expected 2368 bytes, got 1584 bytes. Download the file again; if it is compressed, decompress it completely.';
    expect(s.uploadError === expected, `message "${s.uploadError}"`);
    await shotOf(page, '#fc-train', 'lab-upload-refused.png');
    return s.uploadError;
  });

  await check(
    'keyboard: Tab reaches the settings controls in order, and a select changes with the arrow keys',
    async () => {
      await (await inLab(page, '[data-action="bundled-data"]')).click();
      const select = await inLab(page, '[part="settings"] select[name="optimizer"]');
      await select.focus();
      const before = (await panel(page)).values.optimizer;
      await page.keyboard.press('ArrowDown');
      const s = await waitPanel(page, 'the select to change', (x) => x.values.optimizer !== before);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(
        (/** @type {string} */ sel) => document.querySelector(sel)?.shadowRoot?.activeElement?.getAttribute('name'),
        LAB,
      );
      expect(focused === 'activation', `Tab from optimizer went to ${focused}`);
      return `${before} → ${s.values.optimizer}, then Tab to ${focused}`;
    },
  );
  await check('hidden tab: a run started in a tab that is then hidden goes on to the end', async () => {
    await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.__hiddenSeen = false;
      w.__hiddenProgress = 0;
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') w.__hiddenSeen = true;
      });
      // Progress of the run that arrives while the tab is hidden: the training went on.
      window.addEventListener('ae-progress', () => {
        if (document.visibilityState === 'hidden') w.__hiddenProgress++;
      });
    });
    const before = (await panel(page)).runs;
    await clickControl(page, LAB, 'start');
    const other = await browser.newPage();
    await other.bringToFront();
    try {
      const t = Date.now();
      /** @type {{ state: string, running: boolean, runs: number }} */
      let s = { state: '', running: true, runs: before };
      while (Date.now() - t < RUN_MS) {
        s = await page.evaluate((/** @type {string} */ sel) => {
          const el = /** @type {any} */ (document.querySelector(sel));
          const rows = el?.shadowRoot?.querySelectorAll('[data-table="runs"] tbody tr').length ?? 0;
          return { state: document.visibilityState, running: el?.hasAttribute('running') ?? false, runs: rows };
        }, LAB);
        if (!s.running && s.runs > before) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const { hiddenSeen, hiddenProgress } = await page.evaluate(() => {
        const w = /** @type {any} */ (window);
        return { hiddenSeen: w.__hiddenSeen, hiddenProgress: w.__hiddenProgress };
      });
      expect(hiddenSeen, 'the lab tab was never hidden; the check could not hide it');
      expect(hiddenProgress > 0, 'no progress arrived while the tab was hidden');
      expect(!s.running && s.runs > before, `the run did not finish while hidden: ${JSON.stringify(s)}`);
      return `${hiddenProgress} progress events while hidden; finished while the tab was ${s.state}`;
    } finally {
      await other.close();
      await page.bringToFront();
    }
  });
  await page.close();

  await check('layout: the lab at 375 px wide in the dark theme has no horizontal scroll', async () => {
    const narrow = await openLab(browser, `${origin}/${QUERY}#fc-train`, { width: 375, height: 1400 });
    try {
      await narrow.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
      await waitPanel(narrow, 'the panel', (x) => Object.keys(x.values).length > 5);
      const wide = await narrow.evaluate(() => document.documentElement.scrollWidth);
      await shotOf(narrow, '#fc-train', 'lab-375-dark.png');
      await narrow.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
      await shotOf(narrow, '#fc-train', 'lab-375-light.png');
      expect(wide <= 375, `the page is ${wide} px wide at a 375 px viewport`);
      return `scroll width ${wide}`;
    } finally {
      await narrow.close();
    }
  });
}

mkdirSync(ART, { recursive: true });
let dev = null;
let browser = null;
try {
  dev = await startDevServer(
    /** @type {any} */ ({
      entries: ['index.html', 'demo/main.ts', 'src/ui/index.ts'],
      include: [
        'lit',
        'lit/decorators.js',
        'lit/directives/if-defined.js',
        'lit/directives/live.js',
        'uplot',
        'wgsl_reflect',
      ],
    }),
  );
  browser = await launchChromium();
  await main(browser, dev.origin);
  await latentSpace(browser, dev.origin);
} catch (e) {
  counts.failed++;
  console.log(`FAIL lab e2e setup: ${e instanceof Error ? e.stack : String(e)}`);
} finally {
  await browser?.close().catch(() => {});
  await dev?.close().catch(() => {});
}
console.log(`lab e2e took ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in test-artifacts/e2e/lab-*.png`);
writeFileSync(join(ART, 'lab-summary.json'), JSON.stringify(counts));
console.log(`LAB E2E: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
