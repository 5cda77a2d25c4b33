// trainer.ts: one compiled training step (forward + backward + optimizer) per command buffer.
// Imports graph, optim, gpu, util.
//
// The loss is read back only when asked (every N steps); no readback happens inside a step. On a
// step whose loss is read, the parameters are first copied to one of two snapshot slots; when the
// loss comes back finite that slot becomes the "last good" weights. A NaN/Inf loss restores them
// and stops with NonFiniteLossError, so the weights that produced a finite loss are kept.
import type { Gpu } from '../gpu/device';
import { MAP_MODE_READ, READBACK, type ManagedBuffer } from '../gpu/buffers';
import { Executable, type ExecContext } from '../graph/executor';
import { gradients } from '../graph/autodiff';
import type { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import type { Optimizer, ParamSlot } from '../optim/optimizer';
import { EngineError, ShapeError } from '../util/errors';
import { Graph as MonitorGraph } from '../graph/graph';
import { add, mul, sub } from '../ops/elementwise';
import { sumAll } from '../ops/reduce';
import { paramTensor } from './module';
import type { Parameter } from './parameter';
import type { GpuBatchFeed } from './gpu-dataset';

export class NonFiniteLossError extends EngineError {
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly restoredStep: number | null,
  ) {
    super(
      `training: the loss became ${loss} at step ${step}; expected a finite number. ` +
        (restoredStep === null
          ? 'No finite loss had been read yet, so the weights may be damaged. '
          : `The weights from step ${restoredStep} (the last finite loss) were restored. `) +
        'Lower the learning rate or check the data.',
    );
  }
}

export interface TrainerOptions {
  graph: Graph;
  loss: Tensor;
  /** Parameters with their names; frozen ones (trainable = false) get no gradient and no optimizer state. */
  params: readonly [string, Parameter][];
  optimizer: Optimizer;
  /** Extra tensors to keep readable after a step (e.g. the reconstruction). */
  keep?: readonly Tensor[];
  /**
   * Also measure, on steps whose loss is read, the gradient norm ‖∇θ‖ and the parameter change
   * ‖θₙ₊₁ − θₙ‖ of that step (both over all trainable parameters), for stopping conditions.
   */
  monitor?: boolean;
  label?: string;
}

/** What a step whose loss was read reports. */
export interface StepReading {
  loss: number;
  /** ‖∇θ‖₂ over all trainable parameters (with `monitor`). */
  gradNorm?: number;
  /** ‖θ after − θ before‖₂ of this step (with `monitor`). */
  paramChange?: number;
}

export class Trainer {
  readonly exe: Executable;
  /** Per snapshot slot: a graph computing ‖grad‖² and ‖param − snapshot‖² (with `monitor`). */
  private monitors: [Executable, Executable] | null = null;
  private monitorOut: { grad: Tensor; change: Tensor }[] = [];
  /** The last reading, set on steps whose loss was read. */
  lastReading: StepReading | null = null;
  private readonly slots: ParamSlot[];
  private readonly snapshots: [ManagedBuffer[], ManagedBuffer[]];
  private goodSlot: 0 | 1 | null = null;
  private goodStep: number | null = null;
  private nextSlot: 0 | 1 = 0;
  private stepIndex = 0;
  private disposed = false;
  private pipelinesReady = false;

  constructor(
    private readonly ctx: ExecContext,
    private readonly options: TrainerOptions,
  ) {
    const { graph, loss, params, optimizer } = options;
    const trainable = params.filter(([, p]) => p.trainable);
    const tensors = trainable.map(([, p]) => paramTensor(graph, p));
    const grads = gradients(graph, loss, tensors);
    for (const [i, t] of tensors.entries()) {
      if (!grads.has(t))
        throw new ShapeError(
          `Trainer: parameter "${trainable[i]![0]}" does not affect the loss; freeze it or remove it.`,
        );
    }
    this.exe = new Executable(ctx, graph, {
      keep: [loss, ...grads.values(), ...(options.keep ?? [])],
      constants: new Map([[grads.seed, Float32Array.of(1)]]),
      label: options.label ?? 'train',
    });
    this.slots = trainable.map(([name, p], i) => ({
      name,
      param: p.buffer,
      grad: this.exe.buffer(grads.get(tensors[i]!)!),
      numel: p.numel,
    }));
    optimizer.build(
      { gpu: ctx.gpu, registry: ctx.registry, scratch: (label, n) => this.scratch(label, n) },
      this.slots,
    );
    const mk = (k: number) => this.slots.map((s) => ctx.gpu.buffers.create(`snapshot${k}:${s.name}`, s.numel * 4));
    this.snapshots = [mk(0), mk(1)];
    if (options.monitor && this.slots.length) this.monitors = [this.buildMonitor(0), this.buildMonitor(1)];
  }

