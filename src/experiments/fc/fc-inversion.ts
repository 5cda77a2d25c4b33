// fc-inversion.ts: experiment `fc-inversion` — the first report's least-squares inversion of the
// decoder, (a) from the decoder's own output and (b) from the true images, with Frobenius norms in
// the latent space and at the output. Imports experiments (fc helpers, types), util.
//
// Metrics (per split s = train | test; ‖·‖ is the Frobenius norm over the whole split):
//   frobenius_latent_s              ‖Z_ae − Z_ls‖,   Z_ls inverted from Y = decoder(Z_ae)       (a)
//   frobenius_latent_discovered_s   ‖Z_ae − Z_disc‖, Z_disc inverted from the images X          (b)
//   frobenius_output_s              ‖decoder(Z_disc) − X‖                                       (b)
//   frobenius_output_ae_s           ‖decoder(Z_ae) − X‖ (the autoencoder's own error)
//   frobenius_redecoded_s           ‖decoder(Z_ls) − Y‖ (consistency of (a))
//   each also *_relative (÷ ‖Z_ae‖ for latents, ÷ ‖X‖ for outputs) and *_per_image (÷ √N);
//   nrmse_discovered_s, nrmse_ae_s: NRMSE (metrics.ts) of decoder(Z_disc) and decoder(Z_ae).
import { ConfigError } from '../../util/errors';
import { defineExperiment, firstImages, formatNumber, newResult, progress } from '../kit/index';
import type { ExperimentContext, ExperimentResult, Table } from '../types';
import {
  checkBatch,
  checkInvertible,
  FC_HIDDEN_2,
  FC_MODEL_SCHEMA,
  type FcModelConfig,
  parseWeightKey,
  weightKey,
} from './config';
import { type InversionSums, invertBlocks } from './decoder-inversion';
import { errorFromMse, targetRange } from './metrics';
import { imageGrid, loadData, reconstructions, trainOrLoad } from './model';
import { perRow, REPORT_INVERSION, scaleSentence } from './report';

export interface FcInversionConfig extends Omit<FcModelConfig, 'loss'> {
  /**
   * Key in ctx.weights of the model to invert (its latent, activation and slope are used). null: the
   * model of this config's own key when handed in, else the only invertible MSE model handed in, else
   * one trained now.
   */
  weights: string | null;
}

const NAME = 'fc-inversion';

/** The inversion metrics of one split from its summed squares (see the header). */
export function inversionMetrics(split: 'train' | 'test', s: InversionSums, range: number): Record<string, number> {
  const m: Record<string, number> = {};
  const put = (name: string, squared: number | undefined, reference: number) => {
    if (squared === undefined) return;
    const norm = Math.sqrt(squared);
    m[`frobenius_${name}_${split}`] = norm;
    m[`frobenius_${name}_${split}_relative`] = norm / Math.sqrt(reference);
    m[`frobenius_${name}_${split}_per_image`] = perRow(norm, s.count);
  };
  put('latent', s.latentFromOutput, s.latent);
  put('latent_discovered', s.latentDiscovered, s.latent);
  put('output', s.outputDiscovered, s.images);
  put('output_ae', s.outputAe, s.images);
  put('redecoded', s.outputFromOutput, s.images);
  m[`nrmse_discovered_${split}`] = errorFromMse(s.outputDiscovered / (s.count * 784), range).nrmse;
  m[`nrmse_ae_${split}`] = errorFromMse(s.outputAe / (s.count * 784), range).nrmse;
  return m;
}

