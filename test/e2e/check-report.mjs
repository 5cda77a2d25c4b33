// check-report.mjs: checks the output folder of `npm run reproduce` (report.json, report.html and the
// PNG files): every experiment of both reports (scripts/report-html.mjs's PLAN) is there and ran, each
// has the metrics its report names with finite numbers, the run states its scale, adapter, seed and
// time, and report.html references every PNG the results list, each of which exists and is a PNG.
// And what a person would look at: every chart has points; every image grid's PNG decodes to a
// picture of at least its images' area holding many gray levels (not a blank or flat canvas); the
// fully connected autoencoder (fc-train's, and the best setting of each sweep) reconstructs the test
// images better than the test set's mean image does (its MSE computed here from public/data);
// transfer accuracy is above chance.
// With --seeds N (N > 1, a run of `reproduce --seeds N`): every result is over N seeds with its
// per-seed figures, each required metric has a sample sd (some above 0), report.html shows "mean ± sd"
// beside the figures and says how the runs were trained, every line chart's series carry an sd, some
// chart PNG shows a shaded ±1 sd band (pixels of the band colour), a bar chart's series carry an sd.
// --only a,b checks just those experiments of the plan (the others must be absent).
// `node test/e2e/check-report.mjs <dir> [--scale tiny] [--seeds N] [--only a,b]`. Prints one line per check, ends with
// `REPORT: N passed, N failed`, writes <dir>/check-summary.json ({ passed, failed }) and exits
// non-zero on any failure. Imports node built-ins and ../../scripts/report-html.mjs.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLAN } from '../../scripts/report-html.mjs';

/** The series colours of the charts (src/ui/render/colour.ts) and the opacity of a band (render/spread.ts). */
const SERIES_COLORS = ['#0b62d6', '#d1495b', '#2a9d55', '#b36b00', '#7b4fc9', '#0f8b8d', '#c2185b', '#5d6d1e'];
const BAND_ALPHA = 0.2;

/**
 * The colour of a band of `hex` drawn on white: what its pixels show where nothing else is drawn.
 * @param {string} hex
 * @returns {number[]}
 */
const bandOnWhite = (hex) =>
  [1, 3, 5].map((i) => Math.round(255 * (1 - BAND_ALPHA) + Number.parseInt(hex.slice(i, i + 2), 16) * BAND_ALPHA));

/**
 * How many pixels of `rgba` are within 3 of `rgb` in every channel.
 * @param {Uint8Array} rgba
 * @param {number[]} rgb
 */
function pixelsNear(rgba, rgb) {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4)
    if (
      Math.abs((rgba[i] ?? 0) - (rgb[0] ?? 0)) <= 3 &&
      Math.abs((rgba[i + 1] ?? 0) - (rgb[1] ?? 0)) <= 3 &&
      Math.abs((rgba[i + 2] ?? 0) - (rgb[2] ?? 0)) <= 3
    )
      n++;
  return n;
}

/** The metrics each experiment must report, by PLAN id (the keys its report's tables are made of). */
/** @type {Record<string, string[]>} */
export const REQUIRED_METRICS = {
  'fc-train': ['nrmse_train', 'nrmse_test', 'mse_train', 'mse_test'],
  'fc-sweep-loss': ['nrmse_train', 'nrmse_test', 'mse_train', 'mse_test'],
  'fc-sweep-optimizer': ['nrmse_train', 'nrmse_test', 'mse_train', 'mse_test'],
  'fc-sweep-activation': ['nrmse_train', 'nrmse_test', 'mse_train', 'mse_test'],
  'fc-compression': [
    'compression_ratio',
    'nrmse_ae_train',
    'nrmse_ae_test',
    'nrmse_discovered_train',
    'nrmse_discovered_test',
  ],
  'fc-inversion': [
    'frobenius_latent_train',
    'frobenius_latent_test',
    'frobenius_output_train',
    'frobenius_output_test',
  ],
  'conv-latent': ['params', 'train_loss', 'test_loss'],
  'conv-capacity': ['params', 'train_loss', 'test_loss'],
  'conv-interpolate': ['mid_grayness', 'end_grayness', 'endpoint_recon_mse'],
  'conv-correlation': ['mean_abs_correlation'],
  'conv-transfer': ['accuracy_frozen', 'accuracy_full'],
};

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The fully connected experiments whose test MSE must beat the mean image's: fc-train's model, and the
 * best setting of each sweep (a sweep shows settings that do worse, e.g. SGD at the tiny budget).
 */
