// The second report's experiments refuse bad configurations before any work, with a ConfigError in the
// kit's one form (`<experiment>.<key>: bad value <v>; expected <accepted>`); defaults per scale are the
// documented ones.
import { expect } from 'chai';
import {
  CONV_EXPERIMENTS,
  convCapacity,
  convCorrelation,
  convInterpolate,
  convLatent,
  convTransfer,
} from '../../../../src/experiments/conv/index';
import type { ExperimentDef } from '../../../../src/experiments/types';
import { ConfigError } from '../../../../src/util/errors';
import { getGpu } from '../../../helpers/gpu';

function refuses(def: ExperimentDef<object>, config: Record<string, unknown>, message: RegExp): void {
  let error: unknown = null;
  try {
    def.validate(config, 'tiny');
  } catch (e) {
    error = e;
  }
  expect(error, `${def.name} ${JSON.stringify(config)} should be refused`).to.be.instanceOf(ConfigError);
  expect((error as Error).message).to.match(message);
}

const all = CONV_EXPERIMENTS;

describe('conv experiments: validate()', () => {
  it('lists the five experiments by their fixed names', () => {
    expect(all.map((d) => d.name)).to.deep.equal([
      'conv-latent',
      'conv-capacity',
      'conv-interpolate',
      'conv-correlation',
      'conv-transfer',
    ]);
  });

  it("the full scale is the report's: c = 128, 20 epochs, all of MNIST, AdamW lr 0.003, latents 3…30, capacities 128…4", () => {
    const latent = convLatent.validate({}, 'full');
    expect(latent.latents).to.deep.equal([3, 5, 8, 10, 15, 20, 30]);
    expect([latent.capacity, latent.epochs, latent.lr, latent.trainSize, latent.testSize]).to.deep.equal([
      128, 20, 0.003, 60000, 10000,
    ]);
    expect(convCapacity.validate({}, 'full').capacities).to.deep.equal([128, 64, 32, 16, 8, 4]);
    expect(convCapacity.validate({}, 'full').latent).to.equal(15);
    const transfer = convTransfer.validate({}, 'full');
    expect([transfer.latent, transfer.trainSize, transfer.pretrainSize]).to.deep.equal([15, 100, 60000]);
    // A user value replaces the default and the rest stay.
    const merged = convLatent.validate({ latents: [4, 9], epochs: 3 }, 'tiny');
    expect(merged.latents).to.deep.equal([4, 9]);
    expect(merged.epochs).to.equal(3);
    expect(merged.capacity).to.equal(convLatent.defaults('tiny').capacity);
  });

  it('refuses an unknown key and lists the accepted ones', () => {
    for (const def of all)
      refuses(
        def,
        { learningRate: 0.1 },
        new RegExp(`^${def.name}: unknown key "learningRate"; expected one of: .*\\bepochs\\b.*\\bseed\\b`),
      );
  });

  it('refuses latent sizes ≤ 0 (and < 2 for correlations) and non-integers', () => {
    refuses(convLatent, { latents: [3, 0] }, /^conv-latent\.latents\[1\]: bad value 0; expected an integer ≥ 1\./);
    refuses(convLatent, { latents: [-5] }, /conv-latent\.latents\[0\]/);
    refuses(convLatent, { latents: [] }, /^conv-latent\.latents: bad value \[\]; expected a non-empty list/);
    refuses(convLatent, { latents: [3, 3] }, /3 appears twice/);
    refuses(convCapacity, { latent: 0 }, /conv-capacity\.latent: bad value/);
    refuses(convInterpolate, { latents: [2.5] }, /conv-interpolate\.latents\[0\]/);
    refuses(
      convCorrelation,
      { latents: [1, 4] },
      /^conv-correlation\.latents\[0\]: bad value 1; expected an integer ≥ 2\./,
    );
    refuses(convTransfer, { latent: -1 }, /conv-transfer\.latent: bad value/);
  });

  it('refuses capacity 0', () => {
    refuses(convLatent, { capacity: 0 }, /^conv-latent\.capacity: bad value 0; expected an integer ≥ 1\./);
    refuses(convCapacity, { capacities: [8, 0] }, /conv-capacity\.capacities\[1\]/);
    refuses(convTransfer, { capacity: 0 }, /conv-transfer\.capacity/);
  });

  it('refuses a batch larger than the data it is drawn from', () => {
    for (const def of all)
      refuses(
        def,
        { batch: 300, trainSize: 256, ...(def === convTransfer ? { pretrainSize: 256 } : {}) },
        new RegExp(
          `^${def.name}\\.batch: bad value 300; expected at most trainSize = 256\\. Lower batch or raise trainSize\\.`,
        ),
      );
    refuses(
      convTransfer,
      { pretrainBatch: 500, pretrainSize: 400 },
      /^conv-transfer\.pretrainBatch: bad value 500; expected at most pretrainSize = 400/,
    );
    refuses(
      convTransfer,
      { trainSize: 300, pretrainSize: 256, batch: 10 },
      /^conv-transfer\.trainSize: bad value 300; expected at most pretrainSize = 256/,
    );
  });

  it('refuses lr ≤ 0 or NaN, bad epochs, sizes and seeds; reads numbers given as text', () => {
    for (const def of all) {
      for (const lr of [0, -0.1, NaN, Infinity, 'fast', '-1'])
        refuses(def, { lr }, new RegExp(`^${def.name}\\.lr: bad value .*; expected a finite number > 0`));
      expect((def.validate({ lr: '0.1', epochs: '2' }, 'tiny') as { lr: number; epochs: number }).lr).to.equal(0.1);
      refuses(def, { epochs: -2 }, new RegExp(`^${def.name}\\.epochs: bad value -2; expected an integer ≥ 1\\.`));
      refuses(def, { epochs: 0 }, new RegExp(`^${def.name}\\.epochs: bad value 0`));
      refuses(
        def,
        { testSize: 10001 },
        new RegExp(`^${def.name}\\.testSize: bad value 10001; expected an integer from \\d+ to 10000\\.`),
      );
      refuses(def, { seed: 1.5 }, new RegExp(`^${def.name}\\.seed: bad value 1\\.5`));
      refuses(
        def,
        { weights: 'maybe' },
        new RegExp(`^${def.name}\\.weights: bad value "maybe"; expected one of: auto, train, require\\.`),
      );
    }
    refuses(
      convLatent,
      { trainSize: 60001 },
      /^conv-latent\.trainSize: bad value 60001; expected an integer from 1 to 60000/,
    );
  });

  it('checks stopping conditions on the sweeps', () => {
    refuses(
      convLatent,
      { stop: { patience: 3 } },
      /^conv-latent\.stop: bad value \{"patience":3\}; expected an object with some of maxSteps, gradNorm, paramChange, targetLoss, timeLimitSeconds .*"patience" is not a stopping condition/,
    );
    refuses(
      convCapacity,
      { stop: { gradNorm: -1 } },
      /^conv-capacity\.stop: bad value \{"gradNorm":-1\}; expected an object .* stop\.gradNorm: expected a positive number; got -1/,
    );
    refuses(convLatent, { stop: { maxSteps: 2.5 } }, /stop\.maxSteps: expected a positive integer/);
    refuses(convLatent, { stop: 5 }, /^conv-latent\.stop: bad value 5; expected an object/);
    expect(convLatent.validate({ stop: { targetLoss: 0.01, timeLimitSeconds: 30 } }, 'tiny').stop).to.deep.equal({
      targetLoss: 0.01,
      timeLimitSeconds: 30,
    });
  });

  it('checks the interpolation images', () => {
    refuses(
      convInterpolate,
      { indexA: 64, testSize: 64 },
      /^conv-interpolate\.indexA: bad value 64; expected an index from 0 to 63 \(inside the test subset\)/,
    );
    refuses(
      convInterpolate,
      { indexA: 3, indexB: 3 },
      /^conv-interpolate\.indexB: bad value 3; expected an image other than indexA = 3/,
    );
    refuses(
      convInterpolate,
      { indexB: -1 },
      /^conv-interpolate\.indexB: bad value -1; expected an integer ≥ 0, or null/,
    );
    expect(convInterpolate.validate({ indexA: 2 }, 'tiny').indexB).to.equal(null);
  });

  it('refuses at the start of run() when "require" names weights that were not handed in', async () => {
    const runtime = await getGpu();
    for (const def of [convInterpolate, convCorrelation, convTransfer, convLatent] as ExperimentDef<object>[]) {
      const cfg = def.validate({ weights: 'require' }, 'tiny');
      let error: unknown = null;
      await def
        .run({ runtime, weights: new Map([['conv:latent=99:c=4:seed=0', new Uint8Array(8)]]) }, cfg)
        .catch((e: unknown) => (error = e));
      expect(error, def.name).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.match(
        new RegExp(
          `^${def.name}\\.weights: "require" was set but ctx\\.weights lacks .*conv:latent=15:c=4:seed=0.*got conv:latent=99:c=4:seed=0`,
        ),
      );
    }
  });
});