function reportTable(m: Record<string, number>): Table {
  const r = REPORT_INVERSION;
  const rows: [string, string, { train: number; test: number }][] = [
    ['latent: ‖Z_ae − Z_ls‖ (from decoder output)', 'latent', r.latentFromOutput],
    ['latent: ‖Z_ae − Z_disc‖ (from true images)', 'latent_discovered', r.latentDiscovered],
    ['output: ‖decoder(Z_disc) − X‖', 'output', r.outputDiscovered],
    ['output: ‖decoder(Z_ae) − X‖ (autoencoder)', 'output_ae', { train: NaN, test: NaN }],
  ];
  return {
    id: 'frobenius',
    title: 'Frobenius norms: report (60,000 / 10,000 images) vs measured; per image = ÷ √(number of images)',
    columns: [
      'quantity',
      'report train',
      'report test',
      'report train / image',
      'report test / image',
      'measured train',
      'measured test',
      'measured train / image',
      'measured test / image',
      'measured train relative',
      'measured test relative',
    ],
    rows: rows.map(([label, key, rep]) => [
      label,
      rep.train,
      rep.test,
      perRow(rep.train, 60000),
      perRow(rep.test, 10000),
      m[`frobenius_${key}_train`]!,
      m[`frobenius_${key}_test`]!,
      m[`frobenius_${key}_train_per_image`]!,
      m[`frobenius_${key}_test_per_image`]!,
      m[`frobenius_${key}_train_relative`]!,
      m[`frobenius_${key}_test_relative`]!,
    ]),
  };
}

function notes(m: Record<string, number>): string[] {
  const r = REPORT_INVERSION;
  const pi = (v: number, n: number) => formatNumber(perRow(v, n), 3);
  return [
    "Frobenius norms over a split grow with √(number of images), so the report's values (60,000 / 10,000 images) are compared per image (÷ √N) and relative (÷ ‖Z_ae‖ or ‖X‖).",
    `(a) From the decoder output. Report: ‖Z_ae − Z_ls‖ = ${r.latentFromOutput.train} train, ${r.latentFromOutput.test} test (per image ${pi(r.latentFromOutput.train, 60000)}, ${pi(r.latentFromOutput.test, 10000)}). ` +
      `Measured: ${formatNumber(m.frobenius_latent_train)}, ${formatNumber(m.frobenius_latent_test)} (per image ${formatNumber(m.frobenius_latent_train_per_image, 3)}, ${formatNumber(m.frobenius_latent_test_per_image, 3)}; ` +
      `relative ${formatNumber(m.frobenius_latent_train_relative, 3)}, ${formatNumber(m.frobenius_latent_test_relative, 3)}). Both are float32 rounding: the inversion is exact in exact arithmetic.`,
    `(b) From the true images. Report: latent ${r.latentDiscovered.train} / ${r.latentDiscovered.test} (per image ${pi(r.latentDiscovered.train, 60000)} / ${pi(r.latentDiscovered.test, 10000)}), ` +
      `output ${r.outputDiscovered.train} / ${r.outputDiscovered.test} (per image ${pi(r.outputDiscovered.train, 60000)} / ${pi(r.outputDiscovered.test, 10000)}). ` +
      `Measured per image: latent ${formatNumber(m.frobenius_latent_discovered_train_per_image, 3)} / ${formatNumber(m.frobenius_latent_discovered_test_per_image, 3)}, ` +
      `output ${formatNumber(m.frobenius_output_train_per_image, 3)} / ${formatNumber(m.frobenius_output_test_per_image, 3)} (train / test).`,
    `Discovered-latent output vs autoencoder output, NRMSE test: ${formatNumber(m.nrmse_discovered_test)} vs ${formatNumber(m.nrmse_ae_test)} ` +
      `(${m.nrmse_discovered_test! > m.nrmse_ae_test! ? 'worse, as the report found' : 'not worse, unlike the report'}).`,
  ];
}

