// <ae-dataset-viewer>: a seeded sample of real MNIST / Fashion-MNIST training images with labels;
// user IDX files are parsed as untrusted input and a malformed one shows a message and fires ae-error.
import { expect } from 'chai';
import '../../src/ui/index';
import { FASHION_MNIST_CLASSES, type AeDatasetViewer } from '../../src/ui/index';
import { deriveSeed, loadDataset, sampleIndices, type Dataset } from '../../src/data/index';
import { idxBytes, nextEvent, part } from './helpers';

const PIXELS = 784;

/** Mounts a viewer and waits until its first sample is shown. */
async function mountViewer(dataset: string): Promise<AeDatasetViewer> {
  const el = document.createElement('ae-dataset-viewer');
  el.setAttribute('dataset', dataset);
  const done = nextEvent(el, 'ae-done', 90000);
  const failed = nextEvent(el, 'ae-error', 90000).then((e) => {
    throw e.detail.error;
  });
  document.body.append(el);
  await Promise.race([done, failed]);
  await el.updateComplete;
  return el;
}

function gridOf(el: AeDatasetViewer) {
  const grid = el.shadowRoot!.querySelector('ae-image-grid');
  if (!grid) throw new Error('no <ae-image-grid> in the viewer');
  return grid;
}

/** Waits for the viewer's ae-error after `action`, then for the re-render. */
async function errorAfter(el: AeDatasetViewer, action: () => unknown): Promise<{ message: string; shown: string }> {
  const errored = nextEvent(el, 'ae-error', 10000);
  action();
  const event = await errored;
  await el.updateComplete;
  const box = part(el, '[part="error"]');
  expect(box.getAttribute('role')).to.equal('alert');
  return { message: event.detail.error.message, shown: box.textContent!.replace(/\s+/g, ' ') };
}

