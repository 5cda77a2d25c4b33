// stacked.ts: the optimizer of a stack of N models (src/nn/stacked.ts): each model its own optimizer
// kind and hyperparameters, models with the same choice grouped under one optimizer.
// Imports kernels, gpu, util and the optimizers of this folder.
//
// A slot here is a stacked tensor: N equal per-model slices, model k's after model k − 1's. A group
// that holds every model updates the stacked slots in place (one dispatch per tensor, as one model).
// A group that holds some of the models keeps its own buffers of its models' slices: each step copies
// their values and gradients in, runs its optimizer there and copies the values back (shaders/stacked.wgsl),
// so every model's update is its lone optimizer's, bit for bit.
import type { ManagedBuffer } from '../gpu/buffers';
import { threadGrid } from '../kernels/dispatch';
import type { BoundKernel } from '../kernels/registry';
import { STACKED_SHADERS } from '../kernels/stacked-shaders';
import type { BuildContext } from '../ops/op';
import { ConfigError, DatasetFormatError, EngineError, ShapeError } from '../util/errors';
import { Optimizer, type ParamSlot } from './base';
import { createOptimizer, type OptimizerOptions } from './optimizer';
import type { OptimizerName } from './options';

/** One model's optimizer: its kind and options (createOptimizer's). */
export interface ModelOptimizer<N extends OptimizerName = OptimizerName> {
  name: N;
  options?: OptimizerOptions<N>;
}

interface Copy {
  bound: BoundKernel;
  workgroups: readonly [number, number, number];
}

interface Group {
  models: number[];
  optimizer: Optimizer;
  /** Copies into the group's buffers before its update, and of the values back after it. */
  copyIn: Copy[];
  copyOut: Copy[];
}

/** Runs of consecutive model indices: [first, count]. */
function runs(models: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const k of models) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === k) last[1]++;
    else out.push([k, 1]);
  }
  return out;
}

export class StackedOptimizer extends Optimizer {
  readonly name = 'stacked';
  private groups: Group[] = [];
  private built = false;
  /** The model indices of each group, in the order they were first named. */
  readonly grouping: readonly (readonly number[])[];

  constructor(readonly perModel: readonly ModelOptimizer[]) {
    super(Number.NaN);
    if (perModel.length < 1)
      throw new ConfigError('StackedOptimizer: expected one optimizer choice per model; got none.');
    const byKey = new Map<string, number[]>();
    perModel.forEach((m, k) => {
      const key = JSON.stringify([m.name, m.options ?? {}]);
      byKey.set(key, [...(byKey.get(key) ?? []), k]);
    });
    this.grouping = [...byKey.values()];
    // Validates every choice now (createOptimizer throws a ConfigError naming the bad option).
    for (const models of this.grouping) {
      const m = perModel[models[0]!]!;
      createOptimizer(m.name, m.options as never).dispose();
    }
  }

  /** Steps one submission may hold: the least of the groups' optimizers (known once built). */
  get maxStepsPerSubmit(): number {
    if (!this.built)
      throw new EngineError('StackedOptimizer.maxStepsPerSubmit: known after build(); build the optimizer first.');
    return Math.min(...this.groups.map((g) => g.optimizer.maxStepsPerSubmit));
  }

  get models(): number {
    return this.perModel.length;
  }

  build(ctx: BuildContext, slots: readonly ParamSlot[]): void {
    if (this.built) throw new EngineError('StackedOptimizer.build: build() called twice; make a new optimizer.');
    const N = this.models;
    for (const s of slots) {
      if (s.numel % N !== 0)
        throw new ShapeError(
          `StackedOptimizer.build: slot "${s.name}" has ${s.numel} values, not a multiple of the ${N} models; expected stacked tensors [${N}, ...].`,
        );
    }
    const kernel = ctx.registry.kernel(STACKED_SHADERS.copy, 'copy_range');
    const copy = (a: ManagedBuffer, out: ManagedBuffer, n: number, src: number, dst: number): Copy => ({
      bound: ctx.registry.bind(kernel, { a, out }, { n, src, dst }),
      workgroups: threadGrid(kernel, n),
    });
    for (const models of this.grouping) {
      const m = this.perModel[models[0]!]!;
      const optimizer = createOptimizer(m.name, m.options as never);
      const group: Group = { models: [...models], optimizer, copyIn: [], copyOut: [] };
      this.groups.push(group);
      if (models.length === N) {
        optimizer.build(ctx, slots);
        continue;
      }
      const own = slots.map((s) => {
        const per = s.numel / N;
        const numel = per * models.length;
        const param = ctx.scratch(`stacked:${s.name}:group${this.groups.length - 1}`, numel);
        const grad = ctx.scratch(`stacked:${s.name}.grad:group${this.groups.length - 1}`, numel);
        let at = 0;
        for (const [first, count] of runs(models)) {
          group.copyIn.push(copy(s.param, param, count * per, first * per, at));
          group.copyIn.push(copy(s.grad, grad, count * per, first * per, at));
          group.copyOut.push(copy(param, s.param, count * per, at, first * per));
          at += count * per;
        }
        return { name: s.name, param, grad, numel };
      });
      optimizer.build(ctx, own);
    }
    this.built = true;
  }

  encode(pass: GPUComputePassEncoder): void {
    if (!this.built)
      throw new EngineError(
        'StackedOptimizer.encode: encode() called before build(); expected build(ctx, slots) first.',
      );
    for (const g of this.groups) {
      for (const c of g.copyIn) c.bound.encode(pass, c.workgroups);
      g.optimizer.encode(pass);
      for (const c of g.copyOut) c.bound.encode(pass, c.workgroups);
    }
  }

  /** The groups' states, each key prefixed with `group<i>/`; the step count is every group's. */
  async saveState(): Promise<{ step: number; tensors: Record<string, Float32Array> }> {
    const tensors: Record<string, Float32Array> = {};
    let step = 0;
    for (const [i, g] of this.groups.entries()) {
      const s = await g.optimizer.saveState();
      step = s.step;
      for (const [k, v] of Object.entries(s.tensors)) tensors[`group${i}/${k}`] = v;
    }
    return { step, tensors };
  }

  loadState(state: { step: number; tensors: Record<string, Float32Array> }): void {
    const known = this.groups.map((_, i) => `group${i}/`);
    const stray = Object.keys(state.tensors).filter((k) => !known.some((p) => k.startsWith(p)));
    if (stray.length)
      throw new DatasetFormatError(
        `StackedOptimizer.loadState: tensors ${stray.join(', ')} belong to no group; expected keys starting with ${known.join(', ')}.`,
      );
    this.groups.forEach((g, i) => {
      const prefix = known[i]!;
      const tensors = Object.fromEntries(
        Object.entries(state.tensors)
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, v]) => [k.slice(prefix.length), v]),
      );
      g.optimizer.loadState({ step: state.step, tensors });
    });
  }

  dispose(): void {
    for (const g of this.groups) {
      g.optimizer.dispose();
      for (const c of [...g.copyIn, ...g.copyOut]) c.bound.dispose();
    }
    this.groups = [];
  }
}
