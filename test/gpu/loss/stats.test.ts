// Statistics on the GPU against the float64 references, on odd shapes, with exact 1s and 0s where the
// convention fixes them. Tolerances from float32 arithmetic (u = 2⁻²⁴, λ = 6, test/helpers/bounds.ts;
// a sum of K terms is within λ·√K·u·Σ|terms|):
// - softmax: exp(x − max) within 3 + 2|x − max| ulp (WGSL; an ulp ≤ 2u relative), the row sum within
//   λ·√cols·u of its size, the division 2.5 ulp: relative (6 + 4|x − max| + λ·√cols + 5)·u;
//   log-softmax x − max − log Σ: absolute (λ·√cols + 8)·u + 2⁻²¹ (log near 1) + u·(|x| + |y|).
// - columnMean: λ·√rows·u·mean|x| + 2u·|mean|. columnStd (two passes): x − mean is exact here (x and the
//   mean within a factor 2, Sterbenz), the sum of squares within λ·√rows·u, the square root halves it;
//   the mean's own error δ moves the std by δ²/std: (λ·√rows + 4)·u·std + δ²/std.
// - pearson: Σ d_i·d_j within λ·√rows·u·‖d_i‖·‖d_j‖ (Cauchy–Schwarz), so r within (λ·√rows + 6)·u·2.
// - meanAbsOffDiagonal: λ·√K·u·mean|a| + 2u·|y| over K = d² − d terms; frobeniusNorm: (λ·√n/2 + 2)·u·|y|.
import { expect } from 'chai';
import {
  columnMean,
  columnStd,
  frobeniusNorm,
  logSoftmax,
  meanAbsOffDiagonal,
  pearson,
  softmax,
} from '../../../src/ops/stats';
import { Rng } from '../../../src/util/rng';
import { allclose, f64, randomArray } from '../../helpers/allclose';
import { expectWithin, LAMBDA, U } from '../../helpers/bounds';
import { runOp } from '../../helpers/gpu';

const SHAPES = [
  [1, 1],
  [7, 3],
  [65, 10],
  [300, 17],
] as const;
/** Per-element bounds for softmax or log-softmax of x [rows, cols] (see above). */
function softmaxBounds(name: string, x: Float32Array, want: ArrayLike<number>, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const max = Math.max(...row);
    for (let j = 0; j < cols; j++) {
      const y = want[r * cols + j]!;
      const shift = Math.abs(row[j]! - max);
      out.push(
        name === 'softmax'
          ? (11 + 4 * shift + LAMBDA * Math.sqrt(cols)) * U * Math.abs(y)
          : (LAMBDA * Math.sqrt(cols) + 8) * U + 2 ** -21 + U * (Math.abs(row[j]!) + Math.abs(y)),
      );
    }
  }
  return out;
}
const pearsonAtol = (rows: number) => (LAMBDA * Math.sqrt(rows) + 6) * U * 2;

