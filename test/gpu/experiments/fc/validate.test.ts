// The fc-* experiments' validate(): defaults per scale, and a ConfigError naming the key (and what is
// accepted) for every bad value, before any work. Weight keys round-trip.
import { expect } from 'chai';
import {
  FC_EXPERIMENTS,
  fcCompression,
  fcInversion,
  fcSweep,
  fcTrain,
  parseWeightKey,
  weightKey,
} from '../../../../src/experiments/fc/index';
import { sweepNotes } from '../../../../src/experiments/fc/fc-sweep';
import { compressionNotes } from '../../../../src/experiments/fc/fc-compression';
import { ConfigError } from '../../../../src/util/errors';

function refuses(f: () => unknown, pattern: RegExp): void {
  let error: unknown = null;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ConfigError matching ${pattern}`).to.be.instanceOf(ConfigError);
  expect((error as Error).message).to.match(pattern);
}

describe('fc experiments: validate()', () => {
  it('exports the four experiments by name, with defaults that validate at every scale', () => {
    expect(FC_EXPERIMENTS.map((e) => e.name)).to.deep.equal(['fc-train', 'fc-sweep', 'fc-inversion', 'fc-compression']);
    for (const def of FC_EXPERIMENTS) {
      for (const scale of ['tiny', 'small', 'full'] as const) {
        expect(def.validate({}, scale), `${def.name} ${scale}`).to.deep.equal(def.defaults(scale));
      }
    }
    expect(fcTrain.defaults('full')).to.include({
      epochs: 1000,
      trainSize: 60000,
      testSize: 10000,
      latent: 8,
      optimizer: 'adam',
      activation: 'leakyRelu',
      slope: 0.5,
      loss: 'mse',
    });
    expect(fcCompression.defaults('small').latents).to.deep.equal([2, 4, 8, 16, 32, 64]);
  });

  it('merges a partial config over the defaults and accepts numbers given as strings', () => {
    const c = fcTrain.validate({ latent: '16', optimizer: 'sgd', lr: 0.05 }, 'tiny');
    expect(c).to.include({ latent: 16, optimizer: 'sgd', lr: 0.05, trainSize: 256 });
    expect(fcCompression.validate({ latents: '2, 32' }, 'tiny').latents).to.deep.equal([2, 32]);
  });

  it('refuses latent 0, negative epochs, an unknown optimizer (listing the accepted ones), batch > train size and an unknown key', () => {
    refuses(
      () => fcTrain.validate({ latent: 0 }, 'tiny'),
      /^latent: out of range; expected an integer in \[1, 784\], got 0/,
    );
    refuses(() => fcTrain.validate({ epochs: -1 }, 'tiny'), /^epochs: out of range; expected an integer ≥ 0, got -1/);
    refuses(
      () => fcTrain.validate({ optimizer: 'lbfgs' }, 'tiny'),
      /^optimizer: unknown value "lbfgs"; expected one of: sgd, adam, adamw, adagrad, adadelta, rmsprop/,
    );
    refuses(
      () => fcTrain.validate({ batch: 300, trainSize: 256 }, 'tiny'),
      /^batch: 300 is larger than the training set; expected at most trainSize = 256/,
    );
    refuses(
      () => fcTrain.validate({ latnet: 8 }, 'tiny'),
      /^fc-train: unknown key "latnet"; expected one of: latent, optimizer, activation, slope, loss, epochs/,
    );
    refuses(
      () => fcSweep.validate({ vary: 'batch' }, 'tiny'),
      /^vary: unknown value "batch"; expected one of: optimizer, activation, loss/,
    );
    refuses(
      () => fcTrain.validate({ loss: 'hinge' }, 'tiny'),
      /^loss: unknown value "hinge"; expected one of: mse, bce, kl/,
    );
    refuses(() => fcTrain.validate({ activation: 'tanh' }, 'tiny'), /expected one of: leakyRelu, sigmoid, relu/);
    refuses(() => fcTrain.validate({ lr: 0 }, 'tiny'), /^lr: out of range/);
    refuses(() => fcTrain.validate({ lr: 'fast' }, 'tiny'), /^lr: expected a number/);
    refuses(
      () => fcTrain.validate({ trainSize: 70000 }, 'tiny'),
      /^trainSize: out of range; expected an integer in \[1, 60000\]/,
    );
    refuses(() => fcTrain.validate({ slope: -0.5 }, 'tiny'), /^slope: out of range/);
  });

  it('refuses what cannot be inverted: ReLU, sigmoid, slope 0, a latent wider than 196, and a malformed weights key', () => {
    refuses(
      () => fcInversion.validate({ activation: 'relu' }, 'tiny'),
      /^fc-inversion: activation relu cannot be inverted; expected leakyRelu with slope > 0/,
    );
    refuses(() => fcInversion.validate({ activation: 'sigmoid' }, 'tiny'), /cannot be inverted/);
    refuses(() => fcInversion.validate({ slope: 0 }, 'tiny'), /activation leakyRelu with slope 0 cannot be inverted/);
    refuses(
      () => fcInversion.validate({ latent: 200 }, 'tiny'),
      /latent 200 is wider than the decoder's first layer output \(196\)/,
    );
    refuses(() => fcInversion.validate({ loss: 'mse' }, 'tiny'), /^fc-inversion: unknown key "loss"/);
    refuses(
      () => fcCompression.validate({ latents: [2, 256] }, 'tiny'),
      /^latents\[1\]: out of range; expected an integer in \[1, 196\]/,
    );
    refuses(() => fcCompression.validate({ latents: [4, 4] }, 'tiny'), /^latents: repeated sizes/);
    refuses(
      () => fcCompression.validate({ activation: 'relu' }, 'tiny'),
      /activation must be leakyRelu with slope > 0/,
    );
    refuses(() => parseWeightKey('latent=8'), /^weights: "latent=8" is not a fully connected model's key/);
  });

  it('weight keys round-trip and name the effective slope', () => {
    const c = fcTrain.validate({ latent: 16, optimizer: 'rmsprop', loss: 'kl', seed: 3 }, 'tiny');
    const key = weightKey(c);
    expect(key).to.equal('fc:latent=16:act=leakyRelu:slope=0.5:opt=rmsprop:loss=kl:seed=3');
    expect(parseWeightKey(key)).to.deep.equal({
      latent: 16,
      activation: 'leakyRelu',
      slope: 0.5,
      optimizer: 'rmsprop',
      loss: 'kl',
      seed: 3,
    });
    expect(weightKey({ ...c, activation: 'relu' })).to.contain(':act=relu:slope=0:');
  });

  it('notes compare with the report: a diverged run is named and left out of the ranking; compression trends are stated', () => {
    const row = (name: string, test: number, first: number, last: number) => ({
      name,
      m: { nrmse_test: test, nrmse_train: test },
      firstLoss: first,
      lastLoss: last,
    });
    const notes = sweepNotes(
      'optimizer',
      [
        row('adam', 0.168, 0.05, 0.028),
        row('sgd', 0.458, 0.2046, 0.2023),
        row('adagrad', 0.242, 0.08, 0.06),
        row('adadelta', 0.248, 0.08, 0.063),
        row('rmsprop', 3397, 1e3, 8.6e8),
      ],
      fcSweep.defaults('tiny'),
    ).join(' ');
    expect(notes).to.match(/rmsprop diverged \(test NRMSE 3397\.0/);
    expect(notes).to.match(/its first step is lr\/√\(1 − α\) = 0\.1 per weight/);
    expect(notes).to.match(
      /Measured among the runs that did not diverge: sgd worst \(agrees\), adam best \(agrees\); RMSprop diverged \(disagrees\)/,
    );
    expect(notes).to.match(
      /SGD \(lr 0\.01\) training loss: 0\.2046 in epoch 1, 0\.2023 in the last epoch \(1\.12% lower\)/,
    );
    const per = { nrmse_ae_test: { 2: 0.21, 8: 0.17, 32: 0.16 }, nrmse_discovered_test: { 2: 0.22, 8: 0.2, 32: 0.15 } };
    const c = compressionNotes([32, 2, 8], per).join(' ');
    expect(c).to.match(/autoencoder 0\.2100, 0\.1700, 0\.1600; discovered 0\.2200, 0\.2000, 0\.1500/);
    expect(c).to.match(/Autoencoder NRMSE falls at every step/);
    expect(c).to.match(/worse than the autoencoder output at 2 of 3 latent sizes \(2, 8\)/);
  });
});
