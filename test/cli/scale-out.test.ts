// The pieces behind resumable and sharded reproductions: `--shard i/n` parsing, the deal of
// experiments into parts (hand-worked), the work estimate, the checkpoint file format, the store's
// saving policy (a fake clock), the plan's step timing, and trainModel stopped part-way through
// (its process "killed" after a saved checkpoint) and resumed from the store in a fresh model,
// ending with the weights of an uninterrupted run bit for bit.
import { expect } from 'chai';
import { tinySamples, tinySpec } from '../helpers/tiny-training';
import {
  checkpointFileName,
  checkpointStore,
  decodeCheckpoint,
  encodeCheckpoint,
  planStore,
} from '../../cli/checkpoint-store';
import { UsageError } from '../../cli/experiment-args.mjs';
import { estimateCost, parseShard, splitPlan } from '../../cli/shards.mjs';
import { acquireGpu } from '../../src/gpu/device';
import { KernelRegistry } from '../../src/kernels/registry';
import type { Runtime } from '../../src/experiments/runtime';
import { type SavedTraining, trainModel } from '../../src/experiments/train';
import { FcAutoencoder } from '../../src/nn/autoencoders';

describe('--shard and the parts of a plan', () => {
  it('reads i/n and refuses 0/2, 3/2, a/b, 1/0 with what is expected', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    expect(parseShard('1/1')).to.deep.equal({ index: 1, count: 1 });
    expect(() => parseShard('0/2')).to.throw(UsageError, 'names part 0 of 2; expected 1 ≤ i ≤ 2');
    expect(() => parseShard('3/2')).to.throw(UsageError, 'names part 3 of 2; expected 1 ≤ i ≤ 2');
    expect(() => parseShard('a/b')).to.throw(UsageError, '"a/b" is not i/n');
    expect(() => parseShard('1/0')).to.throw(UsageError, 'expected n ≥ 1');
  });

  it('deals the experiments longest first to the least-loaded part (hand-worked), disjoint and complete', () => {
    const steps = [
      { id: 'a', cost: 5 },
      { id: 'b', cost: 9 },
      { id: 'c', cost: 4 },
      { id: 'd', cost: 3 },
      { id: 'e', cost: 2 },
    ];
    // b(9) → 1; a(5) → 2; c(4) → 2 (5 < 9); d(3) → 1 (9 = 9, the lower part); e(2) → 2 (12 > 11).
    const ids = (i: number, n: number) => splitPlan(steps, i, n).map((s) => s.id);
    expect(ids(1, 2)).to.deep.equal(['b', 'd']);
    expect(ids(2, 2)).to.deep.equal(['a', 'c', 'e']);
    for (const n of [1, 2, 3, 4, 7]) {
      const all = Array.from({ length: n }, (_, k) => ids(k + 1, n)).flat();
      expect(all.sort()).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    }
    expect(ids(6, 7)).to.deep.equal([]);
  });

  it('estimates work from the config: models × epochs × images, conv models weighted by (c / 16)²', () => {
    expect(estimateCost('fc-train', { epochs: 10, trainSize: 600 })).to.equal(6000);
    expect(estimateCost('fc-compression', { epochs: 2, trainSize: 100, latents: [2, 4, 8] })).to.equal(600);
    expect(estimateCost('fc-sweep', { epochs: 1, trainSize: 10 })).to.equal(30);
    expect(estimateCost('conv-latent', { epochs: 2, trainSize: 100, latents: [3, 5], capacity: 32 })).to.equal(1600);
    expect(estimateCost('conv-capacity', { epochs: 1, trainSize: 10, capacities: [32, 8] })).to.equal(40 + 10);
    expect(
      estimateCost('conv-transfer', { epochs: 2, trainSize: 10, capacity: 16, pretrainEpochs: 3, pretrainSize: 100 }),
    ).to.equal(300 + 20);
  });
});

