// run.mjs: `npm run bench` — serves the repo with Vite on a free localhost port, opens bench/index.html
// in headless Chromium (WebGPU on, the same flags as web-test-runner.config.mjs), forwards the page's
// progress lines to stderr, then prints a table (or, with --json, one JSON object: adapter and per-workload
// rows) on stdout and
// writes bench/results/<YYYY-MM-DD>-<adapter>.json.
//
// Flags: --rounds N (default 5)   --budget S (default 45; 0: none)   --smoke (1 round, tiny shapes,
//        nothing written)          --only name,name   --json   --help
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';

const root = fileURLToPath(new URL('..', import.meta.url));

// The Chromium flags of web-test-runner.config.mjs (see the comment on each there).
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const USAGE = `usage: npm run bench -- [--rounds N] [--smoke] [--only name,name] [--json]
  --rounds N   measured rounds per workload (default 5); each round runs ours, tfjs and jax-js
  --budget S   measured seconds per workload after which no new round starts (default 45,
               0 = no limit); at least one round always runs. Keeps a SwiftShader run to minutes
  --smoke      1 round at tiny shapes (a few seconds); writes no results file
  --only LIST  comma-separated workload names (gemm-2048-peak, gemm-1024, gemm-fc-fwd, gemm-fc-dx,
               gemm-fc-dw, conv-fwd, conv-bwd, fc-train-sync1, fc-train-sync10, first-step, inference)
  --json       print only the JSON result on stdout (progress still goes to stderr)`;

function parseArgs(argv) {
  const opts = { rounds: 5, budget: 45, smoke: false, only: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`bench: ${a} needs a value.\n${USAGE}`);
      return v;
    };
    if (a === '--json') opts.json = true;
    else if (a === '--smoke') opts.smoke = true;
    else if (a === '--rounds') opts.rounds = Number(value());
    else if (a === '--budget') opts.budget = Number(value());
    else if (a === '--only') opts.only = value();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`bench: unknown argument "${a}".\n${USAGE}`);
  }
  if (opts.smoke) opts.rounds = 1;
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1) fail(`bench: bad --rounds; expected an integer ≥ 1, got ${opts.rounds}.`);
  if (!(opts.budget >= 0)) fail(`bench: bad --budget; expected seconds ≥ 0 (0: no limit), got ${opts.budget}.`);
  return opts;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** A short number: 3 significant digits, no exponent for the magnitudes seen here. */
