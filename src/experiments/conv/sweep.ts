// sweep.ts: the report's first practical question — conv autoencoders trained over a sweep of latent
// sizes (conv-latent, question 1.I) and of channel capacities at latent 15 (conv-capacity, 1.II):
// parameter counts, final losses, loss-vs-epoch curves and reconstructions.
// Imports the experiments' training helpers, nn (through common), util; no DOM.
import type { Chart, ExperimentContext, ExperimentDef, ExperimentResult, Scale, Series } from '../types';
import {
  beginRun,
  convKey,
  fallsAlong,
  listBy,
  type MnistData,
  modelLosses,
  obtainAutoencoder,
  progress,
  reconstructionGrid,
  sig,
  stopped,
} from './common';
import {
  checkBatch,
  defaultLatents,
  describeScale,
  REPORT_CAPACITIES,
  trainDefaults,
  TRAIN_FIELDS,
  validateFields,
  type ConvTrainConfig,
  type Field,
  type StopOptions,
} from './config';

/** The report's table (20 epochs, all of MNIST, c = 128): final losses by latent size. */
export const REPORT_LATENT_TABLE: Record<number, { params: number; train: number; test: number }> = {
  3: { params: 1140996, train: 0.03166, test: 0.03338 },
  5: { params: 1191174, train: 0.02234, test: 0.02338 },
  8: { params: 1266441, train: 0.01375, test: 0.01458 },
  10: { params: 1316619, train: 0.01086, test: 0.01172 },
  15: { params: 1442064, train: 0.006411, test: 0.007143 },
  20: { params: 1567509, train: 0.004699, test: 0.005308 },
  30: { params: 1818399, train: 0.00302, test: 0.003427 },
};

interface SweepPoint {
  label: string;
  latent: number;
  capacity: number;
}

interface SweepOutcome {
  params: number;
  train: number;
  test: number;
}

/** Trains (or reuses) one autoencoder per point; fills curves, grids, weights and stop reasons into `result`. */
async function sweep(
  ctx: ExperimentContext,
  result: ExperimentResult,
  cfg: Omit<ConvTrainConfig, 'capacity'>,
  stop: StopOptions,
  points: SweepPoint[],
  data: MnistData,
): Promise<Map<string, SweepOutcome>> {
  const out = new Map<string, SweepOutcome>();
  const curves: Series[] = [];
  for (const pt of points) {
    if (stopped(ctx, result, `before ${pt.label}`)) break;
    const got = await obtainAutoencoder(ctx, {
      latent: pt.latent,
      capacity: pt.capacity,
      cfg,
      data,
      name: pt.label,
      experiment: result.experiment,
      stop,
    });
    try {
      const { train, test } = await modelLosses(ctx, got, data, cfg.batch);
      out.set(pt.label, { params: got.model.parameterCount(), train, test });
      result.stopReasons[pt.label] =
        got.run?.stopReason ?? `weights "${got.key}" reused from ctx.weights (not trained)`;
      if (got.run) {
        const x = got.run.epochs.map((e) => e.epoch);
        curves.push({ name: `${pt.label} train`, x, y: got.run.epochs.map((e) => e.trainLoss) });
        curves.push({ name: `${pt.label} test`, x, y: got.run.epochs.map((e) => e.testLoss ?? NaN) });
      }
      if (got.bytes) result.weights.push({ key: got.key, bytes: got.bytes });
      progress(ctx, result.experiment, 'reconstruct', `${pt.label}: reconstructing 10 test images`);
      result.grids.push(
        await reconstructionGrid(
          ctx,
          got.model,
          data,
          `recon-${pt.label}`,
          `${pt.label}: test images (top) and reconstructions (bottom)`,
        ),
      );
    } finally {
      got.model.dispose();
    }
  }
  result.charts.push({
    id: 'loss',
    title: 'MSE per epoch (train and test)',
    xLabel: 'epoch',
    yLabel: 'MSE',
    series: curves,
    yScale: 'log',
  });
  return out;
}

const byKey = (keys: readonly number[], f: (k: number) => number): Record<string, number> =>
  Object.fromEntries(keys.map((k) => [String(k), f(k)]));

