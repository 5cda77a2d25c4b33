// adam.ref.ts: float64 CPU reference of one torch.optim.Adam / AdamW step, in place. Plain loops;
// imports only option types. `t` is the 1-based step number.
import type { AdamOptions } from './options';

export interface AdamRefState {
  exp_avg: Float64Array;
  exp_avg_sq: Float64Array;
  max_exp_avg_sq: Float64Array;
}

export const adamRefState = (n: number): AdamRefState => ({
  exp_avg: new Float64Array(n),
  exp_avg_sq: new Float64Array(n),
  max_exp_avg_sq: new Float64Array(n),
});

/** decoupled = true is AdamW: the parameter shrinks by lr·wd first and the gradient gets no L2 term. */
export function adamStepRef(
  param: Float64Array,
  grad: Float64Array,
  state: AdamRefState,
  o: AdamOptions,
  t: number,
  decoupled: boolean,
): void {
  const [b1, b2] = o.betas;
  const bc1 = 1 - b1 ** t;
  const bc2 = 1 - b2 ** t;
  for (let i = 0; i < param.length; i++) {
    let g = grad[i]!;
    if (decoupled) param[i] = param[i]! * (1 - o.lr * o.weightDecay);
    else g += o.weightDecay * param[i]!;
    state.exp_avg[i] = b1 * state.exp_avg[i]! + (1 - b1) * g;
    state.exp_avg_sq[i] = b2 * state.exp_avg_sq[i]! + (1 - b2) * g * g;
    let v = state.exp_avg_sq[i]!;
    if (o.amsgrad) {
      state.max_exp_avg_sq[i] = Math.max(state.max_exp_avg_sq[i]!, v);
      v = state.max_exp_avg_sq[i]!;
    }
    const mHat = state.exp_avg[i]! / bc1;
    const vHat = v / bc2;
    param[i] = param[i]! - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
  }
}
