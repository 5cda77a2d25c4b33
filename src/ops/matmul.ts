// matmul.ts: matrix products (with the transposed variants backward needs, and batching), the fused
// Linear layer y = act(x·Wᵀ + b), and the fused products of its backward that the graph's fusion pass
// (src/graph/fuse.ts) records: an input gradient through the previous activation, and a weight gradient
// with its bias gradient. Imports kernels, gpu types, util.
import { SHADERS } from '../kernels/shaders';
import { ceilDiv, coveringGrid } from '../kernels/dispatch';
import { ShapeError } from '../util/errors';
import { fmt, sameShape, type Shape } from '../util/shape';
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
    throw new ShapeError(
      `${name}: expected two 2-D matrices or two 3-D batches of equal size; got a=${fmt(a)} b=${fmt(b)}.`,
    );
  }
  const batch = a.length === 3 ? a[0]! : 1;
  const [ar, ac] = a.slice(-2) as [number, number];
  const [br, bc] = b.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const [K2, N] = transB ? [bc, br] : [br, bc];
  if (K !== K2) {
    const what = `${transA ? 'a[-2]' : 'a[-1]'} == ${transB ? 'b[-1]' : 'b[-2]'}`;
    throw new ShapeError(
      `${name}: inner dims differ; expected ${what}, got a=${fmt(a)} b=${fmt(b)}${transA ? ' (a transposed)' : ''}${transB ? ' (b transposed)' : ''}.`,
    );
  }
  return { batch, M, K, N };
}

function strideParams(d: Dims, { transA = false, transB = false }: MatmulAttrs) {
  return {
    M: d.M,
    N: d.N,
    K: d.K,
    a_rs: transA ? 1 : d.K,
    a_cs: transA ? d.M : 1,
    a_bs: d.batch > 1 ? d.M * d.K : 0,
    b_rs: transB ? 1 : d.N,
    b_cs: transB ? d.K : 1,
    b_bs: d.batch > 1 ? d.K * d.N : 0,
    c_bs: d.M * d.N,
  };
}

type GemmParams = ReturnType<typeof strideParams>;

/**
 * The epilogue's activation (the ACT override) and its slope (the alpha uniform): `forward_bias_act`,
 * `forward_act_grad`; and the bias's batch stride in `forward_bias_act` (the bias_bs uniform; 0, the
 * default, shares one bias over the batch).
 */
export interface Epilogue {
  act: number;
  alpha: number;
  biasStride?: number;
}

/** The GEMM entries (each with its `_v4` and `_wide` twins): plain, and the three epilogues of matmul.wgsl. */
export type GemmEntry = 'forward' | 'forward_bias_act' | 'forward_act_grad' | 'forward_bias_grad';

export function gemmSite(
  ctx: BuildContext,
  entry: GemmEntry,
  resources: Record<string, ManagedBuffer>,
  d: Dims,
  t: MatmulAttrs,
  epilogue: Epilogue = { act: 0, alpha: 0 },
): Dispatch {
  return gemmSiteWith(ctx, entry, resources, strideParams(d, t), d.batch, epilogue);
}

/** Rows and columns of C each thread of a GEMM entry owns: 8 × 8 in the direct and wide tiled entries, 4 × 4 in the 64-tile ones. */
const BLOCK = { direct: 8, tiled: 4, wide: 8 } as const;

/** Thread grids [WX, WY] of the direct GEMM (each thread an 8×8 block): 64 threads in five shapes, then smaller groups. */
export const DIRECT_GRIDS: readonly (readonly [number, number])[] = [
  [8, 8],
  [16, 4],
  [4, 16],
  [32, 2],
  [2, 32],
  [8, 2],
  [2, 8],
  [4, 4],
  [2, 2],
];

/**
 * The direct GEMM's thread grid for an M × N product: the one whose tiles pad C the least (a 16 × 16
 * weight gradient gets 16 × 16 tiles instead of one 64 × 64 tile that is 94% padding), counting a
 * group below 64 threads 5% dearer and one below 16 threads 10% dearer, so near-ties keep large groups.
 */
