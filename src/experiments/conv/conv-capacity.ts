// conv-capacity.ts: experiment `conv-capacity`, the report's question 1.II — conv autoencoders at
// latent 15 trained over a sweep of channel capacities: parameter counts as bars, loss-vs-epoch curves
// and reconstructions. Imports the kit and this folder; no DOM.
import { defineExperiment, formatSignificant } from '../kit/index';
import type { Scale } from '../types';
import {
  checkBatch,
  convTrainSchema,
  describeScale,
  REPORT_CAPACITIES,
  STOP_SCHEMA,
  type ConvTrainConfig,
  type StopOptions,
} from './config';
import { byKey, type SweepOutcome, sweep } from './model-sweep';
import { beginRun, convKey } from './trained-autoencoder';
import { fallsAlong, listBy } from './trends';

export interface ConvCapacityConfig extends Omit<ConvTrainConfig, 'capacity'> {
  capacities: number[];
  latent: number;
  stop: StopOptions;
}

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
      : `the test loss does not fall at every larger capacity (c = ${f.at![0]} → ${f.at![1]}: ${formatSignificant(at(f.at![0]).test)} → ${formatSignificant(at(f.at![1]).test)})`;
    notes.push(`Measured final test loss (${describeScale(cfg)}): ${listBy(desc, tests, 'c = ')}; ${trend}.`);
  }
  return notes;
}

const { capacity: _capacity, ...TRAIN_KEYS } = convTrainSchema('train');

export const convCapacity = defineExperiment<ConvCapacityConfig>({
  name: 'conv-capacity',
  title: 'Conv autoencoder: channel capacity vs parameters and loss',
  description:
    'Trains the conv autoencoder at latent 15 for each capacity c (channels of the first conv layer); parameter counts as bars and loss-vs-epoch curves.',
  schema: {
    capacities: {
      type: 'int-list',
      min: 1,
      unit: 'channels',
      help: 'capacities c, one model each (the report: 128, 64, 32, 16, 8, 4)',
      default: { tiny: defaultCapacities('tiny'), small: defaultCapacities('small'), full: defaultCapacities('full') },
    },
    latent: {
      type: 'int',
      min: 1,
      unit: 'dimensions',
      help: 'latent size of every model (the report: 15)',
      default: { tiny: 15, small: 15, full: 15 },
    },
    ...TRAIN_KEYS,
    stop: STOP_SCHEMA,
  },
  check: (cfg) => checkBatch('conv-capacity', 'batch', cfg.batch, 'trainSize', cfg.trainSize),
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
      rows: done.map((c) => [c, at(c).params, at(c).train, at(c).test]),
    });
    if (done.length) result.notes.push(...capacityNotes(cfg, done, got));
    result.elapsedMs = performance.now() - started;
    return result;
  },
});
