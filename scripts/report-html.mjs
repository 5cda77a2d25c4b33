// report-html.mjs: the one-page report of `npm run reproduce`: every experiment's result.json (as
// written by tools/run-experiment-core.ts) beside the two reports' own figures, as report.html (no
// external resources; images are the PNG files next to it) and report.json. Where a measurement does
// not bear a report's claim out, a disagreement is stated with the numbers. Pure functions (no Node or
// browser APIs), so the browser tests in test/cli/ import this file as it is. Typed by JSDoc (checked
// under tsconfig.scripts.json; the TypeScript importers read the same types). Imports nothing.

/**
 * One run of the plan: id (the folder and section), the experiment's name, the report it belongs to,
 * config overrides per scale, and whether the family's trained models are handed in.
 * @typedef {object} PlanStep
 * @property {string} id
 * @property {string} name
 * @property {1 | 2} report
 * @property {Partial<Record<'tiny' | 'small' | 'full', Record<string, unknown>>>} [config]
 * @property {boolean} [usesWeights]
 */
/**
 * A table; `sd` (over seeds) holds each cell's sample standard deviation, null where there is none.
 * @typedef {{ title: string, columns: string[], rows: (string | number)[][], sd?: (number | null)[][] }} ReportTable
 */
/**
 * One run as reproduce.mjs hands it over: `result` is the parsed result.json, or null when it failed.
 * @typedef {object} ReportRun
 * @property {string} id
 * @property {string} name
 * @property {'ok' | 'failed' | 'config-error'} status
 * @property {string} [error]
 * @property {number} [wallMs]
 * @property {string} dir
 * @property {Record<string, unknown> | null} result
 */
/**
 * @typedef {object} ReportInput
 * @property {'tiny' | 'small' | 'full'} scale
 * @property {number | null} [seed]
 * @property {number} [seeds] seeds per experiment (seed, seed+1, …); 1 when absent
 * @property {string} [adapter]
 * @property {number} [totalMs]
 * @property {string} [finishedAt]
 * @property {ReportRun[]} runs
 */
/** @typedef {{ file?: string, title: string }} ImageItem A chart, grid or heat map of a result, with its PNG file. */
/**
 * The parts of a result.json (as run-experiment-core writes it) the report reads; any may be missing.
 * @typedef {object} ResultView
 * @property {Record<string, unknown>} [metrics]
 * @property {Record<string, unknown>} [metricsSd] over several seeds: each metric's sample sd, in the metrics' shape
 * @property {number[]} [seeds] over several seeds: the seeds run
 * @property {{ runs: string[], together: boolean, how: string }[]} [grouping] over several seeds: how the runs were trained
 * @property {string[]} [notes]
 * @property {ReportTable[]} [tables]
 * @property {ImageItem[]} [charts]
 * @property {ImageItem[]} [grids]
 * @property {ImageItem[]} [heatmaps]
 * @property {Record<string, string>} [stopReasons]
 * @property {number} [seed]
 * @property {string} [scale]
 * @property {string} [adapter]
 * @property {number} [elapsedMs]
 * @property {string} [title]
 * @property {Record<string, unknown> & { seed?: number, vary?: string }} [config]
 */

/**
 * A run's result.json as the fields the report reads.
 * @param {ReportRun} run
 * @returns {ResultView | null}
 */
const resultOf = (run) => /** @type {ResultView | null} */ (run.result);

/**
 * The runs in the order they go: id (the folder and section), the experiment's name, the report it
 * belongs to, config overrides per scale, and usesWeights (the family's trained models are handed in).
 * 'small' is cut (fewer images, epochs, latent and capacity sizes than the experiments' own small
 * defaults) so that the whole set finishes in under 20 minutes on a CPU adapter; the report states
 * each run's config.
 */
