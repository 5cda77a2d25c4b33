// sgd.ref.ts: float64 CPU reference of one torch.optim.SGD step, in place. Plain loops; imports
// only option types. The momentum buffer is null until the first step, as in PyTorch.
import type { SgdOptions } from './options';

export interface SgdRefState {
  momentum_buffer: Float64Array | null;
}

export const sgdRefState = (): SgdRefState => ({ momentum_buffer: null });

export function sgdStepRef(param: Float64Array, grad: Float64Array, state: SgdRefState, o: SgdOptions): void {
  const n = param.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = grad[i]! + o.weightDecay * param[i]!;
  if (o.momentum !== 0) {
    if (state.momentum_buffer === null) {
      state.momentum_buffer = Float64Array.from(d);
    } else {
      const buf = state.momentum_buffer;
      for (let i = 0; i < n; i++) buf[i] = o.momentum * buf[i]! + (1 - o.dampening) * d[i]!;
    }
    const buf = state.momentum_buffer;
    for (let i = 0; i < n; i++) d[i] = o.nesterov ? d[i]! + o.momentum * buf[i]! : buf[i]!;
  }
  for (let i = 0; i < n; i++) param[i] = param[i]! - o.lr * d[i]!;
}
