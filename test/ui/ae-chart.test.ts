// <ae-chart>: appended points reach uPlot in one frame, series appear on first use, the plot follows
// the element's width, the stylesheet is adopted, and disconnecting destroys the plot.
import { expect } from 'chai';
import '../../src/ui/index';
import { formatTick, formatValue } from '../../src/ui/components/ae-chart/ae-chart';
import { mount, part } from './helpers';

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

describe('<ae-chart>', () => {
  afterEach(() => document.body.replaceChildren());

  it('batches appends into one redraw per frame and adds series on first use', async () => {
    const chart = await mount('ae-chart', (c) => {
      c.heading = 'Loss';
      c.xLabel = 'epoch';
      c.yLabel = 'MSE';
    });
    const plot = chart.uplot!;
    expect(plot, 'uPlot made in firstUpdated').to.not.equal(null);
    expect(plot.series.length).to.equal(1);
    let redraws = 0;
    const setData = plot.setData.bind(plot);
    plot.setData = (...args: Parameters<typeof setData>) => {
      redraws++;
      setData(...args);
    };
    chart.append('train', 1, 0.5);
    chart.append('train', 2, 0.25);
    chart.append('test', 1, 0.6);
    chart.append('test', 2, 0.3);
    expect(chart.drawnPointCount).to.equal(0);
    await nextFrame();
    await nextFrame();
    expect(redraws).to.equal(1);
    expect(chart.uplot, 'the same instance, never recreated for data').to.equal(plot);
    expect(plot.series.map((s) => s.label)).to.deep.equal(['epoch', 'train', 'test']);
    expect(plot.data[0]).to.deep.equal([1, 2]);
    expect(plot.data[1]).to.deep.equal([0.5, 0.25]);
    expect(plot.data[2]).to.deep.equal([0.6, 0.3]);
    expect(chart.drawnPointCount).to.equal(4);
    await chart.updateComplete;
    expect(part(chart, '[part="plot"]').getAttribute('aria-label')).to.equal(
      'Loss: train 0.25 at epoch 2; test 0.3 at epoch 2',
    );
    expect(part(chart, '[part="heading"]').textContent).to.equal('Loss');
  });

  it("gives a run's train and test curves one colour, the test curve dashed", async () => {
    const chart = await mount('ae-chart');
    for (const s of ['latent=3 train', 'latent=3 test', 'latent=8 train', 'latent=8 test']) chart.append(s, 1, 1);
    chart.flush();
    const plot = chart.uplot!;
    const colour = (i: number) => {
      const s = plot.series[i]!.stroke;
      return String(typeof s === 'function' ? s(plot, i) : s);
    };
    expect(colour(1)).to.equal(colour(2));
    expect(colour(3)).to.equal(colour(4));
    expect(colour(1)).to.not.equal(colour(3));
    expect(plot.series[1]!.dash ?? null).to.equal(null);
    expect(plot.series[2]!.dash).to.deep.equal([6, 4]);
  });

  it('aligns series with different x values, leaving gaps as null', async () => {
    const chart = await mount('ae-chart');
    chart.append('a', 1, 1);
    chart.append('b', 3, 2);
    chart.flush();
    expect(chart.uplot!.data[0]).to.deep.equal([1, 3]);
    expect(chart.uplot!.data[1]).to.deep.equal([1, null]);
    expect(chart.uplot!.data[2]).to.deep.equal([null, 2]);
  });

  it('takes whole series, log scales and bars, and drops non-positive values on a log axis', async () => {
    const chart = await mount('ae-chart', (c) => {
      c.yScale = 'log';
      c.series = [{ name: 'nrmse', x: [3, 5, 10], y: [0.2, 0, 0.05] }];
    });
    expect(chart.uplot!.scales.y!.distr).to.equal(3);
    expect(chart.uplot!.data[1]).to.deep.equal([0.2, null, 0.05]);
    chart.kind = 'bar';
    chart.yScale = 'linear';
    await chart.updateComplete;
    expect(chart.uplot!.scales.y!.distr).to.equal(1);
    // Bars stand at evenly spaced categories labelled with the x values.
    expect(chart.uplot!.data[0]).to.deep.equal([0, 1, 2]);
    expect(chart.uplot!.data[1]).to.deep.equal([0.2, 0, 0.05]);
    const axis = chart.uplot!.axes[0]!;
    const labels = (axis.values as (u: unknown, t: number[]) => string[])(chart.uplot, [0, 1, 2]);
    expect(labels).to.deep.equal(['3', '5', '10']);
  });

  it('adopts uPlot CSS in the shadow root, uses --ae-series-* colours and --ae-chart-height', async () => {
    const chart = await mount('ae-chart', (c) => {
      c.style.setProperty('--ae-series-1', 'rgb(1, 2, 3)');
      c.style.setProperty('--ae-chart-height', '150px');
    });
    chart.append('only', 0, 1);
    chart.flush();
    const legend = chart.shadowRoot!.querySelector('.u-legend') as HTMLElement;
    expect(legend, 'uPlot legend inside the shadow root').to.not.equal(null);
    // From uPlot.min.css: the wrapper is positioned, so the stylesheet was adopted.
    expect(getComputedStyle(chart.shadowRoot!.querySelector('.u-wrap')!).position).to.equal('relative');
    const stroke = chart.uplot!.series[1]!.stroke;
    const colour = typeof stroke === 'function' ? stroke(chart.uplot!, 1) : stroke;
    expect(String(colour)).to.equal('rgb(1, 2, 3)');
    expect(chart.uplot!.height).to.equal(150);
  });

  it('follows the width of its box through a ResizeObserver', async () => {
    const box = document.createElement('div');
    box.style.width = '500px';
    document.body.append(box);
    const chart = document.createElement('ae-chart');
    box.append(chart);
    await chart.updateComplete;
    await nextFrame();
    expect(chart.uplot!.width).to.be.within(495, 500);
    box.style.width = '320px';
    await nextFrame();
    await nextFrame();
    expect(chart.uplot!.width).to.be.within(315, 320);
  });

  it('destroys the plot and stops observing on disconnect, and builds a new one on reconnect', async () => {
    const chart = await mount('ae-chart');
    chart.append('s', 1, 1);
    const plot = chart.uplot!;
    let destroyed = false;
    const destroy = plot.destroy.bind(plot);
    plot.destroy = () => {
      destroyed = true;
      destroy();
    };
    chart.remove();
    expect(destroyed).to.equal(true);
    expect(chart.uplot).to.equal(null);
    expect(chart.shadowRoot!.querySelector('.uplot')).to.equal(null);
    document.body.append(chart);
    expect(chart.uplot).to.not.equal(null);
    expect(chart.uplot!.data[1]).to.deep.equal([1]);
  });

  it('formats values with 4 significant digits', () => {
    expect(formatValue(0.123456)).to.equal('0.1235');
    expect(formatValue(0.00001234)).to.equal('1.23e-5');
    expect(formatValue(12)).to.equal('12');
    expect(formatValue(1140996)).to.equal('1,140,996');
    expect(formatTick(1140996)).to.equal('1.1e+6');
    expect(formatTick(2000000)).to.equal('2e+6');
    expect(formatTick(0.25)).to.equal('0.25');
    expect(formatTick(null)).to.equal('');
    expect(formatValue(null)).to.equal('—');
    expect(formatValue(Number.NaN)).to.equal('—');
  });
});
