// conv-correlation.ts: experiment `conv-correlation`, the report's third practical question — how correlated the coordinates of the
// latent code are, as a function of the latent size (conv-correlation). The Pearson matrix and its
// mean |off-diagonal| coefficient are computed on the GPU (ops pearson and meanAbsOffDiagonal).
// Imports graph, ops, nn (through common), util; no DOM.
import { Executable } from '../../graph/executor';
import { Graph } from '../../graph/graph';
import { meanAbsOffDiagonal, pearson } from '../../ops/stats';
import { ShapeError } from '../../util/errors';
import type { Runtime } from '../runtime';
import { infer } from '../train';
import { defineExperiment, formatSignificant, progress } from '../kit/index';
import { checkBatch, convTrainSchema, type ConvTrainConfig, describeScale, latentsKey, MNIST_TEST } from './config';
import { beginRun, convKey, eachModel, imageShape, latentPoints } from './trained-autoencoder';
import { fallsAlong, listBy } from './trends';

export interface CorrelationSummary {
  /** Pearson correlation of the columns, [cols, cols] row-major. */
  matrix: Float32Array;
  /** Mean |r_ij| over i ≠ j: the report's "overall correlation". */
  meanAbs: number;
}

/**
 * The Pearson correlation matrix of the columns of `x` ([rows, cols] row-major: one sample per row,
 * one variable per column) and its mean absolute off-diagonal coefficient, computed on the GPU.
 */
export async function correlationSummary(
  runtime: Runtime,
  x: Float32Array,
  rows: number,
  cols: number,
): Promise<CorrelationSummary> {
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 2 && cols >= 2) || x.length !== rows * cols) {
    throw new ShapeError(
      `correlationSummary: bad matrix; expected ≥ 2 rows and ≥ 2 columns with rows·cols values, got rows=${rows} cols=${cols} and ${x.length} values. Pass one code per row.`,
    );
  }
  const g = new Graph();
  const input = g.input('codes', [rows, cols]);
  const r = g.apply(pearson, [input], {}, 'pearson');
  const m = g.apply(meanAbsOffDiagonal, [r], {}, 'overall');
  const exe = new Executable(runtime, g, { keep: [r, m], label: 'correlation' });
  try {
    exe.write(input, x);
    exe.run();
    return { matrix: await exe.read(r), meanAbs: (await exe.read(m))[0]! };
  } finally {
    exe.dispose();
  }
}

export interface ConvCorrelationConfig extends ConvTrainConfig {
  latents: number[];
}

export const convCorrelation = defineExperiment<ConvCorrelationConfig>({
  name: 'conv-correlation',
  title: 'Conv autoencoder: correlation between latent coordinates',
  description:
    'Encodes the test images with each trained latent size and reports the Pearson correlation matrix of the code coordinates and its mean |off-diagonal| value.',
  schema: {
    latents: latentsKey(
      2,
      'latent sizes, one model each; a correlation needs at least 2 coordinates (the report: 3 to 30)',
    ),
    ...convTrainSchema('auto'),
    testSize: {
      ...convTrainSchema('auto').testSize,
      min: 3,
      help: `test images encoded; correlations need at least 3 codes (the report: all ${MNIST_TEST})`,
    },
  },
  check: (cfg) => checkBatch('conv-correlation', 'batch', cfg.batch, 'trainSize', cfg.trainSize),
  async run(ctx, cfg) {
    const { started, result, data } = await beginRun(
      ctx,
      'conv-correlation',
      cfg,
      { mode: cfg.weights, keys: cfg.latents.map((l) => convKey(l, cfg.capacity, cfg.seed)) },
      cfg,
    );
    const done: number[] = [];
    const overall: number[] = [];
    await eachModel(
      ctx,
      result,
      { points: latentPoints(cfg.latents, cfg.capacity), cfg, data },
      async (got, { latent, label: name }) => {
        progress(ctx, 'conv-correlation', 'encode', `${name}: encoding ${data.test.count} test images`);
        const codes = await infer(
          ctx.runtime,
          (g, x) => got.model.encoder.forward(g, x),
          imageShape,
          data.test.x,
          data.test.count,
        );
        progress(ctx, 'conv-correlation', 'correlate', `${name}: Pearson correlation of ${latent} coordinates`);
        const s = await correlationSummary(ctx.runtime, codes, data.test.count, latent);
        done.push(latent);
        overall.push(s.meanAbs);
        result.heatmaps.push({
          id: `corr-${name}`,
          title: `latent ${latent}: Pearson correlation of the code coordinates (mean |r| off the diagonal ${formatSignificant(s.meanAbs, 3)})`,
          size: latent,
          values: s.matrix,
          min: -1,
          max: 1,
        });
      },
    );
    result.metrics.mean_abs_correlation = Object.fromEntries(done.map((l, i) => [String(l), overall[i]!]));
    result.charts.push({
      id: 'overall',
      title: 'Mean |Pearson r| between code coordinates vs latent size',
      xLabel: 'latent size',
      yLabel: 'mean |r| (i ≠ j)',
      series: [{ name: 'measured', x: done, y: overall }],
    });
    result.tables.push({
      id: 'summary',
      title: 'Overall correlation by latent size',
      columns: ['latent', 'mean |r| (i ≠ j)'],
      rows: done.map((l, i) => [l, overall[i]!]),
    });
    result.notes.push(
      'Report: the overall correlation (mean |r| over pairs of distinct coordinates, from 10,000 encoded images) decreases as the latent size grows, almost exponentially.',
    );
    if (done.length) {
      const f = fallsAlong(done, overall);
      const trend =
        done.length < 2
          ? 'a single latent size, so no trend'
          : f.falls
            ? 'it decreases with every larger latent size, as the report says'
            : overall[overall.length - 1]! < overall[0]!
              ? `it decreases overall (${formatSignificant(overall[0]!)} → ${formatSignificant(overall[overall.length - 1]!)}) but not at every step (latent ${f.at![0]} → ${f.at![1]} rises)`
              : `it does not decrease (${formatSignificant(overall[0]!)} at latent ${done[0]} → ${formatSignificant(overall[overall.length - 1]!)} at latent ${done[done.length - 1]}), unlike the report`;
      result.notes.push(
        `Measured from ${data.test.count} test images (models trained ${describeScale(cfg)}): ${listBy(done, overall, 'latent ')}; ${trend}.`,
      );
    }
    result.elapsedMs = performance.now() - started;
    return result;
  },
});
