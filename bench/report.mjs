// report.mjs: the text table, header and --json object printed from a bench result, and the results
// file's name. Shared by bench/run.mjs (Chromium) and bench/node-main.ts (Node on Dawn's bindings).
// Typed by JSDoc (checked under tsconfig.scripts.json; TypeScript importers read the same types).

/** @typedef {import('./suite').BenchResult} BenchResult */
/** @typedef {import('./workloads/index').WorkloadResult} WorkloadResult */
/** @typedef {import('./workloads/index').PeerResult} PeerResult */
/** @typedef {import('./workloads/index').Unavailable} Unavailable */
/** @typedef {import('./workloads/index').PeerKey} PeerKey */
/** @typedef {Partial<import('../src/kernels/tuning').Tuning>} TuningOverride */

/**
 * A short number: 3 significant digits, no exponent for the magnitudes seen here.
 * @param {number} x
 */
function num(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** @param {PeerResult | Unavailable} p */
const cell = (p) => ('median' in p ? `${num(p.median)} [${num(p.min)}–${num(p.max)}]` : 'n/a');
/** @param {number | null} x */
const ratio = (x) => (x === null ? 'n/a' : x.toFixed(2));

/**
 * Share of the adapter's measured peak (our gemm-2048-peak median), for the GFLOPS rows.
 * @param {BenchResult} result
 * @param {WorkloadResult} w
 * @param {PeerKey} who
 * @returns {number | null}
 */
function peakShare(result, w, who) {
  const peak = result.workloads.find((x) => x.name === 'gemm-2048-peak');
  const p = w[who];
  if (!peak || w.unit !== 'GFLOPS' || w.name === FMA_PEAK || !('median' in p)) return null;
  return p.median / peak.ours.median;
}

/** The workload that measures the adapter's f32 FMA rate (bench/workloads/fma-peak.ts). */
const FMA_PEAK = 'fma-peak';

/**
 * gemm-2048-peak's share of the adapter's measured FMA ceiling (our medians), or null when either row
 * did not run.
 * @param {BenchResult} result
 * @returns {number | null}
 */
export function fmaPeakShare(result) {
  const gemm = result.workloads.find((x) => x.name === 'gemm-2048-peak');
  const fma = result.workloads.find((x) => x.name === FMA_PEAK);
  return gemm && fma ? gemm.ours.median / fma.ours.median : null;
}

/**
 * Every peer's GFLOP/s median on the rows that count their FLOPs (training steps), as o/t/j.
 * @param {WorkloadResult} w
 */
function gflopsCell(w) {
  const g = w.gflops;
  /** @type {PeerKey[]} */
  const peers = ['ours', 'tfjs', 'jax'];
  return g ? peers.map((k) => (g[k] ? num(g[k].median) : '-')).join('/') : '';
}
/** @param {number | null} x */
const pct = (x) => (x === null ? '' : `${(100 * x).toFixed(0)}%`);

/**
 * One counted field of one step of ours / tfjs / jax, for the rows that count steps.
 * @param {{ counts?: Partial<Record<'ours' | 'tfjs' | 'jax', import('../src/gpu/counting').WorkCount>> }} w
 * @param {'dispatches' | 'uploadBytes'} field
 */
function counted(w, field) {
  const c = w.counts;
  /** @type {('ours' | 'tfjs' | 'jax')[]} */
  const peers = ['ours', 'tfjs', 'jax'];
  return c ? peers.map((k) => String(c[k]?.[field] ?? '-')).join('/') : '';
}

/**
 * The text table of a result: one row per workload, then the peers jax-js could not run and the losses.
 * @param {BenchResult} result
 * @returns {string}
 */
export function table(result) {
  const rows = [
    [
      'workload',
      'unit',
      'ours median [min–max]',
      'tfjs median [min–max]',
      'jax median [min–max]',
      'ours÷tfjs',
      'ours÷jax',
      'peak% o/t/j',
      'dispatches/step o/t/j',
      'upload B/step o/t/j',
      'GFLOP/s o/t/j',
      'reps',
      'rounds',
    ],
  ];
  for (const w of result.workloads) {
    const rounds = w.rounds < w.roundsRequested ? `${w.rounds} of ${w.roundsRequested}` : String(w.rounds);
    const shares =
      w.unit === 'GFLOPS'
        ? /** @type {PeerKey[]} */ (['ours', 'tfjs', 'jax']).map((k) => pct(peakShare(result, w, k)) || '-').join('/')
        : '';
    rows.push([
      w.name,
      w.unit + (w.lowerIsBetter ? ' (lower is better)' : ''),
      cell(w.ours),
      cell(w.tfjs),
      cell(w.jax),
      ratio(w.ratioTfjs),
      ratio(w.ratioJax),
      shares,
      counted(w, 'dispatches'),
      counted(w, 'uploadBytes'),
      gflopsCell(w),
      String(w.reps),
      rounds,
    ]);
  }
  const head = /** @type {string[]} */ (rows[0]);
  const widths = head.map((_, c) => Math.max(...rows.map((r) => /** @type {string} */ (r[c]).length)));
  /** @param {string[]} r */
  const line = (r) =>
    r
      .map((s, c) => s.padEnd(/** @type {number} */ (widths[c])))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1).map(line)];
  const missing = [
    ...new Set(
      result.workloads
        // Rows that ran ours alone say why once, below, for both peers.
        .filter((w) => !('median' in w.jax) && 'median' in w.tfjs)
        .map((w) => /** @type {Unavailable} */ (w.jax).unavailable),
    ),
  ];
  if (missing.length) out.push('', ...missing.map((m) => `jax n/a: ${m}`));
  const alone = result.workloads.flatMap((w) =>
    'median' in w.tfjs ? [] : [`${w.name}: tfjs and jax n/a: ${w.tfjs.unavailable}`],
  );
  if (alone.length) out.push('', ...alone);
  const fmaShare = fmaPeakShare(result);
  if (fmaShare !== null) out.push('', `gemm-2048-peak: ${pct(fmaShare)} of the measured FMA ceiling (fma-peak)`);
  const losses = result.workloads.filter((w) => w.ours.firstLoss !== undefined);
  if (losses.length) {
    out.push('', 'training loss (first → last read back):');
    for (const w of losses) {
      /** @param {PeerResult | Unavailable} p */
      const side = (p) => {
        if (!('firstLoss' in p) || p.firstLoss === undefined) return 'n/a';
        // first-step rows read one loss per measurement: there is no fall to show.
        if (p.lastLoss === undefined) return `${p.firstLoss.toFixed(5)} (first step)`;
        return `${p.firstLoss.toFixed(5)} → ${p.lastLoss.toFixed(5)}${p.lossFell ? '' : ' (did NOT fall)'}`;
      };
      out.push(
        `  ${w.name.padEnd(/** @type {number} */ (widths[0]))}  ours ${side(w.ours)}   tfjs ${side(w.tfjs)}   jax ${side(w.jax)}`,
      );
    }
  }
  return out.join('\n');
}

