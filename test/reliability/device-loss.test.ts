// A device destroyed mid-training is detected; training resumes from the last checkpoint (weights +
// optimizer state) on a new device, and ends with exactly the weights of an uninterrupted run.
import { expect } from 'chai';
import { tinySamples, tinySpec } from '../helpers/tiny-training';
import { acquireGpu } from '../../src/gpu/device';
import { KernelRegistry } from '../../src/kernels/registry';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { recoverRuntime, type Runtime } from '../../src/experiments/runtime';
import { trainModel } from '../../src/experiments/train';
import type { Progress } from '../../src/experiments/types';

async function run(
  failAtStep: number | null,
): Promise<{ weights: Float32Array[]; recoveries: number; messages: string[]; runtime: Runtime }> {
  const gpu = await acquireGpu();
  const runtime: Runtime = { gpu, registry: new KernelRegistry(gpu) };
  const model = new FcAutoencoder(gpu, { inputSize: 16, latent: 2, seed: 1 });
  const messages: string[] = [];
  let destroyed = 0;
  try {
    const result = await trainModel(runtime, tinySpec(model, tinySamples(64, 9), 4, 1e-2), {
      recover: recoverRuntime,
      checkpointEvery: 5,
      onProgress: (p: Progress) => messages.push(p.message),
      beforeStep: (step, rt) => {
        // Destroy the device once; the replayed step after recovery runs normally.
        if (step === failAtStep && destroyed++ === 0) rt.gpu.destroy();
      },
    });
    expect(result.steps).to.equal(32);
    return {
      weights: await Promise.all(model.namedParameters().map(([, p]) => p.read())),
      recoveries: result.recoveries,
      messages,
      runtime,
    };
  } finally {
    model.dispose();
  }
}

describe('reliability: lost device', () => {
  it('resumes from the last checkpoint on a new device and matches an uninterrupted run bit for bit', async () => {
    const clean = await run(null);
    const interrupted = await run(13);
    expect(clean.recoveries).to.equal(0);
    expect(interrupted.recoveries).to.equal(1);
    expect(
      interrupted.messages.some((m) =>
        /GPU device lost \(reason: destroyed\).*resuming from step 10 on a new device/.test(m),
      ),
    ).to.equal(true);
    interrupted.weights.forEach((w, i) =>
      expect(new Uint32Array(w.buffer)).to.deep.equal(new Uint32Array(clean.weights[i]!.buffer)),
    );
  });

  it('without a recovery hook, a lost device ends the run with a DeviceLostError naming the reason', async () => {
    const gpu = await acquireGpu();
    const runtime: Runtime = { gpu, registry: new KernelRegistry(gpu) };
    const model = new FcAutoencoder(gpu, { inputSize: 16, latent: 2, seed: 1 });
    let error: Error | null = null;
    await trainModel(runtime, tinySpec(model, tinySamples(64, 9), 2), {
      beforeStep: (step, rt) => step === 3 && rt.gpu.destroy(),
    }).catch((e: Error) => (error = e));
    expect(error).to.not.equal(null);
    expect(error!.name).to.equal('DeviceLostError');
    expect(error!.message).to.match(/GPU device lost \(reason: destroyed\)/);
  });
});