const SMALL_FC = { trainSize: 1000, epochs: 2 };
/** @param {string} vary */
const sweep = (vary) => ({ tiny: { vary }, small: { vary, ...SMALL_FC }, full: { vary } });
/** @type {PlanStep[]} */
export const PLAN = [
  { id: 'fc-train', name: 'fc-train', report: 1 },
  { id: 'fc-sweep-loss', name: 'fc-sweep', report: 1, config: sweep('loss') },
  { id: 'fc-sweep-optimizer', name: 'fc-sweep', report: 1, config: sweep('optimizer') },
  { id: 'fc-sweep-activation', name: 'fc-sweep', report: 1, config: sweep('activation') },
  {
    id: 'fc-compression',
    name: 'fc-compression',
    report: 1,
    config: { tiny: { latents: [2, 8, 32] }, small: { latents: [2, 8, 32], ...SMALL_FC } },
  },
  { id: 'fc-inversion', name: 'fc-inversion', report: 1, usesWeights: true },
  { id: 'conv-latent', name: 'conv-latent', report: 2, config: { small: { epochs: 4 } } },
  {
    id: 'conv-capacity',
    name: 'conv-capacity',
    report: 2,
    usesWeights: true,
    config: { small: { epochs: 4, capacities: [4, 2], weights: 'auto' } },
  },
  { id: 'conv-interpolate', name: 'conv-interpolate', report: 2, usesWeights: true, config: { small: { epochs: 4 } } },
  { id: 'conv-correlation', name: 'conv-correlation', report: 2, usesWeights: true, config: { small: { epochs: 4 } } },
  {
    id: 'conv-transfer',
    name: 'conv-transfer',
    report: 2,
    usesWeights: true,
    config: { small: { pretrainEpochs: 4 } },
  },
];

/** The reports' own numbers, as tables, by experiment. @type {Record<string, ReportTable[]>} */
export const REPORT_FIGURES = {
  'fc-sweep-loss': [
    {
      title: 'First report: NRMSE per loss function (latent 8, Adam, leaky ReLU 0.5, 1000 epochs)',
      columns: ['loss', 'train', 'test'],
      rows: [
        ['MSE', 0.1127, 0.1139],
        ['BCE', 12.9, 12.8],
        ['KL', 0.2429, 0.2433],
      ],
    },
  ],
  'fc-inversion': [
    {
      title: 'First report: Frobenius norms of the inversion (latent 8, 60,000 / 10,000 images)',
      columns: ['quantity', 'train', 'test'],
      rows: [
        ['‖Z_ae − Z_ls‖_F (least squares from the decoder output)', 0.0153, 0.0062],
        ['‖Z_ae − Z_disc‖_F (least squares from the true images), latent', 1724.5, 709.9],
        ['‖decoder(Z_disc) − X‖_F, output', 1083.3, 447.2],
      ],
    },
  ],
  'conv-latent': [
    {
      title: 'Second report: loss per latent size (c = 128, 20 epochs, all of MNIST)',
      columns: ['latent', 'parameters', 'train loss', 'test loss'],
      rows: [
        [3, 1140996, 0.03166, 0.03338],
        [5, 1191174, 0.02234, 0.02338],
        [8, 1266441, 0.01375, 0.01458],
        [10, 1316619, 0.01086, 0.01172],
        [15, 1442064, 0.006411, 0.007143],
        [20, 1567509, 0.004699, 0.005308],
        [30, 1818399, 0.00302, 0.003427],
      ],
    },
  ],
};

/**
 * Seconds as m:ss (h:mm:ss from an hour). The same as src/ui/format.ts formatClock (a test holds them
 * equal), kept here because this file also runs in Node, which cannot import TypeScript.
 * @param {number} seconds
 * @returns {string}
 */