/** The --json object: adapter, then one row per workload (ratios are ours ÷ peer in the workload's unit). */
/**
 * @param {BenchResult} result
 * @returns {unknown}
 */
export function compact(result) {
  /** @param {PeerResult | Unavailable} p */
  const side = (p) =>
    'median' in p ? { median: p.median, min: p.min, max: p.max, samples: p.samples } : { unavailable: p.unavailable };
  return {
    adapter: result.env.adapter,
    host: result.host ?? 'chromium',
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
      peak_share:
        w.unit === 'GFLOPS'
          ? { ours: peakShare(result, w, 'ours'), tfjs: peakShare(result, w, 'tfjs'), jax: peakShare(result, w, 'jax') }
          : null,
      // Counted in one steady-state step of ours (training rows; the peers' counts are in the results file).
      dispatches_per_step: w.counts?.ours?.dispatches ?? null,
      upload_bytes_per_step: w.counts?.ours?.uploadBytes ?? null,
      // Rows that count their FLOPs (training steps): FLOPs of one step and each peer's GFLOP/s.
      ...(w.flopsPerRep !== undefined
        ? {
            flops_per_step: w.flopsPerRep,
            gflops: {
              ours: w.gflops?.ours?.median ?? null,
              tfjs: w.gflops?.tfjs?.median ?? null,
              jax: w.gflops?.jax?.median ?? null,
            },
          }
        : {}),
      // Our 2048³ GEMM as a share of the adapter's measured FMA rate (null when fma-peak did not run).
      ...(w.name === 'gemm-2048-peak' ? { share_of_fma_peak: fmaPeakShare(result) } : {}),
    })),
  };
}

/**
 * The lines printed above the table: host, adapter, peers' versions, shapes and rounds.
 * @param {BenchResult} result
 * @returns {string}
 */
