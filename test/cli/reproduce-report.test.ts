// The report of `npm run reproduce` (scripts/report-html.mjs, pure, so it runs here in the browser),
// built from hand-made result.json objects: every planned experiment gets its section with its metric
// table and images, the reports' figures sit beside ours, a failed run says so, and a measurement that
// departs from a report's claim is stated as a disagreement with the numbers.
import { expect } from 'chai';
import {
  PLAN,
  buildReport,
  comparisonTable,
  disagreementsOf,
  formatClock,
  metricRows,
  type ReportRun,
} from '../../scripts/report-html.mjs';

/** A result.json as run-experiment-core writes it, with just enough to render. */
function result(
  name: string,
  metrics: Record<string, unknown>,
  notes: string[] = [],
  extra: Record<string, unknown> = {},
) {
  return {
    experiment: name,
    title: `Title of ${name}`,
    scale: 'tiny',
    seed: 0,
    config: { seed: 0 },
    adapter: 'swiftshader',
    elapsedMs: 1234,
    metrics,
    stopReasons: { 'latent=8': 'max epochs (2) reached' },
    notes,
    tables: [{ id: 't', title: `${name} table`, columns: ['a'], rows: [[1]] }],
    charts: [{ id: 'loss', title: `${name} loss`, file: 'loss.png' }],
    grids: [],
    heatmaps: [],
    weights: [],
    ...extra,
  };
}

function runs(): ReportRun[] {
  return PLAN.map((p) => {
    let metrics: Record<string, unknown> = { score: 0.5 };
    const notes = ['Scale: measured with 2 epochs.'];
    if (p.id === 'conv-latent') {
      metrics = {
        params: { 3: 3916, 15: 13336 },
        train_loss: { 3: 0.17, 15: 0.22 },
        test_loss: { 3: 0.1662, 15: 0.2025 },
      };
    }
    if (p.id === 'fc-sweep-loss') {
      metrics = { nrmse_train: { mse: 0.25, bce: 0.26, kl: 0.27 }, nrmse_test: { mse: 0.25, bce: 0.26, kl: 0.27 } };
    }
    if (p.id === 'fc-sweep-activation') metrics = { nrmse_test: { leakyRelu: 0.2, sigmoid: 0.3 } };
    if (p.id === 'fc-sweep-optimizer')
      notes.push(
        'Report: Adam best with RMSprop close behind. Measured: adam best (agrees); RMSprop diverged (disagrees).',
      );
    if (p.id === 'fc-train') notes.push('Report: the loss falls; it does not plateau.');
    if (p.id === 'conv-transfer')
      notes.push('Measured: frozen 0.11 vs full 0.115 — the full network ahead at the end, unlike the report.');
    if (p.id === 'conv-correlation')
      notes.push('Measured: it decreases with every larger latent size, as the report says.');
    return {
      id: p.id,
      name: p.name,
      status: 'ok' as const,
      wallMs: 5000,
      dir: p.id,
      result: result(p.name, metrics, notes),
    };
  });
}

