// lstsq and pinv: shape errors before any GPU work, rank deficiency named by column, GPU-buffer
// inputs left untouched, and every temporary buffer freed.
import { expect } from 'chai';
import { lstsq, pinv } from '../../../src/linalg/lstsq';
import { lstsqRef } from '../../../src/linalg/lstsq.ref';
import { readFloat32 } from '../../../src/gpu/readback';
import { Rng } from '../../../src/util/rng';
import { ConfigError, ShapeError } from '../../../src/util/errors';
import { f64 } from '../../helpers/allclose';
import { getGpu } from '../../helpers/gpu';
import { gaussian, logSpaced, relErr, withSingularValues } from './matrices';

const SEED = 77;

/** Awaits `run` and returns what it rejected with (fails if it resolved). */
async function rejection(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, but the call resolved');
}

describe(`lstsq / pinv: errors and buffer ownership (seed ${SEED})`, () => {
  const rng = new Rng(SEED);

  it('rejects bad shapes with a ShapeError naming both shapes, before creating any buffer', async () => {
    const ctx = await getGpu();
    const before = ctx.gpu.buffers.liveBufferCount();
    const a = new Float32Array(50 * 20);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => lstsq(ctx, new Float32Array(20 * 30), [20, 30], new Float32Array(20), [20, 1]),
        /lstsq: A must be tall; expected rows ≥ cols, got A=\[20,30\]/,
      ],
      [
        () => lstsq(ctx, a, [50, 20], new Float32Array(51 * 3), [51, 3]),
        /lstsq: B's sample length differs.*expected B=\[50,k\], got A=\[50,20\] B=\[51,3\].*rowsAreSamples: true/,
      ],
      [
        () => lstsq(ctx, a, [50, 20], new Float32Array(3 * 51), [3, 51], { rowsAreSamples: true }),
        /expected B=\[k,50\] \(rowsAreSamples.*got A=\[50,20\] B=\[3,51\]/,
      ],
      [
        () => lstsq(ctx, a, [50, 20], new Float32Array(10), [50, 3]),
        /lstsq: B has 10 values; expected \[50,3\] = 150, got 10/,
      ],
      [
        () => lstsq(ctx, new Float32Array(7), [50, 20], new Float32Array(50), [50, 1]),
        /lstsq: A has 7 values; expected \[50,20\] = 1000/,
      ],
      [() => lstsq(ctx, a, [50, 0], new Float32Array(50), [50, 1]), /every dimension must be a positive integer/],
      [() => pinv(ctx, new Float32Array(6), [2, 3]), /pinv: A must be tall; expected rows ≥ cols, got A=\[2,3\]/],
    ];
    for (const [run, message] of cases) {
      const e = await rejection(run);
      expect(e).to.be.instanceOf(ShapeError);
      expect(e.message).to.match(message);
    }
    const small = ctx.gpu.buffers.create('small', 4 * 100);
    try {
      const e = await rejection(() => lstsq(ctx, a, [50, 20], small, [50, 3]));
      expect(e).to.be.instanceOf(ShapeError);
      expect(e.message).to.match(/buffer "small" for B holds 100 floats; expected at least \[50,3\] = 150/);
    } finally {
      small.dispose();
    }
    expect(ctx.gpu.buffers.liveBufferCount()).to.equal(before);
  });

  it('rejects an out-of-range rcond with a ConfigError', async () => {
    const ctx = await getGpu();
    const e = await rejection(() =>
      lstsq(ctx, new Float32Array(4), [2, 2], new Float32Array(2), [2, 1], { rcond: -1 }),
    );
    expect(e).to.be.instanceOf(ConfigError);
    expect(e.message).to.match(/lstsq: rcond is out of range; expected 0 ≤ rcond < 1, got -1/);
  });

  it('names the dependent column of a rank-deficient A (ConfigError) and frees its buffers', async () => {
    const ctx = await getGpu();
    const before = ctx.gpu.buffers.liveBufferCount();
    const [m, n] = [40, 12];
    const base = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 10)));
    const b = Float32Array.from(gaussian(rng, m));
    // Column 7 = column 2 − 0.5·column 4 (rounded to float32): |R(7,7)| falls to rounding level.
    const combo = base.slice();
    for (let i = 0; i < m; i++) combo[i * n + 7] = Math.fround(combo[i * n + 2]! - 0.5 * combo[i * n + 4]!);
    const e1 = await rejection(() => lstsq(ctx, combo, [m, n], b, [m, 1]));
    expect(e1).to.be.instanceOf(ConfigError);
    expect(e1.message).to.match(
      /lstsq: A is rank-deficient or too ill-conditioned for float32 at column 7 \(column 7 of A is \(nearly\) a linear combination of columns 0\.\.6\)/,
    );
    // A zero column is caught even with rcond = 0.
    const zero = base.slice();
    for (let i = 0; i < m; i++) zero[i * n + 3] = 0;
    const e2 = await rejection(() => pinv(ctx, zero, [m, n], { rcond: 0 }));
    expect(e2).to.be.instanceOf(ConfigError);
    expect(e2.message).to.match(/pinv: .* at column 3 .*got 0\.00/);
    const nan = base.slice();
    nan[5 * n + 1] = NaN;
    const e3 = await rejection(() => lstsq(ctx, nan, [m, n], b, [m, 1]));
    expect(e3).to.be.instanceOf(ConfigError);
    expect(e3.message).to.match(/lstsq: R\(1, 1\) is NaN .*holds NaN or ±Inf/);
    expect(ctx.gpu.buffers.liveBufferCount()).to.equal(before);
  });

  it('reads A and B from GPU buffers without changing them; frees every temporary', async () => {
    const ctx = await getGpu();
    const [m, n, k] = [45, 17, 9];
    const a = Float32Array.from(withSingularValues(rng, m, n, logSpaced(n, 20)));
    const bt = Float32Array.from(gaussian(rng, k * m));
    const aBuf = ctx.gpu.buffers.fromData('test:a', a);
    const bBuf = ctx.gpu.buffers.fromData('test:b', bt);
    try {
      const before = ctx.gpu.buffers.liveBufferCount();
      const res = await lstsq(ctx, aBuf, [m, n], bBuf, [k, m], { rowsAreSamples: true });
      expect(ctx.gpu.buffers.liveBufferCount(), ctx.gpu.buffers.liveLabels().join(', ')).to.equal(before + 1);
      const x = await readFloat32(ctx.gpu, res.x);
      res.dispose();
      expect(ctx.gpu.buffers.liveBufferCount()).to.equal(before);
      expect(await readFloat32(ctx.gpu, aBuf)).to.deep.equal(a);
      expect(await readFloat32(ctx.gpu, bBuf)).to.deep.equal(bt);
      // Row s of X solves A·x = row s of B.
      for (let s = 0; s < k; s++) {
        const ref = lstsqRef(f64(a), m, n, f64(bt.subarray(s * m, (s + 1) * m)), 1);
        expect(relErr(x.subarray(s * n, (s + 1) * n), ref)).to.be.at.most(1e-4);
      }
      const p = await pinv(ctx, aBuf, [m, n]);
      expect(ctx.gpu.buffers.liveBufferCount()).to.equal(before + 1);
      p.dispose();
      expect(ctx.gpu.buffers.liveBufferCount()).to.equal(before);
    } finally {
      aBuf.dispose();
      bBuf.dispose();
    }
  });
});
