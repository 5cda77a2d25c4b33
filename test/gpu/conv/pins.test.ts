// Convolutions pinned from outside: tiny cases worked by hand from PyTorch's documented definitions,
// not from this project's reference, with kernels that are neither square nor symmetric, Cin ≠ Cout,
// stride 2 and padding 1, so a flipped kernel, swapped [O, C, KH, KW] / [Cin, Cout, KH, KW] axes or a
// misplaced padding changes the answer. Both lowerings (im2col + GEMM, direct kernels) and the float64
// reference must give these numbers.
//
// Definitions (PyTorch, torch.nn.Conv2d / ConvTranspose2d; cross-correlation, no kernel flip):
//   Conv2d, weight [Cout, Cin, KH, KW], output (H + 2p − KH)/s + 1 rows:
//     y[n, o, i, j] = b[o] + Σ_c Σ_kh Σ_kw w[o, c, kh, kw] · x[n, c, i·s + kh − p, j·s + kw − p]
//   ConvTranspose2d, weight [Cin, Cout, KH, KW], output (H − 1)·s − 2p + KH rows: each input pixel
//   stamps its kernel,  y[n, o, i·s + kh − p, j·s + kw − p] += x[n, c, i, j] · w[c, o, kh, kw],  plus b[o].
//   Weight gradient of Conv2d: dw[o, c, kh, kw] = Σ_n Σ_i Σ_j dy[n, o, i, j] · x[n, c, i·s + kh − p, j·s + kw − p].
// (x outside the image is 0.)
//
// Tolerance: every input is a small integer or half, and every partial sum stays an integer or half
// far below 2²⁴, so float32 computes each output exactly (no rounding anywhere): the check is equality.
import { expect } from 'chai';
import { conv2d, conv2dBackwardWeight, convTranspose2d } from '../../../src/ops/conv';
import type { Tuning } from '../../../src/kernels/tuning';
import type { OpDef } from '../../../src/ops/op';
import type { Shape } from '../../../src/util/shape';
import { getGpu, runOp } from '../../helpers/gpu';

const flat = (a: number[][][][]) => Float32Array.from(a.flat(3));

// x [1, 2, 3, 4]
const X = [
  [
    [
      [1, 2, 0, -1],
      [3, -2, 1, 4],
      [0, 1, -3, 2],
    ],
    [
      [2, 0, 1, 3],
      [-1, 4, 2, 0],
      [1, -2, 0, 1],
    ],
  ],
];
// Conv2d weight [Cout 3, Cin 2, KH 2, KW 3]
const W = [
  [
    [
      [1, 2, 3],
      [0, -1, 0],
    ],
    [
      [0, 0, 1],
      [2, 0, 0],
    ],
  ],
  [
    [
      [-1, 0, 0],
      [0, 0, 0],
    ],
    [
      [0, 1, 0],
      [0, 0, -2],
    ],
  ],
  [
    [
      [0, 0, 0],
      [1, 1, 1],
    ],
    [
      [1, 0, 0],
      [0, 0, 0],
    ],
  ],
];
const B = [0.5, -1, 2];
// Conv2d(2, 3, kernel_size=(2, 3), stride=2, padding=1): rows (3 + 2 − 2)/2 + 1 = 2, cols (4 + 2 − 3)/2 + 1 = 2.
// Worked: y[0,0,0,0] reads rows −1..0 and columns −1..1; row −1 is padding, so only kh = 1 counts:
//   c 0: w[0,0,1,:]·x[0,0,0,−1..1] = (0, −1, 0)·(0, 1, 2) = −1;  c 1: (2, 0, 0)·(0, 2, 0) = 0;  + 0.5 → −0.5.
// y[0,0,1,1] reads rows 1..2, columns 1..3:
//   c 0: (1, 2, 3)·(−2, 1, 4) + (0, −1, 0)·(1, −3, 2) = 12 + 3 = 15;  c 1: (0, 0, 1)·(4, 2, 0) + (2, 0, 0)·(−2, 0, 1) = 0 − 4;
//   15 − 4 + 0.5 = 11.5.
const Y = [
  [
    [
      [-0.5, 0.5],
      [4.5, 11.5],
    ],
    [
      [-1, -7],
      [2, 1],
    ],
    [
      [5, 3],
      [3, 6],
    ],
  ],
];
// An upstream gradient dy [1, 3, 2, 2] and the weight gradient it gives, [3, 2, 2, 3].
// Worked: dw[0,0,1,1] = Σ_ij dy[0,0,i,j]·x[0,0,2i,2j] = 1·1 + (−1)·0 + 2·0 + 0·(−3) = 1.
const DY = [
  [
    [
      [1, -1],
      [2, 0],
    ],
    [
      [0, 3],
      [-1, 1],
    ],
    [
      [2, 1],
      [1, -2],
    ],
  ],
];
const DW = [
  [
    [
      [0, 6, -4],
      [-2, 1, 5],
    ],
    [
      [0, -2, 8],
      [0, 3, -7],
    ],
  ],
  [
    [
      [-2, -2, 6],
      [7, -3, -2],
    ],
    [
      [4, 3, -4],
      [-2, 2, 12],
    ],
  ],
  [
    [
      [4, 1, -10],
      [0, 8, 0],
    ],
    [
      [-8, -5, 4],
      [4, 6, -1],
    ],
  ],
];

