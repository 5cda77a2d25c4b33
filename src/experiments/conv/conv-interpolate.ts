// conv-interpolate.ts: experiment `conv-interpolate`, the report's second practical question — decoding a blend of two test images'
// codes, D(α·E(I₁) + (1−α)·E(I₂)) for α = 0, 0.1, …, 1, for each trained latent size (conv-interpolate).
// Imports graph, ops (matmul), nn (through common), data, util; no DOM.
import { deriveSeed } from '../../data/sampling';
import { Executable } from '../../graph/executor';
import { Graph } from '../../graph/graph';
import type { ConvAutoencoder } from '../../nn/conv-autoencoder';
import { matmul } from '../../ops/matmul';
import { ConfigError } from '../../util/errors';
import { Rng } from '../../util/rng';
import type { Runtime } from '../runtime';
import { badValue, defineExperiment, formatSignificant, progress } from '../kit/index';
import { checkBatch, convTrainSchema, type ConvTrainConfig, latentsKey } from './config';
import { beginRun, convKey, eachModel, latentPoints, PIXELS } from './trained-autoencoder';
import { listBy } from './trends';

/** α = 0, 0.1, …, 1. */
export const ALPHAS: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 10);

export interface Interpolation {
  /** D(α·E(I₁) + (1−α)·E(I₂)) for each α, 784 floats each, in the order of `alphas`. */
  strip: Float32Array;
  /** The plain reconstructions D(E(I₁)), D(E(I₂)). */
  recon: Float32Array;
  /** E(I₁), E(I₂): 2 × latent. */
  codes: Float32Array;
}

/**
 * Runs on the GPU as one graph: both images are encoded as a batch of 2, the codes are blended by a
 * [alphas, 2] weight matrix with rows (α, 1 − α) — a matmul, so α = 0 and 1 pick a code exactly —
 * and all blends are decoded as one batch. `pair` holds I₁ then I₂ (2 × 784 floats).
 */
export async function interpolateCodes(
  runtime: Runtime,
  model: ConvAutoencoder,
  pair: Float32Array,
  alphas: readonly number[] = ALPHAS,
): Promise<Interpolation> {
  if (pair.length !== 2 * PIXELS)
    throw new ConfigError(
      `interpolateCodes: bad image pair; expected ${2 * PIXELS} floats (two 28×28 images), got ${pair.length}. Pass I₁ then I₂.`,
    );
  const g = new Graph();
  const x = g.input('x', [2, 1, 28, 28]);
  const w = g.input('alpha', [alphas.length, 2]);
  const z = model.encoder.forward(g, x);
  const blended = g.apply(matmul, [w, z], {}, 'blend');
  const strip = model.decoder.forward(g, blended);
  const recon = model.decoder.forward(g, z);
  const exe = new Executable(runtime, g, { keep: [strip, recon, z], label: 'interpolate' });
  try {
    exe.write(x, pair);
    exe.write(w, Float32Array.from(alphas.flatMap((a) => [a, 1 - a])));
    exe.run();
    return { strip: await exe.read(strip), recon: await exe.read(recon), codes: await exe.read(z) };
  } finally {
    exe.dispose();
  }
}

/** Mean of 4p(1 − p) over the pixels of one image: 0 for pure black and white, 1 for all mid-gray. */
export function grayness(image: Float32Array): number {
  let s = 0;
  for (const p of image) s += 4 * p * (1 - p);
  return s / image.length;
}

/**
 * The two test images: the given indices, or (null) the first test image of each of two different
 * digits drawn with the seed.
 */
export function chooseImages(
  labels: Uint8Array,
  seed: number,
  indexA: number | null,
  indexB: number | null,
): [number, number] {
  const rng = new Rng(deriveSeed(seed, 0x1a7e));
  const first = (digit: number) => labels.indexOf(digit);
  const present = Array.from({ length: 10 }, (_, d) => d).filter((d) => first(d) >= 0);
  const other = (not: number | null) => {
    const choices = present.filter((d) => d !== not);
    if (!choices.length)
      throw new ConfigError(
        `conv-interpolate: the test subset holds only digit ${not}; expected two different digits, got one. Raise testSize.`,
      );
    return first(choices[rng.int(choices.length)]!);
  };
  const a = indexA ?? other(indexB === null ? null : labels[indexB]!);
  const b = indexB ?? other(labels[a]!);
  return [a, b];
}

export interface ConvInterpolateConfig extends ConvTrainConfig {
  latents: number[];
  /** Index of I₁ in the test subset; null to choose by seed. */
  indexA: number | null;
  /** Index of I₂ in the test subset; null to choose by seed. */
  indexB: number | null;
}

const indexKey = (image: string) =>
  ({
    type: 'int',
    min: 0,
    help: `index of ${image} in the test subset`,
    nullMeans: 'the first test image of a digit drawn with the seed',
    default: { tiny: null, small: null, full: null },
  }) as const;

