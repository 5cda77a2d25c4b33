// gradcheck.ts: central finite differences in float64, for checking the losses' reference gradients.

/** d f / d x_i by central differences with step eps, for every i. */
export function numericGrad(f: (x: Float64Array) => number, x: Float64Array, eps = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  const probe = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    probe[i] = x[i]! + eps;
    const up = f(probe);
    probe[i] = x[i]! - eps;
    const down = f(probe);
    probe[i] = x[i]!;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}
