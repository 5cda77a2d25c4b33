// Statistics on the GPU against the float64 references, on odd shapes. Tolerances: softmax and
// log-softmax atol 1e-6, rtol 1e-4; column mean/std rtol 1e-4, atol 1e-6; the [1] reductions rtol 1e-4;
// pearson atol 1e-4 (random) and 1e-5 on the constructed ±1 entries, with exact 1s and 0s where the
// convention fixes them.
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
import { runOp } from '../../helpers/gpu';

const SHAPES = [
  [1, 1],
  [7, 3],
  [65, 10],
  [300, 17],
] as const;
const SOFTMAX = { atol: 1e-6, rtol: 1e-4 };
const COLUMN = { atol: 1e-6, rtol: 1e-4 };

describe('statistics (GPU vs float64 reference)', () => {
  const rng = new Rng(99);

  for (const [rows, cols] of SHAPES) {
    it(`softmax and logSoftmax on [${rows},${cols}]`, async () => {
      const x = randomArray(rng, rows * cols, -10, 10);
      for (const op of [softmax, logSoftmax]) {
        const got = await runOp(op, [x], [[rows, cols]], {});
        allclose(got, op.reference([f64(x)], [[rows, cols]], {}), SOFTMAX, `${op.name} [${rows},${cols}]`);
      }
    });
  }

  it('softmax and logSoftmax stay finite for logits of ±1e3', async () => {
    const x = Float32Array.of(1000, -1000, 999, -1000, -1000, -1000);
    for (const op of [softmax, logSoftmax]) {
      const got = await runOp(op, [x], [[2, 3]], {});
      expect(Array.from(got).every(Number.isFinite), `${op.name} finite`).to.equal(true);
      allclose(got, op.reference([f64(x)], [[2, 3]], {}), SOFTMAX, `${op.name} large logits`);
    }
  });

  for (const [rows, cols] of [...SHAPES.slice(1), [2, 1], [1000, 5]] as const) {
    it(`columnMean and columnStd on [${rows},${cols}]`, async () => {
      // an offset well above the spread, where a one-pass variance would lose digits
      const x = randomArray(rng, rows * cols, 99, 101);
      allclose(
        await runOp(columnMean, [x], [[rows, cols]], {}),
        columnMean.reference([f64(x)], [[rows, cols]], {}),
        COLUMN,
        'columnMean',
      );
      allclose(
        await runOp(columnStd, [x], [[rows, cols]], {}),
        columnStd.reference([f64(x)], [[rows, cols]], {}),
        COLUMN,
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
    it(`pearson on random [${rows},${cols}] (atol 1e-4)`, async () => {
      const x = randomArray(rng, rows * cols);
      const got = await runOp(pearson, [x], [[rows, cols]], {});
      allclose(
        got,
        pearson.reference([f64(x)], [[rows, cols]], {}),
        { atol: 1e-4, rtol: 0 },
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
    expect(at(0, 1)).to.be.closeTo(1, 1e-5);
    expect(at(0, 2)).to.be.closeTo(-1, 1e-5);
    expect(at(1, 2)).to.be.closeTo(-1, 1e-5);
    for (let i = 0; i < 5; i++) {
      expect(at(i, i), 'diagonal').to.equal(1);
      if (i !== 3) expect([at(i, 3), at(3, i)], 'constant column').to.deep.equal([0, 0]);
      for (let j = 0; j < 5; j++) expect(at(i, j), 'symmetric').to.equal(at(j, i));
    }
    allclose(r, pearson.reference([f64(x)], [[rows, 5]], {}), { atol: 1e-4, rtol: 0 }, 'constructed pearson');
  });

  for (const d of [2, 3, 17, 40]) {
    it(`meanAbsOffDiagonal on [${d},${d}]`, async () => {
      const a = randomArray(rng, d * d);
      const got = await runOp(meanAbsOffDiagonal, [a], [[d, d]], {});
      allclose(
        got,
        meanAbsOffDiagonal.reference([f64(a)], [[d, d]], {}),
        { atol: 1e-7, rtol: 1e-4 },
        `meanAbsOffDiagonal ${d}`,
      );
    });
  }

  it('meanAbsOffDiagonal of a pearson matrix (the "overall correlation")', async () => {
    const x = randomArray(rng, 100 * 6);
    const r = await runOp(pearson, [x], [[100, 6]], {});
    const got = await runOp(meanAbsOffDiagonal, [r], [[6, 6]], {});
    const expected = meanAbsOffDiagonal.reference([pearson.reference([f64(x)], [[100, 6]], {})], [[6, 6]], {});
    allclose(got, expected, { atol: 1e-4, rtol: 0 }, 'overall correlation');
  });

  for (const shape of [[1], [7, 3], [65, 10], [300, 17], [1030, 1024]] as const) {
    it(`frobeniusNorm on [${shape.join(',')}]`, async () => {
      const n = shape.reduce((p: number, q: number) => p * q, 1);
      const a = randomArray(rng, n);
      allclose(
        await runOp(frobeniusNorm, [a], [shape], {}),
        frobeniusNorm.reference([f64(a)], [shape], {}),
        { atol: 1e-7, rtol: 1e-4 },
        'frobeniusNorm',
      );
    });
  }
});
