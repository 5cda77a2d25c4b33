// adadelta.ts: Adadelta with L2 weight decay (torch.optim.Adadelta). Imports kernels (shader table),
// util and the optimizer base.
import { SHADERS } from '../kernels/shaders';
import type { Params } from '../kernels/registry';
import { ElementwiseOptimizer } from './base';
import { resolveOptions, type AdadeltaOptions } from './options';

export class Adadelta extends ElementwiseOptimizer {
  readonly name = 'adadelta';
  readonly options: AdadeltaOptions;

  constructor(options: Partial<AdadeltaOptions> = {}) {
    const o = resolveOptions('adadelta', options);
    super(o.lr, {
      shader: SHADERS.adadelta,
      entry: 'step',
      state: [
        { name: 'square_avg', init: 0 },
        { name: 'acc_delta', init: 0 },
      ],
      row: ['lr'],
    });
    this.options = o;
  }

  protected stepParams(): Params {
    const o = this.options;
    return { lr: this.lr, rho: o.rho, eps: o.eps, weight_decay: o.weightDecay };
  }
}
