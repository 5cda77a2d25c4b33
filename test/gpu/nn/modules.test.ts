// nn modules: PyTorch names, parameter counts, default initialisation bounds, safetensors load checks.
import { expect } from 'chai';
import { FcAutoencoder } from '../../../src/nn/autoencoders';
import { loadSafetensors, saveSafetensors } from '../../../src/nn/state';
import { encodeSafetensors } from '../../../src/nn/safetensors';
import { DatasetFormatError } from '../../../src/util/errors';
import { getGpu } from '../../helpers/gpu';

describe('nn modules', () => {
  it("the first report's autoencoder has PyTorch names and the closed-form parameter count", async () => {
    const { gpu } = await getGpu();
    const model = new FcAutoencoder(gpu, { latent: 8, seed: 1 });
    try {
      expect(model.namedParameters().map(([n]) => n)).to.deep.equal([
        'encoder.0.weight',
        'encoder.0.bias',
        'encoder.2.weight',
        'encoder.2.bias',
        'encoder.4.weight',
        'encoder.4.bias',
        'decoder.0.weight',
        'decoder.0.bias',
        'decoder.2.weight',
        'decoder.2.bias',
        'decoder.4.weight',
        'decoder.4.bias',
      ]);
      // 2·(784·392 + 392·196 + 196·8) weights + (392 + 196 + 8) + (196 + 392 + 784) biases
      const expected = 2 * (784 * 392 + 392 * 196 + 196 * 8) + (392 + 196 + 8) + (196 + 392 + 784);
      expect(model.parameterCount()).to.equal(expected);
    } finally {
      model.dispose();
    }
  });

  it('initialises weights and biases within ±1/√fan_in (kaiming_uniform with a = √5) and is seeded', async () => {
    const { gpu } = await getGpu();
    const a = new FcAutoencoder(gpu, { latent: 4, seed: 3 });
    const b = new FcAutoencoder(gpu, { latent: 4, seed: 3 });
    const c = new FcAutoencoder(gpu, { latent: 4, seed: 4 });
    try {
      const w = await a.encoder.layers[0]!.namedParameters()[0]![1].read();
      const bound = 1 / Math.sqrt(784);
      expect(w.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).to.be.at.most(bound);
      // U(−b, b) has variance b²/3: check the sample within 5%.
      const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
      expect(variance / ((bound * bound) / 3)).to.be.closeTo(1, 0.05);
      const wb = await b.encoder.layers[0]!.namedParameters()[0]![1].read();
      const wc = await c.encoder.layers[0]!.namedParameters()[0]![1].read();
      expect(wb).to.deep.equal(w);
      expect(wc).to.not.deep.equal(w);
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it('saves to safetensors and loads back; a mismatched file is refused naming tensor and shape', async () => {
    const { gpu } = await getGpu();
    const a = new FcAutoencoder(gpu, { latent: 4, seed: 5 });
    const b = new FcAutoencoder(gpu, { latent: 4, seed: 6 });
    const c = new FcAutoencoder(gpu, { latent: 5, seed: 6 });
    try {
      const bytes = await saveSafetensors(a, { latent: '4' });
      expect(loadSafetensors(b, bytes)).to.deep.equal({ latent: '4' });
      for (const [[, pa], [, pb]] of a.namedParameters().map((x, i) => [x, b.namedParameters()[i]!] as const)) {
        expect(await pb.read()).to.deep.equal(await pa.read());
      }
      const before = await c.encoder.layers[4]!.namedParameters()[0]![1].read();
      expect(() => loadSafetensors(c, bytes, 'ae4.safetensors')).to.throw(
        DatasetFormatError,
        /ae4\.safetensors: tensor "encoder\.4\.weight" has shape \[4,196\]; expected \[5,196\]/,
      );
      expect(await c.encoder.layers[4]!.namedParameters()[0]![1].read()).to.deep.equal(before);
      const extra = encodeSafetensors([{ name: 'head.weight', shape: [1], data: Float32Array.of(1) }]);
      expect(() => loadSafetensors(c, extra, 'x.safetensors')).to.throw(
        DatasetFormatError,
        /tensor "head\.weight" is not a parameter of this model/,
      );
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });
});
