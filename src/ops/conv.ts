// conv.ts: 2-D convolution and transposed convolution over NCHW tensors, and the ops their backward
// rules are composed from (conv2dBackwardInput, conv2dBackwardWeight, channelSum).
// Imports kernels, gpu types, util. Kernels: shaders/conv2d.wgsl. CPU reference: ./conv.ref.ts.
//
// Layouts follow PyTorch: Conv2d weight [out, in, kH, kW], ConvTranspose2d weight [in, out, kH, kW].
// Stride and padding are single integers used for rows and columns alike. A transposed convolution is
// the input-gradient of the convolution that maps its output back to its input, so both run on the
// same kernel, and a ConvTranspose2d weight is already in the [O, C, KH, KW] order that kernel reads.
//
// Two ways to run each (tuning.conv, per adapter): lowered onto the GEMM kernels through the gather
// passes of shaders/im2col.wgsl (forward: im2col → W·cols → back to NCHW; input gradient and
// transposed forward: NCHW → channel-major → Wᵀ·dy → col2im; weight gradient: dy channel-major ·
// im2col(x)ᵀ), or the direct kernels of shaders/conv2d.wgsl, which need no scratch and also take the
// convolutions whose im2col matrices would pass tuning.im2colMaxBytes.
//
// The weight gradient reads im2col(x) again, which a lowered conv2d of the same x has already built:
// conv2dBackwardWeight takes that conv2d's output as an optional third input, and within one compiled
// graph (one BuildContext) it then reads the forward's matrix (kept in the forward's own scratch, which
// nothing else writes) instead of gathering it anew. The backward rules pass it: conv2d's own output,
// and for convTranspose2d the input gradient conv2d(dy, w), whose im2col is that of the weight gradient.
import { SHADERS } from '../kernels/shaders';
import { groupPerItem, threadGrid } from '../kernels/dispatch';
import { ConfigError, ShapeError } from '../util/errors';
import { checkShape, fmt, numel, type Shape } from '../util/shape';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import { gemmDispatch, gemmSplitK, splitKParts } from './matmul';
import type { ManagedBuffer } from '../gpu/buffers';
import {
  channelSumRef,
  conv2dBackwardInputRef,
  conv2dBackwardWeightRef,
  conv2dRef,
  type ConvGeometry,
} from './conv.ref';

export type { ConvGeometry } from './conv.ref';

export interface Conv2dAttrs {
  /** Step of the kernel window along rows and columns; an integer ≥ 1, default 1. */
  stride?: number;
  /** Zeros added on each of the four sides; an integer ≥ 0, default 0. */
  padding?: number;
}

export interface Conv2dBackwardInputAttrs extends Conv2dAttrs {
  /** [H, W] of the forward input; several sizes give the same output size when stride > 1. */
  inputSize: readonly [number, number];
}

/**
 * conv2dBackwardWeight's inputs are x, dy and optionally y = conv2d(x, w') for some w' with the same
 * stride, padding and kernel size (in the backward rules: the forward's output), whose im2col matrix
 * it reuses when both run lowered in one compiled graph.
 */
export interface Conv2dBackwardWeightAttrs extends Conv2dAttrs {
  /** [KH, KW] of the forward weight. */
  kernelSize: readonly [number, number];
}

const UNSUPPORTED_HINT: Record<string, string> = {
  outputPadding: 'The output size is fixed at (H − 1)·stride − 2·padding + KH; crop or pad it with another op.',
  dilation: 'Only dilation 1 is implemented.',
  groups: 'Only groups = 1 is implemented.',
};

