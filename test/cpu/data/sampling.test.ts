import { expect } from 'chai';
import { Rng } from '../../../src/util/rng';
import {
  batchCount,
  batches,
  deriveSeed,
  permutation,
  sampleIndices,
  sampleSubset,
  shuffleInPlace,
  type Split,
} from '../../../src/data/index';
import { histogram } from './helpers';

/** 1,000 labelled 2x2 images stored class by class (100 per class), like Fashion-MNIST. Pixel 0 holds the index mod 256, pixel 1 the index / 256. */
function classByClass(): Split {
  const count = 1000;
  const images = new Uint8Array(count * 4);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images[i * 4] = i & 255;
    images[i * 4 + 1] = i >> 8;
    images[i * 4 + 2] = 7;
    labels[i] = Math.floor(i / 100);
  }
  return { images, labels, count, rows: 2, cols: 2 };
}

const indexOf = (set: Split, k: number): number => set.images[k * 4]! + 256 * set.images[k * 4 + 1]!;

function collect(count: number, batchSize: number, seed: number, epoch: number, dropLast = false): Uint32Array[] {
  return Array.from(batches(count, batchSize, seed, epoch, { dropLast }), (b) => b.slice());
}

describe('data/sampling: shuffling', () => {
  it('shuffleInPlace is a seeded permutation', () => {
    const a = shuffleInPlace(
      Array.from({ length: 50 }, (_, i) => i),
      new Rng(3),
    );
    const b = shuffleInPlace(
      Array.from({ length: 50 }, (_, i) => i),
      new Rng(3),
    );
    expect(a).to.deep.equal(b);
    expect([...a].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    expect(a).to.not.deep.equal(Array.from({ length: 50 }, (_, i) => i));
  });

  it('permutation puts every position in many places over seeds (no fixed bias)', () => {
    const n = 8;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const trials = 4000;
    for (let s = 0; s < trials; s++) {
      const p = permutation(n, s);
      for (let i = 0; i < n; i++) counts[i]![p[i]!]!++;
    }
    for (const row of counts) for (const c of row) expect(c).to.be.within(trials / n - 150, trials / n + 150);
  });

  it('deriveSeed is deterministic and separates nearby inputs', () => {
    expect(deriveSeed(42, 1)).to.equal(deriveSeed(42, 1));
    const seen = new Set<number>();
    for (let s = 0; s < 20; s++) for (let e = 0; e < 20; e++) seen.add(deriveSeed(s, e));
    expect(seen.size).to.equal(400);
    expect(deriveSeed(1, 0)).to.not.equal(deriveSeed(0, 1));
    expect(deriveSeed(2 ** 40)).to.not.equal(deriveSeed(0));
  });
});

describe('data/sampling: sampleSubset', () => {
  const split = classByClass();

  it('is deterministic for a seed and differs across seeds', () => {
    const a = sampleSubset(split, 100, 7);
    const b = sampleSubset(split, 100, 7);
    const c = sampleSubset(split, 100, 8);
    expect(Array.from(a.images)).to.deep.equal(Array.from(b.images));
    expect(Array.from(a.labels)).to.deep.equal(Array.from(b.labels));
    expect(Array.from(a.images)).to.not.deep.equal(Array.from(c.images));
  });

  it('draws distinct images from across the split, not the first N', () => {
    const n = 100;
    const s = sampleSubset(split, n, 123);
    expect(s.count).to.equal(n);
    expect(s.rows).to.equal(2);
    expect(s.cols).to.equal(2);
    expect(s.images.length).to.equal(n * 4);
    const picked = Array.from({ length: n }, (_, k) => indexOf(s, k));
    expect(new Set(picked).size, 'no duplicates').to.equal(n);
    expect(picked.filter((i) => i >= n).length, 'not a prefix').to.be.greaterThan(n / 2);
    const classes = histogram(s.labels, 10).filter((c) => c > 0).length;
    expect(classes, 'classes covered').to.be.at.least(8);
    // Labels travel with their images.
    for (let k = 0; k < n; k++) expect(s.labels[k]).to.equal(Math.floor(picked[k]! / 100));
  });

  it('returns the whole split, reordered, when n equals the count', () => {
    const all = sampleSubset(split, split.count, 1);
    const picked = Array.from({ length: split.count }, (_, k) => indexOf(all, k)).sort((x, y) => x - y);
    expect(picked).to.deep.equal(Array.from({ length: split.count }, (_, i) => i));
  });

  it('keeps labels null for unlabelled sets and rejects impossible sizes', () => {
    const unlabelled = { ...split, labels: null };
    expect(sampleSubset(unlabelled, 5, 1).labels).to.equal(null);
    expect(() => sampleSubset(split, 1001, 1)).to.throw(/expected an integer 0\.\.1000, got 1001/);
    expect(() => sampleIndices(10, 2.5, 1)).to.throw(/got 2\.5/);
  });
});

describe('data/sampling: batches', () => {
  const count = 103;

  it('covers every index exactly once per epoch, keeping the short last batch', () => {
    const bs = collect(count, 10, 5, 0);
    expect(bs.length).to.equal(11);
    expect(batchCount(count, 10)).to.equal(11);
    expect(bs.slice(0, 10).every((b) => b.length === 10)).to.equal(true);
    expect(bs[10]!.length).to.equal(3);
    const seen = bs.flatMap((b) => Array.from(b)).sort((x, y) => x - y);
    expect(seen).to.deep.equal(Array.from({ length: count }, (_, i) => i));
  });

  it('can drop the short last batch', () => {
    const bs = collect(count, 10, 5, 0, true);
    expect(bs.length).to.equal(10);
    expect(batchCount(count, 10, { dropLast: true })).to.equal(10);
    const seen = new Set(bs.flatMap((b) => Array.from(b)));
    expect(seen.size).to.equal(100);
    expect(collect(100, 10, 5, 0, true).length).to.equal(10);
  });

  it('gives the same order for the same seed and epoch, a new order each epoch', () => {
    const flat = (seed: number, epoch: number): number[] =>
      collect(count, 16, seed, epoch).flatMap((b) => Array.from(b));
    expect(flat(9, 0)).to.deep.equal(flat(9, 0));
    expect(flat(9, 3)).to.deep.equal(flat(9, 3));
    expect(flat(9, 0)).to.not.deep.equal(flat(9, 1));
    expect(flat(9, 1)).to.not.deep.equal(flat(9, 2));
    expect(flat(9, 0)).to.not.deep.equal(flat(10, 0));
    expect(flat(9, 0)).to.not.deep.equal(Array.from({ length: count }, (_, i) => i));
  });

  it('rejects bad arguments', () => {
    expect(() => collect(10, 0, 1, 0)).to.throw(/batch size/);
    expect(() => collect(10, 2, 1, -1)).to.throw(/epoch/);
  });
});
