// Experiments over N seeds without the GPU: the statistics against hand-worked values (mean, sample
// sd with n − 1, none for one value), the seed derivation, the `seeds` key of every experiment (help,
// validator, command line), the merging of N results (metrics, tables, charts, notes, grouping) on
// hand-made results run through defineExperiment, and the report's and CLI's "mean ± sd" text.
import { expect } from 'chai';
import { parseExperimentArgs } from '../../cli/experiment-args.mjs';
import { buildReport, comparisonTable, metricRows, resultText, withSd } from '../../scripts/report-html.mjs';
import {
  combineCharts,
  combineMetrics,
  combineTables,
  type ConfigSchema,
  defineExperiment,
  experimentHelp,
  formatMeanSd,
  mean,
  meanSd,
  SEED_KEY,
  SEEDS_KEY,
  sampleSd,
  seedList,
  seedOf,
  trainGroup,
} from '../../src/experiments/kit/index';
import { experiments } from '../../src/experiments/registry';
import type { ExperimentContext, ExperimentResult } from '../../src/experiments/types';
import { ConfigError } from '../../src/util/errors';

describe('seeds: statistics', () => {
  it('mean and sample sd match hand-worked values', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; 32/7.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).to.equal(5);
    expect(sampleSd(xs)).to.be.closeTo(Math.sqrt(32 / 7), 1e-15);
    // 1, 2: mean 1.5, deviations ±0.5, (0.25+0.25)/1 = 0.5.
    expect(sampleSd([1, 2])).to.be.closeTo(Math.SQRT1_2, 1e-15);
    // 0.1, 0.2, 0.3: mean 0.2; (0.01+0+0.01)/2 = 0.01 → sd 0.1.
    expect(mean([0.1, 0.2, 0.3])).to.be.closeTo(0.2, 1e-16);
    expect(sampleSd([0.1, 0.2, 0.3])).to.be.closeTo(0.1, 1e-15);
  });

  it('one value has a mean and no sd (never a made-up 0); none has neither', () => {
    expect(mean([3.5])).to.equal(3.5);
    expect(sampleSd([3.5])).to.equal(undefined);
    expect(meanSd([3.5])).to.deep.equal({ mean: 3.5, sd: null });
    expect(mean([])).to.be.NaN;
    expect(sampleSd([])).to.equal(undefined);
  });

  it('writes "mean ± sd", or the mean alone when there is no sd', () => {
    expect(formatMeanSd(12.34, 0.4321)).to.equal('12.34 ± 0.43');
    expect(formatMeanSd(12.34, null)).to.equal('12.34');
    expect(formatMeanSd(12.34, undefined)).to.equal('12.34');
    expect(formatMeanSd(12.34, Number.NaN)).to.equal('12.34');
    expect(withSd(0.123456, 0.0012345)).to.equal('0.12346 ± 0.0012');
    expect(withSd(0.123456, null)).to.equal('0.12346');
    expect(withSd('MSE', 0.1)).to.equal('MSE');
  });
});

describe('seeds: seed derivation', () => {
  it('run k of N uses seed + k', () => {
    expect(seedOf(7, 0)).to.equal(7);
    expect(seedOf(7, 3)).to.equal(10);
    expect(seedList(0, 1)).to.deep.equal([0]);
    expect(seedList(5, 4)).to.deep.equal([5, 6, 7, 8]);
  });
});

describe('seeds: the key of every experiment', () => {
  it('every experiment has `seeds` right after `seed`, default 1 at every scale', () => {
    for (const def of experiments()) {
      const keys = Object.keys(def.schema ?? {});
      expect(keys, def.name).to.include('seed');
      expect(keys[keys.indexOf('seed') + 1], def.name).to.equal('seeds');
      for (const scale of ['tiny', 'small', 'full'] as const) expect(def.defaults(scale)).to.have.property('seeds', 1);
      expect(experimentHelp(def)).to.include('--seeds <int> [runs]: an integer from 1 to 100');
    }
  });

  it('a bad value is refused with the one message form; seed + seeds − 1 must stay a seed', () => {
    const def = experiments().find((d) => d.name === 'fc-train')!;
    expect(def.validate({ seeds: '3' }, 'tiny')).to.have.property('seeds', 3);
    expect(() => def.validate({ seeds: 0 }, 'tiny')).to.throw(
      ConfigError,
      'fc-train.seeds: bad value 0; expected an integer from 1 to 100.',
    );
    expect(() => def.validate({ seeds: '2.5' }, 'tiny')).to.throw(ConfigError, 'fc-train.seeds: bad value "2.5"');
    expect(() => def.validate({ seed: SEED_KEY.max, seeds: 2 }, 'tiny')).to.throw(
      ConfigError,
      'fc-train.seeds: bad value 2; expected at most 1',
    );
  });

  it('--seeds N on the command line is the config key seeds', () => {
    const r = parseExperimentArgs(['fc-train', '--seeds', '3', '--out', 'x']);
    expect(r.config).to.deep.equal({ seeds: '3' });
    expect(SEEDS_KEY.default.small).to.equal(1);
  });
});