function num(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

const cell = (p) => ('median' in p ? `${num(p.median)} [${num(p.min)}–${num(p.max)}]` : 'n/a');
const ratio = (x) => (x === null ? 'n/a' : x.toFixed(2));

/** Share of the adapter's measured peak (our gemm-2048-peak median), for the GFLOPS rows. */
function peakShare(result, w, who) {
  const peak = result.workloads.find((x) => x.name === 'gemm-2048-peak');
  const p = w[who];
  if (!peak || w.unit !== 'GFLOPS' || !('median' in p)) return null;
  return p.median / peak.ours.median;
}
const pct = (x) => (x === null ? '' : `${(100 * x).toFixed(0)}%`);

function table(result) {
  const rows = [['workload', 'unit', 'ours median [min–max]', 'tfjs median [min–max]', 'jax median [min–max]', 'ours÷tfjs', 'ours÷jax', 'peak% o/t/j', 'reps', 'rounds']];
  for (const w of result.workloads) {
    const rounds = w.rounds < w.roundsRequested ? `${w.rounds} of ${w.roundsRequested}` : String(w.rounds);
    const shares = w.unit === 'GFLOPS' ? ['ours', 'tfjs', 'jax'].map((k) => pct(peakShare(result, w, k)) || '-').join('/') : '';
    rows.push([w.name, w.unit + (w.lowerIsBetter ? ' (lower is better)' : ''), cell(w.ours), cell(w.tfjs), cell(w.jax), ratio(w.ratioTfjs), ratio(w.ratioJax), shares, String(w.reps), rounds]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((s, c) => s.padEnd(widths[c])).join('  ').trimEnd();
  const out = [line(rows[0]), widths.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1).map(line)];
  const missing = [...new Set(result.workloads.filter((w) => !('median' in w.jax)).map((w) => w.jax.unavailable))];
  if (missing.length) out.push('', ...missing.map((m) => `jax n/a: ${m}`));
  const losses = result.workloads.filter((w) => w.ours.firstLoss !== undefined);
  if (losses.length) {
    out.push('', 'training loss (first → last read back):');
    for (const w of losses) {
      const side = (p) => ('firstLoss' in p && p.firstLoss !== undefined ? `${p.firstLoss.toFixed(5)} → ${p.lastLoss.toFixed(5)}${p.lossFell ? '' : ' (did NOT fall)'}` : 'n/a');
      out.push(`  ${w.name.padEnd(widths[0])}  ours ${side(w.ours)}   tfjs ${side(w.tfjs)}   jax ${side(w.jax)}`);
    }
  }
  return out.join('\n');
}

/** The --json object: adapter, then one row per workload (ratios are ours ÷ peer in the workload's unit). */
function compact(result) {
  const side = (p) => ('median' in p ? { median: p.median, min: p.min, max: p.max, samples: p.samples } : { unavailable: p.unavailable });
  return {
    adapter: result.env.adapter,
    workloads: result.workloads.map((w) => ({
      name: w.name,
      unit: w.unit,
      lowerIsBetter: w.lowerIsBetter,
      ours: side(w.ours),
      tfjs: side(w.tfjs),
      jax: side(w.jax),
      ratio_tfjs: w.ratioTfjs,
      ratio_jax: w.ratioJax,
      rounds: w.rounds,
      peak_share: w.unit === 'GFLOPS' ? { ours: peakShare(result, w, 'ours'), tfjs: peakShare(result, w, 'tfjs'), jax: peakShare(result, w, 'jax') } : null,
    })),
  };
}

function header(result) {
  const a = result.env.adapter;
  const name = [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown adapter';
  const j = result.env.jax;
  return [
    `adapter: ${name}${a.description ? ` (${a.description})` : ''}${a.isFallback ? ' [fallback/CPU]' : ''}; tfjs ${result.env.tfjsVersion} (${result.env.tfjsBackend}); ` +
      `jax-js ${j.version} (${j.device ?? `not running: ${j.unavailable}`})`,
    `${result.config.size} shapes, up to ${result.config.rounds} round(s) alternating ours/tfjs/jax` +
      `${result.config.budgetSeconds ? ` (time budget ${result.config.budgetSeconds} s per workload)` : ''}; data: ${result.data}`,
    'peak% = share of the adapter\'s measured peak (our gemm-2048-peak median); ratios are ours ÷ peer (for seconds, lower is better).',
  ].join('\n');
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'unknown-adapter';

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
      include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-backend-webgpu', '@jax-js/jax'],
    },
  });
  let browser = null;
  try {
    await server.listen();
    const { port } = server.httpServer.address();
    const query = new URLSearchParams({ rounds: String(opts.rounds), budget: String(opts.budget), ...(opts.smoke ? { smoke: '1' } : {}), ...(opts.only ? { only: opts.only } : {}) });
    const url = `http://127.0.0.1:${port}/bench/index.html?${query}`;
    browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
      protocolTimeout: 0,
    });
    const page = await browser.newPage();
    page.on('console', (msg) => {
      const text = msg.text();
      if (!text.startsWith('[vite]')) process.stderr.write(`${text}\n`);
    });
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    process.stderr.write(`bench: ${url}\n`);
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForFunction(() => window.benchResult !== undefined || window.benchError !== undefined, { timeout: 0, polling: 500 });
    const { result, error } = await page.evaluate(() => ({ result: window.benchResult ?? null, error: window.benchError ?? null }));
    if (error !== null) throw new Error(`the bench page failed: ${error}`);
    return { opts, result };
  } finally {
    await browser?.close();
    await server.close();
  }
}

try {
  const { opts, result } = await main();
  const a = result.env.adapter;
  const date = result.startedAt.slice(0, 10);
  const file = `bench/results/${date}-${slug([a.vendor, a.architecture, a.device].filter(Boolean).join(' '))}.json`;
  if (opts.json) process.stdout.write(`${JSON.stringify(compact(result))}\n`);
  else process.stdout.write(`${header(result)}\n\n${table(result)}\n`);
  if (!opts.smoke) {
    mkdirSync(new URL('results/', import.meta.url), { recursive: true });
    writeFileSync(new URL(`../${file}`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`bench: wrote ${file}\n`);
  }
  const stalled = result.workloads.filter((w) => [w.ours, w.tfjs, w.jax].some((p) => p.lossFell === false));
  if (stalled.length) {
    process.stderr.write(`bench: the training loss did not fall in ${stalled.map((w) => w.name).join(', ')}; expected it to fall on every peer. Check the optimizer and the data.\n`);
    process.exit(1);
  }
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
