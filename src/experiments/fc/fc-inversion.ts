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
import type { ExperimentContext, ExperimentDef, ExperimentResult, Scale, Table } from '../types';
import {
  baseModelConfig,
  checkKeys,
  checkModelConfig,
  FC_HIDDEN_2,
  MODEL_KEYS,
  parseWeightKey,
  weightKey,
  type FcModelConfig,
} from './config';
import { invertBlocks, type InversionSums } from './inversion';
import { errorFromMse, targetRange } from './metrics';
import { emit, emptyResult, firstImages, fmtNum, imageGrid, loadData, reconstruct, trainOrLoad } from './model';
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
const KEYS = ['weights', ...MODEL_KEYS.filter((k) => k !== 'loss')] as const;

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
  const pi = (v: number, n: number) => fmtNum(perRow(v, n), 3);
  return [
    "Frobenius norms over a split grow with √(number of images), so the report's values (60,000 / 10,000 images) are compared per image (÷ √N) and relative (÷ ‖Z_ae‖ or ‖X‖).",
    `(a) From the decoder output. Report: ‖Z_ae − Z_ls‖ = ${r.latentFromOutput.train} train, ${r.latentFromOutput.test} test (per image ${pi(r.latentFromOutput.train, 60000)}, ${pi(r.latentFromOutput.test, 10000)}). ` +
      `Measured: ${fmtNum(m.frobenius_latent_train)}, ${fmtNum(m.frobenius_latent_test)} (per image ${fmtNum(m.frobenius_latent_train_per_image, 3)}, ${fmtNum(m.frobenius_latent_test_per_image, 3)}; ` +
      `relative ${fmtNum(m.frobenius_latent_train_relative, 3)}, ${fmtNum(m.frobenius_latent_test_relative, 3)}). Both are float32 rounding: the inversion is exact in exact arithmetic.`,
    `(b) From the true images. Report: latent ${r.latentDiscovered.train} / ${r.latentDiscovered.test} (per image ${pi(r.latentDiscovered.train, 60000)} / ${pi(r.latentDiscovered.test, 10000)}), ` +
      `output ${r.outputDiscovered.train} / ${r.outputDiscovered.test} (per image ${pi(r.outputDiscovered.train, 60000)} / ${pi(r.outputDiscovered.test, 10000)}). ` +
      `Measured per image: latent ${fmtNum(m.frobenius_latent_discovered_train_per_image, 3)} / ${fmtNum(m.frobenius_latent_discovered_test_per_image, 3)}, ` +
      `output ${fmtNum(m.frobenius_output_train_per_image, 3)} / ${fmtNum(m.frobenius_output_test_per_image, 3)} (train / test).`,
    `Discovered-latent output vs autoencoder output, NRMSE test: ${fmtNum(m.nrmse_discovered_test)} vs ${fmtNum(m.nrmse_ae_test)} ` +
      `(${m.nrmse_discovered_test! > m.nrmse_ae_test! ? 'worse, as the report found' : 'not worse, unlike the report'}).`,
  ];
}

async function run(ctx: ExperimentContext, c: FcInversionConfig): Promise<ExperimentResult> {
  const started = performance.now();
  const result = emptyResult(ctx, NAME, c);
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
    model = checkInvertible({ ...model, ...k });
    if (c.weights === null)
      result.notes.push(
        `Inverted the only fully connected MSE model handed in, "${chosen}" (its latent, activation and slope decide the architecture).`,
      );
  }
  emit(ctx, NAME, 'load data', `loading ${c.trainSize} / ${c.testSize} Fashion-MNIST images`);
  const data = await loadData(ctx, c);
  const name = `latent=${model.latent}`;
  const t = await trainOrLoad(ctx, NAME, model, data, name, chosen ?? undefined);
  try {
    result.stopReasons[name] = t.stopReason;
    if (t.bytes) result.weights.push({ key: t.key, bytes: t.bytes });
    if (ctx.signal?.aborted) {
      result.notes.push('Stopped by the user before the inversion.');
      return result;
    }
    emit(
      ctx,
      NAME,
      'invert decoder',
      `${name}: least-squares inversion of the decoder, ${data.test.count + data.train.count} images`,
    );
    const inv = await invertBlocks(ctx.runtime, t.model, [data.test, data.train], {
      sampleRows: 10,
      signal: ctx.signal,
      onChunk: (done, total) =>
        emit(ctx, NAME, 'invert decoder', `${name}: inverted ${done} / ${total} images`, { step: done, steps: total }),
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
    const rec = await reconstruct(ctx, t.model, { loss: 'mse' }, originals);
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

/** Inversion needs an invertible activation (leaky ReLU, slope > 0) and a latent no wider than 196. */
function checkInvertible<T extends Pick<FcModelConfig, 'activation' | 'slope' | 'latent'>>(c: T): T {
  if (c.activation !== 'leakyRelu' || !(c.slope > 0)) {
    throw new ConfigError(
      `${NAME}: activation ${c.activation}${c.activation === 'leakyRelu' ? ` with slope ${c.slope}` : ''} cannot be inverted; expected leakyRelu with slope > 0 (e.g. 0.5).`,
    );
  }
  if (c.latent > FC_HIDDEN_2)
    throw new ConfigError(
      `${NAME}: latent ${c.latent} is wider than the decoder's first layer output (${FC_HIDDEN_2}), so its least-squares inverse is not unique; expected latent ≤ ${FC_HIDDEN_2}.`,
    );
  return c;
}

function defaults(scale: Scale): FcInversionConfig {
  const { loss: _, ...m } = baseModelConfig(scale);
  return { weights: null, ...m };
}

export const fcInversion: ExperimentDef<FcInversionConfig> = {
  name: NAME,
  title: 'Invert the decoder by least squares',
  description:
    'Inverts the trained decoder layer by layer (inverse leaky ReLU, minus bias, least squares with the weight matrix on the GPU), ' +
    "from the decoder's own output and from the true images, and reports Frobenius norms of the latent and output differences.",
  defaults,
  validate(config: Record<string, unknown>, scale: Scale = 'small'): FcInversionConfig {
    checkKeys(NAME, config, KEYS);
    const merged = { ...defaults(scale), ...config };
    const w = merged.weights;
    if (w !== null && w !== undefined && typeof w !== 'string')
      throw new ConfigError(`weights: expected a weight key string (or null to train); got ${JSON.stringify(w)}.`);
    const { loss: _, ...m } = checkModelConfig({ ...merged, loss: 'mse' });
    return checkInvertible({ weights: typeof w === 'string' && w !== '' ? w : null, ...m });
  },
  run,
};