const FC_RECONSTRUCTING = ['fc-train', 'fc-sweep-loss', 'fc-sweep-optimizer', 'fc-sweep-activation'];
const CHANCE = 1 / 10;

/**
 * Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what a canvas exports) to RGBA pixels.
 * @param {Buffer} file
 * @returns {{ width: number, height: number, rgba: Uint8Array }}
 */
export function decodePng(file) {
  if (!file.subarray(0, 8).equals(PNG_MAGIC)) throw new Error('not a PNG');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  /** @type {Buffer[]} */
  const idat = [];
  while (at < file.length) {
    const len = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    const data = file.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, color, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      channels = color === 6 ? 4 : color === 2 ? 3 : 0;
      if (depth !== 8 || channels === 0 || interlace !== 0)
        throw new Error(`unsupported PNG: bit depth ${depth}, color type ${color}, interlace ${interlace}`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (cur[i - channels] ?? 0) : 0;
      const b = prev[i] ?? 0;
      const c = i >= channels ? (prev[i - channels] ?? 0) : 0;
      let v = line[i] ?? 0;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      cur[i] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) out[(y * width + x) * 4 + k] = k < channels ? (cur[x * channels + k] ?? 0) : 255;
    }
    prev.set(cur);
  }
  return { width, height, rgba: out };
}

/**
 * The mean squared error of the mean image on the Fashion-MNIST test set (pixels / 255), from the
 * prepared data; null when public/data is not there.
 * @returns {number | null}
 */
function fashionMeanImageMse() {
  const file = fileURLToPath(new URL('../../public/data/fashion-mnist-test-images.u8', import.meta.url));
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  const n = bytes.length / 784;
  const mean = new Float64Array(784);
  for (let i = 0; i < bytes.length; i++) mean[i % 784] = (mean[i % 784] ?? 0) + (bytes[i] ?? NaN) / 255 / n;
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += ((bytes[i] ?? NaN) / 255 - (mean[i % 784] ?? NaN)) ** 2;
  return sum / bytes.length;
}

/**
 * The last value of a metric (a number, or a list of per-epoch values).
 * @param {any} v
 * @returns {any}
 */
const lastValue = (v) => (Array.isArray(v) ? v[v.length - 1] : v);

/**
 * Every leaf of a metric value (a number, or a record / array of them) as [path, value].
 * @param {unknown} value
 * @param {string} path
 * @returns {[string, any][]}
 */
function leaves(value, path) {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
  return [[path, value]];
}

/**
 * Checks the folder; returns { passed, failed, lines }.
 * @param {string} dir
 * @param {{ scale?: string | null, seeds?: number, only?: string[] | null }} [options]
 * @returns {{ passed: number, failed: number, lines: string[] }}
 */