describe('statistics (GPU vs float64 reference)', () => {
  const rng = new Rng(99);

  for (const [rows, cols] of SHAPES) {
    it(`softmax and logSoftmax on [${rows},${cols}]`, async () => {
      const x = randomArray(rng, rows * cols, -10, 10);
      for (const op of [softmax, logSoftmax]) {
        const got = await runOp(op, [x], [[rows, cols]], {});
        const want = op.reference([f64(x)], [[rows, cols]], {});
        expectWithin(got, want, softmaxBounds(op.name, x, want, rows, cols), `${op.name} [${rows},${cols}]`);
      }
    });
  }

  it('softmax and logSoftmax stay finite for logits of ±1e3', async () => {
    const x = Float32Array.of(1000, -1000, 999, -1000, -1000, -1000);
    for (const op of [softmax, logSoftmax]) {
      const got = await runOp(op, [x], [[2, 3]], {});
      expect(Array.from(got).every(Number.isFinite), `${op.name} finite`).to.equal(true);
      const want = op.reference([f64(x)], [[2, 3]], {});
      expectWithin(got, want, softmaxBounds(op.name, x, want, 2, 3), `${op.name} large logits`);
    }
  });

  for (const [rows, cols] of [...SHAPES.slice(1), [2, 1], [1000, 5]] as const) {
    it(`columnMean and columnStd on [${rows},${cols}]`, async () => {
      // an offset well above the spread, where a one-pass variance would lose digits
      const x = randomArray(rng, rows * cols, 99, 101);
      const mean = columnMean.reference([f64(x)], [[rows, cols]], {});
      const absMean = columnMean.reference([f64(x).map(Math.abs)], [[rows, cols]], {});
      const meanErr = Array.from(mean, (m, j) => LAMBDA * Math.sqrt(rows) * U * absMean[j]! + 2 * U * Math.abs(m));
      expectWithin(await runOp(columnMean, [x], [[rows, cols]], {}), mean, meanErr, 'columnMean');
      const std = columnStd.reference([f64(x)], [[rows, cols]], {});
      expectWithin(
        await runOp(columnStd, [x], [[rows, cols]], {}),
        std,
        Array.from(std, (v, j) => (LAMBDA * Math.sqrt(rows) + 4) * U * v + (v > 0 ? meanErr[j]! ** 2 / v : 0)),
        'columnStd',
      );
    });
  }

  it('columnMean of [1,1] and a constant column: exact', async () => {
    expect(Array.from(await runOp(columnMean, [Float32Array.of(0.1)], [[1, 1]], {}))).to.deep.equal([Math.fround(0.1)]);
    const x = new Float32Array(65 * 2).fill(0.1);
    expect(Array.from(await runOp(columnMean, [x], [[65, 2]], {}))).to.deep.equal([Math.fround(0.1), Math.fround(0.1)]);
    expect(Array.from(await runOp(columnStd, [x], [[65, 2]], {}))).to.deep.equal([0, 0]);
  });

  for (const [rows, cols] of SHAPES) {
    it(`pearson on random [${rows},${cols}]`, async () => {
      const x = randomArray(rng, rows * cols);
      const got = await runOp(pearson, [x], [[rows, cols]], {});
      allclose(
        got,
        pearson.reference([f64(x)], [[rows, cols]], {}),
        { atol: pearsonAtol(rows), rtol: 0 },
        `pearson [${rows},${cols}]`,
      );
      for (let i = 0; i < cols; i++) expect(got[i * cols + i], 'diagonal').to.equal(1);
    });
  }

  it('pearson on columns x, 2x + 1, −x, a constant and an independent one', async () => {
    const rows = 200;
    const data: number[] = [];
    for (let r = 0; r < rows; r++) {
      const x = rng.uniform(-1, 1);
      data.push(x, 2 * x + 1, -x, 0.1, rng.normal());
    }
    const x = Float32Array.from(data);
    const r = await runOp(pearson, [x], [[rows, 5]], {});
    const at = (i: number, j: number) => r[i * 5 + j]!;
    expect(at(0, 1)).to.be.closeTo(1, pearsonAtol(rows));
    expect(at(0, 2)).to.be.closeTo(-1, pearsonAtol(rows));
    expect(at(1, 2)).to.be.closeTo(-1, pearsonAtol(rows));
    for (let i = 0; i < 5; i++) {
      expect(at(i, i), 'diagonal').to.equal(1);
      if (i !== 3) expect([at(i, 3), at(3, i)], 'constant column').to.deep.equal([0, 0]);
      for (let j = 0; j < 5; j++) expect(at(i, j), 'symmetric').to.equal(at(j, i));
    }
    allclose(
      r,
      pearson.reference([f64(x)], [[rows, 5]], {}),
      { atol: pearsonAtol(rows), rtol: 0 },
      'constructed pearson',
    );
  });

  for (const d of [2, 3, 17, 40]) {
    it(`meanAbsOffDiagonal on [${d},${d}]`, async () => {
      const a = randomArray(rng, d * d);
      const got = await runOp(meanAbsOffDiagonal, [a], [[d, d]], {});
      const want = meanAbsOffDiagonal.reference([f64(a)], [[d, d]], {});
      // every term is |a_ij| ≥ 0, so the mean of their absolute values is the result itself
      const K = d * d - d;
      expectWithin(got, want, [(LAMBDA * Math.sqrt(K) + 2) * U * Math.abs(want[0]!)], `meanAbsOffDiagonal ${d}`);
    });
  }

  it('meanAbsOffDiagonal of a pearson matrix (the "overall correlation")', async () => {
    const x = randomArray(rng, 100 * 6);
    const r = await runOp(pearson, [x], [[100, 6]], {});
    const got = await runOp(meanAbsOffDiagonal, [r], [[6, 6]], {});
    const expected = meanAbsOffDiagonal.reference([pearson.reference([f64(x)], [[100, 6]], {})], [[6, 6]], {});
    // each |r_ij| is off by at most pearson's bound, and so is their mean; then the mean's own rounding
    const K = 30;
    allclose(
      got,
      expected,
      { atol: pearsonAtol(100) + (LAMBDA * Math.sqrt(K) + 2) * U * Math.abs(expected[0]!), rtol: 0 },
      'overall correlation',
    );
  });

  for (const shape of [[1], [7, 3], [65, 10], [300, 17], [1030, 1024]] as const) {
    it(`frobeniusNorm on [${shape.join(',')}]`, async () => {
      const n = shape.reduce((p: number, q: number) => p * q, 1);
      const a = randomArray(rng, n);
      const want = frobeniusNorm.reference([f64(a)], [shape], {});
      expectWithin(
        await runOp(frobeniusNorm, [a], [shape], {}),
        want,
        [((LAMBDA * Math.sqrt(n)) / 2 + 2) * U * want[0]!],
        'frobeniusNorm',
      );
    });
  }
});