// ---------------------------------------------------------------------------------------------
// conv-latent

export interface ConvLatentConfig extends ConvTrainConfig {
  latents: number[];
  stop: StopOptions;
}

const LATENT_FIELDS: Record<keyof ConvLatentConfig, Field> = {
  latents: { kind: 'ints', min: 1, hint: 'Latent sizes are positive integers (the report uses 3 to 30).' },
  ...TRAIN_FIELDS,
  stop: { kind: 'stop' },
};

function latentNotes(cfg: ConvLatentConfig, latents: number[], got: Map<string, SweepOutcome>): string[] {
  const notes: string[] = [];
  const at = (l: number) => got.get(`latent=${l}`)!;
  const tableLatents = Object.keys(REPORT_LATENT_TABLE).map(Number);
  notes.push(
    `Report (20 epochs, all 60,000 training images, c = 128): test loss ${listBy(
      tableLatents,
      tableLatents.map((l) => REPORT_LATENT_TABLE[l]!.test),
      'latent ',
    )}; train loss ${listBy(
      tableLatents,
      tableLatents.map((l) => REPORT_LATENT_TABLE[l]!.train),
      'latent ',
    )}: the loss falls as the latent size grows.`,
  );
  const scale = describeScale(cfg);
  const tests = latents.map((l) => at(l).test);
  const f = fallsAlong(latents, tests);
  const trend =
    latents.length < 2
      ? 'a single latent size, so no trend'
      : f.falls
        ? `it falls with every larger latent size (${sig(tests[0]!)} → ${sig(tests[tests.length - 1]!)}), as in the report`
        : `it does not fall at every step: latent ${f.at![0]} → ${f.at![1]} goes from ${sig(at(f.at![0]).test)} to ${sig(at(f.at![1]).test)} (overall ${sig(tests[0]!)} → ${sig(tests[tests.length - 1]!)})`;
  notes.push(`Measured (${scale}): test loss ${listBy(latents, tests, 'latent ')}; ${trend}.`);
  const common = latents.filter((l) => REPORT_LATENT_TABLE[l]);
  if (common.length) {
    const ratios = common.map((l) => at(l).test / REPORT_LATENT_TABLE[l]!.test);
    notes.push(
      `Measured test loss as a multiple of the report's: ${common.map((l, i) => `×${ratios[i]!.toFixed(2)} (latent ${l})`).join(', ')}${cfg.capacity === 128 && cfg.epochs >= 20 && cfg.trainSize === 60000 ? '' : " — our scale is smaller than the report's, so higher losses are expected"}.`,
    );
    if (cfg.capacity === 128) {
      const same = common.every((l) => at(l).params === REPORT_LATENT_TABLE[l]!.params);
      notes.push(
        `Parameter counts at c = 128 ${same ? "equal the report's table" : "differ from the report's table"}: ${common.map((l) => `${at(l).params} (latent ${l}; report ${REPORT_LATENT_TABLE[l]!.params})`).join(', ')}.`,
      );
    } else {
      notes.push(
        `Parameter counts at c = ${cfg.capacity}: ${listBy(
          latents,
          latents.map((l) => at(l).params),
          'latent ',
        )}; the report's (c = 128) are 1,065,729 + 25,089·latent.`,
      );
    }
  }
  return notes;
}