export function header(result) {
  const a = result.env.adapter;
  const name = [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown adapter';
  const j = result.env.jax;
  return [
    `host: ${result.host ?? 'chromium'}${result.env.tuning ? `; our kernels: ${JSON.stringify(result.env.tuning)}` : ''}`,
    `adapter: ${name}${a.description ? ` (${a.description})` : ''}${a.isFallback ? ' [fallback/CPU]' : ''}; tfjs ${result.env.tfjsVersion} (${result.env.tfjsBackend}); ` +
      `jax-js ${j.version} (${j.device ?? `not running: ${j.unavailable}`})`,
    `${result.config.size} shapes, up to ${result.config.rounds} round(s) alternating ours/tfjs/jax` +
      `${result.config.budgetSeconds ? ` (time budget ${result.config.budgetSeconds} s per workload)` : ''}; data: ${result.data}`,
    "peak% = share of the adapter's measured peak (our gemm-2048-peak median); fma-peak = the adapter's measured f32 FMA rate; ratios are ours ÷ peer (for seconds, lower is better).",
  ].join('\n');
}

/**
 * `s` lower-cased with every run of other characters as one hyphen, for file names.
 * @param {string} s
 * @returns {string}
 */
export const slug = (s) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'unknown-adapter';

/**
 * bench/results/<YYYY-MM-DD>-<adapter>[-<suffix>].json for a result.
 * @param {BenchResult} result
 * @param {string} [suffix]
 * @returns {string}
 */
export function resultFile(result, suffix = '') {
  const a = result.env.adapter;
  const date = result.startedAt.slice(0, 10);
  return `bench/results/${date}-${slug([a.vendor, a.architecture, a.device].filter(Boolean).join(' '))}${suffix ? `-${suffix}` : ''}.json`;
}

/**
 * What both runners do with a finished result: print it (the table, or the --json object), write the
 * results file (not for --smoke), and name training that did not learn. Returns the exit status.
 * `write(file, text)` writes the file; `log(line)` reports on stderr.
 * @param {BenchResult} result
 * @param {{ json: boolean, smoke: boolean }} opts
 * @param {string} file
 * @param {(file: string, text: string) => void} write
 * @param {(line: string) => void} log
 * @returns {number}
 */
export function finishRun(result, opts, file, write, log) {
  if (opts.json) process.stdout.write(`${JSON.stringify(compact(result))}\n`);
  else process.stdout.write(`${header(result)}\n\n${table(result)}\n`);
  if (!opts.smoke) {
    write(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${file}`);
  }
  const stalled = stalledTraining(result);
  if (stalled.length) {
    log(
      `the training loss did not fall in ${stalled.join(', ')}; expected it to fall on every peer. Check the optimizer and the data.`,
    );
    return 1;
  }
  return 0;
}

/**
 * Names the training workloads whose loss did not fall on some peer (empty: all fell).
 * @param {BenchResult} result
 * @returns {string[]}
 */
export function stalledTraining(result) {
  return result.workloads
    .filter((w) => [w.ours, w.tfjs, w.jax].some((p) => 'lossFell' in p && p.lossFell === false))
    .map((w) => w.name);
}

/** @type {Record<string, readonly string[] | 'int'>} */
const TUNING_KEYS = {
  gemm: ['tiled', 'direct'],
  conv: ['im2col', 'direct'],
  termsPerThread: 'int',
  im2colMaxBytes: 'int',
  wideMinTiles: 'int',
  vec4Reads: ['true', 'false'],
};

/**
 * The `--tuning` text of a Tuning override (parseTuning's inverse).
 * @param {TuningOverride} tuning
 * @returns {string}
 */
export const tuningArg = (tuning) =>
  Object.entries(tuning)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/**
 * Parses `--tuning gemm=tiled,conv=direct` into a Tuning override; throws on an unknown key or value.
 * @param {string} text
 * @returns {TuningOverride}
 */
export function parseTuning(text) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    // split gives at least one element, so key is always a string.
    const [key = '', value] = part.split('=');
    const allowed = TUNING_KEYS[key];
    if (!allowed || value === undefined) {
      throw new Error(
        `bench: bad --tuning entry "${part}"; expected key=value with key one of ${Object.keys(TUNING_KEYS).join(', ')}.`,
      );
    }
    if (allowed === 'int') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`bench: --tuning ${key} must be an integer ≥ 1, got "${value}".`);
      out[key] = n;
    } else if (allowed.includes(value)) out[key] = value === 'true' ? true : value === 'false' ? false : value;
    else throw new Error(`bench: --tuning ${key} must be one of ${allowed.join(', ')}, got "${value}".`);
  }
  return /** @type {TuningOverride} */ (out);
}

/**
 * The usage text of `npm run <script>`; the Node runner (bench:node) also takes --data and --out.
 * @param {string} script
 * @returns {string}
 */
export function usage(script) {
  const node = script === 'bench:node';
  return `usage: npm run ${script} -- [--rounds N] [--budget S] [--smoke] [--only name,name] [--tuning K=V,…] [--json]${node ? ' [--data DIR] [--out FILE]' : ''}
  --rounds N   measured rounds per workload (default 5); each round runs ours, tfjs and jax-js
  --budget S   measured seconds per workload after which no new round starts (default 45,
               0 = no limit); at least one round always runs. Keeps a SwiftShader run to minutes
  --smoke      1 round at tiny shapes (a few seconds); writes no results file
  --only LIST  comma-separated workload names (fma-peak, gemm-2048-peak, gemm-1024, gemm-fc-fwd,
               gemm-fc-dx, gemm-fc-dw, conv-fwd, conv-bwd, fc-train-sync1, fc-train-sync10,
               conv-train, conv-train-c128, first-step, first-step-warm, inference); first-step
               runs each measurement in a fresh ${node ? 'node process' : 'Chromium'}
  --tuning K=V,…  force our kernel variants (gemm=tiled|direct, conv=im2col|direct,
               termsPerThread=N, im2colMaxBytes=N, wideMinTiles=N) instead of the adapter's defaults
  --json       print only the JSON result on stdout (progress still goes to stderr)${
    node
      ? `
  --data DIR   folder with the prepared datasets (manifest.json; default public/data)
  --out FILE   results file (default bench/results/<date>-<adapter>-node.json)
  --cold PEER  (internal) run one cold first step of ours, tfjs or jax in this process and print its
               outcome as one JSON line; the runner starts such a process per first-step measurement`
      : ''
  }`;
}

/**
 * The parsed bench flags.
 * @typedef {object} BenchArgs
 * @property {number} rounds
 * @property {number} budget
 * @property {boolean} smoke
 * @property {string | null} only
 * @property {boolean} json
 * @property {TuningOverride | null} tuning
 * @property {string | null} data
 * @property {string | null} out
 * @property {'ours' | 'tfjs' | 'jax' | null} cold Node only: run one cold first step of this peer and print its outcome (a child of the runner).
 * @property {boolean} help
 */

/**
 * Parses the bench flags; throws an Error naming the bad flag. `help: true` when --help was given.
 * @param {string[]} argv
 * @param {{ node?: boolean }} [options]
 * @returns {BenchArgs}
 */
export function parseBenchArgs(argv, { node = false } = {}) {
  /** @type {BenchArgs} */
  const opts = {
    rounds: 5,
    budget: 45,
    smoke: false,
    only: null,
    json: false,
    tuning: null,
    data: null,
    out: null,
    cold: null,
    help: false,
  };
  const script = node ? 'bench:node' : 'bench';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a} needs a value.\n${usage(script)}`);
      return v;
    };
    if (a === '--json') opts.json = true;
    else if (a === '--smoke') opts.smoke = true;
    else if (a === '--rounds') opts.rounds = Number(value());
    else if (a === '--budget') opts.budget = Number(value());
    else if (a === '--only') opts.only = value();
    else if (a === '--tuning') opts.tuning = parseTuning(value());
    else if (node && a === '--data') opts.data = value();
    else if (node && a === '--out') opts.out = value();
    else if (node && a === '--cold') {
      const cold = value();
      if (cold !== 'ours' && cold !== 'tfjs' && cold !== 'jax')
        throw new Error(`bench: --cold must be one of ours, tfjs, jax, got "${cold}".`);
      opts.cold = cold;
    } else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`bench: unknown argument "${a}".\n${usage(script)}`);
  }
  if (opts.smoke) opts.rounds = 1;
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1)
    throw new Error(`bench: bad --rounds; expected an integer ≥ 1, got ${opts.rounds}.`);
  if (!(opts.budget >= 0))
    throw new Error(`bench: bad --budget; expected seconds ≥ 0 (0: no limit), got ${opts.budget}.`);
  return opts;
}
