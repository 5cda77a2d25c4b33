// conv-latent.ts: experiment `conv-latent`, the report's first practical question (1.I) — conv
// autoencoders trained over a sweep of latent sizes: parameter counts, final losses, loss-vs-epoch
// curves and reconstructions beside the report's table. Imports the kit and this folder; no DOM.
import { defineExperiment, formatSignificant } from '../kit/index';
import type { Chart } from '../types';
import {
  checkBatch,
  convTrainSchema,
  describeScale,
  latentsKey,
  STOP_SCHEMA,
  type ConvTrainConfig,
  type StopOptions,
} from './config';
import { byKey, type SweepOutcome, sweep } from './model-sweep';
import { beginRun, convKey, latentPoints } from './trained-autoencoder';
import { fallsAlong, listBy } from './trends';

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

export interface ConvLatentConfig extends ConvTrainConfig {
  latents: number[];
  stop: StopOptions;
}

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
        ? `it falls with every larger latent size (${formatSignificant(tests[0]!)} → ${formatSignificant(tests[tests.length - 1]!)}), as in the report`
        : `it does not fall at every step: latent ${f.at![0]} → ${f.at![1]} goes from ${formatSignificant(at(f.at![0]).test)} to ${formatSignificant(at(f.at![1]).test)} (overall ${formatSignificant(tests[0]!)} → ${formatSignificant(tests[tests.length - 1]!)})`;
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

export const convLatent = defineExperiment<ConvLatentConfig>({
  name: 'conv-latent',
  title: 'Conv autoencoder: latent size vs reconstruction error',
  description:
    "Trains the conv autoencoder (MSE, AdamW) on MNIST for each latent size; compares parameter counts, final train/test loss and reconstructions with the report's table.",
  schema: {
    latents: latentsKey(1, 'latent sizes, one model each (the report: 3 to 30)'),
    ...convTrainSchema('train'),
    stop: STOP_SCHEMA,
  },
  check: (cfg) => checkBatch('conv-latent', 'batch', cfg.batch, 'trainSize', cfg.trainSize),
  async run(ctx, cfg) {
    const { started, result, data } = await beginRun(
      ctx,
      'conv-latent',
      cfg,
      { mode: cfg.weights, keys: cfg.latents.map((l) => convKey(l, cfg.capacity, cfg.seed)) },
      cfg,
    );
    const got = await sweep(ctx, result, cfg, cfg.stop, latentPoints(cfg.latents, cfg.capacity), data);
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
        at(l).train,
        at(l).test,
        REPORT_LATENT_TABLE[l]?.train ?? '—',
        REPORT_LATENT_TABLE[l]?.test ?? '—',
        REPORT_LATENT_TABLE[l]?.params ?? '—',
      ]),
    });
    if (done.length) result.notes.push(...latentNotes(cfg, done, got));
    result.elapsedMs = performance.now() - started;
    return result;
  },
});
