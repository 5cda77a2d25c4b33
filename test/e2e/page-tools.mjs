// page-tools.mjs: what the e2e test does inside a page — a lab element's visible state read through
// its shadow root, events recorded per element, CSP violations recorded from the first byte, and
// waiting with a readable timeout message. Imports nothing (the page functions run in Chromium).
/// <reference path="./page-globals.d.ts" />

/** @typedef {import('puppeteer-core').Page} Page */
/**
 * @typedef {{ defined: boolean, running: boolean, config: string, status: string, error: string,
 *   livePoints: number, grids: number, gridImages: number, startDisabled: boolean }} LabState
 */

/**
 * Installs, before any page script runs, a recorder of CSP violations and of ae-* events.
 * @param {Page} page
 * @returns {Promise<{ consoleCsp: string[] }>}
 */
export async function instrument(page) {
  await page.evaluateOnNewDocument(() => {
    window.__csp = [];
    window.__events = [];
    window.addEventListener(
      'securitypolicyviolation',
      (e) => {
        window.__csp.push(
          `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
        );
      },
      true,
    );
    for (const type of ['ae-progress', 'ae-done', 'ae-error']) {
      window.addEventListener(
        type,
        (e) => {
          const d = /** @type {CustomEvent} */ (e).detail ?? {};
          const el = /** @type {Element | undefined} */ (e.composedPath()[0]);
          window.__events.push({
            type,
            task: d.task,
            id: el?.id ?? '',
            stage: d.stage,
            stopped: d.stopped,
            message: d.message ?? d.error?.message ?? '',
            errorName: d.error?.name ?? '',
          });
        },
        true,
      );
    }
  });
  /** @type {string[]} */
  const consoleCsp = [];
  page.on('console', (msg) => {
    if (/Content[- ]Security[- ]Policy/i.test(msg.text())) consoleCsp.push(msg.text());
    if (msg.type() === 'error') console.log(`     page console error: ${msg.text()} (${msg.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => console.log(`     page error: ${e instanceof Error ? e.message : String(e)}`));
  return { consoleCsp };
}

/**
 * The visible state of the lab element `selector`: phase words, texts of its parts, chart points.
 * @param {Page} page
 * @param {string} selector
 * @returns {Promise<LabState | null>}
 */
export function labState(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const root = el.shadowRoot;
    const text = (/** @type {string} */ q) => root?.querySelector(q)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    const charts = /** @type {(Element & { pointCount?: number })[]} */ ([
      ...(root?.querySelectorAll('ae-chart') ?? []),
    ]);
    const grids = /** @type {(Element & { images?: ArrayLike<number> | null })[]} */ ([
      ...(root?.querySelectorAll('[part="results"] ae-image-grid') ?? []),
    ]);
    return {
      defined: Boolean(customElements.get(el.localName)),
      running: el.hasAttribute('running'),
      config: text('.config'),
      status: text('[part="status"]'),
      error: text('[part="error"]'),
      livePoints: charts.filter((c) => c.closest('[part="chart"]')).reduce((n, c) => n + (c.pointCount ?? 0), 0),
      grids: grids.length,
      gridImages: grids.reduce((n, g) => n + (g.images?.length ?? 0), 0),
      startDisabled:
        /** @type {HTMLButtonElement | null | undefined} */ (root?.querySelector('[data-action="start"]'))?.disabled ??
        true,
    };
  }, selector);
}

/**
 * Clicks a control of the lab (`start`, `stop`) as a person would: a real mouse click on the button.
 * @param {Page} page
 * @param {string} selector
 * @param {string} action
 */
export async function clickControl(page, selector, action) {
  const button = await page.evaluateHandle(
    (/** @type {string} */ sel, /** @type {string} */ a) =>
      document.querySelector(sel)?.shadowRoot?.querySelector(`[data-action="${a}"]`),
    selector,
    action,
  );
  const el = /** @type {import('puppeteer-core').ElementHandle<Element> | null} */ (button.asElement());
  if (!el) throw new Error(`no "${action}" button in ${selector}`);
  await el.click();
}

/**
 * Polls `predicate(state)` on labState until true; throws naming `what` and the last state.
 * @param {Page} page
 * @param {string} selector
 * @param {string} what
 * @param {(state: LabState) => boolean} predicate
 * @param {number} timeoutMs
 * @returns {Promise<LabState>}
 */
export async function waitForLab(page, selector, what, predicate, timeoutMs) {
  const t0 = Date.now();
  let last = null;
  while (Date.now() - t0 < timeoutMs) {
    last = await labState(page, selector);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last state ${JSON.stringify(last)}`);
}

/**
 * The recorded ae-* events (optionally only those of `type`) since the page loaded.
 * @param {Page} page
 * @param {string} [type]
 * @returns {Promise<RecordedAeEvent[]>}
 */
export function events(page, type) {
  return page.evaluate((t) => window.__events.filter((e) => !t || e.type === t), type);
}

/**
 * The CSP violations seen by the page, from its own event and from the console.
 * @param {Page} page
 * @param {string[]} consoleCsp
 */
export async function cspViolations(page, consoleCsp) {
  const own = await page.evaluate(() => window.__csp);
  return [...new Set([...own, ...consoleCsp])];
}

/**
 * Looks at the image grids in the results of the lab `selector` the way a person does, through the
 * canvas: for every grid, how many image pixels on the canvas differ from the images the grid was given
 * (gray = round(255·clamp(v, 0, 1))), and, where its labels name rows of originals and reconstructions,
 * the mean squared error (on the canvas's gray levels, /255) of each reconstruction against its original
 * and of the originals' mean image against them.
 * @param {Page} page
 * @param {string} selector
 * @returns {Promise<{ grids: { caption: string, images: number, mismatched: number, recMse: number | null, meanImageMse: number | null }[] }>}
 */
export function gridPixels(page, selector) {
  return page.evaluate((sel) => {
    const lab = /** @type {HTMLElement & { shadowRoot: ShadowRoot }} */ (document.querySelector(sel));
    const grids = [...(lab?.shadowRoot?.querySelectorAll('[part="results"] ae-image-grid') ?? [])];
    return {
      grids: grids.map((g) => {
        const grid = /** @type {any} */ (g);
        const canvas = /** @type {HTMLCanvasElement} */ (grid.shadowRoot.querySelector('canvas'));
        const layout = grid.layout;
        const side = grid.imageSize;
        const px = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).getImageData(
          0,
          0,
          canvas.width,
          canvas.height,
        ).data;
        /** @type {number[][]} canvas gray levels / 255 of each image */
        const shown = [];
        let mismatched = 0;
        for (let k = 0; k < layout.count; k++) {
          const { x: x0, y: y0 } = grid.cellOrigin(k);
          const img = [];
          for (let y = 0; y < side; y++) {
            for (let x = 0; x < side; x++) {
              const o = ((y0 + y) * canvas.width + x0 + x) * 4;
              const v = grid.images[k * side * side + y * side + x];
              const want = v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
              if (px[o] !== want || px[o + 1] !== want || px[o + 2] !== want || px[o + 3] !== 255) mismatched++;
              img.push((px[o] ?? NaN) / 255);
            }
          }
          shown.push(img);
        }
        const labels = grid.labels ?? [];
        const originals = shown.filter((_, k) => labels[k] === 'original');
        const recs = shown.filter((_, k) => labels[k] === 'reconstruction');
        let recMse = null;
        let meanImageMse = null;
        if (originals.length > 0 && recs.length === originals.length) {
          const n = side * side;
          const mean = Array.from(
            { length: n },
            (_, i) => originals.reduce((s, o) => s + (o[i] ?? NaN), 0) / originals.length,
          );
          const mse = (/** @type {number[]} */ a, /** @type {number[]} */ b) =>
            a.reduce((s, v, i) => s + (v - (b[i] ?? NaN)) ** 2, 0) / n;
          recMse = originals.reduce((s, o, k) => s + mse(o, recs[k] ?? []), 0) / originals.length;
          meanImageMse = originals.reduce((s, o) => s + mse(mean, o), 0) / originals.length;
        }
        return { caption: grid.caption, images: layout.count, mismatched, recMse, meanImageMse };
      }),
    };
  }, selector);
}
