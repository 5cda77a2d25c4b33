// Row sums (sumCols), their broadcast (broadcastCols) and log-softmax's gradient, on the GPU against
// float64 references, on row counts around the workgroup size. sumCols must give the very f32 sums a
// product with a column of ones gives (the KL head and the inversion used to compute them that way),
// so it is also compared with matmul bit for bit.
import { expect } from 'chai';
import { matmul } from '../../../src/ops/matmul';
import { broadcastCols, sumCols } from '../../../src/ops/reduce';
import { broadcastColsRef, sumColsRef } from '../../../src/ops/reduce.ref';
import { logSoftmax } from '../../../src/ops/stats';
import { Rng } from '../../../src/util/rng';
import { allclose, f64, randomArray } from '../../helpers/allclose';
import { gpuGrads, referenceGrads } from '../../helpers/eager-grad';
import { runOp } from '../../helpers/gpu';

/** An f32 sum of up to 784 terms in [-1, 1]: rounding stays below 784 · 2⁻²⁴ ≈ 5e-5 of the largest partial sum. */
const SUM = { atol: 1e-4, rtol: 1e-5 };
const EXACT = { atol: 0, rtol: 0 };

describe('sumCols and broadcastCols (GPU vs float64 reference)', () => {
  const rng = new Rng(31);
  for (const [rows, cols] of [
    [1, 1],
    [3, 7],
    [255, 5],
    [256, 33],
    [257, 784],
  ] as const) {
    it(`sumCols of a [${rows}, ${cols}] matrix, equal to a product with a column of ones`, async () => {
      const a = randomArray(rng, rows * cols);
      const got = await runOp(sumCols, [a], [[rows, cols]], {});
      expect(sumCols.inferShape([[rows, cols]], {})).to.deep.equal([rows, 1]);
      allclose(got, sumColsRef(f64(a), cols), SUM, 'sumCols');
      const ones = new Float32Array(cols).fill(1);
      const product = await runOp(
        matmul,
        [a, ones],
        [
          [rows, cols],
          [cols, 1],
        ],
        {},
      );
      allclose(got, product, EXACT, 'sumCols vs matmul with ones');
    });

    it(`broadcastCols of [${rows}, 1] over [${rows}, ${cols}]`, async () => {
      const v = randomArray(rng, rows);
      const like = new Float32Array(rows * cols);
      const got = await runOp(
        broadcastCols,
        [v, like],
        [
          [rows, 1],
          [rows, cols],
        ],
        {},
      );
      allclose(got, broadcastColsRef(f64(v), rows, cols), EXACT, 'broadcastCols');
    });
  }

  it('sumCols folds leading dimensions: [2, 3, 4] → [2, 3, 1]', async () => {
    const a = randomArray(rng, 24);
    expect(sumCols.inferShape([[2, 3, 4]], {})).to.deep.equal([2, 3, 1]);
    allclose(await runOp(sumCols, [a], [[2, 3, 4]], {}), sumColsRef(f64(a), 4), SUM, 'sumCols 3-D');
  });

  it('broadcastCols rejects a vector that is not [..., 1] with like’s leading dimensions', () => {
    expect(() =>
      broadcastCols.inferShape(
        [
          [3, 2],
          [3, 4],
        ],
        {},
      ),
    ).to.throw(/broadcastCols: expected v=\[\.\.\., 1\]/);
    expect(() =>
      broadcastCols.inferShape(
        [
          [2, 1],
          [3, 4],
        ],
        {},
      ),
    ).to.throw(/broadcastCols/);
  });
});

describe('logSoftmax gradient', () => {
  /** Float64 closed form: dx = dy − softmax(x) · Σ_j dy_j per row. */
  function closedForm(x: Float64Array, dy: Float64Array, cols: number): Float64Array {
    const dx = new Float64Array(x.length);
    for (let r = 0; r < x.length / cols; r++) {
      const row = x.subarray(r * cols, (r + 1) * cols);
      const max = Math.max(...row);
      let z = 0;
      let s = 0;
      for (let j = 0; j < cols; j++) {
        z += Math.exp(row[j]! - max);
        s += dy[r * cols + j]!;
      }
      for (let j = 0; j < cols; j++) dx[r * cols + j] = dy[r * cols + j]! - (Math.exp(row[j]! - max) / z) * s;
    }
    return dx;
  }

  for (const shape of [
    [3, 7],
    [2, 2, 5],
    [257, 10],
  ]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const cols = shape[shape.length - 1]!;
    it(`[${shape}]: the backward rule on the references matches the closed form and central differences; the GPU matches them`, async () => {
      const rng = new Rng(17 + n);
      const x = randomArray(rng, n, -2, 2);
      const dy = randomArray(rng, n, -1, 1);
      const x64 = f64(x);
      const dy64 = f64(dy);
      const [ref] = referenceGrads(logSoftmax, [x64], [shape], {}, dy64);
      allclose(ref!, closedForm(x64, dy64, cols), { atol: 1e-12, rtol: 1e-12 }, 'backward rule vs closed form');
      if (n <= 21) {
        const f = (v: Float64Array) => logSoftmax.reference([v], [shape], {}).reduce((s, y, i) => s + y * dy64[i]!, 0);
        const eps = 1e-5;
        const fd = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const p = Float64Array.from(x64);
          const m = Float64Array.from(x64);
          p[i]! += eps;
          m[i]! -= eps;
          fd[i] = (f(p) - f(m)) / (2 * eps);
        }
        allclose(ref!, fd, { atol: 1e-8, rtol: 1e-6 }, 'backward rule vs central differences');
      }
      const [gpu] = await gpuGrads(logSoftmax, [x], [shape], {}, dy);
      allclose(gpu!, ref!, { atol: 1e-5, rtol: 1e-4 }, 'GPU backward vs float64');
    });
  }
});