export function directGrid(
  M: number,
  N: number,
  grids: readonly (readonly [number, number])[] = DIRECT_GRIDS,
): [number, number] {
  let best: [number, number] = [...grids[0]!];
  let bestCost = Infinity;
  for (const [wx, wy] of grids) {
    const area = ceilDiv(M, 8 * wy) * 8 * wy * ceilDiv(N, 8 * wx) * 8 * wx;
    const threads = wx * wy;
    const cost = area * (threads < 16 ? 1.1 : threads < 64 ? 1.05 : 1);
    if (cost < bestCost) {
      best = [wx, wy];
      bestCost = cost;
    }
  }
  return best;
}

/**
 * The tiled GEMM's tile edge for a product: 128 (256 threads, 8×8 each) once the product has at least
 * `wideMinTiles` such tiles, so the wide tiles still fill the GPU; 64 (64 threads) otherwise.
 */
export function tiledTile(M: number, N: number, batch: number, wideMinTiles: number): 64 | 128 {
  return ceilDiv(M, 128) * ceilDiv(N, 128) * batch >= wideMinTiles ? 128 : 64;
}

/**
 * Whether the direct GEMM can read both operands as aligned vec4 (its `_v4` entries), and along which
 * dimension: each operand needs stride 1 along K (aK / bK) or along M / N, every other stride it steps
 * by, K, and the extent it clamps along a multiple of 4. Null when it cannot.
 */
export function vec4Layout(p: GemmParams, batch: number): { aK: boolean; bK: boolean } | null {
  const m4 = (x: number) => x % 4 === 0;
  if (!m4(p.K) || (batch > 1 && !(m4(p.a_bs) && m4(p.b_bs)))) return null;
  const aK = p.a_cs === 1 && m4(p.a_rs);
  const aM = p.a_rs === 1 && m4(p.a_cs) && m4(p.M);
  const bK = p.b_rs === 1 && m4(p.b_cs);
  const bN = p.b_cs === 1 && m4(p.b_rs) && m4(p.N);
  if (!(aK || aM) || !(bK || bN)) return null;
  return { aK, bK };
}

function gemmSiteWith(
  ctx: BuildContext,
  entry: GemmEntry,
  resources: Record<string, ManagedBuffer>,
  p: GemmParams,
  batch: number,
  epilogue: Epilogue = { act: 0, alpha: 0 },
): Dispatch {
  // Both variants share bindings and params; the adapter's tuning picks one. The tiled one (GPUs) runs
  // 64 × 64 or 128 × 128 tiles (tiledTile); the direct one (CPU adapters) sizes its tiles to the product.
  // Only the activation epilogues take the activation, as their ACT override; the bias gradient's
  // entries sum rows of A (the ROWSUM override).
  const tuning = ctx.registry.tuning;
  const act: Record<string, number> =
    entry === 'forward_bias_act' || entry === 'forward_act_grad'
      ? { ACT: epilogue.act }
      : entry === 'forward_bias_grad'
        ? { ROWSUM: 1 }
        : {};
  const params = { ...p, alpha: epilogue.alpha, bias_bs: epilogue.biasStride ?? 0 };
  if (tuning.gemm === 'direct') {
    const [WX, WY] = directGrid(p.M, p.N, tuning.directGrids ?? DIRECT_GRIDS);
    const v4 = tuning.vec4Reads ? vec4Layout(p, batch) : null;
    const kernel = v4
      ? ctx.registry.kernel(SHADERS.matmulDirect, `${entry}_v4`, {
          WX,
          WY,
          A_KC: v4.aK ? 1 : 0,
          B_KC: v4.bK ? 1 : 0,
          ...act,
        })
      : ctx.registry.kernel(SHADERS.matmulDirect, entry, { WX, WY, ...act });
    const workgroups = coveringGrid(kernel, [p.N, p.M, batch], [BLOCK.direct, BLOCK.direct]);
    const { a, b, ...rest } = resources;
    const bound = v4
      ? ctx.registry.bind(kernel, { ...rest, a4: a!, b4: b! }, params)
      : ctx.registry.bind(kernel, resources, params);
    return { bound, workgroups };
  }
  const wide = tiledTile(p.M, p.N, batch, tuning.wideMinTiles) === 128;
  const kernel = ctx.registry.kernel(SHADERS.matmul, wide ? `${entry}_wide` : entry, act);
  const block = wide ? BLOCK.wide : BLOCK.tiled;
  return {
    bound: ctx.registry.bind(kernel, resources, params),
    workgroups: coveringGrid(kernel, [p.N, p.M, batch], [block, block]),
  };
}

