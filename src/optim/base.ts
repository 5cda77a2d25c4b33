// base.ts: the Optimizer interface the graph executor drives, and the shared machinery of the
// elementwise optimizers (one kernel dispatch per parameter tensor per step).
// Imports ops (BuildContext type), kernels (shader sources, dispatch geometry), gpu (buffers,
// readback) and util.
//
// Lifetime: construct (options validated) → build(ctx, slots) once → encode(pass) once per submitted
// step → dispose(). The step-dependent uniform values (bias corrections, first-step flags, lr) are
// written with BoundKernel.setParams, i.e. queue.writeBuffer, when encode() is called; that write is
// ordered before the next queue.submit, so encode exactly one step per submission. Two encode() calls
// recorded into the same submission would both see the second step's uniforms.
import type { Gpu } from '../gpu/device';
import type { ManagedBuffer } from '../gpu/buffers';
import { readFloat32, writeFloat32 } from '../gpu/readback';
import { threadGrid } from '../kernels/dispatch';
import type { BoundKernel, Params, ShaderSource } from '../kernels/registry';
import type { BuildContext } from '../ops/op';
import { DatasetFormatError, DisposedError, EngineError, ShapeError } from '../util/errors';
import { checkLr } from './options';

/** One trainable tensor: its values, its gradient (same length), both flat f32 buffers. */
export interface ParamSlot {
  name: string;
  param: ManagedBuffer;
  grad: ManagedBuffer;
  numel: number;
}

export abstract class Optimizer {
  abstract readonly name: string;
  /** Creates state buffers (zeroed, owned by the optimizer) and bound kernels, once. */
  abstract build(ctx: BuildContext, slots: readonly ParamSlot[]): void;
  /** Records one update of every slot into the pass; call once per submitted step. Increments the step count. */
  abstract encode(pass: GPUComputePassEncoder): void;
  /** Optimizer state as named float arrays + the step count, for checkpoints; and restore. */
  abstract saveState(): Promise<{ step: number; tensors: Record<string, Float32Array> }>;
  abstract loadState(state: { step: number; tensors: Record<string, Float32Array> }): void;
  /** Current learning rate, settable between steps. */
  lr: number;
  abstract dispose(): void; // frees state buffers and uniform buffers

  constructor(lr: number) {
    this.lr = lr;
  }
}

/** A per-element state tensor: its binding name in the shader (PyTorch's state key) and start value. */
export interface StateSpec {
  name: string;
  init: number;
}

/** Which kernel one configuration of an optimizer runs, and the state it binds. */
export interface UpdateRule {
  shader: ShaderSource;
  entry: string;
  state: readonly StateSpec[];
}

interface Site {
  slot: ParamSlot;
  bound: BoundKernel;
  state: Map<string, ManagedBuffer>;
  workgroups: readonly [number, number, number];
}

/** The key of one state tensor in saveState(): `<slot name>.<state name>`, e.g. `fc1.weight.exp_avg`. */
export const stateKey = (slot: string, state: string): string => `${slot}.${state}`;

/**
 * An optimizer whose update is elementwise: one bound kernel per slot, binding grad, param and the
 * slot's state tensors by name. Subclasses give the rule and the uniform values for step t.
 */
export abstract class ElementwiseOptimizer extends Optimizer {
  private sites: Site[] = [];
  private gpu: Gpu | null = null;
  private stepCount = 0;
  private disposed = false;

  constructor(
    lr: number,
    protected readonly rule: UpdateRule,
  ) {
    super(lr);
  }

  /** Uniform values other than `n` for step t (1-based), computed in float64. */
  protected abstract stepParams(t: number): Params;

  /** Number of steps encoded so far (or restored by loadState). */
  get step(): number {
    return this.stepCount;
  }

  private where(method: string): string {
    return `${this.name}.${method}`;
  }

  private alive(method: string): void {
    if (this.disposed)
      throw new DisposedError(
        `${this.where(method)}: optimizer "${this.name}" was disposed after ${this.stepCount} steps and then used. Make a new optimizer.`,
      );
  }

