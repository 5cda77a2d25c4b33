// model-sweep.ts: conv autoencoders trained (or reused) one per point of a sweep — over latent sizes
// (conv-latent) or channel capacities (conv-capacity) — with their parameter counts, final losses,
// loss-vs-epoch curves, reconstructions, weights and stop reasons. Imports the kit and
// ./trained-autoencoder; no DOM.
import { progress } from '../kit/index';
import type { ExperimentContext, ExperimentResult, Series } from '../types';
import type { ConvTrainConfig, StopOptions } from './config';
import { eachModel, type MnistData, type ModelPoint, modelLosses, reconstructionGrid } from './trained-autoencoder';

export interface SweepOutcome {
  params: number;
  train: number;
  test: number;
}

/** Trains (or reuses) one autoencoder per point; fills curves, grids, weights and stop reasons into `result`. */
export async function sweep(
  ctx: ExperimentContext,
  result: ExperimentResult,
  cfg: Omit<ConvTrainConfig, 'capacity'>,
  stop: StopOptions,
  points: ModelPoint[],
  data: MnistData,
): Promise<Map<string, SweepOutcome>> {
  const out = new Map<string, SweepOutcome>();
  const curves: Series[] = [];
  await eachModel(ctx, result, { points, cfg, data, stop }, async (got, pt) => {
    const { train, test } = await modelLosses(ctx, got, data, cfg.batch);
    out.set(pt.label, { params: got.model.parameterCount(), train, test });
    if (got.run) {
      const x = got.run.epochs.map((e) => e.epoch);
      curves.push({ name: `${pt.label} train`, x, y: got.run.epochs.map((e) => e.trainLoss) });
      curves.push({ name: `${pt.label} test`, x, y: got.run.epochs.map((e) => e.testLoss ?? NaN) });
    }
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
  });
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

export const byKey = (keys: readonly number[], f: (k: number) => number): Record<string, number> =>
  Object.fromEntries(keys.map((k) => [String(k), f(k)]));
