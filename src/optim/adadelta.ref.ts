// adadelta.ref.ts: float64 CPU reference of one torch.optim.Adadelta step, in place. Plain loops;
// imports only option types.
import type { AdadeltaOptions } from './options';

export interface AdadeltaRefState {
  square_avg: Float64Array;
  acc_delta: Float64Array;
}

export const adadeltaRefState = (n: number): AdadeltaRefState => ({
  square_avg: new Float64Array(n),
  acc_delta: new Float64Array(n),
});

export function adadeltaStepRef(
  param: Float64Array,
  grad: Float64Array,
  state: AdadeltaRefState,
  o: AdadeltaOptions,
): void {
  const { rho, eps } = o;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]! + o.weightDecay * param[i]!;
    state.square_avg[i] = rho * state.square_avg[i]! + (1 - rho) * g * g;
    const rmsUpdate = Math.sqrt(state.acc_delta[i]! + eps);
    const rmsGrad = Math.sqrt(state.square_avg[i]! + eps);
    const delta = (rmsUpdate / rmsGrad) * g;
    state.acc_delta[i] = rho * state.acc_delta[i]! + (1 - rho) * delta * delta;
    param[i] = param[i]! - o.lr * delta;
  }
}
