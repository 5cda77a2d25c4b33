// The minibatch gather (shaders/gather.wgsl via gatherBytes) against its float64 reference: bytes packed
// four to a u32 with samples that straddle words, one shared table and one table per position, an order
// with repeats and a batch that starts mid-order. A table lookup is exact, so the match is exact.
import { expect } from 'chai';
import { gatherBytes, packBytes } from '../../../src/ops/gather';
import { gatherBytesRef } from '../../../src/ops/gather.ref';
import { Rng } from '../../../src/util/rng';
import { runOp } from '../../helpers/gpu';

/** A u32 array's bits in a Float32Array, as runOp uploads f32 data. */
const asF32 = (a: Uint32Array) => new Float32Array(a.buffer, a.byteOffset, a.length);

describe('gatherBytes (GPU vs float64 reference, exact)', () => {
  const rng = new Rng(3);
  for (const [width, perPosition] of [
    [7, false],
    [7, true],
    [784, false],
    [13, true],
  ] as const) {
    it(`width ${width}, ${perPosition ? 'a table per position' : 'one table'}`, async () => {
      const count = 37;
      const bytes = Uint8Array.from({ length: count * width }, () => rng.int(256));
      const table = Float32Array.from({ length: perPosition ? 256 * width : 256 }, () => rng.uniform(-2, 2));
      const order = Uint32Array.from({ length: 50 }, () => rng.int(count));
      const rows = 19;
      const first = 23;
      const words = packBytes(bytes);
      const got = await runOp(
        gatherBytes,
        [asF32(words), table, asF32(order)],
        [[words.length], [table.length], [order.length]],
        { rows, width, first },
      );
      const want = gatherBytesRef(bytes, table, order, first, rows, width);
      expect(got.length).to.equal(rows * width);
      // Exact: every output is one table entry, which is an f32.
      for (let i = 0; i < got.length; i++)
        if (got[i] !== want[i]) expect.fail(`at ${i}: got ${got[i]}, want ${want[i]}`);
      // The op's own reference (packed words in) agrees with the byte-level one.
      expect(
        Array.from(
          gatherBytes.reference([Float64Array.from(words), Float64Array.from(table), Float64Array.from(order)], [], {
            rows,
            width,
            first,
          }),
        ),
      ).to.deep.equal(Array.from(want));
    });
  }

  it('refuses a batch past the end of the order and a table of the wrong size', () => {
    expect(() => gatherBytes.inferShape([[10], [256], [8]], { rows: 4, width: 4, first: 5 })).to.throw(
      /pass the end of the order/,
    );
    expect(() => gatherBytes.inferShape([[10], [300], [8]], { rows: 4, width: 4, first: 0 })).to.throw(/expected 256/);
  });
});
