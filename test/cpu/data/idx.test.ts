import { expect } from 'chai';
import { DatasetFormatError } from '../../../src/util/errors';
import { datasetFromIdx, parseIdx } from '../../../src/data/index';
import { makeIdx } from './helpers';

function expectFormatError(fn: () => unknown, ...fragments: (string | RegExp)[]): DatasetFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a DatasetFormatError').to.be.instanceOf(DatasetFormatError);
  const error = caught as DatasetFormatError;
  for (const f of fragments) {
    if (typeof f === 'string') expect(error.message).to.include(f);
    else expect(error.message).to.match(f);
  }
  return error;
}

describe('data/idx: parseIdx', () => {
  it('parses a uint8 images file (3 dims, big-endian)', () => {
    const payload = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
    const parsed = parseIdx(makeIdx([2, 3, 4], payload), 'tiny-images');
    expect(parsed.kind).to.equal('images');
    expect(parsed.dims).to.deep.equal([2, 3, 4]);
    expect(Array.from(parsed.data)).to.deep.equal(Array.from(payload));
  });

  it('parses a uint8 labels file (1 dim) with a count above 255', () => {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i % 10);
    const parsed = parseIdx(makeIdx([300], payload), 'tiny-labels');
    expect(parsed.kind).to.equal('labels');
    expect(parsed.dims).to.deep.equal([300]);
    expect(parsed.data.length).to.equal(300);
    expect(parsed.data[299]).to.equal(9);
  });

  it('returns data that does not alias the input', () => {
    const bytes = makeIdx([2], Uint8Array.of(1, 2));
    const parsed = parseIdx(bytes, 'f');
    bytes[8] = 99;
    expect(parsed.data[0]).to.equal(1);
  });

  it('rejects a file too short for any header', () => {
    expectFormatError(
      () => parseIdx(new Uint8Array(0), 'empty.idx'),
      'empty.idx: ',
      'too short',
      'expected at least 4 bytes, got 0 bytes',
    );
    expectFormatError(() => parseIdx(Uint8Array.of(0, 0, 8), 'three.idx'), 'got 3 bytes');
  });

  it('rejects a header cut inside its dimensions', () => {
    const full = makeIdx([10, 28, 28], 10 * 784);
    expectFormatError(
      () => parseIdx(full.subarray(0, 10), 'cut.idx'),
      'cut.idx: ',
      'too short for its IDX header',
      'expected at least 16 bytes, got 10 bytes',
    );
  });

  it('rejects gzip data and says to decompress it', () => {
    const gz = Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6);
    expectFormatError(
      () => parseIdx(gz, 'train-images-idx3-ubyte.gz'),
      'train-images-idx3-ubyte.gz: ',
      'gzip',
      /decompress/i,
    );
  });

  it('rejects a wrong magic number', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0);
    expectFormatError(
      () => parseIdx(png, 'picture.png'),
      'picture.png: ',
      'magic',
      'expected 0x00000801 (labels) or 0x00000803 (images)',
      'got 0x89504e47',
    );
  });

  it('rejects non-uint8 data types', () => {
    const floats = makeIdx([2, 2, 2], 2 * 2 * 2 * 4, 0x0d);
    expectFormatError(
      () => parseIdx(floats, 'floats.idx'),
      'unsupported IDX data type',
      'expected 0x08 (uint8)',
      'got 0x0d (float32)',
    );
  });

  it('rejects dimension counts other than 1 or 3', () => {
    expectFormatError(() => parseIdx(makeIdx([4, 4], 16), 'matrix.idx'), 'number of IDX dimensions', 'got 2');
    expectFormatError(() => parseIdx(makeIdx([1, 2, 2, 2], 8), 'four.idx'), 'got 4');
  });

  it('rejects truncated data', () => {
    const full = makeIdx([5, 28, 28], 5 * 784);
    const cut = full.subarray(0, full.length - 100);
    expectFormatError(
      () => parseIdx(cut, 'cut-images'),
      'cut-images: ',
      'truncated',
      `expected ${16 + 5 * 784} bytes, got ${16 + 5 * 784 - 100} bytes`,
    );
  });

  it('rejects extra bytes after the data', () => {
    const labels = makeIdx([5], 5 + 3);
    expectFormatError(
      () => parseIdx(labels, 'long-labels'),
      'long-labels: ',
      '3 extra bytes',
      'expected 13 bytes, got 16 bytes',
    );
  });

  it('rejects absurd dimensions before allocating anything for them', () => {
    // Headers alone: payload sizes they announce would be terabytes.
    const hugeCount = makeIdx([0xffffffff], 0);
    expectFormatError(() => parseIdx(hugeCount, 'huge-count'), 'implausible IDX item count', 'got 4294967295');
    const hugeSide = makeIdx([10, 100000, 28], 0);
    expectFormatError(() => parseIdx(hugeSide, 'huge-side'), 'implausible image size', 'got 100000x28');
    const zeroSide = makeIdx([10, 0, 28], 0);
    expectFormatError(() => parseIdx(zeroSide, 'zero-side'), 'implausible image size', 'got 0x28');
    const tooMuch = makeIdx([9_000_000, 400, 400], 0);
    expectFormatError(() => parseIdx(tooMuch, 'too-much'), 'IDX data is too large');
    const none = makeIdx([0], 0);
    expectFormatError(() => parseIdx(none, 'no-items'), 'holds no items');
  });

  it('formats messages as "<file>: <problem>; expected <x>, got <y>. <hint>"', () => {
    const e = expectFormatError(() => parseIdx(makeIdx([3], 2), 'f.idx'));
    expect(e.message).to.match(/^f\.idx: [^;]+; expected [^,]+, got [^.]+\. \S.*$/);
  });
});

describe('data/idx: datasetFromIdx', () => {
  const images = makeIdx(
    [3, 28, 28],
    Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256),
  );
  const labels = makeIdx([3], Uint8Array.of(4, 0, 9));

  it('builds a labelled set', () => {
    const set = datasetFromIdx(images, labels, { images: 'imgs', labels: 'lbls' });
    expect(set.count).to.equal(3);
    expect(set.rows).to.equal(28);
    expect(set.cols).to.equal(28);
    expect(set.images.length).to.equal(3 * 784);
    expect(Array.from(set.labels!)).to.deep.equal([4, 0, 9]);
  });

  it('leaves labels null when no labels file is given', () => {
    const set = datasetFromIdx(images, null, { images: 'imgs' });
    expect(set.labels).to.equal(null);
    expect(set.count).to.equal(3);
  });

  it('rejects mismatched counts, swapped files and other image sizes', () => {
    expectFormatError(
      () => datasetFromIdx(images, makeIdx([4], 4), { images: 'imgs', labels: 'lbls' }),
      'lbls: ',
      'label count',
      'expected 3 labels, got 4 labels',
    );
    expectFormatError(
      () => datasetFromIdx(labels, images, { images: 'lbls', labels: 'imgs' }),
      'lbls: ',
      'not an images file',
    );
    expectFormatError(
      () => datasetFromIdx(images, images, { images: 'imgs', labels: 'imgs2' }),
      'imgs2: ',
      'not a labels file',
    );
    const small = makeIdx([2, 8, 8], 128);
    expectFormatError(() => datasetFromIdx(small, null, { images: 'small' }), 'small: ', 'expected 28x28, got 8x8');
    expect(datasetFromIdx(small, null, { images: 'small' }, { shape: null }).rows).to.equal(8);
  });
});
