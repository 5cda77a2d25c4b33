// conv2d and convTranspose2d references: hand-computed values, shape rules and errors, and a central
// finite-difference check (float64) of each op's composed backward rule evaluated on the references.
import { expect } from 'chai';
import {
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  convTranspose2d,
  channelSum,
  type Conv2dAttrs,
} from '../../../src/ops/conv';
import type { OpDef } from '../../../src/ops/op';
import { ConfigError, ShapeError } from '../../../src/util/errors';
import { Rng } from '../../../src/util/rng';
import { numel, type Shape } from '../../../src/util/shape';
import { allclose } from '../../helpers/allclose';
import { referenceGrads } from '../../helpers/eager-grad';

const f = (...v: number[]) => Float64Array.from(v);

describe('conv2d reference: hand values', () => {
  it("a 2×2 diagonal kernel on 1..9 sums each window's diagonal", () => {
    const y = conv2d.reference(
      [f(1, 2, 3, 4, 5, 6, 7, 8, 9), f(1, 0, 0, 1)],
      [
        [1, 1, 3, 3],
        [1, 1, 2, 2],
      ],
      {},
    );
    expect([...y]).to.deep.equal([6, 8, 12, 14]);
  });

  it('padding 1 counts the ones a 3×3 window covers; stride 2 keeps the corners; bias is added', () => {
    const ones = new Float64Array(9).fill(1);
    expect([
      ...conv2d.reference(
        [ones, ones],
        [
          [1, 1, 3, 3],
          [1, 1, 3, 3],
        ],
        { padding: 1 },
      ),
    ]).to.deep.equal([4, 6, 4, 6, 9, 6, 4, 6, 4]);
    expect([
      ...conv2d.reference([ones, ones, f(0.5)], [[1, 1, 3, 3], [1, 1, 3, 3], [1]], { stride: 2, padding: 1 }),
    ]).to.deep.equal([4.5, 4.5, 4.5, 4.5]);
  });

  it('convTranspose2d stamps the kernel once per input pixel, overlapping at stride 1', () => {
    const x = f(1, 2, 3, 4);
    const ones = f(1, 1, 1, 1);
    const s2 = convTranspose2d.reference(
      [x, ones],
      [
        [1, 1, 2, 2],
        [1, 1, 2, 2],
      ],
      { stride: 2 },
    );
    expect([...s2]).to.deep.equal([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const s1 = convTranspose2d.reference([x, ones, f(-1)], [[1, 1, 2, 2], [1, 1, 2, 2], [1]], {});
    expect([...s1]).to.deep.equal([0, 2, 1, 3, 9, 5, 2, 6, 3]);
  });

  it('channelSum adds over N, H and W', () => {
    const a = f(1, 2, 10, 20, 100, 200, 1000, 2000); // [N=2, C=2, 1, 2]
    expect([...channelSum.reference([a], [[2, 2, 1, 2]], {})]).to.deep.equal([303, 3030]);
  });
});

describe('conv2d / convTranspose2d shape rules', () => {
  it("gives the second report's sizes: 28 → 14 → 7 → 14 → 28", () => {
    const a = { stride: 2, padding: 1 };
    expect(conv2d.inferShape([[2, 1, 28, 28], [3, 1, 4, 4], [3]], a)).to.deep.equal([2, 3, 14, 14]);
    expect(conv2d.inferShape([[2, 3, 14, 14], [6, 3, 4, 4], [6]], a)).to.deep.equal([2, 6, 7, 7]);
    expect(convTranspose2d.inferShape([[2, 6, 7, 7], [6, 3, 4, 4], [3]], a)).to.deep.equal([2, 3, 14, 14]);
    expect(convTranspose2d.inferShape([[2, 3, 14, 14], [3, 1, 4, 4], [1]], a)).to.deep.equal([2, 1, 28, 28]);
    expect(
      conv2d.inferShape(
        [
          [1, 3, 11, 13],
          [2, 3, 5, 5],
        ],
        { stride: 2 },
      ),
    ).to.deep.equal([1, 2, 4, 5]);
  });

  it('names the op and both shapes on a channel mismatch', () => {
    expect(() =>
      conv2d.inferShape(
        [
          [2, 3, 8, 8],
          [4, 2, 3, 3],
        ],
        {},
      ),
    ).to.throw(ShapeError, /conv2d: input channels differ; expected x\[1\] == w\[1\], got x=\[2,3,8,8\] w=\[4,2,3,3\]/);
    expect(() =>
      convTranspose2d.inferShape(
        [
          [2, 3, 8, 8],
          [4, 3, 3, 3],
        ],
        {},
      ),
    ).to.throw(
      ShapeError,
      /convTranspose2d: input channels differ; expected x\[1\] == w\[0\], got x=\[2,3,8,8\] w=\[4,3,3,3\]/,
    );
  });

  it('rejects a wrong bias, a non-4-D input, a kernel larger than the padded input, and an empty transposed output', () => {
    expect(() => conv2d.inferShape([[1, 2, 5, 5], [3, 2, 3, 3], [2]], {})).to.throw(
      ShapeError,
      /conv2d: bias size differs.*expected b=\[3\], got b=\[2\]/,
    );
    expect(() =>
      conv2d.inferShape(
        [
          [2, 5, 5],
          [3, 2, 3, 3],
        ],
        {},
      ),
    ).to.throw(ShapeError, /conv2d: expected x \[N, C, H, W\].*got x=\[2,5,5\] w=\[3,2,3,3\]/);
    expect(() =>
      conv2d.inferShape(
        [
          [1, 1, 2, 2],
          [1, 1, 5, 5],
        ],
        { padding: 1 },
      ),
    ).to.throw(ShapeError, /kernel larger than the padded input/);
    expect(() =>
      convTranspose2d.inferShape(
        [
          [1, 1, 1, 1],
          [1, 1, 2, 2],
        ],
        { padding: 1 },
      ),
    ).to.throw(ShapeError, /convTranspose2d: output would be empty/);
  });

  it('rejects unsupported options and bad stride / padding with a ConfigError', () => {
    const withExtra = { stride: 2, padding: 1, outputPadding: 1 } as Conv2dAttrs;
    expect(() =>
      convTranspose2d.inferShape(
        [
          [1, 2, 4, 4],
          [2, 1, 4, 4],
        ],
        withExtra,
      ),
    ).to.throw(ConfigError, /convTranspose2d: option "outputPadding" is not supported; expected only stride, padding/);
    expect(() =>
      conv2d.inferShape(
        [
          [1, 2, 4, 4],
          [1, 2, 3, 3],
        ],
        { dilation: 2 } as Conv2dAttrs,
      ),
    ).to.throw(ConfigError, /conv2d: option "dilation" is not supported/);
    expect(() =>
      conv2d.inferShape(
        [
          [1, 2, 4, 4],
          [1, 2, 3, 3],
        ],
        { stride: 0 },
      ),
    ).to.throw(ConfigError, /conv2d: bad stride; expected one integer ≥ 1/);
    expect(() =>
      conv2d.inferShape(
        [
          [1, 2, 4, 4],
          [1, 2, 3, 3],
        ],
        { stride: [2, 2] } as unknown as Conv2dAttrs,
      ),
    ).to.throw(ConfigError, /bad stride.*got \[2,2\]/);
    expect(() =>
      conv2d.inferShape(
        [
          [1, 2, 4, 4],
          [1, 2, 3, 3],
        ],
        { padding: -1 },
      ),
    ).to.throw(ConfigError, /conv2d: bad padding/);
  });

  it("checks the gradient ops' inputs against their size attrs", () => {
    expect(
      conv2dBackwardInput.inferShape(
        [
          [2, 3, 4, 4],
          [3, 5, 3, 3],
        ],
        { stride: 2, padding: 1, inputSize: [8, 7] },
      ),
    ).to.deep.equal([2, 5, 8, 7]);
    expect(() =>
      conv2dBackwardInput.inferShape(
        [
          [2, 3, 4, 4],
          [3, 5, 3, 3],
        ],
        { stride: 2, padding: 1, inputSize: [10, 7] },
      ),
    ).to.throw(
      ShapeError,
      /conv2dBackwardInput: dy does not fit an input of size \[10,7\]; expected dy=\[2,3,5,4\], got dy=\[2,3,4,4\]/,
    );
    expect(
      conv2dBackwardWeight.inferShape(
        [
          [2, 5, 8, 7],
          [2, 3, 4, 4],
        ],
        { stride: 2, padding: 1, kernelSize: [3, 3] },
      ),
    ).to.deep.equal([3, 5, 3, 3]);
    expect(() =>
      conv2dBackwardWeight.inferShape(
        [
          [2, 5, 8, 7],
          [1, 3, 4, 4],
        ],
        { stride: 2, padding: 1, kernelSize: [3, 3] },
      ),
    ).to.throw(ShapeError, /conv2dBackwardWeight: dy does not fit x/);
    expect(() =>
      conv2dBackwardWeight.inferShape(
        [
          [2, 5, 8, 7],
          [2, 3, 4, 4],
        ],
        { kernelSize: [3] as unknown as [number, number] },
      ),
    ).to.throw(ConfigError, /bad kernelSize/);
  });
});

interface Case {
  op: 'conv' | 'transpose';
  N: number;
  Cin: number;
  Cout: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  stride: number;
  padding: number;
  bias: boolean;
}

const CASES: Case[] = [
  { op: 'conv', N: 2, Cin: 1, Cout: 3, H: 12, W: 12, KH: 4, KW: 4, stride: 2, padding: 1, bias: true }, // report layer 1, smaller image
  { op: 'conv', N: 2, Cin: 3, Cout: 6, H: 14, W: 14, KH: 4, KW: 4, stride: 2, padding: 1, bias: true }, // report layer 2 (c=3)
  { op: 'transpose', N: 2, Cin: 6, Cout: 3, H: 7, W: 7, KH: 4, KW: 4, stride: 2, padding: 1, bias: true },
  { op: 'transpose', N: 2, Cin: 3, Cout: 1, H: 6, W: 6, KH: 4, KW: 4, stride: 2, padding: 1, bias: true },
  { op: 'conv', N: 2, Cin: 2, Cout: 3, H: 5, W: 6, KH: 3, KW: 3, stride: 1, padding: 1, bias: true },
  { op: 'conv', N: 1, Cin: 3, Cout: 2, H: 11, W: 13, KH: 5, KW: 5, stride: 2, padding: 0, bias: true },
  { op: 'conv', N: 1, Cin: 4, Cout: 3, H: 3, W: 5, KH: 1, KW: 1, stride: 1, padding: 0, bias: true },
  { op: 'conv', N: 1, Cin: 2, Cout: 2, H: 8, W: 7, KH: 3, KW: 2, stride: 2, padding: 2, bias: false }, // leftover rows, padding-only windows
  { op: 'transpose', N: 2, Cin: 2, Cout: 3, H: 4, W: 5, KH: 3, KW: 3, stride: 1, padding: 1, bias: true },
  { op: 'transpose', N: 1, Cin: 3, Cout: 2, H: 4, W: 5, KH: 5, KW: 5, stride: 2, padding: 0, bias: false }, // → 11×13
  { op: 'transpose', N: 1, Cin: 2, Cout: 2, H: 3, W: 3, KH: 2, KW: 2, stride: 3, padding: 0, bias: true }, // gaps between stamps
];

function caseShapes(c: Case): Shape[] {
  const x = [c.N, c.Cin, c.H, c.W];
  const w = c.op === 'conv' ? [c.Cout, c.Cin, c.KH, c.KW] : [c.Cin, c.Cout, c.KH, c.KW];
  return c.bias ? [x, w, [c.Cout]] : [x, w];
}

const describeCase = (c: Case) =>
  `${c.op === 'conv' ? 'conv2d' : 'convTranspose2d'} N=${c.N} ${c.Cin}→${c.Cout} ${c.H}×${c.W} k${c.KH}×${c.KW} s${c.stride} p${c.padding}${c.bias ? '' : ' (no bias)'}`;

/** d/d inputs[k] of L = Σ r ⊙ op(inputs) by central differences, all in float64. */
function finiteDifference(
  op: OpDef<Conv2dAttrs>,
  inputs: Float64Array[],
  shapes: Shape[],
  attrs: Conv2dAttrs,
  r: Float64Array,
  k: number,
  eps: number,
): Float64Array {
  const loss = () => {
    const y = op.reference(inputs, shapes, attrs);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += r[i]! * y[i]!;
    return s;
  };
  const a = inputs[k]!;
  const grad = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const keep = a[i]!;
    a[i] = keep + eps;
    const up = loss();
    a[i] = keep - eps;
    const down = loss();
    a[i] = keep;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}

describe('conv2d / convTranspose2d backward rules vs central finite differences (float64)', () => {
  // L is linear in each input, so central differences are exact up to rounding: eps 1e-5 leaves
  // errors near 1e-16·|L| / 1e-5, far inside atol 1e-7, rtol 1e-6.
  const tol = { atol: 1e-7, rtol: 1e-6 };
  const rng = new Rng(2024);
  const rand = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
  for (const c of CASES) {
    it(describeCase(c), () => {
      const op = c.op === 'conv' ? conv2d : convTranspose2d;
      const attrs = { stride: c.stride, padding: c.padding };
      const shapes = caseShapes(c);
      const inputs = shapes.map((s) => rand(numel(s)));
      const r = rand(numel(op.inferShape(shapes, attrs)));
      const grads = referenceGrads(op, inputs, shapes, attrs, r);
      expect(grads.length).to.equal(inputs.length);
      ['x', 'w', 'b'].slice(0, inputs.length).forEach((name, k) => {
        allclose(
          grads[k]!,
          finiteDifference(op, inputs, shapes, attrs, r, k, 1e-5),
          tol,
          `${describeCase(c)}: d/d${name}`,
        );
      });
    });
  }
});
