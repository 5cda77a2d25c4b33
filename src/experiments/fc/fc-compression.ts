// fc-compression.ts: experiment `fc-compression` — NRMSE against the compression ratio 784 / latent,
// for the autoencoder's output and for the output decoded from the latent discovered by inverting
// the decoder from the true images. Imports experiments (fc helpers, types), util.
import { defineExperiment, firstImages, formatNumber, newResult, progress, stopped } from '../kit/index';
import type { Chart, ExperimentContext, ExperimentResult } from '../types';
import { checkBatch, checkInvertible, FC_HIDDEN_2, FC_MODEL_SCHEMA, type FcModelConfig } from './config';
import { type InversionSums, invertBlocks } from './decoder-inversion';
import { errorFromMse, targetRange } from './metrics';
import { imageGrid, loadData, lossSeries, reconstructions, trainOrLoad } from './model';
import { scaleSentence } from './report';

export interface FcCompressionConfig extends Omit<FcModelConfig, 'latent' | 'loss'> {
  /** Latent sizes, each ≤ 196 so the decoder can be inverted. */
  latents: number[];
}

const NAME = 'fc-compression';
const SERIES = [
  ['nrmse_ae_train', 'autoencoder train'],
  ['nrmse_ae_test', 'autoencoder test'],
  ['nrmse_discovered_train', 'discovered train'],
  ['nrmse_discovered_test', 'discovered test'],
] as const;

/** Whether values fall (each ≤ the previous) along the list. */
const falls = (v: number[]) => v.every((x, i) => i === 0 || x <= v[i - 1]!);

export function compressionNotes(latents: number[], m: Record<string, Record<string, number>>): string[] {
  const order = [...latents].sort((a, b) => a - b);
  const at = (key: string) => order.map((l) => m[key]![String(l)]!);
  const ae = at('nrmse_ae_test');
  const disc = at('nrmse_discovered_test');
  const worse = order.filter((l) => m.nrmse_discovered_test![String(l)]! > m.nrmse_ae_test![String(l)]!);
  return [
    `Report: NRMSE fell as the latent grew (lower compression) for both outputs, and the discovered-latent output was worse than the autoencoder's.`,
    `Measured test NRMSE by latent ${order.join(', ')}: autoencoder ${ae.map((v) => formatNumber(v)).join(', ')}; discovered ${disc.map((v) => formatNumber(v)).join(', ')}.`,
    `Autoencoder NRMSE ${falls(ae) ? 'falls at every step' : ae[ae.length - 1]! < ae[0]! ? 'falls overall but not at every step' : 'does not fall'} as the latent grows; ` +
      `discovered ${falls(disc) ? 'falls at every step' : disc[disc.length - 1]! < disc[0]! ? 'falls overall but not at every step' : 'does not fall'}.`,
    `The discovered-latent output is worse than the autoencoder output at ${worse.length} of ${order.length} latent sizes${worse.length === order.length ? ' (agrees with the report)' : ` (${worse.join(', ') || 'none'})`}.`,
  ];
}

