// trainer.ts: compiled training steps (forward + backward + optimizer), several per command buffer.
// Imports graph, optim, gpu, util.
//
// Arenas: the Trainer moves every trainable parameter into a view of one parameter arena (copying its
// values once; the Parameter keeps working everywhere through its new storage) and has the graph write
// each gradient straight into the same place of one gradient arena, so the optimizer updates all of
// them with one dispatch.
//
// Steps: runSteps(k, read) records k steps into one command buffer and submits it without waiting.
// The loss is read back only when asked (on the last step of a submission): the parameters are first
// copied into a snapshot of the arena, the loss into a staging buffer that is mapped while later
// submissions already run. Readings come back in submission order; one whose loss is finite makes its
// snapshot the "last good" weights. A NaN/Inf loss restores them and stops with NonFiniteLossError
// (later submissions are refused), so the weights that produced a finite loss are kept.
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

/** The batch one step gathers on the GPU: batch `index` of the feed's epoch order. */
export interface StepBatch {
  feed: GpuBatchFeed;
  index: number;
}

/** A reading on its way back: the step it belongs to, its snapshot and its staging buffer. */
interface Pending {
  step: number;
  snapshot: number;
  staging: GPUBuffer;
  monitored: boolean;
  mapped: Promise<void>;
}

export class Trainer {
  readonly exe: Executable;
  /** Per snapshot: a graph computing ‖grad‖² and ‖param − snapshot‖² (with `monitor`), made when first needed. */
  private monitors: Executable[] = [];
  private monitorOut: { grad: Tensor; change: Tensor }[] = [];
  /** The last reading, set on steps whose loss was read. */
  lastReading: StepReading | null = null;
  private readonly slots: ParamSlot[];
  private readonly moved: Parameter[];
  /** The parameter arena (the views are the Parameters' storage) and the gradient arena with its views. */
  private readonly paramArena: ManagedBuffer;
  private readonly gradArena: ManagedBuffer;
  private readonly gradViews: ManagedBuffer[];
  private readonly offsets: number[];
  /** Copies of the parameter arena: the last good one and one per pending reading. */
  private readonly snapshots: ManagedBuffer[] = [];
  private freeSnapshots: number[] = [];
  private goodSlot: number | null = null;
  private goodStep: number | null = null;
  private stepIndex = 0;
  private disposed = false;
  private pipelinesReady = false;
  /** Readings not yet handed back, and the chain that hands them back in order. */
  private pending = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** Set once a reading was not finite: no further step is accepted. */
  private failure: NonFiniteLossError | null = null;

  constructor(
    private readonly ctx: ExecContext,
    private readonly options: TrainerOptions,
  ) {
    const { graph, loss, params, optimizer } = options;
    const trainable = params.filter(([, p]) => p.trainable);
    const tensors = trainable.map(([, p]) => paramTensor(graph, p));
    const grads = gradients(graph, loss, tensors);
    const gradTensors = tensors.map((t, i) => {
      const gt = grads.get(t);
      if (!gt)
        throw new ShapeError(
          `Trainer: parameter "${trainable[i]![0]}" does not affect the loss; freeze it or remove it.`,
        );
      return gt;
    });
    gradTensors.forEach((gt, i) => {
      if (gt.kind !== 'op' || gradTensors.indexOf(gt) !== i)
        throw new EngineError(
          `Trainer: the gradient of "${trainable[i]![0]}" is not an operation's own output (it is the ${gt.kind} "${gt.name}"), so it cannot be written into the gradient arena; make the parameter feed the loss through an operation.`,
        );
    });
    const align = ctx.gpu.limits.minStorageBufferOffsetAlignment;
    const entries = trainable.map(([name, p]) => ({ name, numel: p.numel }));
    const label = options.label ?? 'train';
    const pa = ctx.gpu.buffers.arena(`${label}:params`, entries, align);
    const ga = ctx.gpu.buffers.arena(`${label}:grads`, entries, align);
    this.paramArena = pa.buffer;
    this.gradArena = ga.buffer;
    this.gradViews = ga.views;
    this.offsets = pa.layout.offsets;
    trainable.forEach(([, p], i) => p.moveTo(pa.views[i]!));
    this.moved = trainable.map(([, p]) => p);
    const place = new Map<Tensor, ManagedBuffer>();
    tensors.forEach((t, i) => {
      place.set(t, pa.views[i]!);
      place.set(gradTensors[i]!, ga.views[i]!);
    });
    this.exe = new Executable(ctx, graph, {
      keep: [loss, ...grads.values(), ...(options.keep ?? [])],
      constants: new Map([[grads.seed, Float32Array.of(1)]]),
      label,
      place,
    });
    this.slots = trainable.map(([name, p], i) => ({ name, param: p.buffer, grad: ga.views[i]!, numel: p.numel }));
    optimizer.build(
      { gpu: ctx.gpu, registry: ctx.registry, scratch: (label, n) => this.scratch(label, n) },
      this.slots,
    );
    // Two snapshots serve readings one at a time (the last good one and the next); deeper pipelines
    // of readings add one per extra pending reading when first needed.
    this.freeSnapshots = [this.snapshot(), this.snapshot()].reverse();
    if (options.monitor && this.slots.length) [0, 1].forEach((k) => this.monitor(k));
  }

