// matmul.ts: matrix products (with the transposed variants backward needs, and batching) and the
// fused Linear layer y = act(x·Wᵀ + b). Imports kernels, gpu types, util.
import { SHADERS } from '../kernels/shaders';
import { ceilDiv } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, type Shape } from '../util/shape';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import type { ManagedBuffer } from '../gpu/buffers';
import { matmulRef } from './matmul.ref';
import { activationCode, activationGradY, slopeOf, type ActivationAttrs } from './activation';
import { activationRef } from './activation.ref';
import { sumRows } from './reduce';

export interface MatmulAttrs {
  transA?: boolean;
  transB?: boolean;
}

interface Dims {
  batch: number;
  M: number;
  K: number;
  N: number;
}

/** Checks op(A)·op(B) and returns its dimensions; a and b are both 2-D, or both 3-D with one batch size. */
export function matmulDims(a: Shape, b: Shape, { transA = false, transB = false }: MatmulAttrs, name = 'matmul'): Dims {
  if (!((a.length === 2 && b.length === 2) || (a.length === 3 && b.length === 3 && a[0] === b[0]))) {
    throw new ShapeError(`${name}: expected two 2-D matrices or two 3-D batches of equal size; got a=${fmt(a)} b=${fmt(b)}.`);
  }
  const batch = a.length === 3 ? a[0]! : 1;
  const [ar, ac] = a.slice(-2) as [number, number];
  const [br, bc] = b.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const [K2, N] = transB ? [bc, br] : [br, bc];
  if (K !== K2) {
    const what = `${transA ? 'a[-2]' : 'a[-1]'} == ${transB ? 'b[-1]' : 'b[-2]'}`;
    throw new ShapeError(`${name}: inner dims differ; expected ${what}, got a=${fmt(a)} b=${fmt(b)}${transA ? ' (a transposed)' : ''}${transB ? ' (b transposed)' : ''}.`);
  }
  return { batch, M, K, N };
}

function strideParams(d: Dims, { transA = false, transB = false }: MatmulAttrs) {
  return {
    M: d.M, N: d.N, K: d.K,
    a_rs: transA ? 1 : d.K, a_cs: transA ? d.M : 1, a_bs: d.batch > 1 ? d.M * d.K : 0,
    b_rs: transB ? 1 : d.N, b_cs: transB ? d.K : 1, b_bs: d.batch > 1 ? d.K * d.N : 0,
    c_bs: d.M * d.N,
  };
}

function gemmSite(ctx: BuildContext, entry: 'forward' | 'forward_bias_act', resources: Record<string, ManagedBuffer>, d: Dims, t: MatmulAttrs, act = 0, alpha = 0): Dispatch {
  // Both variants share bindings, params and dispatch geometry; the adapter's tuning picks one.
  const shader = ctx.gpu.tuning.gemm === 'direct' ? SHADERS.matmulDirect : SHADERS.matmul;
  const kernel = ctx.registry.kernel(shader, entry);
  const params = { ...strideParams(d, t), act, alpha };
  return { bound: ctx.registry.bind(kernel, resources, params), workgroups: [ceilDiv(d.N, 64), ceilDiv(d.M, 64), d.batch] };
}

/** op(A)·op(B); batched when both are 3-D. */
export const matmul: OpDef<MatmulAttrs> = defineOp<MatmulAttrs>({
  name: 'matmul',
  inferShape: ([a, b], attrs) => {
    const d = matmulDims(a!, b!, attrs);
    return a!.length === 3 ? [d.batch, d.M, d.N] : [d.M, d.N];
  },
  build: (ctx, [a, b], [as, bs], out, _o, attrs) => [gemmSite(ctx, 'forward', { a: a!, b: b!, c: out }, matmulDims(as!, bs!, attrs), attrs)],
  reference: ([a, b], [as, bs], attrs) => {
    const d = matmulDims(as!, bs!, attrs);
    const out = new Float64Array(d.batch * d.M * d.N);
    for (let i = 0; i < d.batch; i++) {
      const c = matmulRef(a!.subarray(i * d.M * d.K, (i + 1) * d.M * d.K), b!.subarray(i * d.K * d.N, (i + 1) * d.K * d.N), d.M, d.K, d.N, attrs.transA, attrs.transB);
      out.set(c, i * d.M * d.N);
    }
    return out;
  },
  backward: (g, { inputs: [a, b], dy, attrs, needsGrad }) => {
    const tA = attrs.transA ?? false;
    const tB = attrs.transB ?? false;
    let da = null;
    let db = null;
    if (needsGrad[0]) {
      da = tA ? g.apply(matmul, [b!, dy], { transA: tB, transB: true }) : g.apply(matmul, [dy, b!], { transB: !tB });
    }
    if (needsGrad[1]) {
      db = tB ? g.apply(matmul, [dy, a!], { transA: true, transB: tA }) : g.apply(matmul, [a!, dy], { transA: !tA });
    }
    return [da, db];
  },
});

/** y = act(x·Wᵀ + b): x [batch, in], W [out, in] (PyTorch's layout), b [out] → y [batch, out]. */
export const linear: OpDef<ActivationAttrs> = defineOp<ActivationAttrs>({
  name: 'linear',
  inferShape: ([x, w, bias]) => {
    if (x!.length !== 2 || w!.length !== 2 || bias!.length !== 1) {
      throw new ShapeError(`linear: expected x [batch, in], W [out, in], b [out]; got x=${fmt(x!)} W=${fmt(w!)} b=${fmt(bias!)}.`);
    }
    if (x![1] !== w![1]) throw new ShapeError(`linear: input features differ; expected x[1] == W[1], got x=${fmt(x!)} W=${fmt(w!)}.`);
    if (bias![0] !== w![0]) throw new ShapeError(`linear: bias size differs from output features; expected b=[${w![0]}], got b=${fmt(bias!)}.`);
    return [x![0]!, w![0]!];
  },
  build: (ctx, [x, w, bias], [xs, ws], out, _o, attrs) => {
    const t = { transB: true };
    const d = matmulDims(xs!, ws!, t, 'linear');
    return [gemmSite(ctx, 'forward_bias_act', { a: x!, b: w!, bias: bias!, c: out }, d, t, activationCode(attrs.kind), slopeOf(attrs))];
  },
  reference: ([x, w, bias], [xs, ws], attrs) => {
    const [B, I] = xs as [number, number];
    const O = ws![0]!;
    const z = matmulRef(x!, w!, B, I, O, false, true);
    for (let i = 0; i < z.length; i++) z[i] += bias![i % O]!;
    return activationRef(z, attrs.kind, slopeOf(attrs));
  },
  backward: (g, { inputs: [x, w], output, dy, attrs, needsGrad }) => {
    const dz = attrs.kind === 'identity' ? dy : g.apply(activationGradY, [output, dy], attrs);
    return [
      needsGrad[0] ? g.apply(matmul, [dz, w!], {}) : null,
      needsGrad[1] ? g.apply(matmul, [dz, x!], { transA: true }) : null,
      needsGrad[2] ? g.apply(sumRows, [dz], {}) : null,
    ];
  },
});