/**
 * One product C [M, N] = op(A)·op(B) over buffers an op already holds (A stored [M, K], or [K, M] with
 * transA; B [K, N], or [N, K] with transB), for ops lowered onto the GEMM kernels (convolution).
 */
export function gemmDispatch(
  ctx: BuildContext,
  a: ManagedBuffer,
  b: ManagedBuffer,
  c: ManagedBuffer,
  d: { M: number; K: number; N: number },
  t: MatmulAttrs,
): Dispatch {
  return gemmSite(ctx, 'forward', { a, b, c }, { batch: 1, ...d }, t);
}

/**
 * Slices for gemmSplitK: enough that the product spreads over about 64 workgroups, each slice at
 * least 128 terms long, and a divisor of K (1: no split).
 */
export function splitKParts(d: { M: number; K: number; N: number }): number {
  const tiles = ceilDiv(d.M, 64) * ceilDiv(d.N, 64);
  const most = Math.min(Math.ceil(64 / tiles), Math.floor(d.K / 128));
  for (let parts = most; parts > 1; parts--) if (d.K % parts === 0) return parts;
  return 1;
}

/**
 * gemmDispatch with K cut into `parts` equal slices: one batched product over the slices into a
 * [parts, M, N] scratch, then their sum (sumRows). For products with a long K and a small output
 * (convolution weight gradients), where one slice per output tile would leave most of the adapter idle.
 */
export function gemmSplitK(
  ctx: BuildContext,
  a: ManagedBuffer,
  b: ManagedBuffer,
  c: ManagedBuffer,
  d: { M: number; K: number; N: number },
  t: MatmulAttrs,
  parts: number,
): Dispatch[] {
  if (parts === 1) return [gemmDispatch(ctx, a, b, c, d, t)];
  if (!Number.isInteger(parts) || parts < 1 || d.K % parts !== 0) {
    throw new ShapeError(`gemmSplitK: bad slice count; expected a divisor of K = ${d.K}, got ${parts}.`);
  }
  const full = strideParams({ batch: 1, ...d }, t);
  const Kc = d.K / parts;
  // Slice z starts Kc columns of A and Kc rows of B further on; its [M, N] result lands in partials[z].
  const p: GemmParams = { ...full, K: Kc, a_bs: Kc * full.a_cs, b_bs: Kc * full.b_rs, c_bs: d.M * d.N };
  const partials = ctx.scratch('matmul:split-k', parts * d.M * d.N);
  return [
    gemmSiteWith(ctx, 'forward', { a, b, c: partials }, p, parts),
    ...sumRows.build(ctx, [partials], [[parts, d.M * d.N]], c, [d.M * d.N], {}),
  ];
}

