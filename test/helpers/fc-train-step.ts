// fc-train-step.ts: the FC autoencoder training step of the benchmark (784-392-196-8 at full size, MSE,
// batch B) on the shared test device, with 8-bit inputs resident on the GPU (GpuDataset) and, for
// comparisons, the same step laid out the way it was before parameter arenas: every parameter and
// gradient in a buffer of its own and one optimizer dispatch per tensor.
import { Executable } from '../../src/graph/executor';
import { gradients } from '../../src/graph/autodiff';
import { Graph } from '../../src/graph/graph';
import type { Tensor } from '../../src/graph/tensor';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { byteCoding, type GpuBatchFeed, GpuDataset } from '../../src/nn/gpu-dataset';
import { paramTensor } from '../../src/nn/module';
import { Trainer } from '../../src/nn/trainer';
import { mseLoss } from '../../src/ops/loss';
import { createOptimizer, type Optimizer, type OptimizerName, type OptimizerOptions } from '../../src/optim/optimizer';
import { Rng } from '../../src/util/rng';
import { getGpu } from './gpu';

export interface FcStepSpec {
  inputSize: number;
  latent: number;
  batch: number;
  /** Samples in the dataset (whole batches of `batch`). */
  samples: number;
  optimizer: OptimizerName;
  options?: OptimizerOptions;
  seed: number;
  monitor?: boolean;
}

/** `samples` rows of 8-bit pixel values k/255, the same for a given seed. */
export function bytePixels(spec: FcStepSpec): Float32Array {
  const rng = new Rng(spec.seed + 1000);
  return Float32Array.from({ length: spec.samples * spec.inputSize }, () => Math.floor(rng.next() * 256) / 255);
}

/** A Trainer on the FC autoencoder with its batches gathered on the GPU in order 0, 1, 2, … */
export async function fcTrainer(spec: FcStepSpec) {
  const { gpu, registry } = await getGpu();
  const model = new FcAutoencoder(gpu, { inputSize: spec.inputSize, latent: spec.latent, seed: spec.seed });
  const g = new Graph();
  const input = g.input('x', [spec.batch, spec.inputSize]);
  const loss = g.apply(mseLoss, [model.forward(g, input), input], {}, 'loss');
  const trainer = new Trainer(
    { gpu, registry },
    {
      graph: g,
      loss,
      params: model.namedParameters(),
      optimizer: createOptimizer(spec.optimizer, spec.options as never),
      monitor: spec.monitor,
      label: 'fc-step',
    },
  );
  const x = bytePixels(spec);
  const coding = byteCoding(x, spec.samples, spec.inputSize);
  if (!coding) throw new Error('fcTrainer: the pixels are not 8-bit data');
  const data = new GpuDataset(gpu, coding, 'fc-step');
  const feed: GpuBatchFeed = data.feed(registry, trainer.inputBuffer(input), spec.batch);
  feed.setOrder(Uint32Array.from({ length: spec.samples }, (_, i) => i));
  await trainer.prepare();
  /** Batch of step s (0-based). */
  const batchOf = (s: number) => ({ feed, index: s % feed.batches });
  return {
    gpu,
    model,
    trainer,
    input,
    x,
    batchOf,
    params: () => Promise.all(model.namedParameters().map(([, p]) => p.read())),
    dispose() {
      feed.dispose();
      data.dispose();
      trainer.dispose();
      model.dispose();
    },
  };
}

/**
 * The same model and step without arenas: parameters in their own buffers, gradients in buffers the
 * Executable allocates, the optimizer built on those (one dispatch per tensor), inputs written from
 * the CPU. `run(s)` records step s in one submission.
 */
export async function perTensorStep(spec: FcStepSpec) {
  const { gpu, registry } = await getGpu();
  const model = new FcAutoencoder(gpu, { inputSize: spec.inputSize, latent: spec.latent, seed: spec.seed });
  const g = new Graph();
  const input = g.input('x', [spec.batch, spec.inputSize]);
  const loss = g.apply(mseLoss, [model.forward(g, input), input], {}, 'loss');
  const named = model.namedParameters();
  const tensors = named.map(([, p]) => paramTensor(g, p));
  const grads = gradients(g, loss, tensors);
  const exe = new Executable({ gpu, registry }, g, {
    keep: [loss, ...grads.values()],
    constants: new Map([[grads.seed, Float32Array.of(1)]]),
    label: 'fc-step-per-tensor',
  });
  const optimizer: Optimizer = createOptimizer(spec.optimizer, spec.options as never);
  const scratch: { dispose(): void }[] = [];
  optimizer.build(
    {
      gpu,
      registry,
      scratch: (label, n) => {
        const b = gpu.buffers.create(label, n * 4);
        scratch.push(b);
        return b;
      },
    },
    named.map(([name, p], i) => ({ name, param: p.buffer, grad: exe.buffer(grads.get(tensors[i]!)!), numel: p.numel })),
  );
  await registry.settled();
  const x = bytePixels(spec);
  const rows = spec.samples / spec.batch;
  return {
    model,
    optimizer,
    loss: loss as Tensor,
    exe,
    run(s: number) {
      const k = s % rows;
      exe.write(input, x.subarray(k * spec.batch * spec.inputSize, (k + 1) * spec.batch * spec.inputSize));
      const encoder = gpu.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      exe.encode(pass);
      optimizer.encode(pass);
      pass.end();
      gpu.device.queue.submit([encoder.finish()]);
    },
    params: () => Promise.all(model.namedParameters().map(([, p]) => p.read())),
    dispose() {
      optimizer.dispose();
      exe.dispose();
      for (const b of scratch) b.dispose();
      model.dispose();
    },
  };
}
