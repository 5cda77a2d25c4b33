// Experiments over N seeds on the GPU: run k of a seeds-N run is bit for bit the single run at seed
// + k (same adapter: metrics, curves and trained weights), the merged figures are the float64 mean and
// sample sd of those single runs, and seeds = 1 gives today's figures: the tiny-scale metrics of
// fc-train and conv-latent equal, bit for bit, those recorded (./fixtures/tiny-baseline.ts) by
// `npm run reproduce -- --scale tiny` at the commit before experiments had a seeds key.
import { expect } from 'chai';
import { convLatent } from '../../../src/experiments/conv/conv-latent';
import { fcTrain } from '../../../src/experiments/fc/fc-train';
import type { ExperimentDef, ExperimentResult } from '../../../src/experiments/types';
import { getGpu } from '../../helpers/gpu';
import { TINY_BASELINE } from './fixtures/tiny-baseline';

/** Every number of a metrics record, flattened to [path, value]. */
function numbers(m: unknown, prefix = ''): [string, number][] {
  if (typeof m === 'number') return [[prefix, m]];
  if (Array.isArray(m)) return m.flatMap((v, i) => numbers(v, `${prefix}[${i}]`));
  if (m !== null && typeof m === 'object')
    return Object.entries(m).flatMap(([k, v]) => numbers(v, prefix ? `${prefix}.${k}` : k));
  return [];
}

/** The value at a flattened path of `m`. */
function at(m: unknown, path: string): number {
  const found = numbers(m).find(([p]) => p === path);
  if (!found) throw new Error(`no metric ${path}`);
  return found[1];
}

async function checkSeeds(def: ExperimentDef<object>, config: Record<string, unknown>): Promise<void> {
  const runtime = await getGpu();
  const seeds = [3, 4];
  const both = await def.run({ runtime }, def.validate({ ...config, seed: 3, seeds: 2 }, 'tiny'));
  const alone: ExperimentResult[] = [];
  for (const seed of seeds) alone.push(await def.run({ runtime }, def.validate({ ...config, seed }, 'tiny')));
  expect(both.seeds).to.deep.equal(seeds);
  expect(both.grouping).to.deep.equal([
    { runs: ['seed=3', 'seed=4'], together: false, how: 'trained one after another' },
  ]);
  for (const [k, one] of alone.entries()) {
    const own = both.perSeed![k]!;
    expect(own.seed).to.equal(seeds[k]);
    expect(own.metrics, `metrics of seed ${seeds[k]}`).to.deep.equal(one.metrics);
    expect(own.charts, `charts of seed ${seeds[k]}`).to.deep.equal(one.charts);
    expect(own.tables, `tables of seed ${seeds[k]}`).to.deep.equal(one.tables);
    expect(both.weights[k]!.key).to.equal(one.weights[0]!.key);
    expect(both.weights[k]!.bytes, `weights of seed ${seeds[k]}`).to.deep.equal(one.weights[0]!.bytes);
  }
  // Two values a, b: mean (a + b) / 2 and sample sd |a − b| / √2, in float64; 1 ulp-scale tolerance
  // for the different order of the sums.
  const paths = numbers(alone[0]!.metrics).map(([p]) => p);
  expect(paths.length).to.be.greaterThan(2);
  for (const p of paths) {
    const a = at(alone[0]!.metrics, p);
    const b = at(alone[1]!.metrics, p);
    expect(at(both.metrics, p), `mean of ${p}`).to.be.closeTo((a + b) / 2, 1e-15 * Math.max(1, Math.abs(a)));
    expect(at(both.metricsSd, p), `sd of ${p}`).to.be.closeTo(
      Math.abs(a - b) / Math.SQRT2,
      1e-15 * Math.max(1, Math.abs(a)),
    );
  }
  // The seeds differ, so the figures do: a spread that is not zero somewhere.
  expect(numbers(both.metricsSd).some(([, v]) => v > 0)).to.equal(true);
}

describe('seeds: N seeds equal N single runs', () => {
  it('fc-train: seed k of seeds = 2 is the single run at seed 3 + k, bit for bit; mean ± sd in float64', async () => {
    await checkSeeds(fcTrain as unknown as ExperimentDef<object>, {
      trainSize: 64,
      testSize: 32,
      epochs: 1,
      batch: 32,
    });
  });

  it('conv-latent: seed k of seeds = 2 is the single run at seed 3 + k, bit for bit; mean ± sd in float64', async () => {
    await checkSeeds(convLatent as unknown as ExperimentDef<object>, {
      latents: [3],
      trainSize: 64,
      testSize: 32,
      epochs: 1,
      batch: 32,
    });
  });
});

describe('seeds: one seed gives the figures of before', () => {
  for (const [name, def] of [
    ['fc-train', fcTrain],
    ['conv-latent', convLatent],
  ] as const) {
    it(`${name} at tiny scale, seeds = 1: metrics equal the recorded ones bit for bit`, async () => {
      const runtime = await getGpu();
      const d = def as unknown as ExperimentDef<object>;
      const r = await d.run({ runtime }, d.validate({ seeds: 1 }, 'tiny'));
      const recorded = TINY_BASELINE[name];
      // Recorded on SwiftShader (the suite's adapter, in Chromium and in Node alike); another adapter
      // rounds float32 sums differently.
      expect(recorded.adapter).to.include('swiftshader');
      expect(r.adapter.toLowerCase(), 'the adapter the figures were recorded on').to.include('swiftshader');
      expect(r.metrics).to.deep.equal(recorded.metrics);
      expect(r).not.to.have.any.keys('seeds', 'metricsSd', 'perSeed', 'grouping');
    });
  }
});
