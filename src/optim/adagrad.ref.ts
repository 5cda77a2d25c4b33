// adagrad.ref.ts: float64 CPU reference of one torch.optim.Adagrad step, in place. Plain loops;
// imports only option types. `t` is the 1-based step number.
import type { AdagradOptions } from './options';

export interface AdagradRefState {
  sum: Float64Array;
}

export const adagradRefState = (n: number, o: AdagradOptions): AdagradRefState => ({
  sum: new Float64Array(n).fill(o.initialAccumulatorValue),
});

export function adagradStepRef(
  param: Float64Array,
  grad: Float64Array,
  state: AdagradRefState,
  o: AdagradOptions,
  t: number,
): void {
  const clr = o.lr / (1 + (t - 1) * o.lrDecay);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]! + o.weightDecay * param[i]!;
    state.sum[i] = state.sum[i]! + g * g;
    param[i] = param[i]! - (clr * g) / (Math.sqrt(state.sum[i]!) + o.eps);
  }
}
