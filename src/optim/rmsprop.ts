// rmsprop.ts: RMSprop with optional momentum, centering and L2 weight decay (torch.optim.RMSprop).
// Imports kernels (shader table), util and the optimizer base.
// Each combination of (centered, momentum > 0) has its own entry point so that only the state it
// uses is made and bound: grad_avg when centered, momentum_buffer when momentum > 0.
import { SHADERS } from '../kernels/shaders';
import type { Params } from '../kernels/registry';
import { ElementwiseOptimizer, type StateSpec } from './base';
import { resolveOptions, type RmspropOptions } from './options';

export class Rmsprop extends ElementwiseOptimizer {
  readonly name = 'rmsprop';
  readonly options: RmspropOptions;

  constructor(options: Partial<RmspropOptions> = {}) {
    const o = resolveOptions('rmsprop', options);
    const withMomentum = o.momentum > 0;
    const state: StateSpec[] = [{ name: 'square_avg', init: 0 }];
    if (o.centered) state.push({ name: 'grad_avg', init: 0 });
    if (withMomentum) state.push({ name: 'momentum_buffer', init: 0 });
    const entry = `step${o.centered ? '_centered' : ''}${withMomentum ? '_momentum' : ''}`;
    super(o.lr, { shader: SHADERS.rmsprop, entry, state, row: ['lr'] });
    this.options = o;
  }

  protected stepParams(): Params {
    const o = this.options;
    return { lr: this.lr, alpha: o.alpha, eps: o.eps, weight_decay: o.weightDecay, momentum: o.momentum };
  }
}