  /** Snapshot slot `k` of the parameter arena, made when first needed. */
  private snapshot(): number {
    const free = this.freeSnapshots.pop();
    if (free !== undefined) return free;
    const k = this.snapshots.length;
    this.snapshots.push(this.ctx.gpu.buffers.create(`snapshot${k}`, this.paramArena.byteSize));
    return k;
  }

  private monitor(k: number): Executable {
    this.monitors[k] ??= this.buildMonitor(k);
    return this.monitors[k]!;
  }

  private buildMonitor(k: number): Executable {
    const g = new MonitorGraph();
    let grad: Tensor | null = null;
    let change: Tensor | null = null;
    const snap = this.snapshots[k]!;
    this.slots.forEach((s, i) => {
      const shape = [s.numel];
      const gr = g.param(`grad:${s.name}`, shape, s.grad, false);
      const p = g.param(`param:${s.name}`, shape, s.param, false);
      const view = snap.view(`snapshot${k}:${s.name}`, this.offsets[i]! * 4, s.numel * 4);
      this.scratchBuffers.push(view);
      const sn = g.param(`snapshot:${s.name}`, shape, view, false);
      const g2 = g.apply(sumAll, [g.apply(mul, [gr, gr], {})], { alpha: 1 });
      const d = g.apply(sub, [p, sn], {});
      const d2 = g.apply(sumAll, [g.apply(mul, [d, d], {})], { alpha: 1 });
      grad = grad ? g.apply(add, [grad, g2], {}) : g2;
      change = change ? g.apply(add, [change, d2], {}) : d2;
    });
    this.monitorOut[k] = { grad: grad!, change: change! };
    return new Executable(this.ctx, g, { keep: [grad!, change!], label: `monitor${k}` });
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

  /** Readings submitted and not yet handed back. */
  get pendingReadings(): number {
    return this.pending;
  }

  /** The most steps one runSteps call may record (the optimizer's limit per submission). */
  get maxStepsPerSubmit(): number {
    return this.options.optimizer.maxStepsPerSubmit;
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

  private pendingGather: StepBatch | null = null;

  /**
   * Makes the next step gather its input on the GPU (batch `index` of the feed's epoch order, written
   * into the buffer the feed was made for, see inputBuffer) instead of a feed() upload.
   */
  gather(feed: GpuBatchFeed, index: number): void {
    if (index < 0 || index >= feed.batches || !Number.isInteger(index))
      throw new ShapeError(`Trainer.gather: no batch ${index}; expected 0..${feed.batches - 1}.`);
    this.pendingGather = { feed, index };
  }

  /** Waits for the pipelines compiling in the background (once); runSteps needs them ready. */
  async prepare(): Promise<void> {
    if (this.disposed) throw new EngineError('Trainer: used after dispose().');
    if (this.pipelinesReady) return;
    await this.ctx.registry.settled();
    this.pipelinesReady = true;
    if (this.disposed) throw new EngineError('Trainer: disposed while its pipelines compiled.');
  }

  /**
   * Runs one step. With `readLoss`, resolves to the loss computed in this step (before the update);
   * otherwise resolves to null without waiting for the GPU.
   */
  async run(readLoss: boolean): Promise<number | null> {
    await this.prepare();
    const reading = await this.runSteps(1, readLoss);
    return reading?.loss ?? null;
  }

  /**
   * Records `k` steps into one command buffer and submits it, without waiting for the GPU. Step j
   * gathers `batches[j]` (k of them), or takes its input from feed()/gather() when k = 1. With
   * `readLossOfLast`, the promise resolves to the reading of the last step (its loss before the
   * update, and the monitor's norms) once it is mapped, while later submissions already run; without,
   * to null at once. Readings resolve in submission order. A non-finite loss rejects with
   * NonFiniteLossError after restoring the last good weights; later readings then resolve to null and
   * runSteps refuses further steps. Call prepare() first.
   */
  runSteps(k: number, readLossOfLast: boolean, batches: readonly StepBatch[] = []): Promise<StepReading | null> {
    if (this.disposed) throw new EngineError('Trainer: used after dispose().');
    if (this.failure) throw this.failure;
    if (this.ctx.gpu.lostError) throw this.ctx.gpu.lostError;
    if (!this.pipelinesReady)
      throw new EngineError('Trainer.runSteps: call prepare() first (it waits for the pipelines).');
    const max = this.maxStepsPerSubmit;
    if (!Number.isInteger(k) || k < 1 || k > max)
      throw new ShapeError(`Trainer.runSteps: ${k} steps; expected an integer 1..${max} per submission.`);
    if (batches.length !== 0 && batches.length !== k)
      throw new ShapeError(`Trainer.runSteps: ${batches.length} batches for ${k} steps; expected one per step.`);
    if (batches.length === 0 && k > 1)
      throw new ShapeError(
        'Trainer.runSteps: several steps in one submission need a GPU-gathered batch each (feed() uploads would all land before the first step).',
      );
    this.moved.forEach((p, i) => {
      if (p.buffer !== this.slots[i]!.param)
        throw new EngineError(
          `Trainer: parameter "${this.slots[i]!.name}" was moved out of this trainer's arena (by another Trainer or a rebind); make a new Trainer.`,
        );
    });
    const { device } = this.ctx.gpu;
    const optimizer = this.options.optimizer;
    const encoder = device.createCommandEncoder({ label: `${this.exe.label}:steps` });
    const single = this.pendingGather;
    this.pendingGather = null;
    // A step whose loss is not read leaves out the graph's readouts (a fused loss's final sum).
    const encodeStep = (pass: GPUComputePassEncoder, j: number, readouts: boolean) => {
      const gather = batches[j] ?? single;
      gather?.feed.encode(pass, gather.index);
      this.exe.encode(pass, { readouts });
      optimizer.encode(pass);
    };
    if (k > 1) {
      const pass = encoder.beginComputePass({ label: `${this.exe.label}:steps` });
      for (let j = 0; j < k - 1; j++) encodeStep(pass, j, false);
      pass.end();
    }
    const snapshot = readLossOfLast ? this.snapshot() : null;
    if (snapshot !== null)
      encoder.copyBufferToBuffer(
        this.paramArena.gpuBuffer,
        0,
        this.snapshots[snapshot]!.gpuBuffer,
        0,
        this.paramArena.byteSize,
      );
    const pass = encoder.beginComputePass({ label: `${this.exe.label}:step` });
    encodeStep(pass, k - 1, readLossOfLast);
    const monitor = snapshot !== null && this.options.monitor && this.slots.length ? this.monitor(snapshot) : null;
    monitor?.encode(pass);
    pass.end();
    let staging: GPUBuffer | null = null;
    if (snapshot !== null) {
      staging = this.freeStaging.pop() ?? device.createBuffer({ label: 'loss-readback', size: 12, usage: READBACK });
      encoder.copyBufferToBuffer(this.exe.buffer(this.options.loss).gpuBuffer, 0, staging, 0, 4);
      if (monitor) {
        const out = this.monitorOut[snapshot]!;
        encoder.copyBufferToBuffer(monitor.buffer(out.grad).gpuBuffer, 0, staging, 4, 4);
        encoder.copyBufferToBuffer(monitor.buffer(out.change).gpuBuffer, 0, staging, 8, 4);
      }
    }
    device.queue.submit([encoder.finish()]);
    const step = this.stepIndex + k - 1;
    this.stepIndex += k;
    if (!staging || snapshot === null) return Promise.resolve(null);
    const reading: Pending = {
      step,
      snapshot,
      staging,
      monitored: monitor !== null,
      mapped: staging.mapAsync(MAP_MODE_READ),
    };
    // Keep an early failure of the map from being reported as unhandled; finish() sees it.
    reading.mapped.catch(() => {});
    this.pending++;
    const result = this.chain.then(() => this.finish(reading));
    this.chain = result.catch(() => {});
    return result;
  }

  /** Hands back one reading, in submission order. */
  private async finish(r: Pending): Promise<StepReading | null> {
    const { device } = this.ctx.gpu;
    try {
      try {
        await r.mapped;
        // Handed back after later work was queued: a device lost meanwhile has unmapped the buffer.
        if (this.ctx.gpu.lostError || r.staging.mapState !== 'mapped')
          throw new EngineError('training: the loss readback buffer was lost before it was read.');
      } catch (e) {
        // A destroyed or lost device fails the map before `lost` resolves; wait briefly for the reason.
        await Promise.race([device.lost, new Promise((res) => setTimeout(res, 200))]);
        throw this.ctx.gpu.lostError ?? e;
      }
      if (this.failure || this.disposed) {
        this.freeSnapshots.push(r.snapshot);
        return null;
      }
      const values = new Float32Array(r.staging.getMappedRange().slice(0));
      const loss = values[0]!;
      if (!Number.isFinite(loss)) {
        this.freeSnapshots.push(r.snapshot);
        this.restoreGood();
        this.failure = new NonFiniteLossError(r.step, loss, this.goodStep);
        throw this.failure;
      }
      if (this.goodSlot !== null) this.freeSnapshots.push(this.goodSlot);
      this.goodSlot = r.snapshot;
      this.goodStep = r.step;
      this.lastReading = r.monitored
        ? { loss, gradNorm: Math.sqrt(values[1]!), paramChange: Math.sqrt(values[2]!) }
        : { loss };
      return this.lastReading;
    } finally {
      this.pending--;
      // Mapped staging buffers go back to a small pool; a failed map leaves the buffer unusable.
      if (r.staging.mapState === 'mapped') {
        r.staging.unmap();
        if (this.disposed) r.staging.destroy();
        else this.freeStaging.push(r.staging);
      } else r.staging.destroy();
      // biome-ignore lint/correctness/noUnsafeFinally: a lost device outranks the value read and any error of the read
      if (this.ctx.gpu.lostError) throw this.ctx.gpu.lostError;
    }
  }

  /** Resolves once every submitted reading has been handed back (whatever its outcome). */
  async drain(): Promise<void> {
    await this.chain;
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
    encoder.copyBufferToBuffer(
      this.snapshots[this.goodSlot]!.gpuBuffer,
      0,
      this.paramArena.gpuBuffer,
      0,
      this.paramArena.byteSize,
    );
    this.ctx.gpu.device.queue.submit([encoder.finish()]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.exe.dispose();
    this.freeStaging.forEach((b) => b.destroy());
    this.freeStaging = [];
    this.monitors.forEach((m) => m?.dispose());
    this.options.optimizer.dispose();
    // The parameter arena's memory stays while the Parameters hold their views.
    for (const b of [this.paramArena, this.gradArena, ...this.gradViews, ...this.snapshots, ...this.scratchBuffers])
      b.dispose();
  }
}
