// rmsprop.ref.ts: float64 CPU reference of one torch.optim.RMSprop step, in place. Plain loops;
// imports only option types. grad_avg is used only when centered, momentum_buffer only when
// momentum > 0 (both start at zero, as in PyTorch).
import type { RmspropOptions } from './options';

export interface RmspropRefState {
  square_avg: Float64Array;
  grad_avg: Float64Array;
  momentum_buffer: Float64Array;
}

export const rmspropRefState = (n: number): RmspropRefState => ({
  square_avg: new Float64Array(n),
  grad_avg: new Float64Array(n),
  momentum_buffer: new Float64Array(n),
});

export function rmspropStepRef(
  param: Float64Array,
  grad: Float64Array,
  state: RmspropRefState,
  o: RmspropOptions,
): void {
  const { alpha, eps } = o;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]! + o.weightDecay * param[i]!;
    state.square_avg[i] = alpha * state.square_avg[i]! + (1 - alpha) * g * g;
    let variance = state.square_avg[i]!;
    if (o.centered) {
      state.grad_avg[i] = alpha * state.grad_avg[i]! + (1 - alpha) * g;
      variance -= state.grad_avg[i]! * state.grad_avg[i]!;
    }
    const avg = Math.sqrt(variance) + eps;
    if (o.momentum > 0) {
      state.momentum_buffer[i] = o.momentum * state.momentum_buffer[i]! + g / avg;
      param[i] = param[i]! - o.lr * state.momentum_buffer[i]!;
    } else {
      param[i] = param[i]! - (o.lr * g) / avg;
    }
  }
}