/** A toy experiment whose figures are made from its seed, so the merged figures can be worked by hand. */
interface Toy {
  size: number;
  seed: number;
}
const TOY_SCHEMA: ConfigSchema<Toy> = {
  size: { type: 'int', min: 1, help: 'a size', default: { tiny: 2, small: 2, full: 2 } },
  seed: SEED_KEY,
};
const toyRuns: number[] = [];
const toy = defineExperiment<Toy>({
  name: 'toy',
  title: 'Toy',
  description: 'figures from the seed',
  schema: TOY_SCHEMA,
  async run(_ctx, c): Promise<ExperimentResult> {
    toyRuns.push(c.seed);
    const s = c.seed;
    return {
      experiment: 'toy',
      config: { ...c },
      metrics: { loss: s, curve: [s, 2 * s], byLatent: { 8: s * s, 16: [1, s] } },
      charts: [
        {
          id: 'loss',
          title: 'loss',
          xLabel: 'epoch',
          yLabel: 'loss',
          series: [{ name: 'train', x: s === 1 ? [1, 2, 3] : [1, 2], y: s === 1 ? [1, 2, 9] : [s, s + 1] }],
        },
      ],
      grids: [{ id: 'g', title: 'images', images: new Float32Array(784).fill(s / 10), count: 1, cols: 1 }],
      tables: [{ id: 't', title: 'table', columns: ['latent', 'loss', 'note'], rows: [[8, s, s === 1 ? 'a' : 'b']] }],
      heatmaps: [],
      weights: [{ key: `toy:seed=${s}`, bytes: new Uint8Array([s]) }],
      stopReasons: { model: `stopped ${s}` },
      adapter: 'toy adapter',
      elapsedMs: 10,
      notes: ['shared note', `own note ${s}`],
    };
  },
});
const ctx = { runtime: null } as unknown as ExperimentContext;

