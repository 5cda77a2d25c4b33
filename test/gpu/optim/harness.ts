// harness.ts: drives an optimizer on the GPU and its float64 reference side by side on a separable
// quadratic f(p) = ½ Σ a_i (p_i − c_i)², whose gradient a_i (p_i − c_i) is computed on the CPU each
// step from the parameters read back from the GPU and uploaded into the grad buffers.
import type { ManagedBuffer } from '../../../src/gpu/buffers';
import { readFloat32, writeFloat32 } from '../../../src/gpu/readback';
import type { BuildContext } from '../../../src/ops/op';
import { Adadelta } from '../../../src/optim/adadelta';
import { adadeltaRefState, adadeltaStepRef } from '../../../src/optim/adadelta.ref';
import { Adagrad } from '../../../src/optim/adagrad';
import { adagradRefState, adagradStepRef } from '../../../src/optim/adagrad.ref';
import { Adam } from '../../../src/optim/adam';
import { adamRefState, adamStepRef } from '../../../src/optim/adam.ref';
import type { Optimizer, ParamSlot } from '../../../src/optim/optimizer';
import { Rmsprop } from '../../../src/optim/rmsprop';
import { rmspropRefState, rmspropStepRef } from '../../../src/optim/rmsprop.ref';
import { Sgd } from '../../../src/optim/sgd';
import { sgdRefState, sgdStepRef } from '../../../src/optim/sgd.ref';
import { Rng } from '../../../src/util/rng';
import { getGpu } from '../../helpers/gpu';

/** A BuildContext on the shared test device; scratch buffers are tracked and freed by `free()`. */
export async function makeContext(): Promise<{ ctx: BuildContext; free(): void }> {
  const { gpu, registry } = await getGpu();
  const owned: ManagedBuffer[] = [];
  const ctx: BuildContext = {
    gpu,
    registry,
    scratch: (label, n) => {
      const b = gpu.buffers.create(label, n * 4);
      owned.push(b);
      return b;
    },
  };
  return { ctx, free: () => owned.forEach((b) => b.dispose()) };
}

/** f(p) = ½ Σ a (p − c)² over several tensors: curvatures a in [0.5, 2], starts 0.5..1.5 from c. */
export class Quadratic {
  readonly a: Float64Array[];
  readonly c: Float64Array[];
  readonly start: Float32Array[];

  constructor(
    readonly sizes: readonly number[],
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.a = sizes.map((n) => Float64Array.from({ length: n }, () => rng.uniform(0.5, 2)));
    this.c = sizes.map((n) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1)));
    // Far enough from the minimum that no gradient is near zero early on (Adam's first step is
    // lr·sign(g), which a near-zero gradient would make ill-conditioned).
    this.start = this.c.map((c) =>
      Float32Array.from(c, (ci) => ci + (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.5)),
    );
  }

  grad(k: number, p: ArrayLike<number>): Float64Array {
    const a = this.a[k]!;
    const c = this.c[k]!;
    return Float64Array.from({ length: a.length }, (_, i) => a[i]! * (p[i]! - c[i]!));
  }
}

/** The float64 twin of an optimizer: same options, one state per tensor, stepped with the same lr. */
export interface Reference {
  step(params: Float64Array[], grads: Float64Array[], t: number, lr: number): void;
  /** State tensors by `<tensor index>.<name>` for the states the GPU optimizer should hold. */
  state(): Map<string, Float64Array>;
}

export function referenceFor(opt: Optimizer, sizes: readonly number[], activeState: readonly string[]): Reference {
  const pick = (states: Record<string, Float64Array | null>[]) => {
    const out = new Map<string, Float64Array>();
    states.forEach((s, k) =>
      activeState.forEach((name) => out.set(`${k}.${name}`, s[name] ?? new Float64Array(sizes[k]!))),
    );
    return out;
  };
  if (opt instanceof Sgd) {
    const states = sizes.map(() => sgdRefState());
    return {
      step: (ps, gs, _t, lr) => ps.forEach((p, k) => sgdStepRef(p, gs[k]!, states[k]!, { ...opt.options, lr })),
      state: () => pick(states as unknown as Record<string, Float64Array | null>[]),
    };
  }
  if (opt instanceof Adam) {
    const states = sizes.map((n) => adamRefState(n));
    const decoupled = opt.name === 'adamw';
    return {
      step: (ps, gs, t, lr) =>
        ps.forEach((p, k) => adamStepRef(p, gs[k]!, states[k]!, { ...opt.options, lr }, t, decoupled)),
      state: () => pick(states as unknown as Record<string, Float64Array>[]),
    };
  }
  if (opt instanceof Adagrad) {
    const states = sizes.map((n) => adagradRefState(n, opt.options));
    return {
      step: (ps, gs, t, lr) => ps.forEach((p, k) => adagradStepRef(p, gs[k]!, states[k]!, { ...opt.options, lr }, t)),
      state: () => pick(states as unknown as Record<string, Float64Array>[]),
    };
  }
  if (opt instanceof Adadelta) {
    const states = sizes.map((n) => adadeltaRefState(n));
    return {
      step: (ps, gs, _t, lr) => ps.forEach((p, k) => adadeltaStepRef(p, gs[k]!, states[k]!, { ...opt.options, lr })),
      state: () => pick(states as unknown as Record<string, Float64Array>[]),
    };
  }
  if (opt instanceof Rmsprop) {
    const states = sizes.map((n) => rmspropRefState(n));
    return {
      step: (ps, gs, _t, lr) => ps.forEach((p, k) => rmspropStepRef(p, gs[k]!, states[k]!, { ...opt.options, lr })),
      state: () => pick(states as unknown as Record<string, Float64Array>[]),
    };
  }
  throw new Error(`no reference for optimizer ${opt.name}`);
}

/** Param and grad buffers for each tensor of a problem, as optimizer slots. */
export async function makeSlots(
  problem: Quadratic,
  tag: string,
  start: readonly Float32Array[] = problem.start,
): Promise<{ slots: ParamSlot[]; dispose(): void }> {
  const { gpu } = await getGpu();
  const slots = problem.sizes.map((n, k) => ({
    name: `${tag}${k}.weight`,
    param: gpu.buffers.fromData(`${tag}${k}.weight`, start[k]!),
    grad: gpu.buffers.create(`${tag}${k}.weight.grad`, n * 4),
    numel: n,
  }));
  return {
    slots,
    dispose: () => {
      for (const s of slots) {
        s.param.dispose();
        s.grad.dispose();
      }
    },
  };
}

export async function readParams(slots: readonly ParamSlot[]): Promise<Float32Array[]> {
  const { gpu } = await getGpu();
  return Promise.all(slots.map((s) => readFloat32(gpu, s.param, 0, s.numel)));
}

/** Uploads the quadratic's gradient at `params` into each slot's grad buffer; returns it in float64. */
export async function uploadGrads(
  problem: Quadratic,
  slots: readonly ParamSlot[],
  params: readonly ArrayLike<number>[],
): Promise<Float64Array[]> {
  const { gpu } = await getGpu();
  return slots.map((s, k) => {
    const g = problem.grad(k, params[k]!);
    writeFloat32(gpu, s.grad, Float32Array.from(g));
    return g;
  });
}

/** Encodes one step of each optimizer into one pass and submits it. */
export async function submitStep(...opts: Optimizer[]): Promise<void> {
  const { gpu } = await getGpu();
  const encoder = gpu.device.createCommandEncoder({ label: 'optim-test.step' });
  const pass = encoder.beginComputePass();
  for (const o of opts) o.encode(pass);
  pass.end();
  gpu.device.queue.submit([encoder.finish()]);
}
