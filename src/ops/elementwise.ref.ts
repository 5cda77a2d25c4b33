// elementwise.ref.ts: float64 CPU references for src/ops/elementwise.ts. Plain loops, no shared code.

export function axpbyRef(a: Float64Array, b: Float64Array, alpha: number, beta: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = alpha * a[i]! + beta * b[i]!;
  return out;
}

export function mulRef(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * b[i]!;
  return out;
}

export function scaleRef(a: Float64Array, alpha: number, beta: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = alpha * a[i]! + beta;
  return out;
}

export function addRowRef(a: Float64Array, bias: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  const cols = bias.length;
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + bias[i % cols]!;
  return out;
}