  private buildMonitor(slot: 0 | 1): Executable {
    const g = new MonitorGraph();
    let grad: Tensor | null = null;
    let change: Tensor | null = null;
    this.slots.forEach((s, i) => {
      const shape = [s.numel];
      const gr = g.param(`grad:${s.name}`, shape, s.grad, false);
      const p = g.param(`param:${s.name}`, shape, s.param, false);
      const snap = g.param(`snapshot:${s.name}`, shape, this.snapshots[slot][i]!, false);
      const g2 = g.apply(sumAll, [g.apply(mul, [gr, gr], {})], { alpha: 1 });
      const d = g.apply(sub, [p, snap], {});
      const d2 = g.apply(sumAll, [g.apply(mul, [d, d], {})], { alpha: 1 });
      grad = grad ? g.apply(add, [grad, g2], {}) : g2;
      change = change ? g.apply(add, [change, d2], {}) : d2;
    });
    this.monitorOut[slot] = { grad: grad!, change: change! };
    return new Executable(this.ctx, g, { keep: [grad!, change!], label: `monitor${slot}` });
  }

  private scratchBuffers: ManagedBuffer[] = [];
  /** MAP_READ buffers for the loss readback, reused across steps. */
  private freeStaging: GPUBuffer[] = [];
  private scratch(label: string, n: number): ManagedBuffer {
    const b = this.ctx.gpu.buffers.create(`train:${label}`, n * 4);
    this.scratchBuffers.push(b);
    return b;
  }

  get gpu(): Gpu {
    return this.ctx.gpu;
  }

  get step(): number {
    return this.stepIndex;
  }

  /** Writes the inputs of this step (a batch, its targets). */
  feed(input: Tensor, data: Float32Array): void {
    this.exe.write(input, data);
  }

  /** The buffer an input is read from: the `out` of a GpuDataset feed that fills it on the GPU. */
  inputBuffer(input: Tensor): ManagedBuffer {
    if (input.kind !== 'input')
      throw new ShapeError(`Trainer.inputBuffer: "${input.name}" is a ${input.kind}, not an input.`);
    return this.exe.buffer(input);
  }

  private pendingGather: { feed: GpuBatchFeed; index: number } | null = null;

  /**
   * Makes the next step gather its input on the GPU (batch `index` of the feed's epoch order, written
   * into the buffer the feed was made for, see inputBuffer) instead of a feed() upload.
   */
  gather(feed: GpuBatchFeed, index: number): void {
    if (index < 0 || index >= feed.batches || !Number.isInteger(index))
      throw new ShapeError(`Trainer.gather: no batch ${index}; expected 0..${feed.batches - 1}.`);
    this.pendingGather = { feed, index };
  }

