// conv.ref.ts: float64 CPU references for src/ops/conv.ts. Imports nothing.
// Plain loops over NCHW arrays, written independently of shaders/conv2d.wgsl: the forward gathers,
// while both gradients scatter (they walk the forward's terms and add each into its target), so a
// mistake in the shader's index algebra for the gradients is not repeated here.

/** Convolution geometry: x [N, C, H, W], w [O, C, KH, KW], y [N, O, OH, OW]. */
export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  KH: number;
  KW: number;
  OH: number;
  OW: number;
  stride: number;
  pad: number;
}

/** Calls visit(xIndex, wIndex, yIndex) for every term x·w of the convolution sum. */
function forEachTerm(g: ConvGeometry, visit: (xi: number, wi: number, yi: number) => void): void {
  const { N, C, H, W, O, KH, KW, OH, OW, stride, pad } = g;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const yi = ((n * O + o) * OH + oh) * OW + ow;
          for (let c = 0; c < C; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * stride - pad + kh;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * stride - pad + kw;
                if (iw < 0 || iw >= W) continue;
                visit(((n * C + c) * H + ih) * W + iw, ((o * C + c) * KH + kh) * KW + kw, yi);
              }
            }
          }
        }
      }
    }
  }
}

/** y = conv(x, w) + b (b may be null): y [N, O, OH, OW]. */
export function conv2dRef(x: Float64Array, w: Float64Array, b: Float64Array | null, g: ConvGeometry): Float64Array {
  const y = new Float64Array(g.N * g.O * g.OH * g.OW);
  const plane = g.OH * g.OW;
  if (b) for (let i = 0; i < y.length; i++) y[i] = b[Math.floor(i / plane) % g.O]!;
  forEachTerm(g, (xi, wi, yi) => {
    y[yi]! += x[xi]! * w[wi]!;
  });
  return y;
}

/** dx [N, C, H, W] = the adjoint of conv in x applied to dy [N, O, OH, OW]. */
export function conv2dBackwardInputRef(dy: Float64Array, w: Float64Array, g: ConvGeometry): Float64Array {
  const dx = new Float64Array(g.N * g.C * g.H * g.W);
  forEachTerm(g, (xi, wi, yi) => {
    dx[xi]! += dy[yi]! * w[wi]!;
  });
  return dx;
}

/** dw [O, C, KH, KW] = Σ over n, oh, ow of dy · x. */
export function conv2dBackwardWeightRef(x: Float64Array, dy: Float64Array, g: ConvGeometry): Float64Array {
  const dw = new Float64Array(g.O * g.C * g.KH * g.KW);
  forEachTerm(g, (xi, wi, yi) => {
    dw[wi]! += dy[yi]! * x[xi]!;
  });
  return dw;
}

/** Per-channel sums of a [N, C, H·W] array: out [C]. */
export function channelSumRef(a: Float64Array, N: number, C: number, HW: number): Float64Array {
  const out = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < HW; p++) out[c]! += a[(n * C + c) * HW + p]!;
    }
  }
  return out;
}
