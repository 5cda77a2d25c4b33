// stacked.ts: ops over a model axis. A stack of N models of one architecture keeps each tensor as
// [N, ...], model k's values right after model k − 1's; every op here does for each model exactly
// what the lone op does for that model alone (same kernels or the same arithmetic appended to them,
// src/kernels/stacked-shaders.ts), so a model trained in a stack matches its lone run.
// Imports kernels, gpu types, util and the lone ops it mirrors.
import type { ManagedBuffer } from '../gpu/buffers';
import { ceilDiv, threadGrid } from '../kernels/dispatch';
import { STACKED_SHADERS } from '../kernels/stacked-shaders';
import { ConfigError, ShapeError } from '../util/errors';
import { fmt, numel, type Shape } from '../util/shape';
import { activationCode, activationGradY, slopeOf, type ActivationAttrs } from './activation';
import {
  bceLoss,
  bceLossGrad,
  bceWithLogitsLoss,
  bceWithLogitsLossGrad,
  circularLoss,
  circularLossGrad,
  crossEntropyLoss,
  crossEntropyLossGrad,
  KIND,
  klDivLoss,
  klDivLossGrad,
  MAX_PARTIALS,
  mseLoss,
  mseLossGrad,
} from './loss';
import { gemmSite, linear, matmul } from './matmul';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import { sumRowsRef } from './reduce.ref';

/** Model k's slice of a stacked float64 array of `models` equal slices. */
function slice(a: Float64Array, models: number, k: number): Float64Array {
  const n = a.length / models;
  return a.subarray(k * n, (k + 1) * n);
}

