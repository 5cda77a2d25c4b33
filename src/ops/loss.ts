// loss.ts: the losses (prediction, target) → scalar [1] with mean reduction, each with a gradient op
// dy [1] → d loss / d prediction. Imports kernels, gpu types, util, and the sumAll op.
//
// Every loss is one kernel family (shaders/loss.wgsl, specialised per loss by its KIND override):
// `forward` sums per-element (per-row for cross-entropy) terms with a grid-stride loop into at most
// MAX_PARTIALS workgroup partials (WG · tuning.termsPerThread terms per workgroup, WG the kernel's
// reflected workgroup size), which sumAll then reduces and scales by 1/count; `backward` is
// elementwise and reads dy[0] from its buffer.
// The target never gets a gradient (backward returns null for it).
// lossValueGrad (recorded by the graph's fusion pass, src/graph/fuse.ts) computes a loss's value and its
// gradient in one pass (`value_grad`), the gradient taken on through the activation whose output is the
// prediction; its value sums the same terms into the same partials as `forward`, so it rounds the same.
import type { ManagedBuffer } from '../gpu/buffers';
import { SHADERS } from '../kernels/shaders';
import { ceilDiv, threadGrid } from '../kernels/dispatch';
import { ConfigError, ShapeError } from '../util/errors';
import { fmt, numel, sameShape, type Shape } from '../util/shape';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import { sumAll } from './reduce';
import { activationCode, activationGradY, slopeOf, type ActivationAttrs } from './activation';
import {
  bceGradRef,
  bceRef,
  bceWithLogitsGradRef,
  bceWithLogitsRef,
  circularGradRef,
  circularRef,
  crossEntropyGradRef,
  crossEntropyRef,
  klDivGradRef,
  klDivRef,
  mseGradRef,
  mseRef,
} from './loss.ref';

export { checkClassTargets, wrapDegrees } from './loss.ref';

/** The shader's KIND override for each loss. */
export const KIND = { mse: 0, bce: 1, bceWithLogits: 2, klDiv: 3, crossEntropy: 4, circular: 5 } as const;

/** The most workgroup partials a forward pass writes (however long the sum), for sumAll to add up. */
export const MAX_PARTIALS = 1024;

/** How a loss walks its inputs: `terms` summed by the forward pass, `cols` per row, `divisor` of the mean. */
interface Layout {
  terms: number;
  cols: number;
  divisor: number;
}

interface LossSpec<A> {
  name: string;
  kind: keyof typeof KIND;
  /** Checks the (prediction, target) shapes; throws ShapeError or ConfigError. */
  layout(pred: Shape, tgt: Shape, attrs: A): Layout;
  ref(pred: Float64Array, tgt: Float64Array, shapes: readonly Shape[], layout: Layout): number;
  gradRef(pred: Float64Array, tgt: Float64Array, dy: number, shapes: readonly Shape[], layout: Layout): Float64Array;
}

/** Forward: one pass of the loss kernel, plus sumAll over its partials when there is more than one. */
function forwardSites(
  ctx: BuildContext,
  name: string,
  kind: number,
  pred: ManagedBuffer,
  tgt: ManagedBuffer,
  out: ManagedBuffer,
  l: Layout,
): Dispatch[] {
  const kernel = ctx.registry.kernel(SHADERS.loss, 'forward', { KIND: kind });
  const perGroup = kernel.workgroupSize[0] * ctx.registry.tuning.termsPerThread;
  const groups = Math.min(ceilDiv(l.terms, perGroup), MAX_PARTIALS);
  const alpha = 1 / l.divisor;
  if (groups === 1) {
    return [
      {
        bound: ctx.registry.bind(kernel, { pred, tgt, out }, { n: l.terms, cols: l.cols, alpha, elems: 0, slope: 0 }),
        workgroups: [1, 1, 1],
      },
    ];
  }
  const partials = ctx.scratch(`${name}.forward:partials`, groups);
  const first: Dispatch = {
    bound: ctx.registry.bind(
      kernel,
      { pred, tgt, out: partials },
      { n: l.terms, cols: l.cols, alpha: 1, elems: 0, slope: 0 },
    ),
    workgroups: [groups, 1, 1],
  };
  return [first, ...sumAll.build(ctx, [partials], [[groups]], out, [1], { alpha })];
}

function checkScalar(name: string, dy: Shape): void {
  if (numel(dy) !== 1)
    throw new ShapeError(`${name}: the incoming gradient must be a scalar; expected dy=[1], got dy=${fmt(dy)}.`);
}