export function formatClock(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** @type {Record<string, string>} */
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** @param {unknown} v */
const esc = (v) => String(v).replace(/[&<>"']/g, (c) => /** @type {string} */ (ENTITIES[c]));
/** @param {unknown} v */
const num = (v) =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? String(v)
      : Number(v.toPrecision(5)).toString()
    : v === null || v === undefined
      ? '—'
      : String(v);

/**
 * A figure with its spread: "0.1234 ± 0.0056" (the sd to 2 significant digits) when `sd` is a finite
 * number, else the figure alone (one seed: no made-up "± 0"). The same form as the kit's formatMeanSd.
 * @param {unknown} v
 * @param {unknown} [sd]
 * @returns {string}
 */
export const withSd = (v, sd) =>
  typeof v === 'number' && typeof sd === 'number' && Number.isFinite(sd)
    ? `${num(v)} ± ${Number(sd.toPrecision(2)).toString()}`
    : num(v);

/**
 * Metrics flattened to [name, value] rows: nested records as a.b, arrays joined; each value with its
 * sd from `sds` (the result's metricsSd, over several seeds) when there is one.
 * @param {Record<string, unknown>} [metrics]
 * @param {Record<string, unknown>} [sds]
 * @returns {[string, string][]}
 */
export function metricRows(metrics = {}, sds = {}) {
  /** @type {[string, string][]} */
  const rows = [];
  /** @type {(prefix: string, v: unknown, sd: unknown) => void} */
  const walk = (prefix, v, sd) => {
    if (Array.isArray(v)) rows.push([prefix, v.map((x, i) => withSd(x, Array.isArray(sd) ? sd[i] : null)).join(', ')]);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v))
        walk(
          prefix ? `${prefix}.${k}` : k,
          x,
          sd !== null && typeof sd === 'object' ? /** @type {Record<string, unknown>} */ (sd)[k] : null,
        );
    else rows.push([prefix, withSd(v, sd)]);
  };
  walk('', metrics, sds);
  return rows;
}

/** A note of an experiment that says a measurement departs from the report. */
const DISAGREES =
  /\b(disagree|disagrees|does not|do not|did not|not at every step|not as in the report|unlike the report|contrary|opposite|no trend|not observed|not seen|fails to|differs)\b/i;

/** How far apart two positive figures are, as a factor ≥ 1. @type {(a: number, b: number) => number} */
const factor = (a, b) => (a > 0 && b > 0 ? Math.max(a / b, b / a) : Infinity);
/** Figures further apart than this factor are called far off. */
export const FAR_OFF = 3;

/** @type {Record<string, [number, number]>} */
const REPORT_LOSS = { mse: [0.1127, 0.1139], bce: [12.9, 12.8], kl: [0.2429, 0.2433] };
const REPORT_INVERSION_PER_IMAGE = {
  latent: [1724.5 / Math.sqrt(60000), 709.9 / Math.sqrt(10000)],
  output: [1083.3 / Math.sqrt(60000), 447.2 / Math.sqrt(10000)],
};
/**
 * metrics[key] (or metrics[key][sub]) when it is a number, else NaN.
 * @param {Record<string, unknown> | undefined} m
 * @param {string} key
 * @param {string | number} [sub]
 * @returns {number}
 */
const get = (m, key, sub) => {
  const v = m?.[key];
  const x =
    sub === undefined
      ? v
      : v !== null && typeof v === 'object'
        ? /** @type {Record<string, unknown>} */ (v)[sub]
        : undefined;
  return typeof x === 'number' ? x : NaN;
};

/**
 * The measured figures beside the report's, for the runs the reports give numbers for.
 * @param {ReportRun} run
 * @returns {ReportTable | null}
 */
export function comparisonTable(run) {
  const m = resultOf(run)?.metrics;
  if (!m) return null;
  const t = measuredTable(run, m);
  if (!t) return null;
  const sds = resultOf(run)?.metricsSd;
  if (!sds) return t;
  // The same table read from the metrics' sds gives each measured cell its spread (report cells have none).
  const spread = measuredTable(run, sds);
  const measured = t.columns.map((c) => /^(ours|our) /.test(c) && !/params/.test(c));
  return {
    ...t,
    sd: t.rows.map((row, i) =>
      row.map((_, j) => {
        const v = spread?.rows[i]?.[j];
        return measured[j] && typeof v === 'number' && Number.isFinite(v) ? v : null;
      }),
    ),
  };
}

/**
 * The comparison table's layout filled from `m`: the metrics (means), or their sds (the "ours" columns
 * then hold the sds).
 * @param {ReportRun} run
 * @param {Record<string, unknown>} m
 * @returns {ReportTable | null}
 */
function measuredTable(run, m) {
  if (run.id === 'fc-sweep-loss') {
    const raw = m.nrmse_test_raw ? '_raw' : '';
    return {
      title: `NRMSE per loss function: ours${raw ? ' (raw, in the loss\u2019s own output space)' : ''} beside the report's`,
      columns: ['loss', 'report train', 'ours train', 'report test', 'ours test', 'ours ÷ report (test)'],
      rows: Object.entries(REPORT_LOSS).map(([k, [tr, te]]) => {
        const ot = get(m, `nrmse_train${raw}`, k);
        const oe = get(m, `nrmse_test${raw}`, k);
        return [k.toUpperCase(), tr, ot, te, oe, Number.isFinite(oe) ? `×${num(oe / te)}` : '—'];
      }),
    };
  }
  if (run.id === 'fc-inversion') {
    /** @type {(string | number)[][]} */
    const rows = [];
    for (const [label, key, rep] of /** @type {[string, string, number[]][]} */ ([
      ['latent from images (Z_disc)', 'frobenius_latent_discovered', REPORT_INVERSION_PER_IMAGE.latent],
      ['output from Z_disc', 'frobenius_output', REPORT_INVERSION_PER_IMAGE.output],
    ])) {
      rows.push([
        label,
        /** @type {number} */ (rep[0]),
        get(m, `${key}_train_per_image`),
        /** @type {number} */ (rep[1]),
        get(m, `${key}_test_per_image`),
      ]);
    }
    rows.push([
      'latent from the decoder output (Z_ls)',
      0.0153 / Math.sqrt(60000),
      get(m, 'frobenius_latent_train_per_image'),
      0.0062 / Math.sqrt(10000),
      get(m, 'frobenius_latent_test_per_image'),
    ]);
    return {
      title: 'Frobenius norms per image (÷ √N): ours beside the report\u2019s',
      columns: ['quantity', 'report train', 'ours train', 'report test', 'ours test'],
      rows,
    };
  }
  if (run.id === 'conv-latent') {
    const REP = /** @type {ReportTable[]} */ (REPORT_FIGURES['conv-latent'])[0]?.rows ?? [];
    const rows = latentRows(m).map(({ latent, test, train, params }) => {
      const rep = REP.find((r) => r[0] === latent);
      return [latent, rep?.[1] ?? '—', params, rep?.[2] ?? '—', train, rep?.[3] ?? '—', test];
    });
    return {
      title: 'Loss per latent size: ours beside the report\u2019s (parameters differ with the capacity c)',
      columns: ['latent', 'report params', 'our params', 'report train', 'ours train', 'report test', 'ours test'],
      rows,
    };
  }
  return null;
}

/**
 * Disagreements of one run: its own notes that say so, and our comparisons against the reports' figures.
 * @param {ReportRun} run
 * @returns {string[]}
 */
export function disagreementsOf(run) {
  /** @type {string[]} */
  const out = [];
  const r = resultOf(run);
  if (!r) return out;
  // A note that only restates the report's claim is not ours; one that goes on to say what we measured is.
  // Over several seeds a note of one seed alone starts "seed N: ".
  for (const n of r.notes ?? []) {
    const bare = n.replace(/^seed \d+: /, '');
    if (DISAGREES.test(bare) && (!/^Report\b/.test(bare) || /\bMeasured\b/.test(bare))) out.push(n);
  }
  const m = r.metrics ?? {};
  if (run.id === 'conv-latent' && !out.some((n) => /does not fall/.test(n))) {
    const rows = latentRows(m);
    for (let i = 1; i < rows.length; i++) {
      // i − 1 and i lie in 0..rows.length − 1.
      const [before, after] = [/** @type {LatentRow} */ (rows[i - 1]), /** @type {LatentRow} */ (rows[i])];
      if (!(after.test < before.test)) {
        out.push(
          `The report's test loss falls with every larger latent size; ours rises from latent ${before.latent} to ${after.latent} (${num(before.test)} → ${num(after.test)}).`,
        );
      }
    }
  }
  if (run.id === 'fc-sweep-loss') {
    // This run has metrics (r is not null), so comparisonTable gives its table; its rows hold
    // [LOSS, report train, ours train, report test, ours test, ratio].
    const t = /** @type {ReportTable} */ (comparisonTable(run));
    for (const row of t.rows) {
      const [loss, , , rep, ours] = /** @type {[string, number, number, number, number]} */ (row);
      if (Number.isFinite(ours) && factor(ours, rep) > FAR_OFF)
        out.push(
          `${loss}: our test NRMSE ${num(ours)} is far from the report's ${num(rep)} (a factor ${num(factor(ours, rep))}).`,
        );
    }
    /** @param {number} col */
    const order = (col) =>
      [...t.rows]
        .filter((row) => Number.isFinite(row[col]))
        .sort((a, b) => /** @type {number} */ (a[col]) - /** @type {number} */ (b[col]))
        .map((row) => row[0])
        .join(' < ');
    if (order(4) !== order(3))
      out.push(`The report's test NRMSE ranks the losses ${order(3)}; ours ranks them ${order(4)}.`);
  }
  if (run.id === 'fc-sweep-activation') {
    const test = /** @type {[string, number][]} */ (
      Object.entries(m.nrmse_test ?? {}).filter(([, v]) => Number.isFinite(v))
    ).sort((a, b) => a[1] - b[1]);
    const [best, worst] = [test[0], test[test.length - 1]];
    if (best && worst && test.length > 1 && worst[1] > 1.2 * best[1]) {
      out.push(
        `The report found the activations performing similarly; ours differ: test NRMSE ${best[0]} ${num(best[1])} vs ${worst[0]} ${num(worst[1])} (${Math.round((worst[1] / best[1] - 1) * 100)}% higher).`,
      );
    }
  }
  if (run.id === 'fc-inversion') {
    // As above: rows [quantity, report train, ours train, report test, ours test].
    const t = /** @type {ReportTable} */ (comparisonTable(run));
    for (const [label, rtr, otr, rte, ote] of /** @type {[string, number, number, number, number][]} */ (
      t.rows.slice(0, 2)
    )) {
      if (Number.isFinite(ote) && factor(ote, rte) > FAR_OFF)
        out.push(
          `${label}: our Frobenius norm per image ${num(otr)} / ${num(ote)} (train / test) is far from the report's ${num(rtr)} / ${num(rte)} (a factor ${num(factor(ote, rte))} on test).`,
        );
    }
  }
  return [...new Set(out)];
}

/** @typedef {{ latent: number, test: number, train: number, params: number }} LatentRow */

/**
 * conv-latent's measured [{latent, test, train, params}] from its metrics, when they are there.
 * @param {Record<string, unknown>} m
 * @returns {LatentRow[]}
 */
function latentRows(m) {
  const test = /** @type {Record<string, unknown> | undefined} */ (m.test_loss ?? m.testLoss);
  const train = /** @type {Record<string, unknown> | undefined} */ (m.train_loss ?? m.trainLoss);
  if (!test || typeof test !== 'object' || Array.isArray(test)) return [];
  return Object.keys(test)
    .map(Number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b)
    .map((l) => ({
      latent: l,
      test: Number(test[l]),
      train: train && typeof train === 'object' ? Number(train[l]) : NaN,
      params: get(m, 'params', l),
    }));
}

/**
 * @param {ReportTable} t
 * @param {string} [cls]
 */
function table(t, cls = '') {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows
    .map(
      (row, i) =>
        `<tr>${row
          .map((c, j) => {
            // A figure with its spread (from the table's sd, or a metric row's "mean ± sd" text).
            const text = withSd(c, t.sd?.[i]?.[j]);
            return text.includes(' ± ') ? `<td class="spread">${esc(text)}</td>` : `<td>${esc(text)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<figure class="table ${cls}"><figcaption>${esc(t.title)}</figcaption><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></figure>`;
}

/** @type {(dir: string, item: ImageItem, kind: string) => string} */
const img = (dir, item, kind) =>
  item.file
    ? `<figure class="${kind}"><img src="${esc(`${dir}/${item.file}`)}" alt="${esc(item.title)}"><figcaption>${esc(item.title)}</figcaption></figure>`
    : '';

/**
 * @param {ReportRun} run
 * @param {string} scale
 */
function section(run, scale) {
  const id = `exp-${run.id}`;
  /** @type {string[]} */
  const ours = [];
  const reportFigs = (REPORT_FIGURES[run.id] ?? []).map((t) => table(t, 'report'));
  const compared = comparisonTable(run);
  if (run.status !== 'ok' || !run.result) {
    return `<section id="${id}" class="experiment failed"><h2>${esc(run.id)}</h2><p class="error">Did not finish (${esc(run.status)}): ${esc(run.error ?? 'no result')}</p>${reportFigs.join('\n')}</section>`;
  }
  const r = /** @type {ResultView} */ (resultOf(run));
  const seed = r.seed ?? r.config?.seed;
  const seedText = r.seeds && r.seeds.length > 1 ? `seeds ${r.seeds.join(', ')} (mean ± sd)` : `seed ${seed ?? '—'}`;
  const facts = `scale ${esc(r.scale ?? scale)} · ${esc(seedText)} · adapter ${esc(r.adapter ?? '?')} · time ${esc(formatClock((r.elapsedMs ?? run.wallMs ?? 0) / 1000))}`;
  if (compared) ours.push(table(compared, 'comparison'));
  ours.push(
    table(
      {
        title: `${run.id}: metrics${r.seeds && r.seeds.length > 1 ? ` (mean ± sd over ${r.seeds.length} seeds)` : ''}`,
        columns: ['metric', 'value'],
        rows: metricRows(r.metrics, r.metricsSd),
      },
      'metrics',
    ),
  );
  if (r.grouping?.length)
    ours.push(
      table(
        {
          title: `${run.id}: how the runs were trained`,
          columns: ['runs', 'how'],
          rows: r.grouping.map((g) => [g.runs.join(', '), g.together ? 'trained together' : g.how]),
        },
        'grouping',
      ),
    );
  for (const t of r.tables ?? []) ours.push(table(t, 'ours'));
  const stops = Object.entries(r.stopReasons ?? {});
  if (stops.length)
    ours.push(table({ title: `${run.id}: why training stopped`, columns: ['run', 'reason'], rows: stops }, 'stops'));
  const images = [
    ...(r.charts ?? []).map((c) => img(run.dir, c, 'chart')),
    ...(r.grids ?? []).map((g) => img(run.dir, g, 'grid')),
    ...(r.heatmaps ?? []).map((h) => img(run.dir, h, 'heatmap')),
  ];
  const dis = disagreementsOf(run);
  const notes = (r.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('\n');
  const config = Object.entries(r.config ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' ');
  return `<section id="${id}" class="experiment">
<h2>${esc(r.title ?? run.name)} <small>(${esc(run.id)}${r.config?.vary ? `, varying the ${esc(r.config.vary)}` : ''})</small></h2>
<p class="facts">${facts}</p>
<p class="config"><code>${esc(config)}</code></p>
${dis.length ? `<div class="disagreement"><strong>Where our measurement disagrees with the report:</strong><ul>${dis.map((d) => `<li>${esc(d)}</li>`).join('\n')}</ul></div>` : ''}
<div class="side"><div class="col"><h3>Ours</h3>${ours.join('\n')}</div>${reportFigs.length ? `<div class="col"><h3>The report's figures</h3>${reportFigs.join('\n')}</div>` : ''}</div>
<div class="images">${images.join('\n')}</div>
${notes ? `<h3>Notes</h3><ul class="notes">${notes}</ul>` : ''}
</section>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;color:#1f2328;padding:0 1rem}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left}
th{background:#f6f8fa}figure{margin:.75rem 0}figcaption{font-weight:600;margin-bottom:.25rem}
.side{display:flex;gap:2rem;flex-wrap:wrap}.col{flex:1 1 28rem;min-width:0;overflow-x:auto}
.images{display:flex;flex-wrap:wrap;gap:1rem}.images img{max-width:100%;border:1px solid #d0d7de}
.disagreement{background:#fff1e5;border-left:4px solid #bc4c00;padding:.5rem 1rem;margin:.75rem 0}
.failed .error{color:#cf222e}section{border-top:2px solid #d0d7de;margin-top:2rem}code{font-size:12px}`;

/**
 * The report. `runs`: [{ id (PLAN's), name (the experiment), status: 'ok'|'failed'|'config-error', error?, wallMs, dir, result: the
 * parsed result.json or null }]. Returns { html, json } (json.disagreements: [{ experiment, text }]).
 * @param {ReportInput} input
 */
export function buildReport({
  scale,
  seed = null,
  seeds = 1,
  adapter = 'unknown',
  totalMs = 0,
  finishedAt = '',
  runs,
}) {
  const disagreements = runs.flatMap((run) => disagreementsOf(run).map((text) => ({ experiment: run.id, text })));
  /** @param {number} n */
  const byReport = (n) => runs.filter((run) => (PLAN.find((p) => p.id === run.id)?.report ?? 0) === n);
  const summary = runs.map((run) => [
    run.id,
    run.status,
    formatClock((run.wallMs ?? 0) / 1000),
    disagreementsOf(run).length,
  ]);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Autoencoder reports reproduced (${esc(scale)})</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body>
<h1>Autoencoder reports reproduced</h1>
<p class="facts">Scale <strong>${esc(scale)}</strong> · seed ${esc(seed ?? 'each experiment\u2019s default')}${seeds > 1 ? ` · <strong>${seeds} seeds</strong> per experiment (seed, seed+1, …): every figure is the mean ± sample standard deviation; charts draw a ±1 sd band or error bars` : ''} · adapter ${esc(adapter)} · total time ${esc(formatClock(totalMs / 1000))} · finished ${esc(finishedAt)}</p>
<p>Each section puts our measurement (tables, charts, image grids) next to the report's own figures. The reports trained far longer on all the data; at a smaller scale absolute values differ, and a disagreement is listed only where a trend or figure the report claims did not appear in our run.</p>
${table({ title: 'Experiments', columns: ['experiment', 'status', 'time', 'disagreements'], rows: summary }, 'summary')}
<h2 class="part">First report: fully connected autoencoder, Fashion-MNIST</h2>
${byReport(1)
  .map((r) => section(r, scale))
  .join('\n')}
<h2 class="part">Second report: convolutional autoencoder, MNIST</h2>
${byReport(2)
  .map((r) => section(r, scale))
  .join('\n')}
</body></html>
`;
  const json = {
    scale,
    seed,
    seeds,
    adapter,
    totalMs,
    finishedAt,
    reportFigures: REPORT_FIGURES,
    experiments: runs.map((run) => ({
      id: run.id,
      name: run.name,
      status: run.status,
      error: run.error ?? null,
      wallMs: run.wallMs ?? null,
      dir: run.dir,
      result: run.result,
      disagreements: disagreementsOf(run),
    })),
    disagreements,
  };
  return { html, json };
}

/**
 * A result.json as plain-text tables for the terminal: each of its tables, then its metrics, every
 * figure with its spread ("0.1234 ± 0.0056") when the result is over several seeds.
 * @param {ResultView & { tables?: (ReportTable & { id?: string })[] }} result
 * @returns {string}
 */
export function resultText(result) {
  /** @param {string} title @param {string[]} columns @param {string[][]} rows */
  const block = (title, columns, rows) => {
    const all = columns.length ? [columns, ...rows] : rows;
    const widths = all[0]?.map((_, j) => Math.max(...all.map((r) => (r[j] ?? '').length))) ?? [];
    return [title, ...all.map((r) => `  ${r.map((c, j) => c.padEnd(widths[j] ?? 0)).join('  ')}`.trimEnd())];
  };
  const seeds = result.seeds && result.seeds.length > 1 ? result.seeds : null;
  const over = seeds ? ` (mean ± sd over ${seeds.length} seeds: ${seeds.join(', ')})` : '';
  /** @type {string[]} */
  const lines = [];
  for (const t of result.tables ?? [])
    lines.push(
      ...block(
        `${t.title}${over}`,
        t.columns,
        t.rows.map((row, i) => row.map((c, j) => withSd(c, t.sd?.[i]?.[j]))),
      ),
    );
  const metrics = metricRows(result.metrics, result.metricsSd);
  if (metrics.length) lines.push(...block(`metrics${over}`, [], metrics));
  for (const g of result.grouping ?? [])
    lines.push(`runs ${g.runs.join(', ')}: ${g.together ? 'trained together' : g.how}`);
  return lines.join('\n');
}
