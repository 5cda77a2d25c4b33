// <ae-heatmap>: cell colours follow the diverging or one-signed scale, read back from the canvas;
// the values table matches the matrix.
import { expect } from 'chai';
import '../../src/ui/index';
import { mount, part } from './helpers';

const pixel = (canvas: HTMLCanvasElement, x: number, y: number) =>
  Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3));

describe('<ae-heatmap>', () => {
  afterEach(() => document.body.replaceChildren());

  it('colours negative, zero and positive cells on a diverging scale', async () => {
    const map = await mount('ae-heatmap', (h) => {
      h.style.setProperty('--ae-heat-negative', 'rgb(0, 0, 255)');
      h.style.setProperty('--ae-heat-middle', 'rgb(255, 255, 255)');
      h.style.setProperty('--ae-heat-positive', 'rgb(255, 0, 0)');
      h.heading = 'r';
      h.size = 2;
      h.values = new Float32Array([1, -1, 0, 0.5]);
      h.min = -1;
      h.max = 1;
    });
    const canvas = part(map, 'canvas') as HTMLCanvasElement;
    const cell = canvas.width / 2;
    expect(pixel(canvas, 2, 2), 'value 1').to.deep.equal([255, 0, 0]);
    expect(pixel(canvas, cell + 2, 2), 'value -1').to.deep.equal([0, 0, 255]);
    expect(pixel(canvas, 2, cell + 2), 'value 0').to.deep.equal([255, 255, 255]);
    expect(pixel(canvas, cell + 2, cell + 2), 'value 0.5').to.deep.equal([255, 128, 128]);
    expect(map.colourOf(-0.5)).to.equal('rgb(128, 128, 255)');
    expect(canvas.getAttribute('aria-label')).to.equal('r: 2×2 values from -1.000 to 1.000');
    const cells = Array.from(part(map, '[part="values"]').querySelectorAll('td')).map((td) => td.textContent);
    expect(cells).to.deep.equal(['1.000', '-1.000', '0.000', '0.500']);
  });

  it('runs from the middle colour at min to the positive colour at max for one-signed data', async () => {
    const map = await mount('ae-heatmap', (h) => {
      h.style.setProperty('--ae-heat-middle', 'rgb(255, 255, 255)');
      h.style.setProperty('--ae-heat-positive', 'rgb(0, 0, 0)');
      h.size = 1;
      h.values = [0.25];
      h.min = 0;
      h.max = 1;
    });
    expect(map.colourOf(0)).to.equal('rgb(255, 255, 255)');
    expect(map.colourOf(1)).to.equal('rgb(0, 0, 0)');
    expect(pixel(part(map, 'canvas') as HTMLCanvasElement, 1, 1)).to.deep.equal([191, 191, 191]);
  });
});