/** Validates the attrs: only `allowed` keys, and an integer stride ≥ 1 and padding ≥ 0. */
function strideAndPad(name: string, attrs: object, allowed: readonly string[]): { stride: number; pad: number } {
  for (const [key, value] of Object.entries(attrs)) {
    if (!allowed.includes(key)) {
      const hint = UNSUPPORTED_HINT[key] ?? `Remove "${key}".`;
      throw new ConfigError(
        `${name}: option "${key}" is not supported; expected only ${allowed.join(', ')}, got ${key}=${JSON.stringify(value)}. ${hint}`,
      );
    }
  }
  const { stride = 1, padding = 0 } = attrs as Conv2dAttrs;
  if (!Number.isInteger(stride) || stride < 1) {
    throw new ConfigError(
      `${name}: bad stride; expected one integer ≥ 1 (used for rows and columns), got ${JSON.stringify(stride)}.`,
    );
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new ConfigError(
      `${name}: bad padding; expected one integer ≥ 0 (used on all four sides), got ${JSON.stringify(padding)}.`,
    );
  }
  return { stride, pad: padding };
}

function need4d(name: string, shapes: Record<string, Shape>, expected: string): void {
  const all = Object.entries(shapes)
    .map(([k, s]) => `${k}=${fmt(s)}`)
    .join(' ');
  for (const [k, s] of Object.entries(shapes)) {
    if (s.length !== 4) throw new ShapeError(`${name}: expected ${expected}; got ${all}.`);
    checkShape(s, `${name}: ${k}`);
  }
}

/** A [rows, cols] attr of two positive integers. */
function sizePair(name: string, key: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ConfigError(
      `${name}: bad ${key}; expected [rows, cols] of two positive integers, got ${JSON.stringify(v)}.`,
    );
  }
  return [v[0], v[1]];
}

const outSize = (size: number, kernel: number, stride: number, pad: number): number =>
  Math.floor((size + 2 * pad - kernel) / stride) + 1;

/** Geometry of y = conv(x, w): x [N, C, H, W], w [O, C, KH, KW]. */
export function conv2dGeometry(
  x: Shape,
  w: Shape,
  attrs: Conv2dAttrs,
  name = 'conv2d',
  allowed: readonly string[] = ['stride', 'padding'],
): ConvGeometry {
  const { stride, pad } = strideAndPad(name, attrs, allowed);
  need4d(name, { x, w }, 'x [N, C, H, W] and w [O, C, KH, KW]');
  const [N, C, H, W] = x as [number, number, number, number];
  const [O, Cw, KH, KW] = w as [number, number, number, number];
  if (C !== Cw) {
    throw new ShapeError(
      `${name}: input channels differ; expected x[1] == w[1], got x=${fmt(x)} w=${fmt(w)}. The weight layout is [out, in, kH, kW].`,
    );
  }
  if (KH > H + 2 * pad || KW > W + 2 * pad) {
    throw new ShapeError(
      `${name}: kernel larger than the padded input; expected KH ≤ H + 2·${pad} and KW ≤ W + 2·${pad}, got x=${fmt(x)} w=${fmt(w)}. Use a smaller kernel or more padding.`,
    );
  }
  return { N, C, H, W, O, KH, KW, OH: outSize(H, KH, stride, pad), OW: outSize(W, KW, stride, pad), stride, pad };
}

/**
 * Geometry of y = convTranspose(x, w), x [N, Cin, H, W], w [Cin, Cout, KH, KW], in the terms of the
 * convolution it inverts: that convolution maps y [N, Cout, Hout, Wout] to x, so C = Cout, O = Cin,
 * (H, W) = (Hout, Wout) and (OH, OW) = x's (H, W).
 */
export function convTranspose2dGeometry(
  x: Shape,
  w: Shape,
  attrs: Conv2dAttrs,
  name = 'convTranspose2d',
): ConvGeometry {
  const { stride, pad } = strideAndPad(name, attrs, ['stride', 'padding']);
  need4d(name, { x, w }, 'x [N, Cin, H, W] and w [Cin, Cout, KH, KW]');
  const [N, Cin, H, W] = x as [number, number, number, number];
  const [Cw, Cout, KH, KW] = w as [number, number, number, number];
  if (Cin !== Cw) {
    throw new ShapeError(
      `${name}: input channels differ; expected x[1] == w[0], got x=${fmt(x)} w=${fmt(w)}. The weight layout is [in, out, kH, kW].`,
    );
  }
  const Hout = (H - 1) * stride - 2 * pad + KH;
  const Wout = (W - 1) * stride - 2 * pad + KW;
  if (Hout < 1 || Wout < 1) {
    throw new ShapeError(
      `${name}: output would be empty; expected (H − 1)·${stride} − 2·${pad} + KH ≥ 1 (and likewise for W), got [${Hout},${Wout}] from x=${fmt(x)} w=${fmt(w)}. Use less padding.`,
    );
  }
  return { N, C: Cout, H: Hout, W: Wout, O: Cin, KH, KW, OH: H, OW: W, stride, pad };
}

