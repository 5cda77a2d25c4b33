// conv-transfer: the frozen run leaves the pretrained encoder bit-identical while the full run changes
// it; test accuracy and loss come per epoch, and the accuracy equals an argmax over the exported
// classifier's logits recomputed here.
import { expect } from 'chai';
import { prepare } from '../../../../src/experiments/datasets';
import {
  accuracy,
  classifierKey,
  convKey,
  convTransfer,
  EncoderClassifier,
} from '../../../../src/experiments/conv/index';
import { infer } from '../../../../src/experiments/train';
import { ConvAutoencoder } from '../../../../src/nn/conv-autoencoder';
import { decodeSafetensors } from '../../../../src/nn/safetensors';
import { loadSafetensors } from '../../../../src/nn/state';
import { getGpu } from '../../../helpers/gpu';

const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  new Uint32Array(a.buffer, a.byteOffset, a.length).every(
    (v, i) => v === new Uint32Array(b.buffer, b.byteOffset, b.length)[i],
  );

describe('conv-transfer', () => {
  it('accuracy() is the fraction of rows whose largest logit is the label', () => {
    const logits = Float32Array.of(
      ...[0, 5, 1, 0, 0, 0, 0, 0, 0, 0],
      ...[9, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      ...[0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    );
    expect(accuracy(logits, [1, 0, 3])).to.be.closeTo(2 / 3, 1e-12);
  });

  it('frozen keeps the encoder bit-identical, full training changes it; accuracy and loss per epoch', async () => {
    const runtime = await getGpu();
    const cfg = convTransfer.validate(
      {
        capacity: 3,
        pretrainSize: 128,
        pretrainEpochs: 1,
        pretrainBatch: 32,
        trainSize: 40,
        batch: 10,
        epochs: 2,
        testSize: 150,
        seed: 3,
      },
      'tiny',
    );
    const result = await convTransfer.run({ runtime }, cfg);
    const keys = result.weights.map((w) => w.key);
    const aeKey = convKey(15, 3, 3);
    expect(keys).to.deep.equal([aeKey, classifierKey(15, 3, 3, 'frozen'), classifierKey(15, 3, 3, 'full')]);
    const tensors = (k: string) => decodeSafetensors(result.weights.find((w) => w.key === k)!.bytes).tensors;
    const pretrained = tensors(aeKey);
    const frozen = tensors(classifierKey(15, 3, 3, 'frozen'));
    const full = tensors(classifierKey(15, 3, 3, 'full'));
    const encoderNames = [...pretrained.keys()].filter((n) => n.startsWith('encoder.'));
    expect(encoderNames).to.have.length(6);
    for (const n of encoderNames)
      expect(sameBits(frozen.get(n)!.data, pretrained.get(n)!.data), `frozen ${n} unchanged`).to.equal(true);
    expect(
      encoderNames.some((n) => !sameBits(full.get(n)!.data, pretrained.get(n)!.data)),
      'the full run changes the encoder',
    ).to.equal(true);
    // Same MLP initialisation, different training: the two MLPs end apart.
    expect(sameBits(frozen.get('mlp.4.weight')!.data, full.get('mlp.4.weight')!.data)).to.equal(false);

    for (const k of ['accuracy_frozen', 'accuracy_full', 'loss_frozen', 'loss_full']) {
      const v = result.metrics[k] as number[];
      expect(v, k).to.have.length(2);
      expect(v.every(Number.isFinite), k).to.equal(true);
    }
    for (const a of [...(result.metrics.accuracy_frozen as number[]), ...(result.metrics.accuracy_full as number[])])
      expect(a).to.be.within(0, 1);
    expect(result.charts.find((c) => c.id === 'accuracy')!.series.map((s) => s.y)).to.deep.equal([
      result.metrics.accuracy_frozen,
      result.metrics.accuracy_full,
    ]);
    expect(result.stopReasons).to.include({ frozen: 'max epochs (2) reached', full: 'max epochs (2) reached' });
    expect(result.notes.join(' ')).to.match(
      /Report: trained on 100 random training images, the pretrained encoder kept frozen .* higher test accuracy/,
    );
    expect(result.notes.join(' ')).to.match(
      /Measured \(40 labelled images, 2 epochs, 150 test images, c = 3\): final test accuracy frozen/,
    );

    // The reported accuracy is the argmax accuracy of the exported (final) frozen classifier.
    const data = await prepare('mnist', { trainSize: 128, testSize: 150, seed: 3, mode: 'global' });
    const ae = new ConvAutoencoder(runtime.gpu, { latent: 15, capacity: 3 });
    const clf = new EncoderClassifier(runtime.gpu, ae.encoder, 15, 99);
    try {
      loadSafetensors(clf, result.weights[1]!.bytes);
      const logits = await infer(
        runtime,
        (g, x) => clf.forward(g, x),
        (n) => [n, 1, 28, 28],
        data.test.x,
        150,
      );
      const recomputed = accuracy(logits, data.test.labels);
      const reported = (result.metrics.accuracy_frozen as number[])[1]!;
      // Evaluation batches differ (10 vs 150), so allow one near-tied image to flip.
      expect(Math.abs(recomputed - reported)).to.be.at.most(1 / 150 + 1e-12);
    } finally {
      clf.mlp.dispose();
      ae.dispose();
    }
  });
});
