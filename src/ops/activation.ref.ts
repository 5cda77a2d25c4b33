// activation.ref.ts: float64 CPU references for src/ops/activation.ts. Plain loops.
import type { ActivationKind } from './activation';

export function activationRef(x: Float64Array, kind: ActivationKind, alpha: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (kind === 'leakyRelu') y[i] = v > 0 ? v : alpha * v;
    else if (kind === 'relu') y[i] = Math.max(v, 0);
    else if (kind === 'sigmoid') y[i] = 1 / (1 + Math.exp(-v));
    else if (kind === 'tanh') y[i] = Math.tanh(v);
    else y[i] = v;
  }
  return y;
}

/** dx = dy · f'(x). */
export function activationGradRef(
  x: Float64Array,
  dy: Float64Array,
  kind: ActivationKind,
  alpha: number,
): Float64Array {
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    let d: number;
    if (kind === 'leakyRelu') d = v > 0 ? 1 : alpha;
    else if (kind === 'relu') d = v > 0 ? 1 : 0;
    else if (kind === 'sigmoid') {
      const s = 1 / (1 + Math.exp(-v));
      d = s * (1 - s);
    } else if (kind === 'tanh') d = 1 - Math.tanh(v) ** 2;
    else d = 1;
    dx[i] = dy[i]! * d;
  }
  return dx;
}

export function leakyReluInverseRef(y: Float64Array, alpha: number): Float64Array {
  const x = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) x[i] = y[i]! >= 0 ? y[i]! : y[i]! / alpha;
  return x;
}