function checkBias(name: string, bias: Shape | undefined, channels: number, w: Shape): void {
  if (bias && (bias.length !== 1 || bias[0] !== channels)) {
    throw new ShapeError(
      `${name}: bias size differs from the output channels; expected b=[${channels}], got b=${fmt(bias)} with w=${fmt(w)}.`,
    );
  }
}

function inputCount(name: string, shapes: readonly Shape[]): void {
  if (shapes.length !== 2 && shapes.length !== 3) {
    throw new ShapeError(
      `${name}: wrong number of inputs; expected x, w and optionally b, got ${shapes.length} (${shapes.map(fmt).join(' ')}).`,
    );
  }
}

function conv2dChecked(shapes: readonly Shape[], attrs: Conv2dAttrs): ConvGeometry {
  inputCount('conv2d', shapes);
  const g = conv2dGeometry(shapes[0]!, shapes[1]!, attrs);
  checkBias('conv2d', shapes[2], g.O, shapes[1]!);
  return g;
}

function convTranspose2dChecked(shapes: readonly Shape[], attrs: Conv2dAttrs): ConvGeometry {
  inputCount('convTranspose2d', shapes);
  const g = convTranspose2dGeometry(shapes[0]!, shapes[1]!, attrs);
  checkBias('convTranspose2d', shapes[2], g.C, shapes[1]!);
  return g;
}

function backwardInputChecked([dy, w]: readonly Shape[], attrs: Conv2dBackwardInputAttrs): ConvGeometry {
  const name = 'conv2dBackwardInput';
  need4d(name, { dy: dy!, w: w! }, 'dy [N, O, OH, OW] and w [O, C, KH, KW]');
  if (dy![1] !== w![0])
    throw new ShapeError(`${name}: output channels differ; expected dy[1] == w[0], got dy=${fmt(dy!)} w=${fmt(w!)}.`);
  const [H, W] = sizePair(name, 'inputSize', attrs.inputSize);
  const g = conv2dGeometry([dy![0]!, w![1]!, H, W], w!, attrs, name, ['stride', 'padding', 'inputSize']);
  if (g.OH !== dy![2] || g.OW !== dy![3]) {
    throw new ShapeError(
      `${name}: dy does not fit an input of size [${H},${W}]; expected dy=${fmt([g.N, g.O, g.OH, g.OW])}, got dy=${fmt(dy!)} w=${fmt(w!)}. Check inputSize, stride and padding.`,
    );
  }
  return g;
}

function backwardWeightChecked([x, dy, ...rest]: readonly Shape[], attrs: Conv2dBackwardWeightAttrs): ConvGeometry {
  const name = 'conv2dBackwardWeight';
  if (!x || !dy || rest.length > 1) {
    throw new ShapeError(
      `${name}: wrong number of inputs; expected x, dy and optionally y = conv2d(x, ·), got ${[x, dy, ...rest].filter(Boolean).length}.`,
    );
  }
  need4d(name, { x: x!, dy: dy! }, 'x [N, C, H, W] and dy [N, O, OH, OW]');
  const [KH, KW] = sizePair(name, 'kernelSize', attrs.kernelSize);
  const g = conv2dGeometry(x!, [dy![1]!, x![1]!, KH, KW], attrs, name, ['stride', 'padding', 'kernelSize']);
  if (dy![0] !== g.N || dy![2] !== g.OH || dy![3] !== g.OW) {
    throw new ShapeError(
      `${name}: dy does not fit x with a ${KH}×${KW} kernel; expected dy=${fmt([g.N, g.O, g.OH, g.OW])}, got x=${fmt(x!)} dy=${fmt(dy!)}. Check kernelSize, stride and padding.`,
    );
  }
  const y = rest[0];
  if (y && (y.length !== 4 || y[0] !== g.N || y[2] !== g.OH || y[3] !== g.OW)) {
    throw new ShapeError(
      `${name}: the third input is not a conv2d output of x with a ${KH}×${KW} kernel; expected y=[${g.N},·,${g.OH},${g.OW}], got y=${fmt(y)} with x=${fmt(x!)}. Pass conv2d(x, w)'s output or leave it out.`,
    );
  }
  return g;
}