export function checkReport(dir, { scale = null, seeds = 1, only = null } = {}) {
  let passed = 0;
  let failed = 0;
  /** @type {string[]} */
  const lines = [];
  /**
   * @param {string} name
   * @param {() => string | void} fn
   */
  const check = (name, fn) => {
    try {
      const note = fn();
      passed++;
      lines.push(`ok   ${name}${note ? ` — ${note}` : ''}`);
    } catch (e) {
      failed++;
      lines.push(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  /**
   * @param {unknown} ok
   * @param {string} message
   * @returns {asserts ok}
   */
  const expect = (ok, message) => {
    if (!ok) throw new Error(message);
  };

  /** @type {any} report.json as parsed */
  let report = null;
  check('report: report.json exists and parses', () => {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    return `${report.experiments?.length ?? 0} experiment(s)`;
  });
  let html = '';
  check('report: report.html exists', () => {
    html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>'), 'report.html does not start with <!doctype html>');
    return `${html.length} characters`;
  });
  if (!report) return { passed, failed, lines };

  check('report: scale, adapter, seed and total time are stated', () => {
    expect(typeof report.scale === 'string' && report.scale !== '', `scale is ${JSON.stringify(report.scale)}`);
    if (scale) expect(report.scale === scale, `scale is "${report.scale}"; expected "${scale}"`);
    expect(
      typeof report.adapter === 'string' && report.adapter !== '' && report.adapter !== 'unknown',
      `adapter is ${JSON.stringify(report.adapter)}`,
    );
    expect('seed' in report, 'no seed field');
    expect(Number.isFinite(report.totalMs) && report.totalMs > 0, `totalMs is ${report.totalMs}`);
    expect(html.includes(`Scale <strong>${report.scale}</strong>`), 'report.html does not state the scale');
    return `scale ${report.scale}, adapter ${report.adapter}, ${(report.totalMs / 1000).toFixed(0)} s`;
  });

  /** @type {Map<string, any>} */
  const byId = new Map((report.experiments ?? []).map((/** @type {any} */ e) => [e.id, e]));
  const meanImageMse = fashionMeanImageMse();
  /** @type {{ chart: string, band: number }[]} band-colour pixels of each line chart's PNG (several seeds) */
  const bandPixels = [];
  if (seeds > 1)
    check(`report: ${seeds} seeds per experiment stated, every figure as mean ± sd`, () => {
      expect(report.seeds === seeds, `report.json seeds is ${JSON.stringify(report.seeds)}; expected ${seeds}`);
      expect(html.includes(`<strong>${seeds} seeds</strong> per experiment`), 'report.html does not state the seeds');
    });
  for (const step of PLAN.filter((p) => !only || only.includes(p.id))) {
    const exp = byId.get(step.id);
    check(`${step.id}: present in report.json and ran (report ${step.report})`, () => {
      expect(exp, 'missing from report.json');
      expect(exp.status === 'ok' && exp.result, `status ${exp.status}: ${exp.error ?? 'no result'}`);
      expect(html.includes(`id="exp-${step.id}"`), `report.html has no section exp-${step.id}`);
    });
    const r = exp?.result;
    if (!r) continue;
    const required = REQUIRED_METRICS[step.id] ?? [];
    check(`${step.id}: metrics ${required.join(', ')} are finite numbers`, () => {
      const m = r.metrics ?? {};
      const missing = required.filter((k) => !(k in m));
      expect(missing.length === 0, `missing ${missing.join(', ')}; has ${Object.keys(m).join(', ')}`);
      const values = required.flatMap((k) => leaves(m[k], k));
      const bad = values.filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
      expect(bad.length === 0, `not finite: ${bad.map(([p, v]) => `${p}=${v}`).join(', ')}`);
      return `${values.length} value(s)`;
    });
    check(`${step.id}: scale, adapter, seed and time stated`, () => {
      const seed = r.seed ?? r.config?.seed;
      expect(typeof (r.scale ?? report.scale) === 'string', 'no scale');
      if (scale) expect((r.scale ?? report.scale) === scale, `scale ${r.scale}; expected ${scale}`);
      expect(typeof r.adapter === 'string' && r.adapter !== '', `adapter ${JSON.stringify(r.adapter)}`);
      expect(Number.isInteger(seed), `seed ${JSON.stringify(seed)}`);
      expect(
        Number.isFinite(r.elapsedMs ?? exp.wallMs) && (r.elapsedMs ?? exp.wallMs) >= 0,
        `time ${r.elapsedMs ?? exp.wallMs}`,
      );
      return `seed ${seed}, ${((r.elapsedMs ?? exp.wallMs) / 1000).toFixed(1)} s`;
    });
    const pngs = [...(r.charts ?? []), ...(r.grids ?? []), ...(r.heatmaps ?? [])].map((x) => x.file).filter(Boolean);
    check(`${step.id}: report.html shows each of its PNG files, and they exist`, () => {
      expect(pngs.length > 0, 'the result lists no PNG file');
      for (const f of pngs) {
        expect(f.endsWith('.png'), `${f} is not a .png`);
        const src = `${exp.dir}/${f}`;
        expect(html.includes(`src="${src}"`), `report.html does not reference ${src}`);
        const path = join(dir, exp.dir, f);
        expect(existsSync(path) && statSync(path).size > PNG_MAGIC.length, `${path} is missing or empty`);
        expect(readFileSync(path).subarray(0, 8).equals(PNG_MAGIC), `${path} is not a PNG`);
      }
      return `${pngs.length} PNG(s)`;
    });
    check(`${step.id}: every chart has points`, () => {
      const charts = r.charts ?? [];
      for (const c of charts) {
        const series = c.series ?? [];
        expect(series.length > 0, `chart "${c.title}" has no series`);
        for (const s of series) {
          expect(Array.isArray(s.y) && s.y.length > 0, `chart "${c.title}", series "${s.name}" has no points`);
          expect(
            s.y.every(Number.isFinite) && (!s.x || (s.x.length === s.y.length && s.x.every(Number.isFinite))),
            `chart "${c.title}", series "${s.name}" has a point that is not a finite number`,
          );
        }
      }
      const points = charts.reduce(
        (/** @type {number} */ n, /** @type {any} */ c) =>
          n + c.series.reduce((/** @type {number} */ m, /** @type {any} */ s) => m + s.y.length, 0),
        0,
      );
      return `${charts.length} chart(s), ${points} points`;
    });
    const grids = (r.grids ?? []).filter((/** @type {any} */ g) => g.file);
    if (grids.length > 0)
      check(`${step.id}: every image grid's PNG shows images (their area, many gray levels)`, () => {
        for (const g of grids) {
          const { width, height, rgba } = decodePng(readFileSync(join(dir, exp.dir, g.file)));
          const side = 28 * 3; // scripts draw each image pixel as a 3×3 block (src/ui/render/grid.ts)
          expect(
            width * height >= g.count * side * side,
            `${g.file}: ${width}×${height} cannot hold ${g.count} images`,
          );
          const grays = new Set();
          for (let i = 0; i < rgba.length; i += 4)
            if (rgba[i] === rgba[i + 1] && rgba[i] === rgba[i + 2] && rgba[i + 3] === 255) grays.add(rgba[i]);
          expect(grays.size >= 32, `${g.file}: only ${grays.size} gray levels; the images are blank or flat`);
        }
        return `${grids.length} grid(s)`;
      });
    if (FC_RECONSTRUCTING.includes(step.id) && meanImageMse !== null)
      check(`${step.id}: the reconstructions beat the mean image (test MSE < ${meanImageMse.toFixed(4)})`, () => {
        const values = leaves(r.metrics?.mse_test, 'mse_test').filter(([, v]) => typeof v === 'number');
        expect(values.length > 0, 'no mse_test');
        const [path, best] = values.reduce((a, b) => (b[1] < a[1] ? b : a));
        expect(best < meanImageMse, `the best, ${path} = ${best}, is no better than the mean image`);
        return `best ${path} = ${Number(best).toFixed(4)}`;
      });
    if (seeds > 1) checkSpread(step.id, exp, r);
    if (step.id === 'conv-transfer')
      check(`conv-transfer: test accuracy above chance (${CHANCE})`, () => {
        const frozen = lastValue(r.metrics?.accuracy_frozen);
        const full = lastValue(r.metrics?.accuracy_full);
        expect(frozen > CHANCE && full > CHANCE, `accuracy frozen ${frozen}, full ${full}; chance is ${CHANCE}`);
        return `frozen ${frozen}, full ${full}`;
      });
  }
  /**
   * The checks of a result over several seeds.
   * @param {string} id
   * @param {any} exp
   * @param {any} r
   */
  function checkSpread(id, exp, r) {
    check(`${id}: over ${seeds} seeds, each with its own figures, trained one after another`, () => {
      expect(Array.isArray(r.seeds) && r.seeds.length === seeds, `seeds ${JSON.stringify(r.seeds)}`);
      expect(Array.isArray(r.perSeed) && r.perSeed.length === seeds, `${r.perSeed?.length ?? 0} per-seed results`);
      const seedRuns = (r.grouping ?? []).find((/** @type {any} */ g) =>
        g.runs.every((/** @type {string} */ x) => /^seed=\d+$/.test(x)),
      )?.runs;
      expect(seedRuns?.length === seeds, `the seeds' group names ${JSON.stringify(seedRuns)}`);
      expect(html.includes('trained one after another'), 'report.html does not say how the runs were trained');
      return `seeds ${r.seeds.join(', ')}`;
    });
    const required = REQUIRED_METRICS[id] ?? [];
    check(`${id}: ${required.join(', ')} have a sample sd (finite, some above 0)`, () => {
      const sds = required.flatMap((k) => leaves(r.metricsSd?.[k], k));
      expect(sds.length > 0, 'no metricsSd');
      const bad = sds.filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v) || v < 0);
      expect(bad.length === 0, `not a finite sd ≥ 0: ${bad.map(([p, v]) => `${p}=${v}`).join(', ')}`);
      expect(
        sds.some(([, v]) => v > 0),
        'every sd is 0: the seeds gave identical figures',
      );
      return `${sds.length} sd(s)`;
    });
    check(`${id}: report.html gives the figures with their spread (±)`, () => {
      const section = html.slice(html.indexOf(`id="exp-${id}"`));
      const end = section.indexOf('</section>');
      const cells = section.slice(0, end).match(/<td class="spread">[^<]* ± [^<]*<\/td>/g) ?? [];
      expect(cells.length > 0, 'no "mean ± sd" cell in its section');
      return `${cells.length} cell(s), e.g. ${cells[0]?.replace(/<[^>]+>/g, '')}`;
    });
    const lines = (r.charts ?? []).filter((/** @type {any} */ c) => c.kind !== 'bar' && c.file);
    if (lines.length)
      check(`${id}: line charts carry an sd (drawn as ±1 sd bands)`, () => {
        /** @type {string[]} */
        const seen = [];
        for (const c of lines) {
          const withSd = c.series.filter(
            (/** @type {any} */ s) =>
              Array.isArray(s.sd) && s.sd.some((/** @type {unknown} */ v) => typeof v === 'number' && v > 0),
          );
          expect(withSd.length > 0, `chart "${c.title}": no series with an sd`);
          // The band's pixels: of each series' band colour where nothing else is drawn. A band thinner
          // than its line (a small sd) or around a single point (one epoch) shows none.
          const { rgba } = decodePng(readFileSync(join(dir, exp.dir, c.file)));
          let band = 0;
          c.series.forEach((/** @type {any} */ s, /** @type {number} */ i) => {
            if (withSd.includes(s))
              band += pixelsNear(rgba, bandOnWhite(SERIES_COLORS[i % SERIES_COLORS.length] ?? '#000000'));
          });
          bandPixels.push({ chart: `${id}/${c.file}`, band });
          seen.push(`${c.file} ${band}`);
        }
        return `band pixels: ${seen.join(', ')}`;
      });
    const bars = (r.charts ?? []).filter((/** @type {any} */ c) => c.kind === 'bar');
    if (bars.length)
      check(`${id}: bar charts carry an sd for their error bars`, () => {
        for (const c of bars)
          expect(
            c.series.some(
              (/** @type {any} */ s) =>
                Array.isArray(s.sd) && s.sd.some((/** @type {unknown} */ v) => typeof v === 'number'),
            ),
            `chart "${c.title}": no series with an sd`,
          );
      });
  }

  if (seeds > 1)
    check('report: the chart PNGs show ±1 sd bands', () => {
      const shown = bandPixels.filter((b) => b.band >= 20);
      expect(
        shown.length > 0,
        `no line chart shows a band: ${bandPixels.map((b) => `${b.chart} ${b.band}`).join(', ')}`,
      );
      return shown.map((b) => `${b.chart} ${b.band} px`).join(', ');
    });
  check(`report: no experiment outside the ${only ? 'chosen ones' : 'plan'}`, () => {
    const extra = [...byId.keys()].filter((id) => !PLAN.some((p) => p.id === id && (!only || only.includes(id))));
    expect(extra.length === 0, `unexpected: ${extra.join(', ')}`);
  });
  return { passed, failed, lines };
}

// Run as a script.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  /** @param {string} flag */
  const option = (flag) => (args.indexOf(flag) >= 0 ? (args[args.indexOf(flag) + 1] ?? null) : null);
  const scale = option('--scale');
  const seeds = Number(option('--seeds') ?? 1);
  const only = option('--only')?.split(',') ?? null;
  const dir = args.find((a, i) => !a.startsWith('--') && !['--scale', '--seeds', '--only'].includes(args[i - 1] ?? ''));
  if (!dir || !Number.isInteger(seeds) || seeds < 1) {
    console.error(
      'usage: node test/e2e/check-report.mjs <reproduce output dir> [--scale tiny] [--seeds N] [--only a,b]',
    );
    process.exit(2);
  }
  const { passed, failed, lines } = checkReport(resolve(dir), { scale, seeds, only });
  for (const l of lines) console.log(l);
  writeFileSync(join(resolve(dir), 'check-summary.json'), JSON.stringify({ passed, failed }));
  console.log(`REPORT: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}
