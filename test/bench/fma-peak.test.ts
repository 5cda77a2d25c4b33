// The fma-peak kernel (shaders/fma-peak.wgsl) computes the recurrences it claims — each thread's 16
// chains a ← a·m + c, summed — checked against the same chains in float64 (fmaChainsRef) for two
// multipliers and two trip counts; and its FLOP count, by hand. Correctness only: no timing.
import { expect } from 'chai';
import { FMA_M, FmaKernel, fmaChainsRef, fmaFlops, fmaShape, type FmaShape } from '../../bench/workloads/index';
import { expectWithin } from '../helpers/bounds';
import { getGpu } from '../helpers/gpu';

const U = 2 ** -24;

/**
 * Tolerance per output: every f32 step rounds at most twice (the product and the sum, when the FMA is
 * not fused), each by u·(the step's magnitude); with |m| ≤ 1 an earlier error is never amplified, so a
 * chain of S steps whose values stay within A is within 2·S·u·A·2 of the float64 chain (the last 2:
 * |a·m| + |c| ≤ 2A); four chains add up to four times that, plus the three f32 additions of the sum.
 */
function bound(s: FmaShape, m: number, want: Float64Array): number[] {
  const steps = s.iters * 8;
  // |a_k| ≤ |c|·Σ_{i≤k} |m|^i ≤ 0.5·(steps + 1).
  const A = 0.5 * (steps + 1);
  const chain = 2 * steps * U * 2 * A * Math.max(1, Math.abs(m));
  return Array.from(want, (v) => 4 * chain + 3 * U * (Math.abs(v) + 4 * A));
}

describe('fma-peak kernel (GPU vs float64 chains)', () => {
  for (const [s, m] of [
    [{ groups: 2, iters: 8 }, FMA_M],
    [{ groups: 1, iters: 3 }, -0.75],
    [{ groups: 3, iters: 1 }, 0.5],
  ] as const) {
    it(`${s.groups} workgroup(s) × 256 threads, ${s.iters} trip(s), m = ${m}`, async () => {
      const { gpu, registry } = await getGpu();
      const k = new FmaKernel(gpu, registry, s, m);
      try {
        await k.run(2); // two dispatches: the second overwrites the first with the same values
        const got = await k.read();
        const want = fmaChainsRef(s, m);
        expect(got.length).to.equal(s.groups * 256 * 4);
        expectWithin(got, want, bound(s, m, want), `fma chains ${JSON.stringify(s)} m=${m}`);
      } finally {
        k.dispose();
      }
    });
  }

  it('counts 2 FLOPs per FMA: groups · 256 threads · iters · 8 steps · 16 chains', () => {
    expect(fmaFlops({ groups: 2, iters: 8 })).to.equal(2 * 2 * 256 * 8 * 8 * 16);
    // The full-size shapes: about a million threads on a GPU, 4096 on a CPU adapter.
    expect(fmaFlops(fmaShape('full', false))).to.equal(2 * 4096 * 256 * 256 * 8 * 16);
    expect(fmaFlops(fmaShape('full', true))).to.equal(2 * 16 * 256 * 256 * 8 * 16);
  });

  it('the float64 reference matches the closed form of the recurrence', () => {
    // Lane l of thread t sums chains q = 16t + 4j + l (j = 0…3), c = (q mod 4096)/4096 − 0.5; after S
    // steps a ← a·m + c from a₀ = c, a_S = c·(1 − m^(S+1)) / (1 − m). One trip = 8 steps.
    const s = { groups: 1, iters: 2 };
    const m = 0.5;
    const ref = fmaChainsRef(s, m);
    for (const [t, l] of [
      [0, 0],
      [1, 3],
      [255, 2],
    ] as const) {
      const closed = [0, 1, 2, 3].reduce((sum, j) => {
        const c = ((16 * t + 4 * j + l) % 4096) / 4096 - 0.5;
        return sum + (c * (1 - m ** 17)) / (1 - m);
      }, 0);
      expect(ref[4 * t + l]).to.be.closeTo(closed, 1e-14);
    }
  });
});