/** The im2col matrix a lowered conv2d built for the x in buffer `x`, with the geometry key `key`. */
interface ForwardCols {
  x: ManagedBuffer;
  key: string;
  cols: ManagedBuffer;
}

/**
 * Per compiled graph (BuildContext), the im2col matrices of its lowered conv2d ops by the buffer of
 * each op's output. Every conv op's build first drops the entry of its own output buffer, so an entry
 * only ever describes the conv2d that last wrote that buffer.
 */
const forwardCols = new WeakMap<BuildContext, Map<ManagedBuffer, ForwardCols>>();

/** What the im2col matrix depends on besides x's values. */
const colsKey = (g: ConvGeometry): string => [g.N, g.C, g.H, g.W, g.KH, g.KW, g.stride, g.pad].join(',');

function colsOf(ctx: BuildContext): Map<ManagedBuffer, ForwardCols> {
  let m = forwardCols.get(ctx);
  if (!m) {
    m = new Map();
    forwardCols.set(ctx, m);
  }
  return m;
}

type Entry = 'forward' | 'forward_no_bias' | 'backward_input' | 'transpose_forward' | 'backward_weight' | 'bias_grad';

/** The Params struct shared by conv2d.wgsl and im2col.wgsl; n is the entry's output element count. */
const convParams = (g: ConvGeometry, n: number) => ({
  N: g.N,
  C: g.C,
  H: g.H,
  W: g.W,
  O: g.O,
  KH: g.KH,
  KW: g.KW,
  stride: g.stride,
  pad: g.pad,
  OH: g.OH,
  OW: g.OW,
  n,
});

/** Entries that reduce with one workgroup per output element; the others run one thread per output element. */
const GROUP_PER_OUTPUT: readonly Entry[] = ['backward_weight', 'bias_grad'];

/** One call site over n output elements. */
function site(
  ctx: BuildContext,
  entry: Entry,
  resources: Record<string, ManagedBuffer>,
  g: ConvGeometry,
  n: number,
): Dispatch {
  const kernel = ctx.registry.kernel(SHADERS.conv2d, entry);
  const workgroups = GROUP_PER_OUTPUT.includes(entry) ? groupPerItem(n) : threadGrid(kernel, n);
  return { bound: ctx.registry.bind(kernel, resources, convParams(g, n)), workgroups };
}

type MoveEntry =
  | 'im2col'
  | 'to_channel_major'
  | 'from_channel_major'
  | 'from_channel_major_bias'
  | 'col2im'
  | 'col2im_bias';

/** One pass of shaders/im2col.wgsl over n output elements. */
function moveSite(
  ctx: BuildContext,
  entry: MoveEntry,
  resources: Record<string, ManagedBuffer>,
  g: ConvGeometry,
  n: number,
): Dispatch {
  const kernel = ctx.registry.kernel(SHADERS.im2col, entry);
  return { bound: ctx.registry.bind(kernel, resources, convParams(g, n)), workgroups: threadGrid(kernel, n) };
}

/** Q = C·KH·KW (rows of the im2col matrix), NP = N·OH·OW (its columns). */
const lowering = (g: ConvGeometry) => ({ Q: g.C * g.KH * g.KW, NP: g.N * g.OH * g.OW });

