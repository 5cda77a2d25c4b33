// executor.ts: compiles a graph once into a fixed list of dispatches with their bind groups, and
// runs it as one compute pass. Imports ops, gpu, kernels, util.
//
// Buffers: inputs get their own buffers; params use their Module's buffers; op outputs share a
// pool: once a tensor's last reader has run, its buffer is handed to a later op output of the same
// size. Tensors named in `keep` (loss, gradients, predictions) are never recycled.
//
// Before compiling, the fusion pass (fuse.ts) rewrites patterns of the graph into fused nodes (unless
// `fuse: false`); a fused node may have extra outputs, allocated and pooled like outputs.
// Readouts: a fused node's dispatches that only finish the value of kept extra outputs no later node
// reads (the sum of a loss's partials) are held apart and encoded after the others; a caller that does
// not read those values on a step may leave them out (encode's `readouts: false`).
import type { Gpu } from '../gpu/device';
import type { ManagedBuffer } from '../gpu/buffers';
import { readFloat32 } from '../gpu/readback';
import type { KernelRegistry } from '../kernels/registry';
import type { BuildContext, Dispatch } from '../ops/op';
import { DisposedError, ShapeError } from '../util/errors';
import { fmt } from '../util/shape';
import { fuse, outputsOf, type FusionCounts } from './fuse';
import type { Graph } from './graph';
import type { Tensor } from './tensor';

export interface ExecContext {
  gpu: Gpu;
  registry: KernelRegistry;
}

export interface CompileOptions {
  /** Tensors whose values must be readable after a run. */
  keep: readonly Tensor[];
  /** Inputs that hold a constant, written once at compile time (gradient seeds: 1). */
  constants?: ReadonlyMap<Tensor, Float32Array>;
  label?: string;
  /**
   * Buffers (or views) chosen by the caller: a param's storage in place of its own, an op output's
   * (e.g. a gradient written straight into an arena). Placed outputs are never recycled.
   */
  place?: ReadonlyMap<Tensor, ManagedBuffer>;
  /** Run the fusion pass (fuse.ts) before compiling (default true); false compiles the nodes as recorded. */
  fuse?: boolean;
}

export class Executable {
  private readonly buffers = new Map<Tensor, ManagedBuffer>();
  private readonly owned: ManagedBuffer[] = [];
  /** Every dispatch in order, the readouts (see above) last, from index `readoutsFrom`. */
  private readonly dispatches: Dispatch[] = [];
  private readonly readoutsFrom: number;
  private disposed = false;
  readonly label: string;
  /** What the fusion pass rewrote (all zero with `fuse: false`). */
  readonly fused: FusionCounts = { lossValueGrad: 0, matmulActGrad: 0, linearParamGrad: 0 };

  constructor(
    private readonly ctx: ExecContext,
    readonly graph: Graph,
    options: CompileOptions,
  ) {
    this.label = options.label ?? 'graph';
    const { gpu } = ctx;
    const alloc = (label: string, floats: number): ManagedBuffer => {
      const b = gpu.buffers.create(`${this.label}:${label}`, floats * 4);
      this.owned.push(b);
      return b;
    };
    for (const t of graph.inputs) this.buffers.set(t, alloc(t.name, t.numel));
    const place = options.place ?? new Map<Tensor, ManagedBuffer>();
    for (const t of graph.params) this.buffers.set(t, place.get(t) ?? t.buffer!);
    for (const [t, data] of options.constants ?? []) this.write(t, data);

    const keep = new Set([...options.keep, ...place.keys()]);
    const nodes = options.fuse === false ? graph.nodes : fuse(graph.nodes, keep, this.fused);
    const lastUse = new Map<Tensor, number>();
    nodes.forEach((node, i) => node.inputs.forEach((t) => lastUse.set(t, i)));
    const free = new Map<number, ManagedBuffer[]>();
    const buildCtx: BuildContext = {
      gpu,
      registry: ctx.registry,
      scratch: (label, n) => alloc(`scratch:${label}`, n),
    };
    const readouts: Dispatch[] = [];
    const release = (b: ManagedBuffer) => {
      const list = free.get(b.byteSize) ?? [];
      list.push(b);
      free.set(b.byteSize, list);
    };
    nodes.forEach((node, i) => {
      const out = node.output;
      const take = (t: Tensor): ManagedBuffer => {
        const buffer = place.get(t) ?? free.get(Math.max(4, t.numel * 4))?.pop() ?? alloc(t.name, t.numel);
        this.buffers.set(t, buffer);
        return buffer;
      };
      const buffer = take(out);
      const extras = (node.extras ?? []).map(take);
      const ins = node.inputs.map((t) => this.buffers.get(t)!);
      const made = node.op.build(
        buildCtx,
        ins,
        node.inputs.map((t) => t.shape),
        buffer,
        out.shape,
        node.attrs as never,
        extras,
      );
      // Readouts may move to the end only when their outputs are kept (never recycled) and read by no node.
      const deferrable = (node.extras ?? []).every((t) => keep.has(t) && !lastUse.has(t));
      for (const d of made) (d.readout && deferrable ? readouts : this.dispatches).push(d);
      // Release buffers whose last reader was this node (never params, inputs or kept tensors).
      for (const t of new Set(node.inputs)) {
        if (t.kind !== 'op' || keep.has(t) || lastUse.get(t) !== i) continue;
        release(this.buffers.get(t)!);
      }
      // An output nobody reads and nobody keeps can be recycled at once.
      for (const t of outputsOf(node)) if (!lastUse.has(t) && !keep.has(t)) release(this.buffers.get(t)!);
    });
    this.readoutsFrom = this.dispatches.length;
    this.dispatches.push(...readouts);
    for (const t of keep) {
      if (!this.buffers.has(t))
        throw new ShapeError(
          `Executable(${this.label}): tensor "${t.name}" ${fmt(t.shape)} is not part of this graph.`,
        );
    }
  }

