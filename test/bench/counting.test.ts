// The dispatch and upload counters behind the benchmark's dispatches_per_step / upload_bytes_per_step
// (src/gpu/counting.ts), checked against work counted by hand: raw WebGPU calls of every counted kind,
// and a two-op graph; the benchmark's FC training step (784-392-196-8, Adam, batch 256): one optimizer
// dispatch over the parameter arena and no host-to-GPU bytes per step after the first, also for K
// steps in one submission. Also: the wrapped prototypes are put back afterwards, also when the code
// throws. And the counted step of the conv training rows (ours): conv-train-c128 against conv-train and
// a hand count of its uploads, and the JSON fields the report makes of the counts.
import { expect } from 'chai';
import { compact } from '../../bench/report.mjs';
import type { BenchResult } from '../../bench/suite';
import { CONV_TRAIN_C128_WORKLOAD, CONV_TRAIN_WORKLOAD } from '../../bench/workloads/conv-train';
import type { BenchEnv, Workload, WorkloadResult } from '../../bench/workloads/index';
import { countWork } from '../../src/gpu/counting';
import { Executable } from '../../src/graph/executor';
import { Graph } from '../../src/graph/graph';
import { add, mul } from '../../src/ops/elementwise';
import { fcTrainer } from '../helpers/fc-train-step';
import { getGpu } from '../helpers/gpu';

const SHADER =
  '@group(0) @binding(0) var<storage, read_write> v: array<f32>;\n@compute @workgroup_size(1) fn main() { v[0] += 1.0; }';

describe('countWork (dispatches and host-to-GPU bytes of one call)', () => {
  it('counts raw dispatches, queue writes and mapped uploads exactly as written by hand', async () => {
    const { gpu } = await getGpu();
    const device = gpu.device;
    const module = device.createShaderModule({ code: SHADER });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const target = device.createBuffer({ size: 64, usage: 0x0080 | 0x0008 | 0x0004 }); // STORAGE | COPY_DST | COPY_SRC
    const copy = device.createBuffer({ size: 16, usage: 0x0008 }); // COPY_DST
    const indirect = device.createBuffer({ size: 12, usage: 0x0100 | 0x0008 }); // INDIRECT | COPY_DST
    device.queue.writeBuffer(indirect, 0, Uint32Array.of(1, 1, 1));
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: target } }],
    });
    let mapped: GPUBuffer | null = null;
    device.pushErrorScope('validation');
    const { count } = await countWork(device, async () => {
      device.queue.writeBuffer(target, 0, new Float32Array(10)); // 40 bytes
      device.queue.writeBuffer(target, 0, new Float32Array(8), 2, 3); // 3 floats: 12 bytes
      device.queue.writeBuffer(target, 0, new ArrayBuffer(16), 4, 8); // 8 bytes
      device.queue.writeBuffer(target, 0, new Uint16Array(6), 2); // 4 halves: 8 bytes
      mapped = device.createBuffer({ size: 32, usage: 0x0004, mappedAtCreation: true }); // 32 bytes
      mapped.unmap();
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(1);
      pass.dispatchWorkgroups(2, 1, 1);
      pass.dispatchWorkgroups(1, 1);
      pass.dispatchWorkgroupsIndirect(indirect, 0);
      pass.end();
      encoder.copyBufferToBuffer(target, 0, copy, 0, 16); // GPU to GPU: not an upload
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    });
    expect(await device.popErrorScope(), 'validation error').to.equal(null);
    expect(count).to.deep.equal({ dispatches: 4, uploadBytes: 40 + 12 + 8 + 8 + 32, submits: 1 });
    // Every dispatch ran: five workgroups added 1 each to v[0] (the first write zeroed it).
    const staging = device.createBuffer({ size: 4, usage: 0x0001 | 0x0008 });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(target, 0, staging, 0, 4);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(0x0001);
    expect(new Float32Array(staging.getMappedRange())[0]).to.equal(5);
    staging.unmap();
    for (const b of [target, copy, indirect, staging, mapped!]) b.destroy();
  });

  it('counts a two-op graph: one input write of 2 × 4 floats, two dispatches, one submit', async () => {
    const { gpu, registry } = await getGpu();
    const g = new Graph();
    const x = g.input('x', [2, 4]);
    const y = g.apply(add, [x, x], {});
    const z = g.apply(mul, [y, y], {});
    const exe = new Executable({ gpu, registry }, g, { keep: [z], label: 'count-test' });
    await registry.settled();
    const data = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const { count } = await countWork(gpu.device, async () => {
      exe.write(x, data);
      exe.run();
      await gpu.device.queue.onSubmittedWorkDone();
    });
    expect(count).to.deep.equal({ dispatches: 2, uploadBytes: 32, submits: 1 });
    expect(Array.from(await exe.read(z))).to.deep.equal(Array.from(data, (v) => 4 * v * v));
    exe.dispose();
  });

  it('counts the FC training step: gather + graph + 1 optimizer dispatch, 0 bytes uploaded after the first step', async () => {
    const fc = await fcTrainer({
      inputSize: 784,
      latent: 8,
      batch: 256,
      samples: 512,
      optimizer: 'adam',
      options: { lr: 1e-3 },
      seed: 2,
    });
    try {
      const { device } = fc.gpu;
      const graph = fc.trainer.exe.dispatchCount;
      // The fused loss's final sum runs only on steps whose loss is read.
      const readouts = fc.trainer.exe.readoutCount;
      expect(readouts).to.equal(1);
      // forward 6 + fused loss 1 + its sum 1 + input gradients 5 + weight/bias gradients 6.
      expect(graph).to.equal(19);
      // The first step writes the optimizer's step table (a window of 512 rows of 16 bytes).
      const first = await countWork(device, async () => {
        await fc.trainer.runSteps(1, true, [fc.batchOf(0)]);
      });
      expect(first.count).to.deep.equal({ dispatches: 1 + graph + 1, uploadBytes: 512 * 16, submits: 1 });
      const second = await countWork(device, async () => {
        await fc.trainer.runSteps(1, true, [fc.batchOf(1)]);
      });
      expect(second.count).to.deep.equal({ dispatches: 1 + graph + 1, uploadBytes: 0, submits: 1 });
      // All 12 parameter tensors are updated by that one optimizer dispatch (it was one per tensor).
      expect(fc.model.namedParameters().length).to.equal(12);
      const K = 8;
      const several = await countWork(device, async () => {
        await fc.trainer.runSteps(
          K,
          true,
          Array.from({ length: K }, (_, j) => fc.batchOf(j)),
        );
      });
      expect(several.count).to.deep.equal({
        dispatches: K * (1 + graph + 1) - (K - 1) * readouts,
        uploadBytes: 0,
        submits: 1,
      });
      // With the gather and the optimizer: 21 on a step whose loss is read, 20 on any other.
      expect(1 + graph - readouts + 1).to.equal(20);
    } finally {
      fc.dispose();
    }
  });

  it('puts the original methods back, also when the counted code throws, and refuses nesting', async () => {
    const { gpu } = await getGpu();
    const queueProto = Object.getPrototypeOf(gpu.device.queue) as Record<string, unknown>;
    const before = queueProto.writeBuffer;
    let nested: unknown = null;
    let thrown: unknown = null;
    try {
      await countWork(gpu.device, async () => {
        expect(queueProto.writeBuffer).to.not.equal(before);
        nested = await countWork(gpu.device, () => 0).catch((e: unknown) => e);
        throw new Error('inside');
      });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).to.equal('inside');
    expect((nested as Error).message).to.match(/already counting/);
    expect(queueProto.writeBuffer).to.equal(before);
    const { count } = await countWork(gpu.device, () => 0);
    expect(count).to.deep.equal({ dispatches: 0, uploadBytes: 0, submits: 0 });
  });
});

