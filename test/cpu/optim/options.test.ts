// Optimizer options: PyTorch's defaults, and every invalid option refused with a ConfigError at
// construction (no GPU is touched before build()).
import { expect } from 'chai';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName } from '../../../src/optim/optimizer';
import type { Sgd } from '../../../src/optim/sgd';
import { Adam, type AdamW } from '../../../src/optim/adam';
import type { Adagrad } from '../../../src/optim/adagrad';
import type { Adadelta } from '../../../src/optim/adadelta';
import type { Rmsprop } from '../../../src/optim/rmsprop';
import { ConfigError } from '../../../src/util/errors';

describe('optimizer options', () => {
  it('fills in the defaults of torch.optim', () => {
    expect((createOptimizer('sgd', { lr: 0.1 }) as Sgd).options).to.deep.equal({
      lr: 0.1,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
    });
    expect((createOptimizer('adam') as Adam).options).to.deep.equal({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect((createOptimizer('adamw') as AdamW).options).to.deep.equal({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
    });
    expect((createOptimizer('adagrad') as Adagrad).options).to.deep.equal({
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
    });
    expect((createOptimizer('adadelta') as Adadelta).options).to.deep.equal({
      lr: 1.0,
      rho: 0.9,
      eps: 1e-6,
      weightDecay: 0,
    });
    expect((createOptimizer('rmsprop') as Rmsprop).options).to.deep.equal({
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
    });
  });

  it('makes each optimizer by name, with lr readable and settable', () => {
    for (const name of OPTIMIZER_NAMES) {
      const opt = createOptimizer(name, { lr: 0.25 });
      expect(opt.name).to.equal(name);
      expect(opt.lr).to.equal(0.25);
      opt.lr = 0.125;
      expect(opt.lr).to.equal(0.125);
    }
    expect(createOptimizer('adamw')).to.be.instanceOf(Adam);
  });

  it('requires an lr for SGD', () => {
    expect(() => createOptimizer('sgd')).to.throw(ConfigError, /createOptimizer\('sgd'\): lr is required/);
  });

  it('refuses lr ≤ 0, NaN and infinity for every optimizer', () => {
    for (const name of OPTIMIZER_NAMES) {
      for (const lr of [0, -1e-3, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => createOptimizer(name, { lr }), `${name} lr=${lr}`).to.throw(
          ConfigError,
          /invalid learning rate; expected a finite number > 0, got/,
        );
      }
    }
  });

  it('refuses betas outside [0, 1)', () => {
    for (const name of ['adam', 'adamw'] as const) {
      expect(() => createOptimizer(name, { betas: [1, 0.999] })).to.throw(
        ConfigError,
        /invalid betas\[0\]; expected a number in \[0, 1\), got 1/,
      );
      expect(() => createOptimizer(name, { betas: [0.9, -0.1] })).to.throw(ConfigError, /invalid betas\[1\]/);
      expect(() => createOptimizer(name, { betas: [0.9, Number.NaN] })).to.throw(ConfigError, /invalid betas\[1\]/);
      expect(() => createOptimizer(name, { betas: [0.9] as unknown as [number, number] })).to.throw(
        ConfigError,
        /expected a pair/,
      );
    }
    expect(() => createOptimizer('adam', { betas: [0, 0] })).to.not.throw();
  });

  it('refuses an unknown name, listing the accepted ones', () => {
    expect(() => createOptimizer('lbfgs' as OptimizerName)).to.throw(
      ConfigError,
      /unknown optimizer; expected one of: sgd, adam, adamw, adagrad, adadelta, rmsprop, got "lbfgs"/,
    );
    expect(() => createOptimizer('Adam' as OptimizerName)).to.throw(ConfigError, /expected one of/);
  });

  it('refuses options the optimizer does not take', () => {
    expect(() => createOptimizer('sgd', { lr: 0.1, betas: [0.9, 0.99] } as never)).to.throw(
      ConfigError,
      /option "betas" does not apply; expected one of: lr, momentum, dampening, weightDecay, nesterov/,
    );
    expect(() => createOptimizer('adam', { momentum: 0.9 } as never)).to.throw(
      ConfigError,
      /option "momentum" does not apply/,
    );
  });

  it('refuses out-of-range values of the other options', () => {
    const bad: [OptimizerName, Record<string, unknown>, RegExp][] = [
      ['sgd', { lr: 0.1, momentum: -0.1 }, /invalid momentum/],
      ['sgd', { lr: 0.1, dampening: 1.5 }, /invalid dampening/],
      ['sgd', { lr: 0.1, weightDecay: -1 }, /invalid weightDecay/],
      ['sgd', { lr: 0.1, nesterov: true }, /nesterov needs momentum > 0 and dampening = 0/],
      [
        'sgd',
        { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 },
        /nesterov needs momentum > 0 and dampening = 0/,
      ],
      ['sgd', { lr: 0.1, nesterov: 1 }, /invalid nesterov; expected true or false/],
      ['adam', { eps: -1e-8 }, /invalid eps/],
      ['adam', { amsgrad: 'yes' }, /invalid amsgrad/],
      ['adamw', { weightDecay: Number.NaN }, /invalid weightDecay/],
      ['adagrad', { lrDecay: -0.1 }, /invalid lrDecay/],
      ['adagrad', { initialAccumulatorValue: -1 }, /invalid initialAccumulatorValue/],
      ['adadelta', { rho: 1.1 }, /invalid rho/],
      ['rmsprop', { alpha: -0.5 }, /invalid alpha/],
      ['rmsprop', { momentum: Number.POSITIVE_INFINITY }, /invalid momentum/],
      ['rmsprop', { centered: 0 }, /invalid centered/],
    ];
    for (const [name, options, message] of bad) {
      expect(() => createOptimizer(name, options as never), `${name} ${JSON.stringify(options)}`).to.throw(
        ConfigError,
        message,
      );
    }
    expect(() => createOptimizer('sgd', { lr: 0.1, momentum: 0.9, nesterov: true })).to.not.throw();
  });
});
