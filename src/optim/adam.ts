// adam.ts: Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay), with
// optional AMSGrad (torch.optim.Adam, torch.optim.AdamW). Imports kernels (shader table), util and
// the optimizer base.
// The bias corrections for step t are computed here in float64 and passed through the uniform:
// step_size = lr / (1 − β1^t), bias_correction2_sqrt = √(1 − β2^t).
import { SHADERS } from '../kernels/shaders';
import type { Params } from '../kernels/registry';
import { ElementwiseOptimizer } from './base';
import { resolveOptions, type AdamOptions } from './options';

export class Adam extends ElementwiseOptimizer {
  readonly name: 'adam' | 'adamw';
  readonly options: AdamOptions;

  /** decoupled = true gives AdamW: p ← p·(1 − lr·wd) before the Adam update, and no L2 term. */
  constructor(options: Partial<AdamOptions> = {}, decoupled = false) {
    const name = decoupled ? 'adamw' : 'adam';
    const o = resolveOptions(name, options);
    super(o.lr, {
      shader: SHADERS.adam,
      entry: o.amsgrad ? 'step_amsgrad' : 'step',
      state: [
        { name: 'exp_avg', init: 0 },
        { name: 'exp_avg_sq', init: 0 },
        ...(o.amsgrad ? [{ name: 'max_exp_avg_sq', init: 0 }] : []),
      ],
      row: ['step_size', 'bias_correction2_sqrt', 'decay'],
    });
    this.name = name;
    this.options = o;
  }

  protected stepParams(t: number): Params {
    const {
      betas: [beta1, beta2],
      eps,
      weightDecay,
    } = this.options;
    const decoupled = this.name === 'adamw';
    return {
      beta1,
      beta2,
      eps,
      weight_decay: decoupled ? 0 : weightDecay,
      decay: decoupled ? 1 - this.lr * weightDecay : 1,
      step_size: this.lr / (1 - beta1 ** t),
      bias_correction2_sqrt: Math.sqrt(1 - beta2 ** t),
    };
  }
}

/** AdamW: Adam with decoupled weight decay (default 1e-2). */
export class AdamW extends Adam {
  constructor(options: Partial<AdamOptions> = {}) {
    super(options, true);
  }
}
