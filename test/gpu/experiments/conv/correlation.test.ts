// conv-correlation: the GPU correlation summary recovers a constructed correlation structure (and
// matches a float64 Pearson of the same data to 2e-4), and the experiment's metric is the mean
// |off-diagonal| Pearson coefficient of the encoded test images, recomputed here on the CPU.
import { expect } from 'chai';
import { prepare } from '../../../../src/experiments/datasets';
import { convCorrelation, correlationSummary, convKey } from '../../../../src/experiments/conv/index';
import { infer } from '../../../../src/experiments/train';
import { ConvAutoencoder } from '../../../../src/nn/conv-autoencoder';
import { saveSafetensors } from '../../../../src/nn/state';
import { ShapeError } from '../../../../src/util/errors';
import { Rng } from '../../../../src/util/rng';
import { allclose } from '../../../helpers/allclose';
import { getGpu } from '../../../helpers/gpu';

/** Pearson matrix of the columns in float64, and its mean |off-diagonal|. */
function pearson64(x: ArrayLike<number>, rows: number, cols: number): { r: Float64Array; meanAbs: number } {
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += x[i * cols + j]! / rows;
  const cov = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < cols; a++)
      for (let b = 0; b < cols; b++)
        cov[a * cols + b]! += (x[i * cols + a]! - mean[a]!) * (x[i * cols + b]! - mean[b]!);
  }
  const r = new Float64Array(cols * cols);
  let sum = 0;
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < cols; b++) {
      r[a * cols + b] = cov[a * cols + b]! / Math.sqrt(cov[a * cols + a]! * cov[b * cols + b]!);
      if (a !== b) sum += Math.abs(r[a * cols + b]!);
    }
  }
  return { r, meanAbs: sum / (cols * (cols - 1)) };
}

describe('conv-correlation', () => {
  it('recovers a constructed correlation matrix (ρ = 0.8, −0.5, 0) on the GPU', async () => {
    const runtime = await getGpu();
    const rng = new Rng(17);
    const rows = 4000;
    const cols = 4;
    const x = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const a = rng.normal();
      const b = rng.normal();
      const c = rng.normal();
      const d = rng.normal();
      // columns: a, 0.8a + 0.6b (ρ = 0.8 with a), −0.5a + √0.75·c (ρ = −0.5 with a, −0.4 with col 1), d (independent); offset and scale differ
      x.set([3 + a, -2 + 5 * (0.8 * a + 0.6 * b), 0.1 * (-0.5 * a + Math.sqrt(0.75) * c), 100 + d], i * cols);
    }
    const s = await correlationSummary(runtime, x, rows, cols);
    const exact = pearson64(x, rows, cols);
    allclose(s.matrix, exact.r, { atol: 2e-4, rtol: 0 }, 'pearson vs float64');
    expect(s.meanAbs).to.be.closeTo(exact.meanAbs, 2e-4);
    const population = [1, 0.8, -0.5, 0, 0.8, 1, -0.4, 0, -0.5, -0.4, 1, 0, 0, 0, 0, 1];
    // sampling error of r at n = 4000 is about (1 − ρ²)/√n ≤ 0.016; allow 4 standard errors
    allclose(s.matrix, population, { atol: 0.064, rtol: 0 }, 'pearson vs the constructed population values');
    expect(s.meanAbs).to.be.closeTo((0.8 + 0.5 + 0.4) / 6, 0.03);
    for (let i = 0; i < cols; i++) expect(s.matrix[i * cols + i]).to.equal(1);
  });

  it('refuses a matrix with fewer than 2 rows or columns', async () => {
    const runtime = await getGpu();
    let error: unknown = null;
    await correlationSummary(runtime, new Float32Array(5), 5, 1).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ShapeError);
    expect((error as Error).message).to.match(/^correlationSummary: bad matrix; expected ≥ 2 rows and ≥ 2 columns/);
  });

  it('reports per latent size the mean |r| of the encoded test images, with a heat map and a curve', async () => {
    const runtime = await getGpu();
    const weights = new Map<string, Uint8Array>();
    const models = [3, 6].map((latent) => new ConvAutoencoder(runtime.gpu, { latent, capacity: 4, seed: latent }));
    try {
      for (const m of models) weights.set(convKey(m.config.latent, 4, 5), await saveSafetensors(m));
      const cfg = convCorrelation.validate(
        { latents: [3, 6], capacity: 4, testSize: 300, trainSize: 64, seed: 5, weights: 'require' },
        'tiny',
      );
      const result = await convCorrelation.run({ runtime, weights }, cfg);
      const metric = result.metrics.mean_abs_correlation as Record<string, number>;
      expect(Object.keys(metric)).to.deep.equal(['3', '6']);
      expect(result.weights).to.have.length(0);
      expect(result.stopReasons['latent=3']).to.match(/reused from ctx\.weights/);
      const data = await prepare('mnist', { trainSize: 64, testSize: 300, seed: 5, mode: 'global' });
      for (const [i, m] of models.entries()) {
        const L = m.config.latent;
        const codes = await infer(
          runtime,
          (g, x) => m.encoder.forward(g, x),
          (n) => [n, 1, 28, 28],
          data.test.x,
          300,
        );
        const exact = pearson64(codes, 300, L);
        expect(metric[String(L)], `latent ${L}`).to.be.closeTo(exact.meanAbs, 2e-4);
        const heat = result.heatmaps[i]!;
        expect([heat.size, heat.values.length, heat.min, heat.max]).to.deep.equal([L, L * L, -1, 1]);
        allclose(heat.values, exact.r, { atol: 2e-4, rtol: 0 }, `heat map latent ${L}`);
      }
      expect(result.charts[0]!.series[0]!.x).to.deep.equal([3, 6]);
      expect(result.charts[0]!.series[0]!.y).to.deep.equal([metric['3'], metric['6']]);
      expect(result.notes.join(' ')).to.match(/Report: the overall correlation .* decreases/);
      expect(result.notes.join(' ')).to.match(/Measured from 300 test images/);
    } finally {
      models.forEach((m) => m.dispose());
    }
  });
});
