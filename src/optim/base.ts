// base.ts: the Optimizer interface the graph executor drives, and the shared machinery of the
// elementwise optimizers. Imports ops (BuildContext type), kernels (shader sources, dispatch
// geometry), gpu (buffers, readback) and util.
//
// One dispatch per step per parameter buffer: slots that are views of one parameter arena (with their
// gradients at the same places of one gradient arena, as the Trainer lays them out) are updated by
// one dispatch over the whole arena, with each state tensor in one buffer laid out the same way.
// Slots in buffers of their own get one dispatch each.
//
// Lifetime: construct (options validated) → build(ctx, slots) once → encode(pass) once per step →
// dispose(). No step writes anything to the GPU: the step-dependent values (bias corrections,
// first-step flags, lr-dependent factors) are computed in float64 on the host for a window of
// WINDOW steps and written once per window as rows of a table (a ring of 2·WINDOW rows); the kernel
// picks its row with a step counter that lives on the GPU. Two counter buffers are used alternately:
// step t reads one and its thread 0 writes the next row index into the other, through one of two
// bind groups. A changed lr rewrites the rows from the current step on. Up to WINDOW steps may be
// encoded into one submission (a refill is a queue write, ordered before the whole submission, and
// never touches the rows of the WINDOW steps before it).
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
  /** The most steps that may be encoded into one submission. */
  abstract readonly maxStepsPerSubmit: number;
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
  /**
   * The values of stepParams(t) that depend on t or on lr, in the order of the shader's `Row` struct
   * (at most 4); they go into the step table. The other values of stepParams go into the uniform.
   */
  row: readonly string[];
}

/** Steps per refill of the step table (the table holds twice as many rows). */
export const WINDOW = 512;
const ROW_FLOATS = 4;
/**
 * Elements each optimizer thread updates (t, t + threads, …): the step's row and counter are read once
 * per thread, not once per element.
 */
export const ELEMENTS_PER_THREAD = 8;

/** One slot's place in its group and its state views. */
interface Site {
  slot: ParamSlot;
  state: Map<string, ManagedBuffer>;
}

/** Slots sharing one parameter buffer and one gradient buffer: one dispatch per step. */
interface Group {
  /** [bind group of odd steps, of even steps]. */
  bound: [BoundKernel, BoundKernel];
  workgroups: readonly [number, number, number];
  sites: Site[];
  /** What the group owns: state buffers and views made for binding. */
  owned: ManagedBuffer[];
}

/** The key of one state tensor in saveState(): `<slot name>.<state name>`, e.g. `fc1.weight.exp_avg`. */
export const stateKey = (slot: string, state: string): string => `${slot}.${state}`;

/**
 * An optimizer whose update is elementwise: one bound kernel per parameter buffer, binding grad,
 * param and the state tensors by name. Subclasses give the rule and the values for step t.
 */
export abstract class ElementwiseOptimizer extends Optimizer {
  readonly maxStepsPerSubmit = WINDOW;
  private groups: Group[] = [];
  private gpu: Gpu | null = null;
  private stepCount = 0;
  private disposed = false;
  /** The step table (2·WINDOW rows) and the two counters; made by build(). */
  private table: ManagedBuffer | null = null;
  private counters: ManagedBuffer[] = [];
  /** Steps whose rows the table holds, and the lr they were computed with. */
  private filled = { from: 1, to: 0, lr: Number.NaN };
  /** The uniform values, fixed at build(). */
  private constants: Params = {};

  constructor(
    lr: number,
    protected readonly rule: UpdateRule,
  ) {
    super(lr);
  }

  /** Uniform values other than `n` and `rows` for step t (1-based), computed in float64. */
  protected abstract stepParams(t: number): Params;

  /** Number of steps encoded so far (or restored by loadState). */
  get step(): number {
    return this.stepCount;
  }

  /** Dispatches per step (one per parameter buffer). */
  get dispatchesPerStep(): number {
    return this.groups.length;
  }

