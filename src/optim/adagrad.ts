// adagrad.ts: Adagrad with learning-rate decay, L2 weight decay and a start value for the
// accumulator (torch.optim.Adagrad). Imports kernels (shader table), util and the optimizer base.
// The decayed rate for step t, lr / (1 + (t − 1)·lr_decay), is computed here in float64.
import { SHADERS } from '../kernels/shaders';
import type { Params } from '../kernels/registry';
import { ElementwiseOptimizer } from './base';
import { resolveOptions, type AdagradOptions } from './options';

export class Adagrad extends ElementwiseOptimizer {
  readonly name = 'adagrad';
  readonly options: AdagradOptions;

  constructor(options: Partial<AdagradOptions> = {}) {
    const o = resolveOptions('adagrad', options);
    super(o.lr, {
      shader: SHADERS.adagrad,
      entry: 'step',
      state: [{ name: 'sum', init: o.initialAccumulatorValue }],
      row: ['clr'],
    });
    this.options = o;
  }

  protected stepParams(t: number): Params {
    const o = this.options;
    return { clr: this.lr / (1 + (t - 1) * o.lrDecay), weight_decay: o.weightDecay, eps: o.eps };
  }
}