/** The reference of a stacked op: the lone reference per model, concatenated. */
function perModel(
  models: number,
  inputs: readonly Float64Array[],
  lone: (inputs: Float64Array[]) => Float64Array,
): Float64Array {
  const parts = Array.from({ length: models }, (_, k) => lone(inputs.map((a) => slice(a, models, k))));
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The model count of a stacked shape [N, ...], or a ShapeError naming the op. */
function modelsOf(name: string, what: string, s: Shape, rank: number): number {
  if (s.length !== rank) throw new ShapeError(`${name}: expected ${what}; got ${fmt(s)}.`);
  return s[0]!;
}

function sameModels(name: string, shapes: readonly [string, Shape][]): number {
  const n = shapes[0]![1][0]!;
  const bad = shapes.find(([, s]) => s[0] !== n);
  if (bad) {
    throw new ShapeError(
      `${name}: every operand needs the same model count (first dimension); got ${shapes.map(([w, s]) => `${w}=${fmt(s)}`).join(' ')}.`,
    );
  }
  return n;
}

type NoAttrs = Record<string, never>;

/**
 * Per-model column sums: a [N, rows, cols] → [N, cols], model k's rows added in order from the first
 * (sumRows over each model): the bias gradients of stackedLinear.
 */
export const stackedSumRows: OpDef<NoAttrs> = defineOp<NoAttrs>({
  name: 'stackedSumRows',
  inferShape: ([a]) => {
    const n = modelsOf('stackedSumRows', 'a [models, rows, cols]', a!, 3);
    return [n, a![2]!];
  },
  build: (ctx, [a], [s], out) => {
    const [models, rows, cols] = s as [number, number, number];
    const kernel = ctx.registry.kernel(STACKED_SHADERS.reduce, 'sum_rows_stacked', { MODELS: models });
    return [
      {
        bound: ctx.registry.bind(kernel, { a: a!, out }, { n: rows * cols, cols, alpha: 1 }),
        workgroups: threadGrid(kernel, models * cols),
      },
    ];
  },
  reference: ([a], [s]) => perModel(s![0]!, [a!], ([x]) => sumRowsRef(x!, s![2]!)),
  backward: 'none',
});

/**
 * y = act(x·Wᵀ + b) per model: x [N, batch, in], W [N, out, in], b [N, out] → y [N, batch, out].
 * One batched GEMM over the model axis with the bias epilogue (each model its own bias row).
 */
export const stackedLinear: OpDef<ActivationAttrs> = defineOp<ActivationAttrs>({
  name: 'stackedLinear',
  inferShape: ([x, w, b]) => {
    const what = 'x [models, batch, in], W [models, out, in], b [models, out]';
    if (x!.length !== 3 || w!.length !== 3 || b!.length !== 2) {
      throw new ShapeError(`stackedLinear: expected ${what}; got x=${fmt(x!)} W=${fmt(w!)} b=${fmt(b!)}.`);
    }
    const n = sameModels('stackedLinear', [
      ['x', x!],
      ['W', w!],
      ['b', b!],
    ]);
    if (x![2] !== w![2])
      throw new ShapeError(
        `stackedLinear: input features differ; expected x[2] == W[2], got x=${fmt(x!)} W=${fmt(w!)}.`,
      );
    if (b![1] !== w![1])
      throw new ShapeError(
        `stackedLinear: bias size differs from output features; expected b=[${n}, ${w![1]}], got b=${fmt(b!)}.`,
      );
    return [n, x![1]!, w![1]!];
  },
  build: (ctx, [x, w, bias], [xs, ws], out, _o, attrs) => {
    const [models, batch, inF] = xs as [number, number, number];
    const outF = ws![1]!;
    return [
      gemmSite(
        ctx,
        'forward_bias_act',
        { a: x!, b: w!, bias: bias!, c: out },
        { batch: models, M: batch, K: inF, N: outF },
        { transB: true },
        { act: activationCode(attrs.kind), alpha: slopeOf(attrs), biasStride: outF },
      ),
    ];
  },
  reference: ([x, w, b], [xs, ws], attrs) =>
    perModel(xs![0]!, [x!, w!, b!], ([xk, wk, bk]) =>
      linear.reference([xk!, wk!, bk!], [xs!.slice(1), ws!.slice(1), [ws![1]!]], attrs),
    ),
  backward: (g, { inputs: [x, w], output, dy, attrs, needsGrad }) => {
    const dz = attrs.kind === 'identity' ? dy : g.apply(activationGradY, [output, dy], attrs);
    return [
      needsGrad[0] ? g.apply(matmul, [dz, w!], {}) : null,
      needsGrad[1] ? g.apply(matmul, [dz, x!], { transA: true }) : null,
      needsGrad[2] ? g.apply(stackedSumRows, [dz], {}) : null,
    ];
  },
});

/** The losses a stack can train with, by the loss kernel's names (src/ops/loss.ts). */
export type StackedLossKind = keyof typeof KIND;

export interface StackedLossAttrs {
  loss: StackedLossKind;
  /** klDiv only: 'mean' (default) or 'batchmean', as klDivLoss. */
  reduction?: 'mean' | 'batchmean';
}

const LONE = {
  mse: [mseLoss, mseLossGrad],
  bce: [bceLoss, bceLossGrad],
  bceWithLogits: [bceWithLogitsLoss, bceWithLogitsLossGrad],
  klDiv: [klDivLoss, klDivLossGrad],
  crossEntropy: [crossEntropyLoss, crossEntropyLossGrad],
  circular: [circularLoss, circularLossGrad],
} as const satisfies Record<StackedLossKind, readonly [OpDef<never>, OpDef<never>]>;

/** One model's operands and how the loss walks them: terms per model, cols per row, the mean's divisor. */
interface StackedLayout {
  models: number;
  model: [Shape, Shape];
  terms: number;
  cols: number;
  divisor: number;
}

function loneAttrs(a: StackedLossAttrs): never {
  return (a.loss === 'klDiv' ? { reduction: a.reduction ?? 'mean' } : {}) as never;
}

function stackedLayout(name: string, pred: Shape, tgt: Shape, attrs: StackedLossAttrs): StackedLayout {
  if (!(attrs.loss in KIND))
    throw new ConfigError(
      `${name}: unknown loss '${String(attrs.loss)}'; expected one of ${Object.keys(KIND).join(', ')}.`,
    );
  if (attrs.reduction !== undefined && attrs.loss !== 'klDiv')
    throw new ConfigError(`${name}: 'reduction' applies to klDiv only; got it with '${attrs.loss}'.`);
  if (pred.length < 2 || tgt.length < 1)
    throw new ShapeError(
      `${name}: expected a stacked prediction [models, ...]; got pred=${fmt(pred)} target=${fmt(tgt)}.`,
    );
  const models = sameModels(name, [
    ['pred', pred],
    ['target', tgt],
  ]);
  const model: [Shape, Shape] = [pred.slice(1), tgt.slice(1)];
  // The lone loss checks one model's shapes and names its own rule.
  LONE[attrs.loss][0].inferShape(model, loneAttrs(attrs));
  if (attrs.loss === 'crossEntropy') {
    const [rows, cols] = model[0] as [number, number];
    return { models, model, terms: rows, cols, divisor: rows };
  }
  const terms = numel(model[0]);
  const divisor = attrs.loss === 'klDiv' && attrs.reduction === 'batchmean' ? model[0][0]! : terms;
  return { models, model, terms, cols: 1, divisor };
}

/** Each model's mean loss: the loss kernel per model, then its partials summed per model. */
function stackedLossSites(
  ctx: BuildContext,
  attrs: StackedLossAttrs,
  pred: ManagedBuffer,
  tgt: ManagedBuffer,
  out: ManagedBuffer,
  l: StackedLayout,
): Dispatch[] {
  const kernel = ctx.registry.kernel(STACKED_SHADERS.loss, 'forward_stacked', { KIND: KIND[attrs.loss] });
  // The lone loss's partition (src/ops/loss.ts forwardSites), so each model's partials match its lone ones.
  const perGroup = kernel.workgroupSize[0] * ctx.registry.tuning.termsPerThread;
  const groups = Math.min(ceilDiv(l.terms, perGroup), MAX_PARTIALS);
  const alpha = 1 / l.divisor;
  // elems and slope belong to the lone loss's fused value_grad entry; these entries do not read them.
  const params = { n: l.terms, cols: l.cols, elems: 0, slope: 0 };
  if (groups === 1) {
    return [
      {
        bound: ctx.registry.bind(kernel, { pred, tgt, out }, { ...params, alpha }),
        workgroups: [1, l.models, 1],
      },
    ];
  }
  const partials = ctx.scratch('stackedLoss.forward:partials', l.models * groups);
  const sum = ctx.registry.kernel(STACKED_SHADERS.reduce, 'sum_all_stacked');
  const fold = sum.workgroupSize[0] * sum.override('TERMS');
  if (groups > fold)
    throw new ShapeError(`stackedLoss: ${groups} partials per model exceed one summing pass (${fold}).`);
  return [
    {
      bound: ctx.registry.bind(kernel, { pred, tgt, out: partials }, { ...params, alpha: 1 }),
      workgroups: [groups, l.models, 1],
    },
    {
      bound: ctx.registry.bind(sum, { a: partials, out }, { n: groups, cols: 1, alpha }),
      workgroups: [1, l.models, 1],
    },
  ];
}

/** d loss_k / d pred for every model k, each model's gradient scaled by its own dy[k]. */
export const stackedLossGrad: OpDef<StackedLossAttrs> = defineOp<StackedLossAttrs>({
  name: 'stackedLossGrad',
  inferShape: ([pred, tgt, dy], attrs) => {
    const l = stackedLayout('stackedLossGrad', pred!, tgt!, attrs);
    if (dy!.length !== 1 || dy![0] !== l.models)
      throw new ShapeError(
        `stackedLossGrad: expected one incoming gradient per model, dy=[${l.models}]; got dy=${fmt(dy!)}.`,
      );
    return pred!;
  },
  build: (ctx, [pred, tgt, dy], [ps, ts], out, _o, attrs) => {
    const l = stackedLayout('stackedLossGrad', ps!, ts!, attrs);
    const n = numel(ps!);
    const kernel = ctx.registry.kernel(STACKED_SHADERS.loss, 'backward_stacked', {
      KIND: KIND[attrs.loss],
      MODELS: l.models,
    });
    return [
      {
        bound: ctx.registry.bind(
          kernel,
          { pred: pred!, tgt: tgt!, dy: dy!, out },
          { n, cols: l.cols, alpha: 1 / l.divisor, elems: 0, slope: 0 },
        ),
        workgroups: threadGrid(kernel, n),
      },
    ];
  },
  reference: ([pred, tgt, dy], [ps, ts], attrs) => {
    const l = stackedLayout('stackedLossGrad', ps!, ts!, attrs);
    const grad = LONE[attrs.loss][1] as OpDef<unknown>;
    return perModel(l.models, [pred!, tgt!, dy!], ([p, t, d]) =>
      grad.reference([p!, t!, d!], [...l.model, [1]], loneAttrs(attrs)),
    );
  },
  backward: 'none',
});

/**
 * Each model's own mean loss: pred [N, ...] and target [N, ...] (cross-entropy: logits [N, batch,
 * classes] and indices [N, batch]) → [N], entry k the lone loss of model k. Their sum is the
 * stack's training objective: its gradient for model k is model k's lone gradient.
 */
export const stackedLoss: OpDef<StackedLossAttrs> = defineOp<StackedLossAttrs>({
  name: 'stackedLoss',
  inferShape: ([pred, tgt], attrs) => [stackedLayout('stackedLoss', pred!, tgt!, attrs).models],
  build: (ctx, [pred, tgt], [ps, ts], out, _o, attrs) =>
    stackedLossSites(ctx, attrs, pred!, tgt!, out, stackedLayout('stackedLoss', ps!, ts!, attrs)),
  reference: ([pred, tgt], [ps, ts], attrs) => {
    const l = stackedLayout('stackedLoss', ps!, ts!, attrs);
    const loss = LONE[attrs.loss][0] as OpDef<unknown>;
    return perModel(l.models, [pred!, tgt!], ([p, t]) => loss.reference([p!, t!], l.model, loneAttrs(attrs)));
  },
  backward: (g, { inputs: [pred, tgt], dy, attrs, needsGrad }) => [
    needsGrad[0] ? g.apply(stackedLossGrad, [pred!, tgt!, dy], attrs) : null,
    null,
  ],
});
