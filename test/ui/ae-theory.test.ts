// <ae-theory-lab>: the form's stopping conditions reach the descent, Run shows the stop reason and the
// Hessian classification (bowl → minimum, saddle started on the x axis → saddle), the path is drawn
// over the contours, clicking the plot moves the start, and the angle chart gets both curves.
import { expect } from 'chai';
import '../../src/ui/index';
import type { AeChart } from '../../src/ui/components/ae-chart/ae-chart';
import { mount, part } from './helpers';

const waitFor = async (ok: () => boolean, ms = 30000) => {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('<ae-theory-lab>', () => {
  afterEach(() => document.body.replaceChildren());

  it('runs the bowl from the Run button to (0, 0), classified a minimum, and draws the path', async () => {
    const lab = await mount('ae-theory-lab', (l) => {
      l.fn = 'bowl';
      l.startX = 1.5;
      l.startY = -1;
      l.lr = 0.1;
    });
    part(lab, 'button').click();
    await waitFor(() => lab.result !== null);
    await lab.updateComplete;
    expect(lab.result!.kind).to.equal('minimum');
    expect(Math.hypot(lab.result!.end.x, lab.result!.end.y)).to.be.lessThan(1e-3);
    const text = part(lab, '[part="result"]').textContent!;
    expect(text).to.match(/gradient norm .* below 0.0001/);
    expect(text).to.contain('minimum');
    expect(text).to.contain('finite differences');
    // The path is red: some pixel along it has red ≫ green.
    const canvas = part(lab, 'canvas') as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let red = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! > 150 && px[i + 1]! < 80) red++;
    expect(red).to.be.greaterThan(20);
  });

  it('passes the chosen stopping conditions: max iterations alone, a target value, the saddle on the x axis', async () => {
    const lab = await mount('ae-theory-lab', (l) => {
      l.fn = 'bowl';
      l.startX = 1;
      l.startY = 1;
      l.lr = 0.1;
    });
    lab.enabledStops = new Set();
    lab.maxIterations = 4;
    expect(lab.stopConditions()).to.deep.equal({ maxEpochs: 4 });
    expect((await lab.runDescent())!.stopReason).to.equal('max epochs (4) reached');
    const box = part(lab, 'input[name="targetLoss"]') as HTMLInputElement;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    const value = part(lab, 'input[name="targetLoss-value"]') as HTMLInputElement;
    value.value = '0.5';
    value.dispatchEvent(new Event('change'));
    lab.maxIterations = 100;
    expect(lab.stopConditions()).to.deep.equal({ maxEpochs: 100, targetLoss: 0.5 });
    expect((await lab.runDescent())!.stopReason).to.match(/^target loss 0.5 reached/);
    lab.fn = 'saddle';
    lab.startX = 1;
    lab.startY = 0;
    lab.enabledStops = new Set(['gradNorm']);
    const r = (await lab.runDescent())!;
    await lab.updateComplete;
    expect(r.kind).to.equal('saddle');
    expect(part(lab, '.kind').textContent).to.equal('saddle');
  });

  it('moves the start where the plot is clicked', async () => {
    const lab = await mount('ae-theory-lab', (l) => (l.fn = 'doubleWell'));
    const canvas = part(lab, 'canvas');
    const rect = canvas.getBoundingClientRect();
    canvas.dispatchEvent(
      new MouseEvent('click', {
        clientX: rect.left + rect.width * 0.75,
        clientY: rect.top + rect.height * 0.25,
        bubbles: true,
      }),
    );
    // Within 0.02: the canvas border shifts the click by a pixel.
    expect(lab.startX).to.be.closeTo(1, 0.02);
    expect(lab.startY).to.be.closeTo(1, 0.02);
  });

  it('plots the circular loss and the naive one for target 170', async () => {
    const lab = await mount('ae-theory-lab');
    await waitFor(() => lab.angles !== null);
    await lab.updateComplete;
    const chart = part(lab, 'ae-chart') as unknown as AeChart;
    expect(chart.series!.map((s) => s.name)).to.deep.equal(['circular loss (wrapped)', 'naive (p − t)²']);
    const a = lab.angles!;
    expect(a.target).to.equal(170);
    const at = (p: number) => a.predicted.indexOf(p);
    expect(a.circular[at(170)]).to.equal(0);
    expect(a.circular[at(370)]).to.be.closeTo(160 * 160, 1e-2);
    expect(a.naive[at(370)]).to.be.closeTo(200 * 200, 1e-2);
  });
});