export const convLatent: ExperimentDef<ConvLatentConfig> = {
  name: 'conv-latent',
  title: 'Conv autoencoder: latent size vs reconstruction error',
  description:
    "Trains the conv autoencoder (MSE, AdamW) on MNIST for each latent size; compares parameter counts, final train/test loss and reconstructions with the report's table.",
  defaults: (scale: Scale) => ({ latents: defaultLatents(scale), ...trainDefaults(scale), weights: 'train', stop: {} }),
  validate(config, scale = 'full') {
    const cfg = validateFields('conv-latent', convLatent.defaults(scale), LATENT_FIELDS, config);
    checkBatch('conv-latent', 'batch', cfg.batch, 'trainSize', cfg.trainSize);
    return cfg;
  },
  async run(ctx, cfg) {
    const { started, result, data } = await beginRun(
      ctx,
      'conv-latent',
      cfg,
      { mode: cfg.weights, keys: cfg.latents.map((l) => convKey(l, cfg.capacity, cfg.seed)) },
      cfg,
    );
    const got = await sweep(
      ctx,
      result,
      cfg,
      cfg.stop,
      cfg.latents.map((l) => ({ label: `latent=${l}`, latent: l, capacity: cfg.capacity })),
      data,
    );
    const done = cfg.latents.filter((l) => got.has(`latent=${l}`));
    const at = (l: number) => got.get(`latent=${l}`)!;
    result.metrics.params = byKey(done, (l) => at(l).params);
    result.metrics.train_loss = byKey(done, (l) => at(l).train);
    result.metrics.test_loss = byKey(done, (l) => at(l).test);
    const tableLatents = done.filter((l) => REPORT_LATENT_TABLE[l]);
    const final: Chart = {
      id: 'final-loss',
      title: 'Final MSE vs latent size',
      xLabel: 'latent size',
      yLabel: 'MSE',
      yScale: 'log',
      series: [
        { name: 'train', x: done, y: done.map((l) => at(l).train) },
        { name: 'test', x: done, y: done.map((l) => at(l).test) },
        {
          name: 'report test (20 epochs, full MNIST, c = 128)',
          x: tableLatents,
          y: tableLatents.map((l) => REPORT_LATENT_TABLE[l]!.test),
        },
      ],
    };
    result.charts.push(final);
    result.tables.push({
      id: 'summary',
      title: "Final losses by latent size (measured and the report's)",
      columns: [
        'latent',
        'parameters',
        'train loss',
        'test loss',
        'report train loss',
        'report test loss',
        'report parameters',
      ],
      rows: done.map((l) => [
        l,
        at(l).params,
        sig(at(l).train),
        sig(at(l).test),
        REPORT_LATENT_TABLE[l]?.train ?? '—',
        REPORT_LATENT_TABLE[l]?.test ?? '—',
        REPORT_LATENT_TABLE[l]?.params ?? '—',
      ]),
    });
    if (done.length) result.notes.push(...latentNotes(cfg, done, got));
    result.elapsedMs = performance.now() - started;
    return result;
  },
};

// ---------------------------------------------------------------------------------------------
// conv-capacity

export interface ConvCapacityConfig extends Omit<ConvTrainConfig, 'capacity'> {
  capacities: number[];
  latent: number;
  stop: StopOptions;
}

const CAPACITY_FIELDS: Record<keyof ConvCapacityConfig, Field> = {
  capacities: {
    kind: 'ints',
    min: 1,
    hint: 'Capacities are channel counts ≥ 1 (the report uses 128, 64, 32, 16, 8, 4).',
  },
  latent: { kind: 'int', min: 1, hint: 'The report uses latent 15.' },
  epochs: TRAIN_FIELDS.epochs,
  batch: TRAIN_FIELDS.batch,
  lr: TRAIN_FIELDS.lr,
  trainSize: TRAIN_FIELDS.trainSize,
  testSize: TRAIN_FIELDS.testSize,
  seed: TRAIN_FIELDS.seed,
  weights: TRAIN_FIELDS.weights,
  stop: { kind: 'stop' },
};

/**
 * The capacities swept at each scale: the report's six at 'full', the cheap end elsewhere (on a CPU
 * adapter c = 8 alone takes several minutes at the 'small' training scale).
 */
function defaultCapacities(scale: Scale): number[] {
  return scale === 'full' ? [...REPORT_CAPACITIES] : scale === 'small' ? [4, 2, 1] : [4, 2];
}