/** Every loss op by name, with its spec and gradient op (for lossValueGrad and the fusion pass). */
// biome-ignore lint/suspicious/noExplicitAny: each loss checks its own attrs
const LOSSES = new Map<string, { spec: LossSpec<any>; loss: OpDef<any>; grad: OpDef<any> }>();

/** A loss op and its gradient op from one spec. */
function defineLoss<A>(spec: LossSpec<A>): { loss: OpDef<A>; grad: OpDef<A> } {
  const kind = KIND[spec.kind];
  const gradName = `${spec.name}Grad`;
  const grad = defineOp<A>({
    name: gradName,
    inferShape: ([pred, tgt, dy], attrs) => {
      spec.layout(pred!, tgt!, attrs);
      checkScalar(gradName, dy!);
      return pred!;
    },
    build: (ctx, [pred, tgt, dy], [ps, ts], out, _o, attrs) => {
      const l = spec.layout(ps!, ts!, attrs);
      const n = numel(ps!);
      const kernel = ctx.registry.kernel(SHADERS.loss, 'backward', { KIND: kind });
      const params = { n, cols: l.cols, alpha: 1 / l.divisor, elems: 0, slope: 0 };
      return [
        {
          bound: ctx.registry.bind(kernel, { pred: pred!, tgt: tgt!, dy: dy!, out }, params),
          workgroups: threadGrid(kernel, n),
        },
      ];
    },
    reference: ([pred, tgt, dy], shapes, attrs) =>
      spec.gradRef(pred!, tgt!, dy![0]!, shapes, spec.layout(shapes[0]!, shapes[1]!, attrs)),
    backward: 'none',
  });
  const loss = defineOp<A>({
    name: spec.name,
    inferShape: ([pred, tgt], attrs) => {
      spec.layout(pred!, tgt!, attrs);
      return [1];
    },
    build: (ctx, [pred, tgt], [ps, ts], out, _o, attrs) =>
      forwardSites(ctx, spec.name, kind, pred!, tgt!, out, spec.layout(ps!, ts!, attrs)),
    reference: ([pred, tgt], shapes, attrs) =>
      Float64Array.of(spec.ref(pred!, tgt!, shapes, spec.layout(shapes[0]!, shapes[1]!, attrs))),
    backward: (g, { inputs: [pred, tgt], dy, attrs, needsGrad }) => [
      needsGrad[0] ? g.apply(grad, [pred!, tgt!, dy], attrs) : null,
      null,
    ],
  });
  LOSSES.set(spec.name, { spec, loss, grad });
  return { loss, grad };
}

/** Prediction and target of one shape; the mean is over all elements. */
function pointwise(name: string) {
  return (pred: Shape, tgt: Shape): Layout => {
    if (!sameShape(pred, tgt))
      throw new ShapeError(
        `${name}: prediction and target shapes differ; expected equal shapes, got pred=${fmt(pred)} target=${fmt(tgt)}.`,
      );
    return { terms: numel(pred), cols: 1, divisor: numel(pred) };
  };
}

type NoAttrs = Record<string, never>;

const mse = defineLoss<NoAttrs>({
  name: 'mseLoss',
  kind: 'mse',
  layout: pointwise('mseLoss'),
  ref: (p, t, _s, l) => mseRef(p, t, l.divisor),
  gradRef: (p, t, dy, _s, l) => mseGradRef(p, t, dy, l.divisor),
});
/** mean((p − t)²). Gradient 2(p − t)/n · dy. */
export const mseLoss: OpDef<NoAttrs> = mse.loss;
export const mseLossGrad: OpDef<NoAttrs> = mse.grad;

const bce = defineLoss<NoAttrs>({
  name: 'bceLoss',
  kind: 'bce',
  layout: pointwise('bceLoss'),
  ref: (p, t, _s, l) => bceRef(p, t, l.divisor),
  gradRef: (p, t, dy, _s, l) => bceGradRef(p, t, dy, l.divisor),
});
/**
 * PyTorch's BCELoss on probabilities p: −mean(t·log p + (1 − t)·log(1 − p)), each log clamped below
 * at −100 as PyTorch does (so p = 0 or 1 gives a finite loss of at most 100 per element).
 * Out of range: p is clamped into [0, 1] before the logs (p < 0 behaves as 0, p > 1 as 1), where
 * PyTorch would raise instead. Targets may be soft (any t in [0, 1]).
 * Gradient: PyTorch's formula (p − t) / max(p(1 − p), 1e-12) / n · dy for p in [0, 1], and 0 outside.
 * It equals the derivative of the clamped loss wherever p(1 − p) ≥ 1e-12 (every f32 p in
 * [1e-12, 1) and more); at p = 0 or 1 the cap bounds it at |p − t|·1e12 instead of ±∞.
 */
