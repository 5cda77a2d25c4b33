// activation.ts: leaky ReLU, ReLU, sigmoid, tanh, their gradients, and leaky ReLU's inverse.
// Imports kernels, gpu types, util.
import { SHADERS } from '../kernels/shaders';
import { threadGrid } from '../kernels/dispatch';
import { ConfigError, ShapeError } from '../util/errors';
import { fmt, numel, sameShape, type Shape } from '../util/shape';
import { defineOp, type BuildContext, type Dispatch, type OpDef } from './op';
import type { ManagedBuffer } from '../gpu/buffers';
import { activationRef, leakyReluInverseRef } from './activation.ref';

export type ActivationKind = 'identity' | 'leakyRelu' | 'relu' | 'sigmoid' | 'tanh';

/**
 * The `ACT` override of activation.wgsl and of the GEMMs' bias-and-activation epilogue (matmul.wgsl,
 * matmul-direct.wgsl): each pipeline is specialised to one activation. ReLU is leaky ReLU with slope 0.
 */
export function activationCode(kind: ActivationKind): number {
  return { identity: 0, leakyRelu: 1, relu: 1, sigmoid: 2, tanh: 3 }[kind];
}

export interface ActivationAttrs {
  kind: ActivationKind;
  /** Negative slope for leaky ReLU (the reports use 0.5); ignored otherwise. */
  alpha?: number;
}

export function slopeOf(attrs: ActivationAttrs): number {
  if (attrs.kind === 'relu') return 0;
  if (attrs.kind !== 'leakyRelu') return 0;
  const a = attrs.alpha ?? 0.01;
  if (!Number.isFinite(a) || a < 0)
    throw new ConfigError(`leakyRelu: negative slope must be a finite number ≥ 0; got ${a}.`);
  return a;
}

/** One pass of an activation.wgsl entry over n elements; `act` specialises the pipeline (forward, backward_y). */
function site(
  ctx: BuildContext,
  entry: 'forward' | 'backward_y' | 'inverse' | 'inverse_backward',
  resources: Record<string, ManagedBuffer>,
  n: number,
  alpha: number,
  act?: ActivationAttrs,
): Dispatch {
  const kernel = ctx.registry.kernel(SHADERS.activation, entry, act ? { ACT: activationCode(act.kind) } : {});
  return { bound: ctx.registry.bind(kernel, resources, { n, alpha }), workgroups: threadGrid(kernel, n) };
}

const sameAs =
  (name: string) =>
  (shapes: readonly Shape[]): Shape => {
    const [a, b] = shapes as [Shape, Shape];
    if (!sameShape(a, b))
      throw new ShapeError(`${name}: shapes differ; expected equal shapes, got ${fmt(a)} and ${fmt(b)}.`);
    return a;
  };

/** y = f(x) elementwise. */
export const activation: OpDef<ActivationAttrs> = defineOp<ActivationAttrs>({
  name: 'activation',
  inferShape: ([x]) => x!,
  build: (ctx, [x], [s], out, _o, attrs) => [site(ctx, 'forward', { x: x!, out }, numel(s!), slopeOf(attrs), attrs)],
  reference: ([x], _s, attrs) => activationRef(x!, attrs.kind, slopeOf(attrs)),
  // The gradient is taken from y: for leaky ReLU with slope ≥ 0, y > 0 exactly when x > 0.
  backward: (g, { output, dy, attrs }) => [g.apply(activationGradY, [output, dy], attrs)],
});

/** dx = dy · f'(x) computed from y = f(x). */
export const activationGradY: OpDef<ActivationAttrs> = defineOp<ActivationAttrs>({
  name: 'activationGradY',
  inferShape: sameAs('activationGradY'),
  build: (ctx, [y, dy], [s], out, _o, attrs) => [
    site(ctx, 'backward_y', { y: y!, dy: dy!, out }, numel(s!), slopeOf(attrs), attrs),
  ],
  reference: ([y, dy], _s, attrs) => {
    const dx = new Float64Array(y!.length);
    const a = slopeOf(attrs);
    for (let i = 0; i < dx.length; i++) {
      const v = y![i]!;
      const d =
        attrs.kind === 'sigmoid'
          ? v * (1 - v)
          : attrs.kind === 'tanh'
            ? 1 - v * v
            : attrs.kind === 'identity'
              ? 1
              : v > 0
                ? 1
                : a;
      dx[i] = dy![i]! * d;
    }
    return dx;
  },
  backward: 'none',
});

export interface InverseAttrs {
  /** Negative slope of the leaky ReLU being inverted; must be > 0. */
  alpha: number;
}

function checkInverseSlope(alpha: number): number {
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new ConfigError(`leakyReluInverse: the negative slope must be > 0 for the inverse to exist; got ${alpha}.`);
  }
  return alpha;
}

/** x = y ≥ 0 ? y : y / alpha: the inverse of leaky ReLU. */
export const leakyReluInverse: OpDef<InverseAttrs> = defineOp<InverseAttrs>({
  name: 'leakyReluInverse',
  inferShape: ([y]) => y!,
  build: (ctx, [y], [s], out, _o, { alpha }) => [
    site(ctx, 'inverse', { y: y!, out }, numel(s!), checkInverseSlope(alpha)),
  ],
  reference: ([y], _s, { alpha }) => leakyReluInverseRef(y!, alpha),
  backward: (g, { inputs, dy, attrs }) => [g.apply(leakyReluInverseGrad, [inputs[0]!, dy], attrs)],
});

/** dy_in = dx_out · (y ≥ 0 ? 1 : 1/alpha). */
export const leakyReluInverseGrad: OpDef<InverseAttrs> = defineOp<InverseAttrs>({
  name: 'leakyReluInverseGrad',
  inferShape: sameAs('leakyReluInverseGrad'),
  build: (ctx, [y, dy], [s], out, _o, { alpha }) => [
    site(ctx, 'inverse_backward', { y: y!, dy: dy!, out }, numel(s!), checkInverseSlope(alpha)),
  ],
  reference: ([y, dy], _s, { alpha }) => {
    const out = new Float64Array(y!.length);
    for (let i = 0; i < out.length; i++) out[i] = dy![i]! * (y![i]! >= 0 ? 1 : 1 / alpha);
    return out;
  },
  backward: 'none',
});