  build(ctx: BuildContext, slots: readonly ParamSlot[]): void {
    this.alive('build');
    if (this.gpu)
      throw new EngineError(
        `${this.where('build')}: build() called twice; expected one build per optimizer. Make a new optimizer for a new set of parameters.`,
      );
    const names = new Set<string>();
    for (const s of slots) {
      if (!Number.isInteger(s.numel) || s.numel <= 0) {
        throw new ShapeError(
          `${this.where('build')}: slot "${s.name}" has numel ${s.numel}; expected a positive integer.`,
        );
      }
      for (const [what, b] of [
        ['param', s.param],
        ['grad', s.grad],
      ] as const) {
        if (b.byteSize < s.numel * 4) {
          throw new ShapeError(
            `${this.where('build')}: slot "${s.name}" ${what} buffer "${b.label}" holds ${b.byteSize / 4} floats; expected at least numel = ${s.numel}.`,
          );
        }
      }
      if (s.param === s.grad)
        throw new ShapeError(
          `${this.where('build')}: slot "${s.name}" uses one buffer as both param and grad; expected two buffers.`,
        );
      if (names.has(s.name))
        throw new ShapeError(
          `${this.where('build')}: slot name "${s.name}" appears twice; expected unique names (they key the saved state).`,
        );
      names.add(s.name);
    }
    const kernel = ctx.registry.kernel(this.rule.shader, this.rule.entry);
    const first = this.stepParams(1);
    try {
      for (const slot of slots) {
        const state = new Map<string, ManagedBuffer>();
        const site: Partial<Site> = { slot, state };
        this.sites.push(site as Site);
        for (const spec of this.rule.state) {
          const buffer = ctx.gpu.buffers.create(`${this.name}:${stateKey(slot.name, spec.name)}`, slot.numel * 4);
          state.set(spec.name, buffer);
          // New GPU buffers read as zero; only a non-zero start value needs a write.
          if (spec.init !== 0) writeFloat32(ctx.gpu, buffer, new Float32Array(slot.numel).fill(spec.init));
        }
        const resources: Record<string, ManagedBuffer> = {
          param: slot.param,
          grad: slot.grad,
          ...Object.fromEntries(state),
        };
        site.bound = ctx.registry.bind(kernel, resources, { n: slot.numel, ...first });
        site.workgroups = threadGrid(kernel, slot.numel);
      }
    } catch (e) {
      this.releaseAll();
      throw e;
    }
    this.gpu = ctx.gpu;
  }

  encode(pass: GPUComputePassEncoder): void {
    this.alive('encode');
    if (!this.gpu)
      throw new EngineError(
        `${this.where('encode')}: encode() called before build(); expected build(ctx, slots) first.`,
      );
    checkLr(this.where('encode'), this.lr);
    const t = this.stepCount + 1;
    const params = this.stepParams(t);
    for (const site of this.sites) {
      site.bound.setParams({ n: site.slot.numel, ...params });
      site.bound.encode(pass, site.workgroups);
    }
    this.stepCount = t;
  }

  async saveState(): Promise<{ step: number; tensors: Record<string, Float32Array> }> {
    this.alive('saveState');
    const tensors: Record<string, Float32Array> = {};
    const gpu = this.gpu;
    if (gpu) {
      for (const site of this.sites) {
        for (const [name, buffer] of site.state)
          tensors[stateKey(site.slot.name, name)] = await readFloat32(gpu, buffer, 0, site.slot.numel);
      }
    }
    return { step: this.stepCount, tensors };
  }

  loadState(state: { step: number; tensors: Record<string, Float32Array> }): void {
    this.alive('loadState');
    const where = this.where('loadState');
    if (!this.gpu)
      throw new EngineError(`${where}: loadState() called before build(); expected build(ctx, slots) first.`);
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new DatasetFormatError(`${where}: invalid step count; expected a non-negative integer, got ${state.step}.`);
    }
    const expected = new Set<string>();
    for (const site of this.sites) {
      for (const name of site.state.keys()) {
        const key = stateKey(site.slot.name, name);
        expected.add(key);
        const t = state.tensors[key];
        if (!t)
          throw new DatasetFormatError(
            `${where}: state tensor "${key}" is missing; expected keys: ${[...this.expectedKeys()].join(', ')}. Was the state saved by the same optimizer and options?`,
          );
        if (t.length !== site.slot.numel)
          throw new DatasetFormatError(
            `${where}: state tensor "${key}" has ${t.length} values; expected ${site.slot.numel}.`,
          );
      }
    }
    const extra = Object.keys(state.tensors).filter((k) => !expected.has(k));
    if (extra.length) {
      throw new DatasetFormatError(
        `${where}: unexpected state tensors ${extra.join(', ')}; expected only: ${[...expected].join(', ') || 'none'}. Was the state saved by the same optimizer and options?`,
      );
    }
    for (const site of this.sites) {
      for (const [name, buffer] of site.state)
        writeFloat32(this.gpu, buffer, state.tensors[stateKey(site.slot.name, name)]!);
    }
    this.stepCount = state.step;
  }

  private *expectedKeys(): Generator<string> {
    for (const site of this.sites) for (const name of site.state.keys()) yield stateKey(site.slot.name, name);
  }

  private releaseAll(): void {
    for (const site of this.sites) {
      site.bound?.dispose();
      for (const b of site.state?.values() ?? []) b.dispose();
    }
    this.sites = [];
  }

  dispose(): void {
    if (this.disposed) return;
    this.releaseAll();
    this.disposed = true;
  }
}