async function run(ctx: ExperimentContext, c: FcCompressionConfig): Promise<ExperimentResult> {
  const started = performance.now();
  const result = newResult(ctx, NAME, c);
  const data = await loadData(ctx, c, NAME);
  const ranges = { train: targetRange(data.train.x), test: targetRange(data.test.x) };
  const originals = firstImages(data.test, 10);
  const per: Record<string, Record<string, number>> = {
    compression_ratio: {},
    ...Object.fromEntries(SERIES.map(([k]) => [k, {}])),
  };
  const losses: Chart['series'] = [];
  const aeRows = [{ label: 'original', images: originals }];
  const discRows = [{ label: 'original', images: originals }];
  const done: number[] = [];
  for (const latent of c.latents) {
    if (stopped(ctx, result, `before latent ${latent}`)) break;
    const setting: FcModelConfig = { ...c, latent, loss: 'mse' };
    const name = `latent=${latent}`;
    const t = await trainOrLoad(ctx, NAME, setting, data, name);
    try {
      result.stopReasons[name] = t.stopReason;
      if (t.bytes) result.weights.push({ key: t.key, bytes: t.bytes });
      losses.push(...lossSeries(t.run, `${name} `).filter((s) => s.name.endsWith('train')));
      progress(
        ctx,
        NAME,
        `invert ${name}`,
        `${name}: inverting the decoder from ${data.test.count + data.train.count} images`,
      );
      const inv = await invertBlocks(ctx.runtime, t.model, [data.test, data.train], {
        fromOutput: false,
        sampleRows: 10,
        signal: ctx.signal,
        onChunk: (k, total) =>
          progress(ctx, NAME, `invert ${name}`, `${name}: inverted ${k} / ${total} images`, { step: k, steps: total }),
      });
      const [test, train] = inv.sums as [InversionSums, InversionSums];
      if (test.count + train.count < data.test.count + data.train.count) {
        result.notes.push(`Stopped by the user while inverting latent ${latent}.`);
        break;
      }
      const nrmse = (s: InversionSums, sq: number, range: number) => errorFromMse(sq / (s.count * 784), range).nrmse;
      const key = String(latent);
      per.compression_ratio![key] = 784 / latent;
      per.nrmse_ae_train![key] = nrmse(train, train.outputAe, ranges.train);
      per.nrmse_ae_test![key] = nrmse(test, test.outputAe, ranges.test);
      per.nrmse_discovered_train![key] = nrmse(train, train.outputDiscovered, ranges.train);
      per.nrmse_discovered_test![key] = nrmse(test, test.outputDiscovered, ranges.test);
      aeRows.push({ label: name, images: (await reconstructions(ctx, t.model, setting, originals)).raw });
      discRows.push({ label: name, images: inv.sample!.map((v) => Math.min(1, Math.max(0, v))) });
      done.push(latent);
    } finally {
      t.model.dispose();
    }
  }
  Object.assign(result.metrics, per);
  const order = [...done].sort((a, b) => a - b);
  const curve = (key: string, label: string, x: (l: number) => number) => ({
    name: label,
    x: order.map(x),
    y: order.map((l) => per[key]![String(l)]!),
  });
  const chart = (id: string, title: string, which: 'ae' | 'discovered', byRatio: boolean): Chart => ({
    id,
    title,
    xLabel: byRatio ? 'compression ratio (784 / latent)' : 'latent size',
    yLabel: 'NRMSE',
    series: SERIES.filter(([k]) => k.includes(which)).map(([k, label]) =>
      curve(k, label, byRatio ? (l) => 784 / l : (l) => l),
    ),
  });
  result.charts.push(
    chart('ae-ratio', 'Autoencoder output: NRMSE vs compression ratio', 'ae', true),
    chart('ae-latent', 'Autoencoder output: NRMSE vs latent size', 'ae', false),
    chart('discovered-ratio', 'Discovered-latent output: NRMSE vs compression ratio', 'discovered', true),
    chart('discovered-latent', 'Discovered-latent output: NRMSE vs latent size', 'discovered', false),
    {
      id: 'loss',
      title: 'Training loss per epoch by latent size',
      xLabel: 'epoch',
      yLabel: 'loss (MSE)',
      series: losses,
    },
  );
  result.tables.push({
    id: 'nrmse',
    title: 'NRMSE by latent size',
    columns: ['latent', 'compression ratio', 'AE train', 'AE test', 'discovered train', 'discovered test'],
    rows: order.map((l) => [l, 784 / l, ...SERIES.map(([k]) => per[k]![String(l)]!)]),
  });
  result.grids.push(
    imageGrid('ae', 'Autoencoder reconstructions by latent size', aeRows),
    imageGrid('discovered', 'decoder(discovered latent) by latent size', discRows),
  );
  if (done.length > 1) result.notes.push(...compressionNotes(done, per));
  result.notes.push(scaleSentence(c));
  result.elapsedMs = performance.now() - started;
  return result;
}

const { latent: _latent, loss: _loss, ...MODEL_KEYS } = FC_MODEL_SCHEMA;

export const fcCompression = defineExperiment<FcCompressionConfig>({
  name: NAME,
  title: 'NRMSE against compression ratio',
  description:
    'Trains the autoencoder (Adam, leaky ReLU 0.5, MSE) for each latent size, and reports the NRMSE of its output and of the output ' +
    'decoded from the latent found by inverting the decoder from the true images, against the compression ratio 784 / latent.',
  schema: {
    latents: {
      type: 'int-list',
      min: 1,
      max: FC_HIDDEN_2,
      unit: 'dimensions',
      help: `latent sizes, one model each; at most ${FC_HIDDEN_2} so that the decoder can be inverted`,
      default: { tiny: [2, 4, 8, 16, 32, 64], small: [2, 4, 8, 16, 32, 64], full: [2, 4, 8, 16, 32, 64] },
    },
    ...MODEL_KEYS,
  },
  check(c) {
    checkBatch(NAME, c);
    checkInvertible(NAME, c);
  },
  run,
});