describe('checkpoints', () => {
  const state: SavedTraining = {
    step: 7,
    epoch: 2,
    batchInEpoch: 3,
    sum: 0.1 + 0.2,
    reads: 2,
    epochs: [{ epoch: 1, trainLoss: 0.5, testLoss: 0.25, seconds: 1.5 }],
    params: [new Float32Array([1, -2.5, 3e-8]), new Float32Array([Math.PI])],
    optimizer: { step: 7, tensors: { 'm.0': new Float32Array([0.125, -0]), 'v.0': new Float32Array([1e-30, 2]) } },
  };

  it('round-trips a training state through the safetensors file exactly', () => {
    const back = decodeCheckpoint(encodeCheckpoint(state), 'x.ckpt.safetensors');
    expect(back.sum).to.equal(0.1 + 0.2);
    expect({ ...back, params: back.params.map((p) => [...p]), optimizer: back.optimizer.step }).to.deep.equal({
      ...state,
      params: state.params.map((p) => [...p]),
      optimizer: 7,
    });
    expect(Object.keys(back.optimizer.tensors).sort()).to.deep.equal(['m.0', 'v.0']);
    expect(Object.is(back.optimizer.tensors['m.0']![1], -0)).to.equal(true);
  });

  it('names files per model and occurrence, and refuses a file that is not a checkpoint', () => {
    expect(checkpointFileName('latent=8 adam', 2)).to.equal('latent=8_adam-2.ckpt.safetensors');
    const notOne = encodeCheckpoint(state).slice();
    expect(() => decodeCheckpoint(notOne.subarray(0, 20), 'bad.ckpt.safetensors')).to.throw('bad.ckpt.safetensors');
  });

  it('is due every N steps or every S seconds of a (fake) clock, counted from the last save', async () => {
    let t = 0;
    const files = new Map<string, Uint8Array>();
    const io = {
      load: (f: string) => files.get(f) ?? null,
      save: async (f: string, b: Uint8Array) => void files.set(f, b),
    };
    const bySteps = checkpointStore(io, { steps: 5 }, () => t).open('m');
    expect([4, 5, 6].map((s) => bySteps.due(s))).to.deep.equal([false, true, true]);
    await bySteps.save({ ...state, step: 5 });
    expect([9, 10].map((s) => bySteps.due(s))).to.deep.equal([false, true]);
    const bySeconds = checkpointStore(io, { seconds: 120 }, () => t).open('n');
    t = 119_999;
    expect(bySeconds.due(1)).to.equal(false);
    t = 120_000;
    expect(bySeconds.due(1)).to.equal(true);
    // A new store over the same files finds the saved state of the first model named 'm'.
    const again = checkpointStore(io, { steps: 5 }, () => t).open('m');
    expect(again.saved?.step).to.equal(5);
    expect(checkpointStore(io, {}, () => t).open('other').saved).to.equal(null);
  });

  it('the plan store stops a model after 2 + 3 steps and times the last 3 (a fake clock)', () => {
    let t = 0;
    const plan = planStore({ now: () => t });
    const slot = plan.open('m');
    slot.begin?.({ steps: 100, epochs: 4, batchSize: 25, samples: 625 });
    const stops = [];
    for (let step = 1; step <= 5; step++) {
      t = step <= 2 ? step * 1000 : 2000 + (step - 2) * 250;
      stops.push(slot.stop?.(step));
    }
    expect(stops).to.deep.equal([false, false, false, false, true]);
    expect(plan.models).to.deep.equal([
      { name: 'm', steps: 100, epochs: 4, batchSize: 25, samples: 625, secondsPerStep: 0.25 },
    ]);
  });
});

describe('trainModel with a checkpoint store', () => {
  class Killed extends Error {}

  /** Trains a fresh model over `files`; the "process" dies right after the save at `killAfterStep`. */
  async function train(files: Map<string, Uint8Array>, killAfterStep: number | null) {
    const gpu = await acquireGpu();
    const runtime: Runtime = { gpu, registry: new KernelRegistry(gpu) };
    const model = new FcAutoencoder(gpu, { inputSize: 16, latent: 2, seed: 1 });
    const messages: string[] = [];
    const io = {
      load: (f: string) => files.get(f) ?? null,
      save: async (f: string, b: Uint8Array) => {
        files.set(f, b);
        if (decodeCheckpoint(b, f).step === killAfterStep) throw new Killed();
      },
    };
    try {
      const run = await trainModel(runtime, tinySpec(model, tinySamples(60, 3), 3, 1e-2), {
        store: checkpointStore(io, { steps: 4 }),
        onProgress: (p) => messages.push(p.message),
      });
      return { run, messages, weights: await Promise.all(model.namedParameters().map(([, p]) => p.read())) };
    } finally {
      model.dispose();
      gpu.destroy();
    }
  }

  it('resumed after a kill mid-epoch, ends with the uninterrupted weights bit for bit; a finished model is kept', async () => {
    const clean = await train(new Map(), null);
    expect(clean.run.steps).to.equal(21); // 7 full batches of 8 per epoch, 3 epochs
    const files = new Map<string, Uint8Array>();
    let killed = false;
    try {
      await train(files, 12); // step 12 is in the second epoch (steps 8 … 14)
    } catch (e) {
      killed = e instanceof Killed;
    }
    expect(killed).to.equal(true);
    const resumed = await train(files, null);
    expect(resumed.messages).to.include('tiny: resuming from the checkpoint at step 12');
    expect(resumed.run.steps).to.equal(21);
    resumed.weights.forEach((w, i) =>
      expect(new Uint32Array(w.buffer)).to.deep.equal(new Uint32Array(clean.weights[i]!.buffer)),
    );
    expect(resumed.run.epochs.map((e) => e.trainLoss)).to.deep.equal(clean.run.epochs.map((e) => e.trainLoss));
    // Finished: a third start takes the weights from the final checkpoint without training.
    const kept = await train(files, null);
    expect(kept.messages).to.include('tiny: finished before; weights taken from the checkpoint');
    kept.weights.forEach((w, i) =>
      expect(new Uint32Array(w.buffer)).to.deep.equal(new Uint32Array(clean.weights[i]!.buffer)),
    );
  });
});