describe('seeds: merging the runs of one experiment', () => {
  it('seeds = 1 runs once and returns that run as it is', async () => {
    toyRuns.length = 0;
    const r = await toy.run(ctx, toy.validate({ seed: 4 }, 'tiny'));
    expect(toyRuns).to.deep.equal([4]);
    expect(r.metrics).to.deep.equal({ loss: 4, curve: [4, 8], byLatent: { 8: 16, 16: [1, 4] } });
    expect(r).not.to.have.any.keys('seeds', 'metricsSd', 'perSeed', 'grouping');
    expect(r.tables[0]).not.to.have.property('sd');
    expect(r.charts[0]!.series[0]).not.to.have.property('sd');
  });

  it('seeds = 3 runs seed, seed+1, seed+2 one after another and merges them into mean ± sd', async () => {
    toyRuns.length = 0;
    const r = await toy.run(ctx, toy.validate({ seed: 1, seeds: 3 }, 'tiny'));
    expect(toyRuns).to.deep.equal([1, 2, 3]);
    expect(r.seeds).to.deep.equal([1, 2, 3]);
    expect(r.config).to.include({ seed: 1, seeds: 3 });
    expect(r.grouping).to.deep.equal([
      { runs: ['seed=1', 'seed=2', 'seed=3'], together: false, how: 'trained one after another' },
    ]);
    // loss 1, 2, 3: mean 2, sd 1. curve [1,2],[2,4],[3,6]: means [2,4], sds [1,2].
    // byLatent 8: 1, 4, 9: mean 14/3, deviations −11/3, −2/3, 13/3: (121+4+169)/9/2 = 49/3.
    expect(r.metrics.loss).to.equal(2);
    expect(r.metricsSd!.loss).to.equal(1);
    expect(r.metrics.curve).to.deep.equal([2, 4]);
    expect(r.metricsSd!.curve).to.deep.equal([1, 2]);
    const by = r.metrics.byLatent as Record<string, number | number[]>;
    const bySd = r.metricsSd!.byLatent as Record<string, number | number[]>;
    expect(by[8]).to.be.closeTo(14 / 3, 1e-14);
    expect(bySd[8]).to.be.closeTo(Math.sqrt(49 / 3), 1e-14);
    expect(by[16]).to.deep.equal([1, 2]);
    expect(bySd[16]).to.deep.equal([0, 1]);
    // Per-seed figures stay.
    expect(r.perSeed!.map((p) => [p.seed, p.metrics.loss])).to.deep.equal([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    // Chart points matched by x: x 1 → 1, 2, 3; x 2 → 2, 3, 4; x 3 only in seed 1's run (no sd).
    const s = r.charts[0]!.series[0]!;
    expect(s.x).to.deep.equal([1, 2, 3]);
    expect(s.y).to.deep.equal([2, 3, 9]);
    expect(s.sd!.slice(0, 2)).to.deep.equal([1, 1]);
    expect(s.sd![2]).to.be.NaN;
    // Table: the latent (equal everywhere) is a label without sd; the loss gets mean and sd; text joined.
    expect(r.tables[0]!.rows).to.deep.equal([[8, 2, 'a / b']]);
    expect(r.tables[0]!.sd).to.deep.equal([[null, 1, null]]);
    // Images of the first seed; every seed's weights; stop reasons and own notes by seed.
    expect(r.grids[0]!.title).to.equal('images (seed 1)');
    expect(r.weights.map((w) => w.key)).to.deep.equal(['toy:seed=1', 'toy:seed=2', 'toy:seed=3']);
    expect(r.stopReasons).to.deep.equal({
      'seed=1: model': 'stopped 1',
      'seed=2: model': 'stopped 2',
      'seed=3: model': 'stopped 3',
    });
    expect(r.notes[0]).to.match(/^3 seeds \(1, 2, 3\); seed=1, seed=2, seed=3: trained one after another\./);
    expect(r.notes.slice(1)).to.deep.equal([
      'shared note',
      'seed 1: own note 1',
      'seed 2: own note 2',
      'seed 3: own note 3',
    ]);
  });

  it('the merging functions on their own', () => {
    expect(combineMetrics([{ a: 1 }, { a: 3 }])).to.deep.equal({ mean: { a: 2 }, sd: { a: Math.SQRT2 } });
    const t = combineTables([
      [{ id: 't', title: 't', columns: ['x'], rows: [[1]] }],
      [{ id: 't', title: 't', columns: ['x'], rows: [[1, 2]] }],
    ]);
    // A table whose shape differs between runs keeps the first run's.
    expect(t[0]!.rows).to.deep.equal([[1]]);
    expect(t[0]).not.to.have.property('sd');
    const c = combineCharts([
      [{ id: 'c', title: '', xLabel: '', yLabel: '', series: [{ name: 'a', x: [0], y: [1] }] }],
      [{ id: 'c', title: '', xLabel: '', yLabel: '', series: [{ name: 'a', x: [0], y: [3] }] }],
    ]);
    expect(c[0]!.series[0]).to.deep.equal({ name: 'a', x: [0], y: [2], sd: [Math.SQRT2] });
  });

  it("keeps a sweep's own groups, each named by its seed, after the seeds' group", async () => {
    const sweep = defineExperiment<Toy>({
      name: 'toy-sweep',
      title: 'Toy sweep',
      description: 'variants in one group',
      schema: TOY_SCHEMA,
      async run(_ctx, c) {
        const { results, grouping } = await trainGroup(
          ctx,
          ['a', 'b'].map((v) => ({ name: `v=${v}`, run: v })),
          async (v) => (v === 'a' ? c.seed : 10 * c.seed),
        );
        return {
          ...(await toy.run(ctx, toy.validate({ seed: c.seed }, 'tiny'))),
          metrics: { a: results[0]!, b: results[1]! },
          grouping,
        };
      },
    });
    const r = await sweep.run(ctx, sweep.validate({ seed: 1, seeds: 2 }, 'tiny'));
    const how = 'trained one after another';
    expect(r.grouping).to.deep.equal([
      { runs: ['seed=1', 'seed=2'], together: false, how },
      { runs: ['seed=1 v=a', 'seed=1 v=b'], together: false, how },
      { runs: ['seed=2 v=a', 'seed=2 v=b'], together: false, how },
    ]);
    expect(r.metrics).to.deep.equal({ a: 1.5, b: 15 });
  });

  it('trainGroup asks `before` ahead of each member and stops when it answers true', async () => {
    const seen: string[] = [];
    const { results, grouping } = await trainGroup(
      ctx,
      ['x', 'y', 'z'].map((n) => ({ name: n, run: n })),
      async (n) => {
        seen.push(n);
        return n;
      },
      (m) => m.name === 'z',
    );
    expect(seen).to.deep.equal(['x', 'y']);
    expect(results).to.deep.equal(['x', 'y']);
    expect(grouping[0]!.runs).to.deep.equal(['x', 'y']);
  });

  it('trainGroup runs its members in order and stops starting new ones after an abort', async () => {
    const abort = new AbortController();
    const seen: number[] = [];
    const { results, grouping } = await trainGroup(
      { ...ctx, signal: abort.signal },
      [1, 2, 3].map((k) => ({ name: `seed=${k}`, run: k })),
      async (k) => {
        seen.push(k);
        if (k === 2) abort.abort();
        return k * 10;
      },
    );
    expect(seen).to.deep.equal([1, 2]);
    expect(results).to.deep.equal([10, 20]);
    expect(grouping).to.deep.equal([{ runs: ['seed=1', 'seed=2'], together: false, how: 'trained one after another' }]);
  });
});

describe('seeds: the report and the command line', () => {
  const twoSeeds = {
    experiment: 'conv-latent',
    title: 'conv-latent',
    scale: 'tiny',
    seed: 0,
    seeds: [0, 1],
    config: { seed: 0, seeds: 2 },
    adapter: 'swiftshader',
    elapsedMs: 1000,
    metrics: { params: { 3: 100, 5: 120 }, train_loss: { 3: 0.05, 5: 0.04 }, test_loss: { 3: 0.06, 5: 0.045 } },
    metricsSd: { params: { 3: 0, 5: 0 }, train_loss: { 3: 0.002, 5: 0.001 }, test_loss: { 3: 0.003, 5: 0.0015 } },
    grouping: [{ runs: ['seed=0', 'seed=1'], together: false, how: 'trained one after another' }],
    tables: [{ id: 'loss', title: 'Loss', columns: ['latent', 'test'], rows: [[3, 0.06]], sd: [[null, 0.003]] }],
    notes: [],
    charts: [],
    grids: [],
    heatmaps: [],
    stopReasons: {},
  };
  const run = { id: 'conv-latent', name: 'conv-latent', status: 'ok' as const, dir: 'conv-latent', result: twoSeeds };

  it('metric rows carry their sd', () => {
    expect(metricRows(twoSeeds.metrics, twoSeeds.metricsSd)).to.deep.include(['test_loss.3', '0.06 ± 0.003']);
    expect(metricRows({ a: [1, 2] }, { a: [0.5, Number.NaN] })).to.deep.equal([['a', '1 ± 0.5, 2']]);
    expect(metricRows({ a: 1 })).to.deep.equal([['a', '1']]);
  });

  it("the comparison with the report's figures gives our measured cells their sd (not the report's, not the parameters)", () => {
    const t = comparisonTable(run)!;
    expect(t.columns).to.deep.equal([
      'latent',
      'report params',
      'our params',
      'report train',
      'ours train',
      'report test',
      'ours test',
    ]);
    expect(t.sd![0]).to.deep.equal([null, null, null, null, 0.002, null, 0.003]);
  });

  it('report.html shows the spread beside the figures and says how the runs were trained', () => {
    const { html, json } = buildReport({ scale: 'tiny', seed: 0, seeds: 2, runs: [run] });
    expect(html).to.include('<strong>2 seeds</strong> per experiment');
    expect(html).to.include('seeds 0, 1 (mean ± sd)');
    expect(html).to.include('<td class="spread">0.06 ± 0.003</td>');
    expect(html).to.include('<td>seed=0, seed=1</td><td>trained one after another</td>');
    expect(json.seeds).to.equal(2);
    const one = buildReport({
      scale: 'tiny',
      runs: [
        { ...run, result: { ...twoSeeds, seeds: undefined, metricsSd: undefined, grouping: undefined, tables: [] } },
      ],
    });
    expect(one.html).not.to.include('±');
  });

  it('the CLI prints tables and metrics with "mean ± sd"', () => {
    const text = resultText(twoSeeds);
    expect(text).to.include('Loss (mean ± sd over 2 seeds: 0, 1)');
    expect(text).to.match(/\n {2}3 {7}0\.06 ± 0\.003\n/);
    expect(text).to.match(/\n {2}test_loss\.5 +0\.045 ± 0\.0015\n/);
    expect(text).to.include('runs seed=0, seed=1: trained one after another');
  });
});