  /**
   * Runs one step. With `readLoss`, resolves to the loss computed in this step (before the update);
   * otherwise resolves at once to null without waiting for the GPU.
   */
  async run(readLoss: boolean): Promise<number | null> {
    if (this.disposed) throw new EngineError('Trainer: used after dispose().');
    // The first step waits for the pipelines compiling in the background; later steps find them ready.
    if (!this.pipelinesReady) {
      await this.ctx.registry.settled();
      this.pipelinesReady = true;
      if (this.disposed) throw new EngineError('Trainer: disposed while its pipelines compiled.');
    }
    const { device } = this.ctx.gpu;
    const encoder = device.createCommandEncoder({ label: `${this.exe.label}:step` });
    const slot = this.nextSlot;
    if (readLoss) {
      this.slots.forEach((s, i) =>
        encoder.copyBufferToBuffer(s.param.gpuBuffer, 0, this.snapshots[slot][i]!.gpuBuffer, 0, s.numel * 4),
      );
    }
    const pass = encoder.beginComputePass({ label: `${this.exe.label}:step` });
    const gather = this.pendingGather;
    this.pendingGather = null;
    gather?.feed.encode(pass, gather.index);
    this.exe.encode(pass);
    this.options.optimizer.encode(pass);
    const monitor = readLoss && this.monitors ? this.monitors[slot] : null;
    monitor?.encode(pass);
    pass.end();
    let staging: GPUBuffer | null = null;
    if (readLoss) {
      staging = this.freeStaging.pop() ?? device.createBuffer({ label: 'loss-readback', size: 12, usage: READBACK });
      encoder.copyBufferToBuffer(this.exe.buffer(this.options.loss).gpuBuffer, 0, staging, 0, 4);
      if (monitor) {
        const out = this.monitorOut[slot]!;
        encoder.copyBufferToBuffer(monitor.buffer(out.grad).gpuBuffer, 0, staging, 4, 4);
        encoder.copyBufferToBuffer(monitor.buffer(out.change).gpuBuffer, 0, staging, 8, 4);
      }
    }
    device.queue.submit([encoder.finish()]);
    const step = this.stepIndex++;
    if (!staging) return null;
    try {
      try {
        await staging.mapAsync(MAP_MODE_READ);
      } catch (e) {
        // A destroyed or lost device fails the map before `lost` resolves; wait briefly for the reason.
        await Promise.race([device.lost, new Promise((r) => setTimeout(r, 200))]);
        throw this.ctx.gpu.lostError ?? e;
      }
      const values = new Float32Array(staging.getMappedRange().slice(0));
      const loss = values[0]!;
      if (!Number.isFinite(loss)) {
        this.restoreGood();
        throw new NonFiniteLossError(step, loss, this.goodStep);
      }
      this.goodSlot = slot;
      this.goodStep = step;
      this.lastReading = monitor
        ? { loss, gradNorm: Math.sqrt(values[1]!), paramChange: Math.sqrt(values[2]!) }
        : { loss };
      this.nextSlot = slot === 0 ? 1 : 0;
      return loss;
    } finally {
      // Mapped staging buffers go back to a small pool; a failed map leaves the buffer unusable.
      if (staging.mapState === 'mapped') {
        staging.unmap();
        if (this.disposed) staging.destroy();
        else this.freeStaging.push(staging);
      } else staging.destroy();
      // biome-ignore lint/correctness/noUnsafeFinally: a lost device outranks the value read and any error of the read
      if (this.ctx.gpu.lostError) throw this.ctx.gpu.lostError;
    }
  }

  /** The optimizer's state (for checkpoints). */
  saveOptimizer(): Promise<{ step: number; tensors: Record<string, Float32Array> }> {
    return this.options.optimizer.saveState();
  }

  /** Restores optimizer state saved by saveOptimizer() (possibly on another device). */
  restoreOptimizer(state: { step: number; tensors: Record<string, Float32Array> }): void {
    this.options.optimizer.loadState(state);
  }

  /** Copies the last good weights (the parameters of the last step whose loss was finite) back. */
  private restoreGood(): void {
    if (this.goodSlot === null) return;
    const encoder = this.ctx.gpu.device.createCommandEncoder({ label: 'restore' });
    const snap = this.snapshots[this.goodSlot];
    this.slots.forEach((s, i) => encoder.copyBufferToBuffer(snap[i]!.gpuBuffer, 0, s.param.gpuBuffer, 0, s.numel * 4));
    this.ctx.gpu.device.queue.submit([encoder.finish()]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.exe.dispose();
    this.freeStaging.forEach((b) => b.destroy());
    this.freeStaging = [];
    this.monitors?.forEach((m) => m.dispose());
    this.options.optimizer.dispose();
    for (const b of [...this.snapshots[0], ...this.snapshots[1], ...this.scratchBuffers]) b.dispose();
  }
}