export const convInterpolate = defineExperiment<ConvInterpolateConfig>({
  name: 'conv-interpolate',
  title: 'Conv autoencoder: interpolating between two digits in latent space',
  description:
    'Decodes α·E(I₁) + (1−α)·E(I₂) for α = 0 … 1 in steps of 0.1, for each latent size, with trained weights reused when available.',
  schema: {
    latents: latentsKey(1, 'latent sizes, one model each (the report: 3 to 30)'),
    ...convTrainSchema('auto'),
    indexA: indexKey('I₁'),
    indexB: indexKey('I₂'),
  },
  check(cfg) {
    checkBatch('conv-interpolate', 'batch', cfg.batch, 'trainSize', cfg.trainSize);
    for (const k of ['indexA', 'indexB'] as const) {
      const v = cfg[k];
      if (v !== null && v >= cfg.testSize)
        throw badValue(
          `conv-interpolate.${k}`,
          v,
          `an index from 0 to ${cfg.testSize - 1} (inside the test subset)`,
          'Raise testSize or pick a smaller index.',
        );
    }
    if (cfg.indexA !== null && cfg.indexA === cfg.indexB)
      throw badValue(
        'conv-interpolate.indexB',
        cfg.indexB,
        `an image other than indexA = ${cfg.indexA}`,
        'Pick another index.',
      );
  },
  async run(ctx, cfg) {
    const { started, result, data } = await beginRun(
      ctx,
      'conv-interpolate',
      cfg,
      { mode: cfg.weights, keys: cfg.latents.map((l) => convKey(l, cfg.capacity, cfg.seed)) },
      cfg,
    );
    const [ia, ib] = chooseImages(data.test.labels, cfg.seed, cfg.indexA, cfg.indexB);
    const [da, db] = [data.test.labels[ia]!, data.test.labels[ib]!];
    const pair = new Float32Array(2 * PIXELS);
    pair.set(data.test.x.subarray(ia * PIXELS, (ia + 1) * PIXELS), 0);
    pair.set(data.test.x.subarray(ib * PIXELS, (ib + 1) * PIXELS), PIXELS);
    result.config = { ...result.config, indexA: ia, indexB: ib };
    result.grids.push({
      id: 'images',
      title: `I₁ = test image ${ia} (digit ${da}), I₂ = test image ${ib} (digit ${db})`,
      images: pair.slice(),
      count: 2,
      cols: 2,
      labels: [`I₁ (${da})`, `I₂ (${db})`],
    });
    const labels = ALPHAS.map((a) => `α=${a.toFixed(1)}`);
    const done: number[] = [];
    const mid: number[] = [];
    const ends: number[] = [];
    const reconMse: Record<string, number> = {};
    await eachModel(
      ctx,
      result,
      { points: latentPoints(cfg.latents, cfg.capacity), cfg, data },
      async (got, { latent, label: name }) => {
        progress(
          ctx,
          'conv-interpolate',
          'interpolate',
          `${name}: decoding ${ALPHAS.length} blends of E(I₁) and E(I₂)`,
        );
        const it = await interpolateCodes(ctx.runtime, got.model, pair);
        result.grids.push({
          id: `strip-${name}`,
          title: `latent ${latent}: D(α·E(I₁) + (1−α)·E(I₂)); α = 0 decodes I₂'s code (digit ${db}), α = 1 I₁'s (digit ${da})`,
          images: it.strip,
          count: ALPHAS.length,
          cols: ALPHAS.length,
          labels,
        });
        let se = 0;
        for (let i = 0; i < 2 * PIXELS; i++) se += (it.recon[i]! - pair[i]!) ** 2;
        reconMse[String(latent)] = se / (2 * PIXELS);
        const image = (k: number) => it.strip.subarray(k * PIXELS, (k + 1) * PIXELS);
        done.push(latent);
        mid.push(grayness(image(5)));
        ends.push((grayness(image(0)) + grayness(image(10))) / 2);
      },
    );
    result.metrics.mid_grayness = Object.fromEntries(done.map((l, i) => [String(l), mid[i]!]));
    result.metrics.end_grayness = Object.fromEntries(done.map((l, i) => [String(l), ends[i]!]));
    result.metrics.endpoint_recon_mse = reconMse;
    result.charts.push({
      id: 'grayness',
      title: 'Grayness 4p(1−p) of the decoded images (0 = black/white, 1 = mid-gray)',
      xLabel: 'latent size',
      yLabel: 'mean 4p(1−p)',
      series: [
        { name: 'α = 0.5', x: done, y: mid },
        { name: 'α = 0 and 1 (mean)', x: done, y: ends },
      ],
    });
    result.notes.push(
      `The report defines the blend as D(α·E(I₁) + (1−α)·E(I₂)) but its text says α = 0 and α = 1 represent I₁ and I₂; with the formula as written α = 0 decodes I₂'s code and α = 1 decodes I₁'s. The strips here are labelled by what is computed (I₁ = digit ${da}, I₂ = digit ${db}).`,
    );
    if (done.length) {
      const blurrier = done.filter((_, i) => mid[i]! > ends[i]!).length;
      notes(result.notes, done, mid, ends, blurrier);
    }
    result.elapsedMs = performance.now() - started;
    return result;
  },
});

function notes(out: string[], latents: number[], mid: number[], ends: number[], blurrier: number): void {
  out.push(
    `Report: images near α ≈ 0.5 are blurry mixes of the two digits, and larger latent sizes give sharper interpolations.`,
  );
  out.push(
    `Measured grayness (mean 4p(1−p), a blur proxy) at α = 0.5: ${listBy(latents, mid, 'latent ')}; at the endpoints: ${listBy(latents, ends, 'latent ')}. ` +
      `The midpoint is grayer than the endpoints for ${blurrier} of ${latents.length} latent sizes` +
      (latents.length > 1
        ? `; from the smallest to the largest latent size the midpoint grayness goes ${formatSignificant(mid[0]!)} → ${formatSignificant(mid[mid.length - 1]!)}.`
        : '.'),
  );
}