export const bceLoss: OpDef<NoAttrs> = bce.loss;
export const bceLossGrad: OpDef<NoAttrs> = bce.grad;

const bceLogits = defineLoss<NoAttrs>({
  name: 'bceWithLogitsLoss',
  kind: 'bceWithLogits',
  layout: pointwise('bceWithLogitsLoss'),
  ref: (z, t, _s, l) => bceWithLogitsRef(z, t, l.divisor),
  gradRef: (z, t, dy, _s, l) => bceWithLogitsGradRef(z, t, dy, l.divisor),
});
/**
 * BCE on logits z, in the overflow-free form mean(max(z, 0) − z·t + log(1 + e^−|z|)).
 * Gradient (σ(z) − t)/n · dy.
 */
export const bceWithLogitsLoss: OpDef<NoAttrs> = bceLogits.loss;
export const bceWithLogitsLossGrad: OpDef<NoAttrs> = bceLogits.grad;

export interface KlDivAttrs {
  /** 'mean' (PyTorch's default) divides by the number of elements; 'batchmean' by the batch size (shape[0]). */
  reduction?: 'mean' | 'batchmean';
}

const kl = defineLoss<KlDivAttrs>({
  name: 'klDivLoss',
  kind: 'klDiv',
  layout: (pred, tgt, { reduction = 'mean' }) => {
    const l = pointwise('klDivLoss')(pred, tgt);
    if (reduction === 'mean') return l;
    if (reduction === 'batchmean') return { ...l, divisor: pred[0]! };
    throw new ConfigError(`klDivLoss: unknown reduction; expected 'mean' or 'batchmean', got '${String(reduction)}'.`);
  },
  ref: (x, t, _s, l) => klDivRef(x, t, l.divisor),
  gradRef: (x, t, dy, _s, l) => klDivGradRef(x, t, dy, l.divisor),
});
/**
 * KL divergence in PyTorch's nn.KLDivLoss convention: the prediction x holds LOG-probabilities, the
 * target t probabilities; the pointwise term is t·(log t − x), with terms where t ≤ 0 taken as 0
 * (0·log 0 = 0). Reduction 'mean' (default) averages over all elements, 'batchmean' sums and
 * divides by shape[0], which is the true KL per sample when rows are distributions.
 * Gradient w.r.t. x: −t / divisor · dy (0 where t ≤ 0).
 */
export const klDivLoss: OpDef<KlDivAttrs> = kl.loss;
export const klDivLossGrad: OpDef<KlDivAttrs> = kl.grad;

const crossEntropy = defineLoss<NoAttrs>({
  name: 'crossEntropyLoss',
  kind: 'crossEntropy',
  layout: (logits, y) => {
    if (logits.length !== 2 || y.length !== 1 || y[0] !== logits[0]) {
      throw new ShapeError(
        `crossEntropyLoss: expected logits [batch, classes] and class indices [batch]; got logits=${fmt(logits)} targets=${fmt(y)}.`,
      );
    }
    return { terms: logits[0]!, cols: logits[1]!, divisor: logits[0]! };
  },
  ref: (z, y, [zs]) => crossEntropyRef(z, y, zs![1]!),
  gradRef: (z, y, dy, [zs]) => crossEntropyGradRef(z, y, zs![1]!, dy),
});
/**
 * Cross-entropy from logits z [B, C] and class indices y [B] (stored as f32):
 * mean over rows of logsumexp(z_row) − z_row[y], with the log-sum-exp shifted by the row maximum so
 * logits of any size stay finite. Gradient (softmax(z) − onehot(y)) / B · dy.
 * The shader cannot raise, so it clamps each index into [0, C) to keep reads in bounds; check labels
 * on the CPU with `checkClassTargets` when they are uploaded (the reference throws on bad ones).
 */
export const crossEntropyLoss: OpDef<NoAttrs> = crossEntropy.loss;
export const crossEntropyLossGrad: OpDef<NoAttrs> = crossEntropy.grad;

const circular = defineLoss<NoAttrs>({
  name: 'circularLoss',
  kind: 'circular',
  layout: pointwise('circularLoss'),
  ref: (p, t, _s, l) => circularRef(p, t, l.divisor),
  gradRef: (p, t, dy, _s, l) => circularGradRef(p, t, dy, l.divisor),
});
/**
 * Squared angular error for angles in degrees: d = p − t wrapped to w = d − 360·floor(d/360 + 1/2),
 * which lies in [−180, 180) (round-half-up; a difference of exactly ±180 maps to −180), and the loss
 * is mean(w²): 350° vs 10° and −170° vs 170° both count as 20° apart. Gradient 2w/n · dy; at the
 * ±180 tie, where the loss has a kink, it is the one for w = −180.
 */
