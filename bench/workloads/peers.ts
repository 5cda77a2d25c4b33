// peers.ts: the two generic peers of the kernel-level workloads (GEMM, convolution): a fixed list of
// ops run back to back `reps` times, on our engine and on tfjs. Imports the engine's gpu, kernels
// and ops, and the workload types.
//
// Both sides wait for completion the same way: every command of the measurement is submitted, then
// queue.onSubmittedWorkDone() is awaited — no readback is inside the timed region on either side.
import type { ManagedBuffer } from '../../src/gpu/buffers';
import { readFloat32 } from '../../src/gpu/readback';
import type { BuildContext, Dispatch, OpDef } from '../../src/ops/op';
import { numel, type Shape } from '../../src/util/shape';
import type * as TfCore from '@tensorflow/tfjs-core';
import { since, type BenchEnv, type Peer, type Tf } from './types';

/** One application of one of our ops to fresh operands. */
// biome-ignore lint/suspicious/noExplicitAny: a suite lists steps of ops with different attribute types
export interface OurStep<A = any> {
  op: OpDef<A>;
  attrs: A;
  /** Operand values and shapes, in the op's input order. */
  inputs: readonly { data: Float32Array; shape: Shape }[];
}

/** Our side: operands uploaded once, every op's dispatches recorded once, replayed `reps` times per pass. */
export class OurOpsPeer implements Peer {
  readonly losses: readonly number[] = [];
  private readonly owned: ManagedBuffer[] = [];
  private readonly dispatches: Dispatch[] = [];
  private readonly outputs: { buffer: ManagedBuffer; numel: number }[] = [];

  constructor(
    private readonly env: BenchEnv,
    label: string,
    steps: readonly OurStep[],
  ) {
    const { gpu, registry } = env;
    const keep = (b: ManagedBuffer) => {
      this.owned.push(b);
      return b;
    };
    const ctx: BuildContext = {
      gpu,
      registry,
      scratch: (name, n) => keep(gpu.buffers.create(`${label}:scratch:${name}`, n * 4)),
    };
    steps.forEach((step, k) => {
      const shapes = step.inputs.map((i) => i.shape);
      const outShape = step.op.inferShape(shapes, step.attrs);
      const ins = step.inputs.map((i, j) => keep(gpu.buffers.fromData(`${label}:${k}:in${j}`, i.data)));
      const out = keep(gpu.buffers.create(`${label}:${k}:out`, numel(outShape) * 4));
      this.dispatches.push(...step.op.build(ctx, ins, shapes, out, outShape, step.attrs));
      this.outputs.push({ buffer: out, numel: numel(outShape) });
    });
  }

  async run(reps: number): Promise<number> {
    const { device } = this.env.gpu;
    const t0 = performance.now();
    const encoder = device.createCommandEncoder({ label: 'bench' });
    const pass = encoder.beginComputePass({ label: 'bench' });
    for (let r = 0; r < reps; r++) for (const d of this.dispatches) d.bound.encode(pass, d.workgroups);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const seconds = since(t0);
    if (this.env.gpu.lostError) throw this.env.gpu.lostError;
    return seconds;
  }

  /** The output of step k after the last run. */
  read(k: number): Promise<Float32Array> {
    const o = this.outputs[k]!;
    return readFloat32(this.env.gpu, o.buffer, 0, o.numel);
  }

  dispose(): void {
    for (const d of this.dispatches) d.bound.dispose();
    for (const b of this.owned) b.dispose();
    this.dispatches.length = 0;
  }
}

/** The members of tfjs's WebGPUBackend used to flush its command encoder (public in its typings). */
interface WebGpuBackendLike {
  queue: GPUQueue;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/**
 * Submits everything tfjs has recorded and waits for the GPU. tfjs batches up to 15 programs per
 * command buffer before submitting, so its open compute pass must be ended first; finishing an
 * encoder with an open pass makes an invalid command buffer whose work is silently dropped.
 */
export async function tfFinish(tf: Tf): Promise<void> {
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  if (typeof backend.submitQueue !== 'function')
    throw new Error(`bench: tfjs backend is "${tf.getBackend()}"; expected "webgpu".`);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.queue.onSubmittedWorkDone();
}

/** One tfjs computation on operands made once from the given values. */
export interface TfStep {
  inputs: readonly { data: Float32Array; shape: Shape }[];
  run(tf: Tf, inputs: TfCore.Tensor[]): TfCore.Tensor;
}

/** The tfjs side: operands uploaded at setup; each rep calls every step and disposes the previous outputs. */
export class TfOpsPeer implements Peer {
  readonly losses: readonly number[] = [];
  private readonly inputs: TfCore.Tensor[][];
  private outputs: TfCore.Tensor[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly steps: readonly TfStep[],
  ) {
    this.inputs = steps.map((s) => s.inputs.map((i) => tf.tensor(i.data, [...i.shape], 'float32')));
  }

  async run(reps: number): Promise<number> {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) {
      for (const t of this.outputs) t.dispose();
      this.outputs = this.steps.map((s, k) => s.run(this.tf, this.inputs[k]!));
    }
    await tfFinish(this.tf);
    return since(t0);
  }

  /** The output of step k after the last run. */
  async read(k: number): Promise<Float32Array> {
    return (await this.outputs[k]!.data()) as Float32Array;
  }

  dispose(): void {
    for (const t of this.outputs) t.dispose();
    for (const list of this.inputs) for (const t of list) t.dispose();
    this.outputs = [];
  }
}