/**
 * Whether this convolution runs as im2col + GEMM (tuning.conv, and every scratch matrix within
 * tuning.im2colMaxBytes and the adapter's binding limit) rather than the direct kernels.
 */
function lowered(ctx: BuildContext, g: ConvGeometry): boolean {
  const { conv, im2colMaxBytes } = ctx.registry.tuning;
  if (conv !== 'im2col') return false;
  const { Q, NP } = lowering(g);
  const cap = Math.min(im2colMaxBytes, ctx.gpu.device.limits.maxStorageBufferBindingSize);
  return Math.max(Q, g.O) * NP * 4 <= cap;
}

/** y = from_channel_major(W [O, Q] · im2col(x)) (+ b). */
function loweredForward(
  ctx: BuildContext,
  x: ManagedBuffer,
  w: ManagedBuffer,
  b: ManagedBuffer | undefined,
  y: ManagedBuffer,
  g: ConvGeometry,
): Dispatch[] {
  const { Q, NP } = lowering(g);
  const cols = ctx.scratch('conv2d:cols', Q * NP);
  const yT = ctx.scratch('conv2d:yT', g.O * NP);
  colsOf(ctx).set(y, { x, key: colsKey(g), cols });
  return [
    moveSite(ctx, 'im2col', { x, y: cols }, g, Q * NP),
    gemmDispatch(ctx, w, cols, yT, { M: g.O, K: Q, N: NP }, {}),
    b
      ? moveSite(ctx, 'from_channel_major_bias', { t: yT, b, y }, g, g.O * NP)
      : moveSite(ctx, 'from_channel_major', { t: yT, y }, g, g.O * NP),
  ];
}

/** dx = col2im(Wᵀ [Q, O] · to_channel_major(dy)) (+ b: the transposed convolution's forward). */
function loweredInput(
  ctx: BuildContext,
  dy: ManagedBuffer,
  w: ManagedBuffer,
  b: ManagedBuffer | undefined,
  dx: ManagedBuffer,
  g: ConvGeometry,
): Dispatch[] {
  const { Q, NP } = lowering(g);
  const dyT = ctx.scratch('conv2d:dyT', g.O * NP);
  const cols = ctx.scratch('conv2d:dcols', Q * NP);
  const n = g.N * g.C * g.H * g.W;
  return [
    moveSite(ctx, 'to_channel_major', { t: dy, y: dyT }, g, g.O * NP),
    gemmDispatch(ctx, w, dyT, cols, { M: Q, K: g.O, N: NP }, { transA: true }),
    b ? moveSite(ctx, 'col2im_bias', { t: cols, b, y: dx }, g, n) : moveSite(ctx, 'col2im', { t: cols, y: dx }, g, n),
  ];
}

/**
 * dw [O, Q] = to_channel_major(dy) [O, NP] · im2col(x)ᵀ, K = N·OH·OW split into slices (gemmSplitK).
 * im2col(x) is the one the conv2d that wrote `y` built, when that conv2d ran lowered on this x in the
 * same compiled graph; otherwise it is gathered here.
 */
function loweredWeight(
  ctx: BuildContext,
  x: ManagedBuffer,
  dy: ManagedBuffer,
  y: ManagedBuffer | undefined,
  dw: ManagedBuffer,
  g: ConvGeometry,
): Dispatch[] {
  const { Q, NP } = lowering(g);
  const built = y ? forwardCols.get(ctx)?.get(y) : undefined;
  const reuse = built && built.x === x && built.key === colsKey(g) ? built.cols : null;
  const cols = reuse ?? ctx.scratch('conv2d:cols', Q * NP);
  const dyT = ctx.scratch('conv2d:dyT', g.O * NP);
  return [
    ...(reuse ? [] : [moveSite(ctx, 'im2col', { x, y: cols }, g, Q * NP)]),
    moveSite(ctx, 'to_channel_major', { t: dy, y: dyT }, g, g.O * NP),
    ...gemmSplitK(ctx, dyT, cols, dw, { M: g.O, K: NP, N: Q }, { transB: true }, splitKParts({ M: g.O, K: NP, N: Q })),
  ];
}