  private check(): void {
    if (this.disposed)
      throw new DisposedError(`Executable "${this.label}" was disposed and then used. Compile the graph again.`);
    if (this.ctx.gpu.lostError) throw this.ctx.gpu.lostError;
  }

  /** The buffer holding a tensor's value (valid after a run for kept tensors, inputs and params). */
  buffer(t: Tensor): ManagedBuffer {
    const b = this.buffers.get(t);
    if (!b) throw new ShapeError(`Executable(${this.label}): tensor "${t.name}" is not part of this graph.`);
    return b;
  }

  /** Writes an input's value; the length must match its shape. */
  write(t: Tensor, data: Float32Array): void {
    this.check();
    if (t.kind !== 'input') throw new ShapeError(`Executable.write: "${t.name}" is a ${t.kind}, not an input.`);
    if (data.length !== t.numel) {
      throw new ShapeError(
        `Executable.write(${t.name}): expected ${t.numel} values for shape ${fmt(t.shape)}, got ${data.length}.`,
      );
    }
    this.ctx.gpu.device.queue.writeBuffer(
      this.buffer(t).gpuBuffer,
      0,
      data.buffer as ArrayBuffer,
      data.byteOffset,
      data.byteLength,
    );
  }

  /**
   * Records every dispatch into an open compute pass. With `readouts: false`, the readout dispatches are
   * left out: every output is computed except the values of fused extra outputs such as a fused loss's
   * value, which then keep their previous contents (for steps whose loss is not read).
   */
  encode(pass: GPUComputePassEncoder, { readouts = true }: { readouts?: boolean } = {}): void {
    this.check();
    const end = readouts ? this.dispatches.length : this.readoutsFrom;
    for (let i = 0; i < end; i++) this.dispatches[i]!.bound.encode(pass, this.dispatches[i]!.workgroups);
  }

  /** Runs the graph once, as one command buffer. */
  run(): void {
    this.check();
    const encoder = this.ctx.gpu.device.createCommandEncoder({ label: this.label });
    const pass = encoder.beginComputePass({ label: this.label });
    this.encode(pass);
    pass.end();
    this.ctx.gpu.device.queue.submit([encoder.finish()]);
  }

  /** Reads a tensor back (waits for the GPU). */
  async read(t: Tensor): Promise<Float32Array> {
    this.check();
    return readFloat32(this.ctx.gpu, this.buffer(t), 0, t.numel);
  }

  /** Dispatches per run, readouts included. */
  get dispatchCount(): number {
    return this.dispatches.length;
  }

  /** Of dispatchCount, the readouts (left out by encode's `readouts: false`). */
  get readoutCount(): number {
    return this.dispatches.length - this.readoutsFrom;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.dispatches) d.bound.dispose();
    for (const b of this.owned) b.dispose();
    this.dispatches.length = 0;
    this.buffers.clear();
  }
}
