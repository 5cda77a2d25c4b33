// init.ts: PyTorch's default initialisation for Linear and Conv layers, from a seeded Rng. Imports util.
//
// PyTorch: weight ~ kaiming_uniform_(a = √5), i.e. U(−b, b) with b = gain·√(3 / fan_in) and
// gain = √(2 / (1 + a²)) = √(1/3), so b = 1/√fan_in; bias ~ U(−1/√fan_in, 1/√fan_in).
// fan_in is weight.size(1) × kernel area: in_features for Linear [out, in], C_in·k·k for Conv2d
// [out, in, k, k], and C_out·k·k for ConvTranspose2d, whose weight is [in, out, k, k].
import type { Rng } from '../util/rng';

export function kaimingUniform(rng: Rng, n: number, fanIn: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}

/** Bias: U(−1/√fan_in, 1/√fan_in). The same bound as the weight under a = √5. */
export const biasUniform = kaimingUniform;
