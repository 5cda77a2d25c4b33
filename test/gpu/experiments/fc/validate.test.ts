// The fc-* experiments' validate(): defaults per scale, and a ConfigError in the kit's one form
// (`<experiment>.<key>: bad value <v>; expected <accepted>`) for every bad value, before any work.
// Weight keys round-trip.
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
      /^fc-train\.latent: bad value 0; expected an integer from 1 to 784\./,
    );
    refuses(
      () => fcTrain.validate({ epochs: -1 }, 'tiny'),
      /^fc-train\.epochs: bad value -1; expected an integer ≥ 0\./,
    );
    refuses(
      () => fcTrain.validate({ optimizer: 'lbfgs' }, 'tiny'),
      /^fc-train\.optimizer: bad value "lbfgs"; expected one of: sgd, adam, adamw, adagrad, adadelta, rmsprop\./,
    );
    refuses(
      () => fcTrain.validate({ batch: 300, trainSize: 256 }, 'tiny'),
      /^fc-train\.batch: bad value 300; expected at most trainSize = 256\. Lower batch or raise trainSize\./,
    );
    refuses(
      () => fcTrain.validate({ latnet: 8 }, 'tiny'),
      /^fc-train: unknown key "latnet"; expected one of: latent, optimizer, activation, slope, loss, epochs/,
    );
    refuses(
      () => fcSweep.validate({ vary: 'batch' }, 'tiny'),
      /^fc-sweep\.vary: bad value "batch"; expected one of: optimizer, activation, loss\./,
    );
    refuses(
      () => fcTrain.validate({ loss: 'hinge' }, 'tiny'),
      /^fc-train\.loss: bad value "hinge"; expected one of: mse, bce, kl\./,
    );
    refuses(() => fcTrain.validate({ activation: 'tanh' }, 'tiny'), /expected one of: leakyRelu, sigmoid, relu/);
    refuses(
      () => fcTrain.validate({ lr: 0 }, 'tiny'),
      /^fc-train\.lr: bad value 0; expected a finite number > 0, or null/,
    );
    refuses(
      () => fcTrain.validate({ lr: 'fast' }, 'tiny'),
      /^fc-train\.lr: bad value "fast"; expected a finite number > 0/,
    );
    refuses(
      () => fcSweep.validate({ vary: 'activation', activation: 'relu' }, 'tiny'),
      /^fc-sweep\.activation: bad value "relu"; expected leakyRelu with vary=activation/,
    );
    refuses(
      () => fcTrain.validate({ trainSize: 70000 }, 'tiny'),
      /^fc-train\.trainSize: bad value 70000; expected an integer from 1 to 60000\./,
    );
    refuses(
      () => fcTrain.validate({ slope: -0.5 }, 'tiny'),
      /^fc-train\.slope: bad value -0\.5; expected a finite number ≥ 0\./,
    );
  });

  it('refuses what cannot be inverted: ReLU, sigmoid, slope 0, a latent wider than 196, and a malformed weights key', () => {
    refuses(
      () => fcInversion.validate({ activation: 'relu' }, 'tiny'),
      /^fc-inversion\.activation: bad value "relu"; expected leakyRelu \(the decoder is inverted\)/,
    );
    refuses(
      () => fcInversion.validate({ activation: 'sigmoid' }, 'tiny'),
      /^fc-inversion\.activation: bad value "sigmoid"/,
    );
    refuses(
      () => fcInversion.validate({ slope: 0 }, 'tiny'),
      /^fc-inversion\.slope: bad value 0; expected a slope > 0/,
    );
    refuses(
      () => fcInversion.validate({ latent: 200 }, 'tiny'),
      /^fc-inversion\.latent: bad value 200; expected at most 196 \(the decoder's first layer output\)/,
    );
    refuses(() => fcInversion.validate({ loss: 'mse' }, 'tiny'), /^fc-inversion: unknown key "loss"/);
    refuses(
      () => fcCompression.validate({ latents: [2, 256] }, 'tiny'),
      /^fc-compression\.latents\[1\]: bad value 256; expected an integer from 1 to 196\./,
    );
    refuses(
      () => fcCompression.validate({ latents: [4, 4] }, 'tiny'),
      /^fc-compression\.latents: bad value \[4, 4\];.* 4 appears twice/,
    );
    refuses(
      () => fcCompression.validate({ activation: 'relu' }, 'tiny'),
      /^fc-compression\.activation: bad value "relu"; expected leakyRelu \(the decoder is inverted\)/,
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
