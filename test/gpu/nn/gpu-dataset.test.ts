// GPU-resident datasets (src/nn/gpu-dataset.ts): batches gathered on the GPU are bit-identical to the
// host's gather of the CPU preprocessing (toFloat, 'global' and 'per-pixel'); seeded training fed from
// the GPU gives the same weights, bit for bit, as training fed from the host; a fed step uploads
// nothing for its batch (counted); a split past the device's binding limit is refused by name.
import { expect } from 'chai';
import { loadDataset } from '../../../src/data/datasets';
import { toFloat } from '../../../src/data/preprocess';
import { batches, deriveSeed, permutation, sampleSubset } from '../../../src/data/sampling';
import { trainModel } from '../../../src/experiments/train';
import { FcAutoencoder } from '../../../src/nn/autoencoders';
import type { Gpu } from '../../../src/gpu/device';
import { countWork } from '../../../src/gpu/counting';
import { readFloat32 } from '../../../src/gpu/readback';
import { Graph } from '../../../src/graph/graph';
import { byteCoding, GpuDataset } from '../../../src/nn/gpu-dataset';
import { Activation, Linear, Sequential } from '../../../src/nn/module';
import { Trainer } from '../../../src/nn/trainer';
import { mseLoss } from '../../../src/ops/loss';
import { createOptimizer } from '../../../src/optim/optimizer';
import { Rng } from '../../../src/util/rng';
import { getGpu } from '../../helpers/gpu';

const W = 784;

function hostGather(x: Float32Array, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * W);
  for (let i = 0; i < idx.length; i++) out.set(x.subarray(idx[i]! * W, (idx[i]! + 1) * W), i * W);
  return out;
}

const bitsEqual = (a: Float32Array, b: Float32Array, what: string) => {
  expect(a.length, what).to.equal(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) expect.fail(`${what}: differs at ${i}: ${a[i]} vs ${b[i]}`);
};