describe('<ae-dataset-viewer>', () => {
  let mnist: Dataset;
  before(async () => {
    mnist = await loadDataset('mnist');
  });
  afterEach(() => document.body.replaceChildren());

  it('shows 32 seeded random MNIST training images with their labels, counts and histogram', async () => {
    const el = await mountViewer('mnist');
    const grid = gridOf(el);
    await grid.updateComplete;
    expect(grid.layout.count).to.equal(32);
    expect(grid.images!.length).to.equal(32 * PIXELS);

    // The same images and labels as an independent draw with the viewer's seed (1).
    const indices = sampleIndices(mnist.train.count, 32, 1);
    const labels: string[] = [];
    for (let k = 0; k < 32; k++) {
      const i = indices[k]!;
      const expected = mnist.train.images.subarray(i * PIXELS, (i + 1) * PIXELS);
      expect(grid.images!.subarray(k * PIXELS, (k + 1) * PIXELS), `image ${k} = training image ${i}`).to.deep.equal(
        expected,
      );
      labels.push(String(mnist.train.labels[i]!));
    }
    expect(grid.labels).to.deep.equal(labels);

    // The canvas holds the real pixels: the brightest pixel of image 0 reads back unchanged.
    const first = mnist.train.images.subarray(indices[0]! * PIXELS, (indices[0]! + 1) * PIXELS);
    const p = first.indexOf(Math.max(...first));
    const o = grid.cellOrigin(0);
    const canvas = part(grid, 'canvas') as HTMLCanvasElement;
    const rgba = canvas.getContext('2d')!.getImageData(o.x + (p % 28), o.y + Math.floor(p / 28), 1, 1).data;
    expect(rgba[0]).to.equal(first[p]);

    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('60,000 training and 10,000 test images');
    expect(part(el, '[part="histogram"]').textContent!.replace(/\s+/g, ' ')).to.contain('1 6,742');
  });

  it('"Show another sample" (keyboard-reachable button) draws the next seeded sample', async () => {
    const el = await mountViewer('mnist');
    const button = [...el.shadowRoot!.querySelectorAll('button')].find((b) =>
      b.textContent!.includes('another sample'),
    )!;
    expect(button.disabled).to.equal(false);
    button.focus();
    expect(el.shadowRoot!.activeElement).to.equal(button);
    const done = nextEvent(el, 'ae-done', 1).catch(() => null); // no reload: resampling is local
    button.click();
    await el.updateComplete;
    const grid = gridOf(el);
    await grid.updateComplete;
    expect(await done).to.equal(null);
    const i = sampleIndices(mnist.train.count, 32, deriveSeed(1, 1))[0]!;
    expect(grid.images!.subarray(0, PIXELS)).to.deep.equal(mnist.train.images.subarray(i * PIXELS, (i + 1) * PIXELS));
  });

  it('labels Fashion-MNIST images with class names', async () => {
    const el = await mountViewer('fashion-mnist');
    const grid = gridOf(el);
    expect(grid.layout.count).to.equal(32);
    for (const label of grid.labels!) expect(FASHION_MNIST_CLASSES).to.include(label);
    expect(part(el, '[part="histogram"]').textContent).to.contain('Ankle boot');
  });

  it('rejects a gzip-compressed file with a readable message and keeps the previous sample', async () => {
    const el = await mountViewer('mnist');
    const bad = new File([new Uint8Array([0x1f, 0x8b, 0x08, 0x08, 1, 2, 3, 4])], 'train-images-idx3-ubyte.gz');
    const { message, shown } = await errorAfter(el, () => void el.loadFiles(bad));
    expect(message).to.contain('train-images-idx3-ubyte.gz: file is gzip-compressed');
    expect(shown).to.contain('Could not read train-images-idx3-ubyte.gz');
    expect(shown).to.contain('Decompress it first');
    expect(gridOf(el).layout.count).to.equal(32);
  });

  it('rejects a truncated file chosen through the file input', async () => {
    const el = await mountViewer('mnist');
    // The header promises 3 images of 28×28 but only 100 pixels follow.
    const truncated = new File([idxBytes([3, 28, 28], new Uint8Array(100))], 'short-images-idx3-ubyte');
    const input = part(el, 'input[name="images"]') as HTMLInputElement;
    const transfer = new DataTransfer();
    transfer.items.add(truncated);
    input.files = transfer.files;
    const { shown } = await errorAfter(el, () => input.dispatchEvent(new Event('change', { bubbles: true })));
    expect(shown).to.contain(
      'short-images-idx3-ubyte: file is truncated for dimensions 3x28x28; expected 2368 bytes, got 116 bytes',
    );
  });

  it('names the labels file when its count does not match the images', async () => {
    const el = await mountViewer('mnist');
    const images = new File([idxBytes([2, 28, 28], new Uint8Array(2 * PIXELS))], 'two-images');
    const labels = new File([idxBytes([3], [1, 2, 3])], 'three-labels');
    const { shown } = await errorAfter(el, () => void el.loadFiles(images, labels));
    expect(shown).to.contain('three-labels: label count does not match two-images');
  });

  it('shows a valid user file with its labels', async () => {
    const el = await mountViewer('mnist');
    const n = 3;
    const pixels = new Uint8Array(n * PIXELS);
    for (let k = 0; k < n; k++) pixels.fill(40 + 60 * k, k * PIXELS, (k + 1) * PIXELS); // image k is flat grey
    const done = nextEvent(el, 'ae-done', 10000);
    await el.loadFiles(
      new File([idxBytes([n, 28, 28], pixels)], 'mine-images'),
      new File([idxBytes([n], [7, 1, 4])], 'mine-labels'),
    );
    const event = await done;
    await el.updateComplete;
    expect(event.detail).to.include({ task: 'dataset', source: 'file', shown: 3, total: 3 });
    const grid = gridOf(el);
    await grid.updateComplete;
    expect(grid.layout.count).to.equal(3);
    // Whatever order the sample took, each shown image still carries its own label.
    const labelOf: Record<number, string> = { 40: '7', 100: '1', 160: '4' };
    for (let k = 0; k < 3; k++) expect(grid.labels![k]).to.equal(labelOf[grid.images![k * PIXELS]!]);
    expect(part(el, '[part="title"]').textContent).to.contain('mine-images');
    expect(el.shadowRoot!.querySelector('[part="error"]')).to.equal(null);
  });
});
