// fc-inversion on real Fashion-MNIST (a briefly trained model): inverting the decoder from its own
// output gives back the latent to float32 rounding; the per-split sums agree with the independent
// NRMSE evaluation; weights handed in are reused; no GPU buffer is left behind; a missing requested
// key is refused.
import { expect } from 'chai';
import { fcInversion } from '../../../../src/experiments/fc/fc-inversion';
import { buildModel, evaluate, loadData } from '../../../../src/experiments/fc/model';
import { loadSafetensors } from '../../../../src/nn/state';
import { ConfigError } from '../../../../src/util/errors';
import { getGpu } from '../../../helpers/gpu';

describe('fc-inversion', () => {
  it('recovers the latent from the decoder output (relative Frobenius error < 1e-4) and reports both inversions', async () => {
    const runtime = await getGpu();
    const liveBefore = runtime.gpu.buffers.liveBufferCount();
    const c = fcInversion.validate({ trainSize: 128, testSize: 64, epochs: 1, batch: 32 }, 'tiny');
    const r = await fcInversion.run({ runtime }, c);
    const m = r.metrics as Record<string, number>;
    // (a) Exact in exact arithmetic; measured about 3e-6 relative in float32 (lstsq by Householder QR).
    for (const s of ['train', 'test']) {
      expect(m[`frobenius_latent_${s}_relative`], s).to.be.lessThan(1e-4);
      expect(m[`frobenius_latent_${s}`], s).to.be.greaterThan(0);
      expect(m[`frobenius_redecoded_${s}_relative`], s).to.be.lessThan(1e-4);
      // (b) The images are not outputs of the decoder, so their latent differs from the encoder's.
      expect(m[`frobenius_latent_discovered_${s}_relative`], s).to.be.greaterThan(1e-2);
      expect(m[`frobenius_output_${s}`], s).to.be.greaterThan(0);
      expect(m[`frobenius_latent_${s}_per_image`]).to.be.closeTo(
        m[`frobenius_latent_${s}`]! / Math.sqrt(s === 'train' ? 128 : 64),
        1e-12,
      );
    }
    expect(r.tables[0]!.rows).to.have.length(4);
    expect(r.grids[0]!.count).to.equal(30);
    expect(r.weights).to.have.length(1);
    expect(r.notes.join(' ')).to.match(/√\(number of images\)/);

    // The autoencoder's error from the inversion's per-row sums equals the batched NRMSE evaluation,
    // split by split (a train/test mix-up or a lost row would show at this tolerance).
    const ctx = { runtime };
    const data = await loadData(ctx, c);
    const model = buildModel(ctx, c);
    try {
      loadSafetensors(model, r.weights[0]!.bytes);
      const ev = await evaluate(ctx, 'test', model, { ...c, loss: 'mse' }, data, 'check');
      expect(m.nrmse_ae_train).to.be.closeTo(ev.metrics.nrmse_train!, 1e-4 * ev.metrics.nrmse_train!);
      expect(m.nrmse_ae_test).to.be.closeTo(ev.metrics.nrmse_test!, 1e-4 * ev.metrics.nrmse_test!);
    } finally {
      model.dispose();
    }

    // Reuse: the only invertible model handed in is loaded (its key's latent 8 overrides the config's
    // 4, as with the command line's --weights FILE), not retrained, and gives the same figures.
    const key = r.weights[0]!.key;
    const again = await fcInversion.run(
      { runtime, weights: new Map([[key, r.weights[0]!.bytes]]) },
      fcInversion.validate({ ...c, latent: 4 }, 'tiny'),
    );
    expect(again.weights).to.have.length(0);
    expect(again.stopReasons).to.have.key('latent=8');
    expect(Object.values(again.stopReasons)[0]).to.match(/reused/);
    expect(again.notes[0]).to.match(/^Inverted the only fully connected MSE model handed in, "fc:latent=8:/);
    expect(again.metrics.frobenius_output_test).to.be.closeTo(
      m.frobenius_output_test!,
      1e-5 * m.frobenius_output_test!,
    );
    // Training, evaluation, inversion and reuse free every GPU buffer they made.
    expect(runtime.gpu.buffers.liveBufferCount(), runtime.gpu.buffers.liveLabels().join(', ')).to.equal(liveBefore);
  });

  it('refuses an explicitly requested weights key that was not handed in, before any work', async () => {
    const runtime = await getGpu();
    const key = 'fc:latent=8:act=leakyRelu:slope=0.5:opt=adam:loss=mse:seed=0';
    let error: unknown = null;
    await fcInversion
      .run({ runtime }, fcInversion.validate({ weights: key }, 'tiny'))
      .catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(
      /weights "fc:latent=8:.*" were requested but not handed in; expected one of: \(none\)/,
    );
  });
});
