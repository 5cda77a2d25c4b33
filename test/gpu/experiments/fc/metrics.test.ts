// NRMSE / MSE on the GPU against a float64 CPU computation on real Fashion-MNIST images. (The KL head's
// log-softmax gradient is the logSoftmax op's, tested in test/gpu/ops/row-sums.test.ts.)
import { expect } from 'chai';
import { buildModel, loadData, outputsOf } from '../../../../src/experiments/fc/model';
import { normalizeRows } from '../../../../src/experiments/fc/heads';
import { errorFromMse, reconstructionErrors, targetRange } from '../../../../src/experiments/fc/metrics';
import { infer } from '../../../../src/experiments/train';
import { allclose } from '../../../helpers/allclose';
import { getGpu } from '../../../helpers/gpu';

/** Float64 NRMSE of `pred` against `x`: √(mean squared error) / (max(x) − min(x)). */
function cpuNrmse(pred: ArrayLike<number>, x: ArrayLike<number>): { mse: number; nrmse: number } {
  let se = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    se += (pred[i]! - x[i]!) ** 2;
    lo = Math.min(lo, x[i]!);
    hi = Math.max(hi, x[i]!);
  }
  const mse = se / x.length;
  return { mse, nrmse: Math.sqrt(mse) / (hi - lo) };
}

describe('fc metrics', () => {
  it('NRMSE and MSE over a split in batches of 16 (50 images, a short last batch) match float64 on the CPU to 1e-5', async () => {
    const runtime = await getGpu();
    const ctx = { runtime };
    const data = await loadData(ctx, { trainSize: 64, testSize: 50, seed: 5 });
    const model = buildModel(ctx, { latent: 8, activation: 'leakyRelu', slope: 0.5, seed: 2 });
    try {
      // BCE's outputs: the sigmoid image and the raw output, so both the head and the raw path are checked.
      const got = await reconstructionErrors(runtime, outputsOf(model, { loss: 'bce' }), data.test, { batchSize: 16 });
      const raw = await infer(
        runtime,
        (g, x) => model.forward(g, x),
        (n) => [n, 784],
        data.test.x,
        50,
        50,
      );
      const sig = Array.from(raw, (v) => 1 / (1 + Math.exp(-v)));
      const wantRaw = cpuNrmse(raw, data.test.x);
      const wantImage = cpuNrmse(sig, data.test.x);
      // f32 sums of 16·784 terms per batch: relative error ~1e-6.
      expect(got.raw!.mse).to.be.closeTo(wantRaw.mse, 1e-5 * wantRaw.mse);
      expect(got.raw!.nrmse).to.be.closeTo(wantRaw.nrmse, 1e-5 * wantRaw.nrmse);
      expect(got.image!.mse).to.be.closeTo(wantImage.mse, 1e-5 * wantImage.mse);
      expect(got.image!.nrmse).to.be.closeTo(wantImage.nrmse, 1e-5 * wantImage.nrmse);
      expect(got.image!.range).to.equal(targetRange(data.test.x));
      expect(got.raw!.nrmse).to.not.be.closeTo(got.image!.nrmse, 1e-3);
      expect(errorFromMse(0.25, 2)).to.deep.equal({ mse: 0.25, rmse: 0.5, nrmse: 0.25, range: 2 });
    } finally {
      model.dispose();
    }
  });

  it("the KL head shows softmax(output) × the image's pixel sum (float64 check on 20 images)", async () => {
    const runtime = await getGpu();
    const ctx = { runtime };
    const data = await loadData(ctx, { trainSize: 32, testSize: 20, seed: 6 });
    const model = buildModel(ctx, { latent: 4, activation: 'leakyRelu', slope: 0.5, seed: 3 });
    try {
      const shown = await infer(
        runtime,
        (g, x) => outputsOf(model, { loss: 'kl' })(g, x).image!,
        (n) => [n, 784],
        data.test.x,
        20,
        20,
      );
      const raw = await infer(
        runtime,
        (g, x) => model.forward(g, x),
        (n) => [n, 784],
        data.test.x,
        20,
        20,
      );
      const want = new Float64Array(raw.length);
      for (let r = 0; r < 20; r++) {
        const row = raw.subarray(r * 784, (r + 1) * 784);
        const max = Math.max(...row);
        let z = 0;
        let s = 0;
        for (let j = 0; j < 784; j++) {
          z += Math.exp(row[j]! - max);
          s += data.test.x[r * 784 + j]!;
        }
        for (let j = 0; j < 784; j++) want[r * 784 + j] = (Math.exp(row[j]! - max) / z) * s;
      }
      allclose(shown, want, { atol: 1e-6, rtol: 1e-4 }, 'softmax × pixel sum');
      const t = normalizeRows(data.test.x, 20, 784);
      for (let r = 0; r < 20; r++)
        expect(t.subarray(r * 784, (r + 1) * 784).reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    } finally {
      model.dispose();
    }
  });
});
