// The benchmark's workloads at tiny shapes: each peer (ours, tfjs) runs, yields a positive finite
// rate, and — for the training workloads — its loss falls; both start from the same weights and
// data, so their first losses agree. Correctness only: nothing here checks timings.
import { expect } from 'chai';
import { createBenchEnv, measureWorkload, OurOpsPeer, TfOpsPeer, WORKLOADS, type BenchEnv } from '../../bench/workloads/index';
import { allclose } from '../helpers/allclose';
import { loadTfjs } from './tfjs-loader';

describe('bench workloads (smoke shapes)', function () {
  let env: BenchEnv;

  before(async () => {
    env = await createBenchEnv(await loadTfjs(), null);
  });

  after(() => {
    env?.gpu.destroy();
  });

  for (const w of WORKLOADS) {
    it(`${w.name}: ours and tfjs each return a positive finite ${w.unit}`, async () => {
      const r = await measureWorkload(w, env, { size: 'smoke', rounds: 1 });
      for (const [who, peer] of [['ours', r.ours], ['tfjs', r.tfjs]] as const) {
        expect(peer.samples, `${w.name} ${who}`).to.have.length(1);
        expect(Number.isFinite(peer.median) && peer.median > 0, `${w.name} ${who}: rate ${peer.median}`).to.equal(true);
      }
      expect(Number.isFinite(r.ratio) && r.ratio > 0).to.equal(true);
      if (w.unit !== 'samples/s') return;
      for (const [who, peer] of [['ours', r.ours], ['tfjs', r.tfjs]] as const) {
        expect(peer.lossFell, `${w.name} ${who}: loss ${peer.firstLoss} → ${peer.lastLoss}`).to.equal(true);
      }
      // Step 0's loss is computed before any update, from identical weights and batch: only f32
      // rounding (different summation orders in six layers and the mean) separates the two.
      allclose([r.ours.firstLoss!], [r.tfjs.firstLoss!], { atol: 0, rtol: 1e-4 }, `${w.name} first loss`);
    });
  }

  it('gemm-fc-fwd / -dx / -dw: both peers compute the same products', async () => {
    for (const w of WORKLOADS.filter((x) => x.name.startsWith('gemm-fc'))) {
      const ours = await w.ours(env, 'smoke');
      const tfjs = await w.tfjs(env, 'smoke');
      try {
        expect(ours).to.be.instanceOf(OurOpsPeer);
        expect(tfjs).to.be.instanceOf(TfOpsPeer);
        await ours.run(1);
        await tfjs.run(1);
        for (let k = 0; k < 3; k++) {
          // Operands in [-1, 1), K ≤ 48 terms.
          allclose(await (ours as OurOpsPeer).read(k), await (tfjs as TfOpsPeer).read(k), { atol: 1e-5 * Math.sqrt(48) * 4, rtol: 1e-4 }, `${w.name} product ${k}`);
        }
      } finally {
        ours.dispose();
        tfjs.dispose();
      }
    }
  });
});