/** y = conv(x, w) + b: x [N, C, H, W], w [O, C, KH, KW], optional b [O] → y [N, O, OH, OW]. */
export const conv2d: OpDef<Conv2dAttrs> = defineOp<Conv2dAttrs>({
  name: 'conv2d',
  inferShape: (shapes, attrs) => {
    const g = conv2dChecked(shapes, attrs);
    return [g.N, g.O, g.OH, g.OW];
  },
  build: (ctx, [x, w, b], shapes, out, outShape, attrs) => {
    const g = conv2dChecked(shapes, attrs);
    forwardCols.get(ctx)?.delete(out);
    if (lowered(ctx, g)) return loweredForward(ctx, x!, w!, b, out, g);
    const n = numel(outShape);
    return [
      b
        ? site(ctx, 'forward', { x: x!, w: w!, b, y: out }, g, n)
        : site(ctx, 'forward_no_bias', { x: x!, w: w!, y: out }, g, n),
    ];
  },
  reference: ([x, w, b], shapes, attrs) => conv2dRef(x!, w!, b ?? null, conv2dChecked(shapes, attrs)),
  // The weight gradient gets the output too, so that it reads this op's im2col(x) (see the header).
  backward: (gb, { inputs: [x, w, b], output, dy, attrs, needsGrad }) => {
    const { stride, padding } = attrs;
    const grads = [
      needsGrad[0]
        ? gb.apply(conv2dBackwardInput, [dy, w!], { stride, padding, inputSize: [x!.shape[2]!, x!.shape[3]!] })
        : null,
      needsGrad[1]
        ? gb.apply(conv2dBackwardWeight, [x!, dy, output], {
            stride,
            padding,
            kernelSize: [w!.shape[2]!, w!.shape[3]!],
          })
        : null,
    ];
    return b ? [...grads, needsGrad[2] ? gb.apply(channelSum, [dy], {}) : null] : grads;
  },
});

/**
 * y = convTranspose(x, w) + b: x [N, Cin, H, W], w [Cin, Cout, KH, KW], optional b [Cout] →
 * y [N, Cout, (H − 1)·stride − 2·padding + KH, (W − 1)·stride − 2·padding + KW]. No output padding.
 */
export const convTranspose2d: OpDef<Conv2dAttrs> = defineOp<Conv2dAttrs>({
  name: 'convTranspose2d',
  inferShape: (shapes, attrs) => {
    const g = convTranspose2dChecked(shapes, attrs);
    return [g.N, g.C, g.H, g.W];
  },
  build: (ctx, [x, w, b], shapes, out, outShape, attrs) => {
    const g = convTranspose2dChecked(shapes, attrs);
    forwardCols.get(ctx)?.delete(out);
    if (lowered(ctx, g)) return loweredInput(ctx, x!, w!, b, out, g);
    const n = numel(outShape);
    return [
      b
        ? site(ctx, 'transpose_forward', { dy: x!, w: w!, b, y: out }, g, n)
        : site(ctx, 'backward_input', { dy: x!, w: w!, dx: out }, g, n),
    ];
  },
  reference: ([x, w, b], shapes, attrs) => {
    const g = convTranspose2dChecked(shapes, attrs);
    const y = conv2dBackwardInputRef(x!, w!, g);
    const plane = g.H * g.W;
    if (b) for (let i = 0; i < y.length; i++) y[i]! += b[Math.floor(i / plane) % g.C]!;
    return y;
  },
  // The adjoint of a transposed convolution in x is the convolution itself (no bias); its weight
  // gradient is the convolution's weight gradient with the roles of x and dy swapped, which comes
  // out as [Cin, Cout, KH, KW], PyTorch's transposed layout, with no rearranging. That weight gradient
  // needs im2col(dy), which the input gradient conv2d(dy, w) builds: it gets that output to reuse it.
  backward: (gb, { inputs: [x, w, b], dy, attrs, needsGrad }) => {
    const { stride, padding } = attrs;
    const dx = needsGrad[0] ? gb.apply(conv2d, [dy, w!], { stride, padding }) : null;
    const kernelSize: [number, number] = [w!.shape[2]!, w!.shape[3]!];
    const grads = [
      dx,
      needsGrad[1]
        ? gb.apply(conv2dBackwardWeight, dx ? [dy, x!, dx] : [dy, x!], { stride, padding, kernelSize })
        : null,
    ];
    return b ? [...grads, needsGrad[2] ? gb.apply(channelSum, [dy], {}) : null] : grads;
  },
});

