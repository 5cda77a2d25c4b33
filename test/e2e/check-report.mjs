// check-report.mjs: checks the output folder of `npm run reproduce` (report.json, report.html and the
// PNG files): every experiment of both reports (scripts/report-html.mjs's PLAN) is there and ran, each
// has the metrics its report names with finite numbers, the run states its scale, adapter, seed and
// time, and report.html references every PNG the results list, each of which exists and is a PNG.
// `node test/e2e/check-report.mjs <dir> [--scale tiny]`. Prints one line per check, ends with
// `REPORT: N passed, N failed`, writes <dir>/check-summary.json ({ passed, failed }) and exits
// non-zero on any failure. Imports node built-ins and ../../scripts/report-html.mjs.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLAN } from '../../scripts/report-html.mjs';

/** The metrics each experiment must report, by PLAN id (the keys its report's tables are made of). */
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

/** Every leaf of a metric value (a number, or a record / array of them) as [path, value]. */
function leaves(value, path) {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
  return [[path, value]];
}

/** Checks the folder; returns { passed, failed, lines }. */
export function checkReport(dir, { scale = null } = {}) {
  let passed = 0;
  let failed = 0;
  const lines = [];
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
  const expect = (ok, message) => {
    if (!ok) throw new Error(message);
  };

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

  const byId = new Map((report.experiments ?? []).map((e) => [e.id, e]));
  for (const step of PLAN) {
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
  }
  check('report: no experiment outside the plan', () => {
    const extra = [...byId.keys()].filter((id) => !PLAN.some((p) => p.id === id));
    expect(extra.length === 0, `unexpected: ${extra.join(', ')}`);
  });
  return { passed, failed, lines };
}

// Run as a script.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--scale');
  const scale = at >= 0 ? args[at + 1] : null;
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--scale');
  if (!dir) {
    console.error('usage: node test/e2e/check-report.mjs <reproduce output dir> [--scale tiny]');
    process.exit(2);
  }
  const { passed, failed, lines } = checkReport(resolve(dir), { scale });
  for (const l of lines) console.log(l);
  writeFileSync(join(resolve(dir), 'check-summary.json'), JSON.stringify({ passed, failed }));
  console.log(`REPORT: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}
