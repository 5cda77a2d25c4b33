// conv-interpolate: α = 0 and α = 1 decode exactly I₂'s and I₁'s codes (equal to the plain
// reconstructions to 1e-5), an intermediate α decodes the blended code (checked against decoding
// α·E(I₁) + (1−α)·E(I₂) built here, 1e-5), the default images are the first test images of two
// different digits, and trained weights are exported and then reused.
import { expect } from 'chai';
import { prepare } from '../../../../src/experiments/datasets';
import {
  ALPHAS,
  chooseImages,
  convInterpolate,
  convKey,
  interpolateCodes,
} from '../../../../src/experiments/conv/index';
import { infer } from '../../../../src/experiments/train';
import { ConvAutoencoder } from '../../../../src/nn/conv-autoencoder';
import { loadSafetensors, saveSafetensors } from '../../../../src/nn/state';
import { allclose } from '../../../helpers/allclose';
import { getGpu } from '../../../helpers/gpu';

const image = (a: Float32Array, k: number) => a.subarray(k * 784, (k + 1) * 784);
const shape = (n: number) => [n, 1, 28, 28];
const TOL = { atol: 1e-5, rtol: 0 };

describe('conv-interpolate', () => {
  it("blends codes on the GPU: α = 0 is I₂'s reconstruction, α = 1 is I₁'s, α = 0.3 decodes 0.3·E(I₁) + 0.7·E(I₂)", async () => {
    const runtime = await getGpu();
    const model = new ConvAutoencoder(runtime.gpu, { latent: 5, capacity: 3, seed: 11 });
    try {
      // At initialisation the decoder barely depends on the code; amplify its first layer so the strip varies.
      const w = model.decoder.layers[0]!.namedParameters()[0]![1];
      w.write((await w.read()).map((v) => 30 * v));
      const data = await prepare('mnist', { trainSize: 64, testSize: 20, seed: 2, mode: 'global' });
      const pair = data.test.x.slice(0, 2 * 784);
      const it = await interpolateCodes(runtime, model, pair);
      expect(it.strip.length).to.equal(ALPHAS.length * 784);
      const recon = await infer(runtime, (g, x) => model.forward(g, x), shape, pair, 2);
      allclose(image(it.strip, 0), image(recon, 1), TOL, 'α = 0 vs D(E(I₂))');
      allclose(image(it.strip, 10), image(recon, 0), TOL, 'α = 1 vs D(E(I₁))');
      allclose(it.recon, recon, TOL, 'plain reconstructions');
      const codes = await infer(runtime, (g, x) => model.encoder.forward(g, x), shape, pair, 2);
      allclose(it.codes, codes, TOL, 'codes');
      const blend = Float32Array.from({ length: 5 }, (_, j) => 0.3 * codes[j]! + 0.7 * codes[5 + j]!);
      const decoded = await infer(
        runtime,
        (g, z) => model.decoder.forward(g, z),
        (n) => [n, 5],
        blend,
        1,
      );
      allclose(image(it.strip, 3), decoded, TOL, 'α = 0.3 vs D(0.3·E(I₁) + 0.7·E(I₂))');
      // The middle of the strip is neither endpoint.
      let diff = 0;
      for (let i = 0; i < 784; i++)
        diff = Math.max(
          diff,
          Math.abs(image(it.strip, 5)[i]! - image(recon, 0)[i]!),
          Math.abs(image(it.strip, 5)[i]! - image(recon, 1)[i]!),
        );
      expect(diff).to.be.greaterThan(1e-2);
    } finally {
      model.dispose();
    }
  });

  it('chooses the first test images of two different digits by seed, or honours given indices', () => {
    const labels = Uint8Array.of(4, 4, 1, 7, 1, 4, 0, 7);
    for (const seed of [0, 1, 2, 3, 4]) {
      const [a, b] = chooseImages(labels, seed, null, null);
      expect(labels[a]).to.not.equal(labels[b]);
      expect(labels.indexOf(labels[a]!)).to.equal(a);
      expect(labels.indexOf(labels[b]!)).to.equal(b);
    }
    expect(chooseImages(labels, 0, 5, 2)).to.deep.equal([5, 2]);
    const [, b] = chooseImages(labels, 0, 1, null);
    expect(labels[b]).to.not.equal(4);
  });

  it('trains when no weights are given, exports them, and the same strip comes back when they are reused', async () => {
    const runtime = await getGpu();
    const cfg = convInterpolate.validate(
      { latents: [3], capacity: 2, trainSize: 64, testSize: 30, epochs: 1, batch: 32, seed: 4 },
      'tiny',
    );
    const trained = await convInterpolate.run({ runtime }, cfg);
    const key = convKey(3, 2, 4);
    expect(trained.weights.map((w) => w.key)).to.deep.equal([key]);
    expect(trained.stopReasons['latent=3']).to.equal('max epochs (1) reached');
    const { indexA, indexB } = trained.config as { indexA: number; indexB: number };
    const data = await prepare('mnist', { trainSize: 64, testSize: 30, seed: 4, mode: 'global' });
    expect(data.test.labels[indexA]).to.not.equal(data.test.labels[indexB]);
    const strip = trained.grids.find((g) => g.id === 'strip-latent=3')!;
    expect(strip.labels).to.deep.equal([
      'α=0.0',
      'α=0.1',
      'α=0.2',
      'α=0.3',
      'α=0.4',
      'α=0.5',
      'α=0.6',
      'α=0.7',
      'α=0.8',
      'α=0.9',
      'α=1.0',
    ]);
    expect([strip.count, strip.cols]).to.deep.equal([11, 11]);
    expect(strip.title).to.match(
      new RegExp(
        `α = 0 decodes I₂'s code \\(digit ${data.test.labels[indexB]}\\), α = 1 I₁'s \\(digit ${data.test.labels[indexA]}\\)`,
      ),
    );
    expect(trained.notes.join(' ')).to.match(
      /its text says α = 0 and α = 1 represent I₁ and I₂; with the formula as written α = 0 decodes I₂'s code/,
    );

    // The exported weights reproduce the endpoints as plain reconstructions of the chosen images.
    const model = new ConvAutoencoder(runtime.gpu, { latent: 3, capacity: 2 });
    try {
      loadSafetensors(model, trained.weights[0]!.bytes);
      const pair = new Float32Array(2 * 784);
      pair.set(image(data.test.x, indexA), 0);
      pair.set(image(data.test.x, indexB), 784);
      const recon = await infer(runtime, (g, x) => model.forward(g, x), shape, pair, 2);
      allclose(image(strip.images, 0), image(recon, 1), TOL, 'α = 0 vs D(E(I₂))');
      allclose(image(strip.images, 10), image(recon, 0), TOL, 'α = 1 vs D(E(I₁))');
      const reused = await convInterpolate.run(
        { runtime, weights: new Map([[key, await saveSafetensors(model)]]) },
        { ...cfg, weights: 'require' },
      );
      expect(reused.weights).to.have.length(0);
      expect(reused.stopReasons['latent=3']).to.match(/reused from ctx\.weights/);
      allclose(
        reused.grids.find((g) => g.id === 'strip-latent=3')!.images,
        strip.images,
        { atol: 1e-6, rtol: 0 },
        'reused strip',
      );
    } finally {
      model.dispose();
    }
  });
});