function capacityNotes(cfg: ConvCapacityConfig, caps: number[], got: Map<string, SweepOutcome>): string[] {
  const at = (c: number) => got.get(`c=${c}`)!;
  const desc = [...caps].sort((a, b) => b - a);
  const params = desc.map((c) => at(c).params);
  const tests = desc.map((c) => at(c).test);
  const notes = [
    `Report: the parameter count grows with the capacity c (the first conv layer's channels, which also sets the second layer's and the linear layers' sizes); it gives loss-vs-epoch curves per capacity but no final numbers.`,
  ];
  const growth = fallsAlong(desc, params).falls
    ? 'it falls with every smaller capacity, roughly as c² (the 2c·c·4·4 conv weights dominate at large c)'
    : 'it does not fall with every smaller capacity';
  notes.push(`Measured parameter counts at latent ${cfg.latent}: ${listBy(desc, params, 'c = ')}; ${growth}.`);
  if (desc.length > 1) {
    const f = fallsAlong(desc.slice().reverse(), tests.slice().reverse());
    const trend = f.falls
      ? 'larger capacity gives lower test loss at every step'
      : `the test loss does not fall at every larger capacity (c = ${f.at![0]} → ${f.at![1]}: ${sig(at(f.at![0]).test)} → ${sig(at(f.at![1]).test)})`;
    notes.push(`Measured final test loss (${describeScale(cfg)}): ${listBy(desc, tests, 'c = ')}; ${trend}.`);
  }
  return notes;
}

export const convCapacity: ExperimentDef<ConvCapacityConfig> = {
  name: 'conv-capacity',
  title: 'Conv autoencoder: channel capacity vs parameters and loss',
  description:
    'Trains the conv autoencoder at latent 15 for each capacity c (channels of the first conv layer); parameter counts as bars and loss-vs-epoch curves.',
  defaults: (scale: Scale) => {
    const { capacity: _unused, ...train } = trainDefaults(scale);
    return { capacities: defaultCapacities(scale), latent: 15, ...train, weights: 'train', stop: {} };
  },
  validate(config, scale = 'full') {
    const cfg = validateFields('conv-capacity', convCapacity.defaults(scale), CAPACITY_FIELDS, config);
    checkBatch('conv-capacity', 'batch', cfg.batch, 'trainSize', cfg.trainSize);
    return cfg;
  },
  async run(ctx, cfg) {
    const { started, result, data } = await beginRun(
      ctx,
      'conv-capacity',
      cfg,
      { mode: cfg.weights, keys: cfg.capacities.map((c) => convKey(cfg.latent, c, cfg.seed)) },
      cfg,
    );
    const got = await sweep(
      ctx,
      result,
      cfg,
      cfg.stop,
      cfg.capacities.map((c) => ({ label: `c=${c}`, latent: cfg.latent, capacity: c })),
      data,
    );
    result.charts[0]!.title = `MSE per epoch at latent ${cfg.latent} (train and test)`;
    const done = cfg.capacities.filter((c) => got.has(`c=${c}`));
    const at = (c: number) => got.get(`c=${c}`)!;
    result.metrics.params = byKey(done, (c) => at(c).params);
    result.metrics.train_loss = byKey(done, (c) => at(c).train);
    result.metrics.test_loss = byKey(done, (c) => at(c).test);
    result.charts.unshift({
      id: 'params',
      title: `Parameters by capacity (latent ${cfg.latent})`,
      xLabel: 'capacity c',
      yLabel: 'parameters',
      kind: 'bar',
      series: [{ name: 'parameters', x: done, y: done.map((c) => at(c).params) }],
    });
    result.charts.push({
      id: 'final-loss',
      title: 'Final MSE vs capacity',
      xLabel: 'capacity c',
      yLabel: 'MSE',
      yScale: 'log',
      series: [
        { name: 'train', x: done, y: done.map((c) => at(c).train) },
        { name: 'test', x: done, y: done.map((c) => at(c).test) },
      ],
    });
    result.tables.push({
      id: 'summary',
      title: `Capacity sweep at latent ${cfg.latent}`,
      columns: ['capacity', 'parameters', 'train loss', 'test loss'],
      rows: done.map((c) => [c, at(c).params, sig(at(c).train), sig(at(c).test)]),
    });
    if (done.length) result.notes.push(...capacityNotes(cfg, done, got));
    result.elapsedMs = performance.now() - started;
    return result;
  },
};