describe('reproduce report', () => {
  it('has a section, a metric table and the images for every planned experiment, with scale, seed, adapter and time', () => {
    const { html, json } = buildReport({
      scale: 'tiny',
      seed: 3,
      adapter: 'google swiftshader',
      totalMs: 95_000,
      finishedAt: '2026-01-01',
      runs: runs(),
    });
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(PLAN.map((p) => p.id)).to.include.members([
      'fc-train',
      'fc-sweep-loss',
      'fc-compression',
      'fc-inversion',
      'conv-latent',
      'conv-capacity',
      'conv-interpolate',
      'conv-correlation',
      'conv-transfer',
    ]);
    for (const p of PLAN) {
      const sec = doc.getElementById(`exp-${p.id}`);
      expect(sec, p.id).to.not.equal(null);
      const captions = [...sec!.querySelectorAll('figcaption')].map((f) => f.textContent);
      expect(captions, p.id).to.include(`${p.id}: metrics`);
      expect(captions, p.id).to.include(`${p.name} table`);
      expect(sec!.querySelector('img')!.getAttribute('src')).to.equal(`${p.id}/loss.png`);
      expect(sec!.querySelector('.facts')!.textContent).to.match(
        /scale tiny · seed 0 · adapter swiftshader · time 0:01/,
      );
    }
    expect(doc.querySelector('.facts')!.textContent)
      .to.contain('Scale tiny')
      .and.contain('seed 3')
      .and.contain('google swiftshader')
      .and.contain('1:35');
    // Nothing outside the folder: no scripts, no remote addresses.
    expect(doc.querySelectorAll('script, link[rel="stylesheet"]').length).to.equal(0);
    expect(html).to.not.match(/(src|href)="(https?:)?\/\//);
    expect(json.experiments.length).to.equal(PLAN.length);
  });

  it('puts the reports\u2019 figures beside ours: the loss NRMSE, the Frobenius norms and the latent table', () => {
    const doc = new DOMParser().parseFromString(buildReport({ scale: 'tiny', runs: runs() }).html, 'text/html');
    const text = (id: string) => doc.getElementById(`exp-${id}`)!.querySelector('.report')!.textContent!;
    expect(text('fc-sweep-loss')).to.contain('0.1127').and.contain('12.9').and.contain('0.2433');
    expect(text('fc-inversion')).to.contain('0.0153').and.contain('1724.5').and.contain('447.2');
    expect(text('conv-latent')).to.contain('1140996').and.contain('0.003427');
    const t = comparisonTable(runs().find((r) => r.id === 'conv-latent')!)!;
    expect(t.rows).to.deep.equal([
      [3, 1140996, 3916, 0.03166, 0.17, 0.03338, 0.1662],
      [15, 1442064, 13336, 0.006411, 0.22, 0.007143, 0.2025],
    ]);
  });

  it('states disagreements plainly with the numbers, from notes and from our own comparisons, and not agreements', () => {
    const all = runs();
    const { html, json } = buildReport({ scale: 'tiny', runs: all });
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const said = (id: string) => [...doc.querySelectorAll(`#exp-${id} .disagreement li`)].map((li) => li.textContent!);
    expect(said('conv-latent').join(' ')).to.contain('rises from latent 3 to 15 (0.1662 → 0.2025)');
    expect(said('conv-transfer').join(' ')).to.contain('unlike the report');
    expect(said('fc-sweep-loss').join(' ')).to.match(/BCE: our test NRMSE 0.26 is far from the report's 12.8/);
    expect(said('conv-correlation')).to.deep.equal([]);
    expect(said('fc-sweep-optimizer').join(' ')).to.contain('RMSprop diverged (disagrees)');
    expect(said('fc-sweep-activation').join(' ')).to.contain('leakyRelu 0.2 vs sigmoid 0.3 (50% higher)');
    // A note that only restates the report's claim is not a disagreement of ours.
    expect(said('fc-train')).to.deep.equal([]);
    expect(json.disagreements.map((d) => d.experiment)).to.include.members([
      'conv-latent',
      'conv-transfer',
      'fc-sweep-loss',
    ]);
    expect(disagreementsOf(all.find((r) => r.id === 'fc-train')!)).to.deep.equal([]);
  });

  it('reports a failed run in its section and escapes text', () => {
    const all = runs();
    all[0] = {
      id: 'fc-train',
      name: 'fc-train',
      status: 'failed',
      error: 'GPU <lost>',
      wallMs: 10,
      dir: 'fc-train',
      result: null,
    };
    const doc = new DOMParser().parseFromString(buildReport({ scale: 'small', runs: all }).html, 'text/html');
    expect(doc.querySelector('#exp-fc-train .error')!.textContent).to.equal('Did not finish (failed): GPU <lost>');
    expect(metricRows({ a: 1, b: { c: [0.123456, 2] } })).to.deep.equal([
      ['a', '1'],
      ['b.c', '0.12346, 2'],
    ]);
    expect(formatClock(3725)).to.equal('1:02:05');
  });
});
