// sgd.ts: stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay
// (torch.optim.SGD). Imports kernels (shader table), util and the optimizer base.
// The momentum buffer exists only when momentum > 0; PyTorch starts it as a copy of the first
// (decayed) gradient, so the kernel gets first_step = 1 on step 1.
import { SHADERS } from '../kernels/shaders';
import type { Params } from '../kernels/registry';
import { ElementwiseOptimizer } from './base';
import { resolveOptions, type SgdOptions } from './options';

export class Sgd extends ElementwiseOptimizer {
  readonly name = 'sgd';
  readonly options: SgdOptions;

  constructor(options: Partial<SgdOptions> = {}) {
    const o = resolveOptions('sgd', options);
    const withMomentum = o.momentum > 0;
    super(o.lr, {
      shader: SHADERS.sgd,
      entry: withMomentum ? 'step_momentum' : 'step',
      state: withMomentum ? [{ name: 'momentum_buffer', init: 0 }] : [],
      row: ['lr', 'first_step'],
    });
    this.options = o;
  }

  protected stepParams(t: number): Params {
    const o = this.options;
    return {
      lr: this.lr,
      weight_decay: o.weightDecay,
      momentum: o.momentum,
      dampening: o.dampening,
      nesterov: o.nesterov ? 1 : 0,
      first_step: t === 1 ? 1 : 0,
    };
  }
}