describe('the counted step of the conv training rows (ours)', () => {
  it('conv-train-c128 (smoke shapes): the same dispatches as conv-train (same layers, same lowering), only the batch uploaded', async function () {
    this.timeout(300_000);
    const { gpu, registry } = await getGpu();
    // The conv peers read only our device, registry and (null: seeded noise) images from the environment.
    const env = { gpu, registry, images: null } as unknown as BenchEnv;
    const counted = async (w: Workload) => {
      const peer = await w.ours(env, 'smoke');
      try {
        await peer.run(1); // the first step, which compiles every pipeline
        await registry.settled();
        return (await countWork(gpu.device, () => peer.run(1))).count;
      } finally {
        peer.dispose();
      }
    };
    const small = await counted(CONV_TRAIN_WORKLOAD);
    const big = await counted(CONV_TRAIN_C128_WORKLOAD);
    expect(big.dispatches).to.equal(small.dispatches);
    expect(big.dispatches).to.be.greaterThan(0);
    // By hand: the batch (4 images × 784 floats × 4 B) written into the input; the optimizer's step
    // values come from its table on the GPU (written on the first step), so nothing else.
    const batchBytes = 4 * 784 * 4;
    expect(big.uploadBytes).to.equal(batchBytes);
    expect(small.uploadBytes).to.equal(batchBytes);
  });

  it('the JSON rows: counted fields of ours, FLOPs per step and GFLOP/s, the 2048³ GEMM share of the FMA ceiling', () => {
    const peer = (median: number) => ({ median, min: median, max: median, samples: [median], seconds: [1] });
    const row = (name: string, unit: string, ours: number, extra: Partial<WorkloadResult> = {}): WorkloadResult => ({
      name,
      unit,
      lowerIsBetter: false,
      description: '',
      workPerRep: 64,
      reps: 1,
      rounds: 1,
      roundsRequested: 1,
      ours: peer(ours),
      tfjs: { unavailable: 'left out' },
      jax: { unavailable: 'left out' },
      ratioTfjs: null,
      ratioJax: null,
      ...extra,
    });
    const result = {
      env: { adapter: { vendor: 'v', architecture: '', device: '', description: '', isFallback: false } },
      workloads: [
        row('fma-peak', 'GFLOPS', 4000),
        row('gemm-2048-peak', 'GFLOPS', 1000),
        row('conv-train-c128', 'samples/s', 32, {
          counts: { ours: { dispatches: 72, uploadBytes: 201_088, submits: 1 } },
          flopsPerRep: 2e10,
          gflops: { ours: { median: 10, min: 9, max: 11 } },
        }),
      ],
    } as unknown as BenchResult;
    const out = compact(result) as { workloads: Record<string, unknown>[] };
    const [fma, gemm, conv] = out.workloads;
    expect(gemm!.share_of_fma_peak).to.equal(0.25);
    expect(fma!).to.not.have.property('share_of_fma_peak');
    expect(conv!).to.include({ dispatches_per_step: 72, upload_bytes_per_step: 201_088, flops_per_step: 2e10 });
    expect(conv!.gflops).to.deep.equal({ ours: 10, tfjs: null, jax: null });
    expect(conv!.tfjs).to.deep.equal({ unavailable: 'left out' });
    expect(conv!.ratio_tfjs).to.equal(null);
    // Without fma-peak in the run the share is null, not a guess.
    const alone = compact({ ...result, workloads: [result.workloads[1]!] } as BenchResult) as typeof out;
    expect(alone.workloads[0]!.share_of_fma_peak).to.equal(null);
  });
});