/** dx [N, C, H, W] from dy [N, O, OH, OW] and w [O, C, KH, KW]: conv2d's input gradient. */
export const conv2dBackwardInput: OpDef<Conv2dBackwardInputAttrs> = defineOp<Conv2dBackwardInputAttrs>({
  name: 'conv2dBackwardInput',
  inferShape: (shapes, attrs) => {
    const g = backwardInputChecked(shapes, attrs);
    return [g.N, g.C, g.H, g.W];
  },
  build: (ctx, [dy, w], shapes, out, outShape, attrs) => {
    const g = backwardInputChecked(shapes, attrs);
    forwardCols.get(ctx)?.delete(out);
    return lowered(ctx, g)
      ? loweredInput(ctx, dy!, w!, undefined, out, g)
      : [site(ctx, 'backward_input', { dy: dy!, w: w!, dx: out }, g, numel(outShape))];
  },
  reference: ([dy, w], shapes, attrs) => conv2dBackwardInputRef(dy!, w!, backwardInputChecked(shapes, attrs)),
  backward: 'none',
});

/**
 * dw [O, C, KH, KW] from x [N, C, H, W] and dy [N, O, OH, OW]: conv2d's weight gradient. An optional
 * third input y = conv2d(x, ·) lets it reuse that op's im2col(x) (Conv2dBackwardWeightAttrs).
 */
export const conv2dBackwardWeight: OpDef<Conv2dBackwardWeightAttrs> = defineOp<Conv2dBackwardWeightAttrs>({
  name: 'conv2dBackwardWeight',
  inferShape: (shapes, attrs) => {
    const g = backwardWeightChecked(shapes, attrs);
    return [g.O, g.C, g.KH, g.KW];
  },
  build: (ctx, [x, dy, y], shapes, out, outShape, attrs) => {
    const g = backwardWeightChecked(shapes, attrs);
    forwardCols.get(ctx)?.delete(out);
    return lowered(ctx, g)
      ? loweredWeight(ctx, x!, dy!, y, out, g)
      : [site(ctx, 'backward_weight', { x: x!, dy: dy!, dw: out }, g, numel(outShape))];
  },
  reference: ([x, dy], shapes, attrs) => conv2dBackwardWeightRef(x!, dy!, backwardWeightChecked(shapes, attrs)),
  backward: 'none',
});

function channelSumChecked([a]: readonly Shape[]): [number, number, number] {
  need4d('channelSum', { a: a! }, 'a [N, C, H, W]');
  return [a![0]!, a![1]!, a![2]! * a![3]!];
}

/** Σ over N, H, W for each channel: a [N, C, H, W] → [C] (the bias gradient of both convolutions). */
export const channelSum: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'channelSum',
  inferShape: (shapes) => [channelSumChecked(shapes)[1]],
  build: (ctx, [a], shapes, out) => {
    const [N, C, HW] = channelSumChecked(shapes);
    const g: ConvGeometry = { N, C: 1, H: 1, W: 1, O: C, KH: 1, KW: 1, OH: 1, OW: HW, stride: 1, pad: 0 };
    return [site(ctx, 'bias_grad', { dy: a!, db: out }, g, C)];
  },
  reference: ([a], shapes) => channelSumRef(a!, ...channelSumChecked(shapes)),
  backward: 'none',
});