// ConvTranspose2d(3, 2, kernel_size=(2, 3), stride=s, padding=p): x [1, 3, 2, 2], weight [Cin 3, Cout 2, 2, 3].
const XT = [
  [
    [
      [1, -2],
      [3, 0],
    ],
    [
      [0, 1],
      [-1, 2],
    ],
    [
      [2, 0],
      [1, 1],
    ],
  ],
];
const WT = [
  [
    [
      [1, 0, 2],
      [0, -1, 0],
    ],
    [
      [0, 1, 0],
      [3, 0, 0],
    ],
  ],
  [
    [
      [0, 0, -1],
      [1, 0, 0],
    ],
    [
      [2, 0, 0],
      [0, 0, 1],
    ],
  ],
  [
    [
      [1, 1, 0],
      [0, 0, 0],
    ],
    [
      [0, 0, 0],
      [0, 1, -1],
    ],
  ],
];
const BT = [1, -0.5];
// stride 2, padding 0: (2 − 1)·2 + 2 = 4 rows, (2 − 1)·2 + 3 = 5 columns; the stamps of x[:, :, i, j]
// start at row 2i, column 2j and overlap in column 2.
// Worked: y[0,0,0,2] = x[·,0,0]·w[·,0,0,2] + x[·,0,1]·w[·,0,0,0] = (1·2 + 0·(−1) + 2·0) + (−2·1 + 1·0 + 0·1) = 0; + 1 → 1.
const YT_P0 = [
  [
    [
      [4, 3, 1, 1, -4],
      [1, 0, 2, 3, 1],
      [5, 2, 9, 2, -1],
      [0, -2, 3, 1, 1],
    ],
    [
      [-0.5, 0.5, 1.5, -2.5, -0.5],
      [2.5, 1.5, -8.5, -0.5, 0.5],
      [-2.5, 2.5, 3.5, -0.5, -0.5],
      [8.5, 0.5, -2.5, 0.5, 0.5],
    ],
  ],
];
// stride 2, padding 1: the same stamps with one row and column cut from every side, (2 − 1)·2 − 2 + 2 = 2
// rows, (2 − 1)·2 − 2 + 3 = 3 columns: rows 1..2 and columns 1..3 of the padding-0 output.
// Worked: y[0,0,0,0] is the full output's (1, 1) = Σ_c x[c,0,0]·w[c,0,1,1] + b = (1·(−1) + 0·0 + 2·0) + 1 = 0.
const YT_P1 = [
  [
    [
      [0, 2, 3],
      [2, 9, 2],
    ],
    [
      [1.5, -8.5, -0.5],
      [2.5, 3.5, -0.5],
    ],
  ],
];

const shape4 = (a: number[][][][]): Shape => [a.length, a[0]!.length, a[0]![0]!.length, a[0]![0]![0]!.length];

interface Pin<A> {
  what: string;
  op: OpDef<A>;
  inputs: number[][][][][] | (number[][][][] | number[])[];
  attrs: A;
  want: number[][][][];
}

/** Keeps each pin's attrs typed with its op. */
const pin = <A>(p: Pin<A>): Pin<A> => p;

const PINS = [
  pin({
    what: 'Conv2d(2→3, kernel 2×3, stride 2, padding 1) with bias',
    op: conv2d,
    inputs: [X, W, B],
    attrs: { stride: 2, padding: 1 },
    want: Y,
  }),
  pin({
    what: 'Conv2d(2→3, kernel 2×3, stride 2, padding 1): weight gradient',
    op: conv2dBackwardWeight,
    inputs: [X, DY],
    attrs: { stride: 2, padding: 1, kernelSize: [2, 3] as const },
    want: DW,
  }),
  pin({
    what: 'ConvTranspose2d(3→2, kernel 2×3, stride 2, padding 0) with bias',
    op: convTranspose2d,
    inputs: [XT, WT, BT],
    attrs: { stride: 2, padding: 0 },
    want: YT_P0,
  }),
  pin({
    what: 'ConvTranspose2d(3→2, kernel 2×3, stride 2, padding 1) with bias',
    op: convTranspose2d,
    inputs: [XT, WT, BT],
    attrs: { stride: 2, padding: 1 },
    want: YT_P1,
  }),
];

/** The pin's inputs as float32 arrays with their shapes (a bias is a plain list). */
function unpack<A>(p: Pin<A>): { data: Float32Array[]; shapes: Shape[] } {
  const data: Float32Array[] = [];
  const shapes: Shape[] = [];
  for (const a of p.inputs) {
    if (typeof a[0] === 'number') {
      data.push(Float32Array.from(a as number[]));
      shapes.push([a.length]);
    } else {
      data.push(flat(a as number[][][][]));
      shapes.push(shape4(a as number[][][][]));
    }
  }
  return { data, shapes };
}

async function checkPin<A>(p: Pin<A>, lowering: 'reference' | Tuning['conv']): Promise<void> {
  const { data, shapes } = unpack(p);
  expect(p.op.inferShape(shapes, p.attrs), `${p.what}: output shape`).to.deep.equal(shape4(p.want));
  const want = Array.from(flat(p.want));
  if (lowering === 'reference') {
    const got = p.op.reference(
      data.map((a) => Float64Array.from(a)),
      shapes,
      p.attrs,
    );
    expect(Array.from(got), `${p.what}: float64 reference`).to.deep.equal(want);
    return;
  }
  const { registry } = await getGpu();
  const saved = registry.tuning.conv;
  registry.tuning.conv = lowering;
  try {
    const got = await runOp(p.op, data, shapes, p.attrs);
    expect(Array.from(got), `${p.what}: GPU, ${lowering}`).to.deep.equal(want);
  } finally {
    registry.tuning.conv = saved;
  }
}

describe('convolutions against values worked by hand from PyTorch definitions', () => {
  for (const p of PINS) {
    for (const lowering of ['reference', 'im2col', 'direct'] as const) {
      it(`${p.what}: ${lowering === 'reference' ? 'the float64 reference' : `the GPU, ${lowering}`}`, () =>
        checkPin(p as Pin<unknown>, lowering));
    }
  }
});
