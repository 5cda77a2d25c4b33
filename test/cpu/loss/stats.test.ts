// Statistics references against hand values and numpy (numpy.corrcoef / std(ddof=1) values pasted
// below), plus the conventions: sample std, constant columns in pearson, and shape errors.
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
import { ShapeError } from '../../../src/util/errors';
import { allclose, f64 } from '../../helpers/allclose';

const EXACT = { atol: 1e-15, rtol: 1e-14 };

describe('statistics references', () => {
  it('softmax and logSoftmax per row, finite for logits of 1e3', () => {
    const x = f64([0, Math.log(3), 1000, 1000, -1000, 0]);
    allclose(softmax.reference([x], [[3, 2]], {}), [0.25, 0.75, 0.5, 0.5, 0, 1], EXACT, 'softmax');
    allclose(
      logSoftmax.reference([x], [[3, 2]], {}),
      [Math.log(0.25), Math.log(0.75), -Math.LN2, -Math.LN2, -1000, 0],
      EXACT,
      'logSoftmax',
    );
  });

  it('columnMean and the SAMPLE columnStd (divisor N − 1)', () => {
    const x = f64([1, 2, 3, 2, 5, 2]);
    allclose(columnMean.reference([x], [[3, 2]], {}), [3, 2], EXACT, 'mean');
    allclose(columnStd.reference([x], [[3, 2]], {}), [2, 0], EXACT, 'std');
    const y = f64([1, 2, 0.5, 2, -1, 0.25, 4, 0, 3, -1, 5, 1]);
    allclose(
      columnStd.reference([y], [[4, 3]], {}),
      [2.0816659994661326, 2.6457513110645907, 1.2479149276559949],
      EXACT,
      'std vs numpy ddof=1',
    );
  });

  it('pearson matches numpy.corrcoef(x, rowvar=False)', () => {
    const y = f64([1, 2, 0.5, 2, -1, 0.25, 4, 0, 3, -1, 5, 1]);
    const numpy = [
      1, -0.8473185457363234, 0.6255432421712244, -0.8473185457363234, 1, -0.13881853078020887, 0.6255432421712244,
      -0.13881853078020884, 1,
    ];
    allclose(pearson.reference([y], [[4, 3]], {}), numpy, EXACT, 'pearson');
  });

  it('pearson: x, 2x + 1, −x give ±1; a constant column gives 0 off the diagonal and 1 on it', () => {
    const xs = [0.3, -1.2, 2.5, 0.7, -0.4];
    const rows = xs.flatMap((x) => [x, 2 * x + 1, -x, 0.1]);
    const r = pearson.reference([f64(rows)], [[5, 4]], {});
    const expected = [1, 1, -1, 0, 1, 1, -1, 0, -1, -1, 1, 0, 0, 0, 0, 1];
    allclose(r, expected, { atol: 1e-15, rtol: 0 }, 'constructed pearson');
  });

  it('meanAbsOffDiagonal and frobeniusNorm', () => {
    expect(meanAbsOffDiagonal.reference([f64([1, -0.5, 0.25, 1])], [[2, 2]], {})[0]).to.equal(0.375);
    expect(meanAbsOffDiagonal.reference([f64([9, 1, -2, 3, 9, 4, -5, 6, 9])], [[3, 3]], {})[0]).to.equal(21 / 6);
    expect(frobeniusNorm.reference([f64([3, -4])], [[2]], {})[0]).to.equal(5);
  });

  it('shape errors name the op and the shape', () => {
    expect(() => columnStd.inferShape([[1, 3]], {})).to.throw(
      ShapeError,
      /columnStd: expected a 2-D \[rows, cols\] matrix with at least 2 rows; got \[1,3\]/,
    );
    expect(() => columnMean.inferShape([[3]], {})).to.throw(ShapeError, /columnMean: .*got \[3\]/);
    expect(() => meanAbsOffDiagonal.inferShape([[1, 1]], {})).to.throw(
      ShapeError,
      /meanAbsOffDiagonal: expected a square \[d, d\] matrix with d ≥ 2.*got \[1,1\]/,
    );
    expect(() => meanAbsOffDiagonal.inferShape([[2, 3]], {})).to.throw(ShapeError, /got \[2,3\]/);
    expect(pearson.inferShape([[10, 4]], {})).to.deep.equal([4, 4]);
  });
});