  /** The dispatches the next step records, one per parameter buffer (for profiling them on their own). */
  get sites(): { bound: BoundKernel; workgroups: readonly [number, number, number] }[] {
    const parity = this.stepCount % 2;
    return this.groups.map((g) => ({ bound: g.bound[parity]!, workgroups: g.workgroups }));
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

  /** The values of stepParams(t) that are not in the row, checked to be the same as at build(). */
  private split(t: number): { uniform: Params; row: number[] } {
    const all = this.stepParams(t);
    const row = this.rule.row.map((name) => {
      const v = all[name];
      if (typeof v !== 'number')
        throw new EngineError(`${this.where('step')}: row value "${name}" is not a number in stepParams.`);
      return v;
    });
    const uniform = Object.fromEntries(Object.entries(all).filter(([k]) => !this.rule.row.includes(k)));
    return { uniform, row };
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
      if (s.param === s.grad || s.param.buffer === s.grad.buffer)
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
    const { uniform } = this.split(1);
    this.constants = uniform;
    try {
      const rows = 2 * WINDOW;
      this.table = ctx.gpu.buffers.create(`${this.name}:steps`, rows * ROW_FLOATS * 4);
      this.counters = [0, 1].map((k) => ctx.gpu.buffers.create(`${this.name}:counter${k}`, 4));
      for (const members of groupSlots(slots, this.where('build'))) {
        const group: Group = { bound: [] as unknown as Group['bound'], workgroups: [1, 1, 1], sites: [], owned: [] };
        this.groups.push(group);
        const first = members[0]!;
        const base = Math.min(...members.map((s) => s.param.offset));
        const gradBase = Math.min(...members.map((s) => s.grad.offset));
        const floats = Math.max(...members.map((s) => s.param.offset + s.numel * 4)) / 4 - base / 4;
        const range = (b: ManagedBuffer, at: number, what: string): ManagedBuffer => {
          if (!b.parent) return b;
          const v = b.parent.view(`${this.name}:${what}`, at - b.parent.offset, floats * 4);
          group.owned.push(v);
          return v;
        };
        const state: Record<string, ManagedBuffer> = {};
        for (const spec of this.rule.state) {
          const buffer = ctx.gpu.buffers.create(
            `${this.name}:${first.param.parent ? first.param.parent.label : first.name}.${spec.name}`,
            floats * 4,
          );
          group.owned.push(buffer);
          state[spec.name] = buffer;
          // New GPU buffers read as zero; only a non-zero start value needs a write.
          if (spec.init !== 0) writeFloat32(ctx.gpu, buffer, new Float32Array(floats).fill(spec.init));
        }
        for (const slot of members) {
          const views = new Map<string, ManagedBuffer>();
          for (const spec of this.rule.state) {
            const v = state[spec.name]!.view(
              `${this.name}:${stateKey(slot.name, spec.name)}`,
              slot.param.offset - base,
              slot.numel * 4,
            );
            group.owned.push(v);
            views.set(spec.name, v);
          }
          group.sites.push({ slot, state: views });
        }
        const resources = {
          param: range(first.param, base, 'param'),
          grad: range(first.grad, gradBase, 'grad'),
          ...state,
          steps: this.table,
        };
        const threads = Math.ceil(floats / ELEMENTS_PER_THREAD);
        const params = { n: floats, rows, threads, ...uniform };
        const [c0, c1] = this.counters as [ManagedBuffer, ManagedBuffer];
        group.bound = [
          ctx.registry.bind(kernel, { ...resources, counter: c0, next_counter: c1 }, params),
          ctx.registry.bind(kernel, { ...resources, counter: c1, next_counter: c0 }, params),
        ];
        group.workgroups = threadGrid(kernel, threads);
      }
    } catch (e) {
      this.releaseAll();
      throw e;
    }
    this.gpu = ctx.gpu;
  }

  /** Writes the rows of steps t … t + WINDOW − 1 (ring positions (s − 1) mod 2·WINDOW). */
  private fill(t: number): void {
    const gpu = this.gpu!;
    const rows = 2 * WINDOW;
    const data = new Float32Array(WINDOW * ROW_FLOATS);
    for (let k = 0; k < WINDOW; k++) {
      const { uniform, row } = this.split(t + k);
      for (const [name, v] of Object.entries(uniform)) {
        if (v !== this.constants[name])
          throw new EngineError(
            `${this.where('encode')}: "${name}" changed after build() (${this.constants[name]} → ${v}); only lr may change between steps. Make a new optimizer for other options.`,
          );
      }
      data.set(row, k * ROW_FLOATS);
    }
    const at = (t - 1) % rows;
    const head = Math.min(WINDOW, rows - at);
    writeFloat32(gpu, this.table!, data.subarray(0, head * ROW_FLOATS), at * ROW_FLOATS);
    if (head < WINDOW) writeFloat32(gpu, this.table!, data.subarray(head * ROW_FLOATS), 0);
    this.filled = { from: t, to: t + WINDOW - 1, lr: this.lr };
  }

  encode(pass: GPUComputePassEncoder): void {
    this.alive('encode');
    if (!this.gpu)
      throw new EngineError(
        `${this.where('encode')}: encode() called before build(); expected build(ctx, slots) first.`,
      );
    checkLr(this.where('encode'), this.lr);
    const t = this.stepCount + 1;
    if (t < this.filled.from || t > this.filled.to || this.lr !== this.filled.lr) this.fill(t);
    const parity = (t - 1) % 2;
    for (const group of this.groups) group.bound[parity]!.encode(pass, group.workgroups);
    this.stepCount = t;
  }

  async saveState(): Promise<{ step: number; tensors: Record<string, Float32Array> }> {
    this.alive('saveState');
    const tensors: Record<string, Float32Array> = {};
    const gpu = this.gpu;
    if (gpu) {
      for (const site of this.slotSites()) {
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
    for (const site of this.slotSites()) {
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
    for (const site of this.slotSites()) {
      for (const [name, buffer] of site.state)
        writeFloat32(this.gpu, buffer, state.tensors[stateKey(site.slot.name, name)]!);
    }
    this.stepCount = state.step;
    // The next step (t = step + 1) reads counter[step mod 2]: point it at the row of step t.
    const next = state.step;
    this.gpu.device.queue.writeBuffer(this.counters[next % 2]!.gpuBuffer, 0, Uint32Array.of(next % (2 * WINDOW)));
    this.filled = { from: 1, to: 0, lr: Number.NaN };
  }

  private *slotSites(): Generator<Site> {
    for (const group of this.groups) yield* group.sites;
  }

  private *expectedKeys(): Generator<string> {
    for (const site of this.slotSites()) for (const name of site.state.keys()) yield stateKey(site.slot.name, name);
  }

  private releaseAll(): void {
    for (const group of this.groups) {
      for (const b of group.bound) b?.dispose();
      for (const b of group.owned) b.dispose();
    }
    this.groups = [];
    this.table?.dispose();
    this.table = null;
    for (const c of this.counters) c.dispose();
    this.counters = [];
  }

  dispose(): void {
    if (this.disposed) return;
    this.releaseAll();
    this.disposed = true;
  }
}

/**
 * Slots grouped by (parameter buffer, gradient buffer), in order of first appearance. Within a group
 * every gradient must sit at the same place relative to the group's first gradient as its parameter
 * relative to the first parameter (the arenas share one layout), and no two slots may overlap.
 */
function groupSlots(slots: readonly ParamSlot[], where: string): ParamSlot[][] {
  const groups = new Map<GPUBuffer, ParamSlot[]>();
  for (const s of slots) {
    const list = groups.get(s.param.buffer) ?? [];
    list.push(s);
    groups.set(s.param.buffer, list);
  }
  for (const members of groups.values()) {
    const first = members[0]!;
    const base = Math.min(...members.map((s) => s.param.offset));
    const gradBase = Math.min(...members.map((s) => s.grad.offset));
    const sorted = [...members].sort((a, b) => a.param.offset - b.param.offset);
    sorted.forEach((s, i) => {
      if (s.grad.buffer !== first.grad.buffer || s.grad.offset - gradBase !== s.param.offset - base)
        throw new ShapeError(
          `${where}: slots "${first.name}" and "${s.name}" share a parameter buffer but their gradients are not laid out like the parameters; expected one gradient arena with the parameter arena's layout.`,
        );
      const prev = sorted[i - 1];
      if (prev && prev.param.offset + prev.numel * 4 > s.param.offset)
        throw new ShapeError(`${where}: slots "${prev.name}" and "${s.name}" overlap in their parameter buffer.`);
    });
  }
  return [...groups.values()];
}