export const circularLoss: OpDef<NoAttrs> = circular.loss;
export const circularLossGrad: OpDef<NoAttrs> = circular.grad;

/** The gradient op of a loss op (mseLoss → mseLossGrad), or null when `op` is not a loss. */
// biome-ignore lint/suspicious/noExplicitAny: any op may be asked about
export function lossGradOf(op: OpDef<any>): OpDef<any> | null {
  const entry = LOSSES.get(op.name);
  return entry && entry.loss === op ? entry.grad : null;
}

export interface LossValueGradAttrs {
  /** The loss op's name ('mseLoss', 'bceLoss', …). */
  loss: string;
  /** The loss op's attributes. */
  lossAttrs: unknown;
  /** The activation whose output the prediction is; the gradient is taken on through it ('identity': not). */
  act: ActivationAttrs;
}

function lossEntry(name: string, where: string) {
  const entry = LOSSES.get(name);
  if (!entry)
    throw new ConfigError(`${where}: unknown loss "${name}"; expected one of ${[...LOSSES.keys()].join(', ')}.`);
  return entry;
}

/**
 * A loss's gradient through the prediction's activation, (dy · d loss / d pred) ⊙ f'(pred), and, as its
 * extra output, the loss value [1] (inputs pred, target, dy [1]): the loss op, its gradient op and
 * activationGradY(pred, ·) in one kernel, plus sumAll over its partials when there is more than one
 * (the same partials and sum as the loss op's forward, so the value is the same float); that sum is a
 * readout dispatch (Dispatch.readout), which a step whose loss is not read may leave out. Its reference
 * is the gradient followed by the value.
 */
export const lossValueGrad: OpDef<LossValueGradAttrs> = defineOp<LossValueGradAttrs>({
  name: 'lossValueGrad',
  inferShape: ([pred, tgt, dy], attrs) => {
    const { spec } = lossEntry(attrs.loss, 'lossValueGrad');
    spec.layout(pred!, tgt!, attrs.lossAttrs);
    checkScalar('lossValueGrad', dy!);
    slopeOf(attrs.act);
    return pred!;
  },
  extraOutputs: () => [[1]],
  build: (ctx, [pred, tgt, dy], [ps, ts], out, _o, attrs, extras) => {
    const value = extras?.[0];
    if (!value) throw new ShapeError('lossValueGrad: no buffer for the loss value (its extra output) was given.');
    const { spec } = lossEntry(attrs.loss, 'lossValueGrad');
    const l = spec.layout(ps!, ts!, attrs.lossAttrs);
    const kernel = ctx.registry.kernel(SHADERS.loss, 'value_grad', {
      KIND: KIND[spec.kind as keyof typeof KIND],
      ACT: activationCode(attrs.act.kind),
    });
    // The forward pass's partition of the terms (forwardSites), so the value's partials are the same.
    const perGroup = kernel.workgroupSize[0] * ctx.registry.tuning.termsPerThread;
    const groups = Math.min(ceilDiv(l.terms, perGroup), MAX_PARTIALS);
    const params = { n: l.terms, cols: l.cols, alpha: 1 / l.divisor, elems: numel(ps!), slope: slopeOf(attrs.act) };
    const resources = { pred: pred!, tgt: tgt!, dy: dy!, grad_out: out };
    if (groups === 1)
      return [{ bound: ctx.registry.bind(kernel, { ...resources, out: value }, params), workgroups: [1, 1, 1] }];
    const partials = ctx.scratch(`${attrs.loss}.valueGrad:partials`, groups);
    return [
      { bound: ctx.registry.bind(kernel, { ...resources, out: partials }, params), workgroups: [groups, 1, 1] },
      ...sumAll.build(ctx, [partials], [[groups]], value, [1], { alpha: params.alpha }).map((d) => ({
        ...d,
        readout: true,
      })),
    ];
  },
  reference: ([pred, tgt, dy], [ps, ts, dys], attrs) => {
    const { loss, grad } = lossEntry(attrs.loss, 'lossValueGrad');
    const g = grad.reference([pred!, tgt!, dy!], [ps!, ts!, dys!], attrs.lossAttrs);
    const dz = attrs.act.kind === 'identity' ? g : activationGradY.reference([pred!, g], [ps!, ps!], attrs.act);
    const out = new Float64Array(dz.length + 1);
    out.set(dz);
    out[dz.length] = loss.reference([pred!, tgt!], [ps!, ts!], attrs.lossAttrs)[0]!;
    return out;
  },
  backward: 'none',
});