async function run(ctx: ExperimentContext, c: FcInversionConfig): Promise<ExperimentResult> {
  const started = performance.now();
  const result = newResult(ctx, NAME, c);
  let model: FcModelConfig = { ...c, loss: 'mse' };
  const chosen = c.weights ?? soleCandidate(ctx, model);
  if (chosen !== null) {
    if (!ctx.weights?.has(chosen)) {
      const have = [...(ctx.weights?.keys() ?? [])];
      throw new ConfigError(
        `${NAME}: weights "${chosen}" were requested but not handed in; expected one of: ${have.length ? have.join(', ') : '(none)'}. Run fc-train first and pass its weights, or leave weights unset to train.`,
      );
    }
    const k = parseWeightKey(chosen);
    if (k.loss !== 'mse')
      throw new ConfigError(
        `${NAME}: weights "${chosen}" were trained with loss ${k.loss}; expected mse, so that the decoder output is the image being inverted.`,
      );
    model = { ...model, ...k };
    checkInvertible(NAME, model);
    if (c.weights === null)
      result.notes.push(
        `Inverted the only fully connected MSE model handed in, "${chosen}" (its latent, activation and slope decide the architecture).`,
      );
  }
  const data = await loadData(ctx, c, NAME);
  const name = `latent=${model.latent}`;
  const t = await trainOrLoad(ctx, NAME, model, data, name, chosen ?? undefined);
  try {
    result.stopReasons[name] = t.stopReason;
    if (t.bytes) result.weights.push({ key: t.key, bytes: t.bytes });
    if (ctx.signal?.aborted) {
      result.notes.push('Stopped by the user before the inversion.');
      return result;
    }
    progress(
      ctx,
      NAME,
      'invert decoder',
      `${name}: least-squares inversion of the decoder, ${data.test.count + data.train.count} images`,
    );
    const inv = await invertBlocks(ctx.runtime, t.model, [data.test, data.train], {
      sampleRows: 10,
      signal: ctx.signal,
      onChunk: (done, total) =>
        progress(ctx, NAME, 'invert decoder', `${name}: inverted ${done} / ${total} images`, {
          step: done,
          steps: total,
        }),
    });
    const [test, train] = inv.sums as [InversionSums, InversionSums];
    if (train.count < data.train.count || test.count < data.test.count) {
      result.notes.push(
        `Stopped by the user after ${test.count + train.count} of ${data.test.count + data.train.count} images; no metrics.`,
      );
      return result;
    }
    Object.assign(
      result.metrics,
      inversionMetrics('train', train, targetRange(data.train.x)),
      inversionMetrics('test', test, targetRange(data.test.x)),
    );
    result.tables.push(reportTable(result.metrics as Record<string, number>));
    const originals = firstImages(data.test, 10);
    const rec = await reconstructions(ctx, t.model, { loss: 'mse' }, originals);
    result.grids.push(
      imageGrid('reconstructions', 'Test images, autoencoder output, and decoder(discovered latent)', [
        { label: 'original', images: originals },
        { label: 'autoencoder', images: rec.raw },
        { label: 'discovered latent', images: inv.sample!.map((v) => Math.min(1, Math.max(0, v))) },
      ]),
    );
    result.notes.push(...notes(result.metrics as Record<string, number>));
    result.notes.push(t.reused ? `Weights "${t.key}" were reused.` : scaleSentence(model, t.run));
  } finally {
    t.model.dispose();
    result.elapsedMs = performance.now() - started;
  }
  return result;
}

/**
 * With no weights key in the config (the command line cannot set one: its --weights hands files in):
 * null when the config's own key was handed in or nothing fits, else the one invertible
 * fully connected MSE model handed in, if there is exactly one.
 */
function soleCandidate(ctx: ExperimentContext, c: FcModelConfig): string | null {
  if (!ctx.weights || ctx.weights.has(weightKey(c))) return null;
  const fits = [...ctx.weights.keys()].filter((k) => {
    try {
      const p = parseWeightKey(k);
      return p.loss === 'mse' && p.activation === 'leakyRelu' && p.slope > 0 && p.latent <= FC_HIDDEN_2;
    } catch {
      return false;
    }
  });
  return fits.length === 1 ? fits[0]! : null;
}

const { loss: _loss, ...MODEL_KEYS } = FC_MODEL_SCHEMA;

export const fcInversion = defineExperiment<FcInversionConfig>({
  name: NAME,
  title: 'Invert the decoder by least squares',
  description:
    'Inverts the trained decoder layer by layer (inverse leaky ReLU, minus bias, least squares with the weight matrix on the GPU), ' +
    "from the decoder's own output and from the true images, and reports Frobenius norms of the latent and output differences.",
  schema: {
    weights: {
      type: 'text',
      help: 'key in the weights handed in of the MSE model to invert (its latent, activation and slope are used)',
      nullMeans:
        "this config's own key when handed in, else the only invertible MSE model handed in, else one trained now",
      default: { tiny: null, small: null, full: null },
    },
    ...MODEL_KEYS,
  },
  check(c) {
    checkBatch(NAME, c);
    checkInvertible(NAME, c);
  },
  run,
});