describe('GpuDataset (GPU-resident split, gathered batches)', () => {
  for (const mode of ['global', 'per-pixel'] as const) {
    it(`gathers batches bit-identical to the host gather of toFloat(…, '${mode}')`, async () => {
      const { gpu, registry } = await getGpu();
      const subset = sampleSubset((await loadDataset('fashion-mnist')).train, 300, 4);
      const x = toFloat(subset, mode);
      const coding = byteCoding(x, subset.count, W);
      expect(coding, 'byte coding').to.not.equal(null);
      expect(coding!.table.length).to.equal(mode === 'global' ? 256 : 256 * W);
      const data = new GpuDataset(gpu, coding!, 'test');
      const B = 64;
      const out = gpu.buffers.create('test:batch', B * W * 4);
      const feed = data.feed(registry, out, B);
      try {
        await registry.settled();
        const order = permutation(subset.count, deriveSeed(9, 1));
        feed.setOrder(order);
        for (const i of [0, 3]) {
          const enc = gpu.device.createCommandEncoder();
          const pass = enc.beginComputePass();
          feed.encode(pass, i);
          pass.end();
          gpu.device.queue.submit([enc.finish()]);
          bitsEqual(await readFloat32(gpu, out), hostGather(x, order.subarray(i * B, (i + 1) * B)), `batch ${i}`);
        }
        expect(() => feed.encode({} as GPUComputePassEncoder, 4)).to.throw(/no batch 4; expected 0\.\.3/);
      } finally {
        feed.dispose();
        out.dispose();
        data.dispose();
      }
    });
  }

  it('byteCoding: null for data with more than 256 values at a position; exact for 8-bit data', () => {
    const rng = new Rng(2);
    expect(
      byteCoding(
        Float32Array.from({ length: 300 * 2 }, () => rng.uniform(0, 1)),
        300,
        2,
      ),
    ).to.equal(null);
    const x = Float32Array.from({ length: 40 * 3 }, (_, i) => ((i * 37) % 256) / 255);
    const c = byteCoding(x, 40, 3)!;
    bitsEqual(
      Float32Array.from(c.bytes, (b) => c.table[b]!),
      x,
      'decoded',
    );
  });

  it("refuses a split larger than the device's maxStorageBufferBindingSize, naming it and the adapter", async () => {
    const { gpu } = await getGpu();
    const small = Object.create(gpu, {
      limits: { value: { maxStorageBufferBindingSize: 4096, maxBufferSize: 1 << 30 } },
    }) as Gpu;
    const split = { bytes: new Uint8Array(10 * W), count: 10, width: W, table: new Float32Array(256) };
    expect(() => new GpuDataset(small, split, 'big')).to.throw(
      /7840 bytes packed, more than maxStorageBufferBindingSize \(4096 bytes\) of google swiftshader.*not in chunks.*at most 5 samples/,
    );
  });

  it('seeded training fed from the GPU gives the weights of training fed from the host, and uploads no batch', async function () {
    this.timeout(120_000);
    const ctx = await getGpu();
    const subset = sampleSubset((await loadDataset('fashion-mnist')).train, 256, 8);
    const x = toFloat(subset, 'global');
    const B = 32;
    const build = () => {
      const rng = new Rng(5);
      const model = new Sequential(
        new Linear(ctx.gpu, rng, W, 16, '0'),
        new Activation('leakyRelu', 0.5),
        new Linear(ctx.gpu, rng, 16, W, '2'),
      );
      const g = new Graph();
      const input = g.input('x', [B, W]);
      const loss = g.apply(mseLoss, [model.forward(g, input), input], {});
      const trainer = new Trainer(ctx, {
        graph: g,
        loss,
        params: model.namedParameters(),
        optimizer: createOptimizer('adam', { lr: 1e-2 }),
      });
      return { model, trainer, input };
    };
    const host = build();
    const dev = build();
    const data = new GpuDataset(ctx.gpu, byteCoding(x, subset.count, W)!, 'train');
    const feed = data.feed(ctx.registry, dev.trainer.inputBuffer(dev.input), B);
    try {
      const lossesHost: number[] = [];
      const lossesDev: number[] = [];
      let hostBytes = 0;
      let devBytes = 0;
      for (let epoch = 1; epoch <= 2; epoch++) {
        const order = permutation(subset.count, deriveSeed(3, epoch));
        feed.setOrder(order);
        for (let i = 0; i < 3; i++) {
          const h = await countWork(ctx.gpu.device, () => {
            host.trainer.feed(host.input, hostGather(x, order.subarray(i * B, (i + 1) * B)));
            return host.trainer.run(true);
          });
          const d = await countWork(ctx.gpu.device, () => {
            dev.trainer.gather(feed, i);
            return dev.trainer.run(true);
          });
          lossesHost.push(h.result!);
          lossesDev.push(d.result!);
          hostBytes = h.count.uploadBytes;
          devBytes = d.count.uploadBytes;
          expect(d.count.dispatches, 'one gather dispatch more').to.equal(h.count.dispatches + 1);
        }
      }
      expect(lossesDev).to.deep.equal(lossesHost);
      expect(hostBytes - devBytes, 'bytes not uploaded per step').to.equal(B * W * 4);
      const hp = host.model.namedParameters();
      const dp = dev.model.namedParameters();
      for (let k = 0; k < hp.length; k++) bitsEqual(await dp[k]![1].read(), await hp[k]![1].read(), hp[k]![0]);
    } finally {
      feed.dispose();
      data.dispose();
      for (const s of [host, dev]) {
        s.trainer.dispose();
        s.model.dispose();
      }
    }
  });

  it("trainModel (8-bit inputs on the GPU) ends with the weights of a host-fed loop over batches()'s order", async function () {
    this.timeout(120_000);
    const ctx = await getGpu();
    const rng = new Rng(12);
    const count = 300;
    const x = Float32Array.from({ length: count * 16 }, () => rng.int(256) / 255);
    expect(byteCoding(x, count, 16), '8-bit data').to.not.equal(null);
    const B = 32;
    const seed = 4;
    const gpuFed = new FcAutoencoder(ctx.gpu, { inputSize: 16, latent: 2, seed: 1 });
    const hostFed = new FcAutoencoder(ctx.gpu, { inputSize: 16, latent: 2, seed: 1 });
    const g = new Graph();
    const input = g.input('x', [B, 16]);
    const trainer = new Trainer(ctx, {
      graph: g,
      loss: g.apply(mseLoss, [hostFed.forward(g, input), input], {}),
      params: hostFed.namedParameters(),
      optimizer: createOptimizer('adam', { lr: 1e-2 }),
    });
    try {
      const run = await trainModel(ctx, {
        name: 'gpu-fed',
        model: gpuFed,
        forward: (gr, t) => gpuFed.forward(gr, t),
        inputShape: (n) => [n, 16],
        loss: 'mse',
        train: { x, width: 16, count },
        optimizer: 'adam',
        optimizerOptions: { lr: 1e-2 },
        batchSize: B,
        stop: { maxEpochs: 2 },
        seed,
      });
      expect(run.steps).to.equal(2 * Math.floor(count / B));
      for (let epoch = 1; epoch <= 2; epoch++) {
        for (const idx of batches(count, B, seed, epoch, { dropLast: true })) {
          const batch = new Float32Array(B * 16);
          idx.forEach((r, i) => batch.set(x.subarray(r * 16, (r + 1) * 16), i * 16));
          trainer.feed(input, batch);
          await trainer.run(false);
        }
      }
      const a = gpuFed.namedParameters();
      const b = hostFed.namedParameters();
      for (let k = 0; k < a.length; k++) bitsEqual(await a[k]![1].read(), await b[k]![1].read(), a[k]![0]);
    } finally {
      trainer.dispose();
      gpuFed.dispose();
      hostFed.dispose();
    }
  });
});