/** op(A)·op(B); batched when both are 3-D. */
export const matmul: OpDef<MatmulAttrs> = defineOp<MatmulAttrs>({
  name: 'matmul',
  inferShape: ([a, b], attrs) => {
    const d = matmulDims(a!, b!, attrs);
    return a!.length === 3 ? [d.batch, d.M, d.N] : [d.M, d.N];
  },
  build: (ctx, [a, b], [as, bs], out, _o, attrs) => [
    gemmSite(ctx, 'forward', { a: a!, b: b!, c: out }, matmulDims(as!, bs!, attrs), attrs),
  ],
  reference: ([a, b], [as, bs], attrs) => {
    const d = matmulDims(as!, bs!, attrs);
    const out = new Float64Array(d.batch * d.M * d.N);
    for (let i = 0; i < d.batch; i++) {
      const c = matmulRef(
        a!.subarray(i * d.M * d.K, (i + 1) * d.M * d.K),
        b!.subarray(i * d.K * d.N, (i + 1) * d.K * d.N),
        d.M,
        d.K,
        d.N,
        attrs.transA,
        attrs.transB,
      );
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
      throw new ShapeError(
        `linear: expected x [batch, in], W [out, in], b [out]; got x=${fmt(x!)} W=${fmt(w!)} b=${fmt(bias!)}.`,
      );
    }
    if (x![1] !== w![1])
      throw new ShapeError(`linear: input features differ; expected x[1] == W[1], got x=${fmt(x!)} W=${fmt(w!)}.`);
    if (bias![0] !== w![0])
      throw new ShapeError(
        `linear: bias size differs from output features; expected b=[${w![0]}], got b=${fmt(bias!)}.`,
      );
    return [x![0]!, w![0]!];
  },
  build: (ctx, [x, w, bias], [xs, ws], out, _o, attrs) => {
    const t = { transB: true };
    const d = matmulDims(xs!, ws!, t, 'linear');
    return [
      gemmSite(ctx, 'forward_bias_act', { a: x!, b: w!, bias: bias!, c: out }, d, t, {
        act: activationCode(attrs.kind),
        alpha: slopeOf(attrs),
      }),
    ];
  },
  reference: ([x, w, bias], [xs, ws], attrs) => {
    const [B, I] = xs as [number, number];
    const O = ws![0]!;
    const z = matmulRef(x!, w!, B, I, O, false, true);
    for (let i = 0; i < z.length; i++) z[i]! += bias![i % O]!;
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

/** matmul's attributes and the activation whose gradient the product is taken through. */
export type MatmulActGradAttrs = MatmulAttrs & ActivationAttrs;

/**
 * (op(A)·op(B)) ⊙ f'(y), with f'(y) taken from the activation's output y (of the product's shape), as
 * activationGradY: the input gradient of a Linear layer through the previous layer's activation, in one
 * GEMM whose epilogue reads y. Recorded by the fusion pass for matmul → activationGradY.
 */
export const matmulActGrad: OpDef<MatmulActGradAttrs> = defineOp<MatmulActGradAttrs>({
  name: 'matmulActGrad',
  inferShape: ([a, b, y], attrs) => {
    const shape = matmul.inferShape([a!, b!], attrs);
    if (!y || !sameShape(y, shape))
      throw new ShapeError(
        `matmulActGrad: the activation output must have the product's shape ${fmt(shape)}; got y=${y ? fmt(y) : 'none'}.`,
      );
    return shape;
  },
  build: (ctx, [a, b, y], [as, bs], out, _o, attrs) => [
    gemmSite(ctx, 'forward_act_grad', { a: a!, b: b!, act_out: y!, c: out }, matmulDims(as!, bs!, attrs), attrs, {
      act: activationCode(attrs.kind),
      alpha: slopeOf(attrs),
    }),
  ],
  reference: ([a, b, y], [as, bs, ys], attrs) => {
    const prod = matmul.reference([a!, b!], [as!, bs!], attrs);
    return activationGradY.reference([y!, prod], [ys!, ys!], attrs);
  },
  backward: 'none',
});

/**
 * dW = dzᵀ·x and, as its extra output, db = Σ over rows of dz: a Linear layer's weight and bias
 * gradients (dz [batch, out], x [batch, in] → dW [out, in], db [out]) in one GEMM that also sums the
 * rows of its A operand (dzᵀ), in sumRows's order. Recorded by the fusion pass for matmul(dz, x,
 * { transA }) + sumRows(dz). Its reference is dW followed by db.
 */
export const linearParamGrad: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: 'linearParamGrad',
  inferShape: ([dz, x]) => {
    if (dz!.length !== 2 || x!.length !== 2 || dz![0] !== x![0])
      throw new ShapeError(
        `linearParamGrad: expected dz [batch, out] and x [batch, in] with one batch size; got dz=${fmt(dz!)} x=${fmt(x!)}.`,
      );
    return [dz![1]!, x![1]!];
  },
  extraOutputs: ([dz]) => [[dz![1]!]],
  build: (ctx, [dz, x], [ds, xs], out, _o, _attrs, extras) => {
    const rowSums = extras?.[0];
    if (!rowSums)
      throw new ShapeError('linearParamGrad: no buffer for its bias gradient (its extra output) was given.');
    const t = { transA: true };
    return [
      gemmSite(ctx, 'forward_bias_grad', { a: dz!, b: x!, c: out, row_sums: rowSums }, matmulDims(ds!, xs!, t), t),
    ];
  },
  reference: ([dz, x], [ds, xs]) => {
    const [B, O] = ds as [number, number];
    const I = xs![1]!;
    const out = new Float64Array(O * I + O);
    out.set(matmulRef(dz!, x!, O, B, I, true, false));
    out.set(sumRows.reference([dz!], [ds!], {}), O * I);
    return out;
  },
  backward: 'none',
});
