// Parameter arenas and several steps per submission, checked bit for bit against the step laid out
// without arenas (every tensor in a buffer of its own, one optimizer dispatch per tensor, see
// test/helpers/fc-train-step.ts), whose optimizers follow the float64 references of test/gpu/optim:
// every optimizer gives the same weights and state; K steps in one submission equal K submissions of
// one step; an lr changed between submissions; a NaN in a pipeline of readings restores the weights
// of the last finite one; optimizer state saved from an arena loads into a fresh one.
import { expect } from 'chai';
import { readFloat32 } from '../../../src/gpu/readback';
import { NonFiniteLossError } from '../../../src/nn/trainer';
import type { OptimizerName, OptimizerOptions } from '../../../src/optim/optimizer';
import { EngineError } from '../../../src/util/errors';
import { type FcStepSpec, fcTrainer, perTensorStep } from '../../helpers/fc-train-step';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const sameBits = (got: Float32Array[], want: Float32Array[], what: string) =>
  want.forEach((w, k) => expect(bits(got[k]!), `${what}, tensor ${k}`).to.deep.equal(bits(w)));

/** A small FC autoencoder (16-8-4-2-4-8-16): 12 tensors of 2 to 128 floats, so the arena has padding. */
const base = (optimizer: OptimizerName, options: OptimizerOptions = {}, seed = 1): FcStepSpec => ({
  inputSize: 16,
  latent: 2,
  batch: 8,
  samples: 32,
  optimizer,
  options,
  seed,
});

/** Every optimizer, in its richest variants (momentum, Nesterov, AMSGrad, centering, decays). */
const VARIANTS: [OptimizerName, OptimizerOptions][] = [
  ['sgd', { lr: 0.1 }],
  ['sgd', { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }],
  ['sgd', { lr: 0.05, momentum: 0.8, dampening: 0.3 }],
  ['adam', { lr: 0.01 }],
  ['adam', { lr: 0.01, amsgrad: true, weightDecay: 0.01 }],
  ['adamw', { lr: 0.01, weightDecay: 0.1 }],
  ['adagrad', { lr: 0.05, lrDecay: 0.1, initialAccumulatorValue: 0.1, weightDecay: 0.01 }],
  ['adadelta', { lr: 1, weightDecay: 0.01 }],
  ['rmsprop', { lr: 0.001 }],
  ['rmsprop', { lr: 0.001, centered: true, momentum: 0.9, weightDecay: 0.01 }],
];

const STEPS = 6;

describe('parameter arenas: one optimizer dispatch, bit for bit the per-tensor step', () => {
  VARIANTS.forEach(([name, options], v) => {
    it(`${name} ${JSON.stringify(options)}: ${STEPS} steps give the per-tensor weights and state`, async () => {
      const spec = base(name, options, 10 + v);
      const a = await fcTrainer(spec);
      const b = await perTensorStep(spec);
      try {
        sameBits(await a.params(), await b.params(), 'start');
        for (let s = 0; s < STEPS; s++) {
          // The arena path alternates plain steps and steps whose loss is read (snapshot + readback).
          const r = await a.trainer.runSteps(1, s % 2 === 1, [a.batchOf(s)]);
          b.run(s);
          if (r) expect(r.loss).to.equal((await b.exe.read(b.loss))[0]);
        }
        sameBits(await a.params(), await b.params(), `after ${STEPS} steps`);
        const [sa, sb] = [await a.trainer.saveOptimizer(), await b.optimizer.saveState()];
        expect(sa.step).to.equal(STEPS);
        expect(Object.keys(sa.tensors).sort()).to.deep.equal(Object.keys(sb.tensors).sort());
        for (const key of Object.keys(sb.tensors)) sameBits([sa.tensors[key]!], [sb.tensors[key]!], key);
      } finally {
        a.dispose();
        b.dispose();
      }
    });
  });

  it('the arena holds every trainable parameter at aligned offsets, with zero padding that stays zero', async () => {
    const a = await fcTrainer(base('adamw', { lr: 0.01, weightDecay: 0.1 }));
    try {
      const align = a.gpu.limits.minStorageBufferOffsetAlignment;
      const views = a.model.namedParameters().map(([, p]) => p.buffer);
      const arena = views[0]!.parent!;
      for (const view of views) {
        expect(view.parent, view.label).to.equal(arena);
        expect(view.offset % align, view.label).to.equal(0);
      }
      for (let s = 0; s < 3; s++) await a.trainer.runSteps(1, false, [a.batchOf(s)]);
      const all = await readFloat32(a.gpu, arena);
      const covered = new Uint8Array(all.length);
      for (const view of views) covered.fill(1, view.offset / 4, view.offset / 4 + view.byteSize / 4);
      const padding = Array.from(all).filter((_, i) => !covered[i]);
      expect(padding.length).to.be.greaterThan(0);
      expect(padding.every((x) => x === 0)).to.equal(true);
    } finally {
      a.dispose();
    }
  });

  it('K steps in one submission equal K submissions of one step, bit for bit (losses, weights, state)', async () => {
    const spec = { ...base('adam', { lr: 0.01, amsgrad: true }, 3), monitor: true };
    const a = await fcTrainer(spec);
    const b = await fcTrainer(spec);
    try {
      const K = 5;
      const readA: number[] = [];
      const readB: number[] = [];
      for (let chunk = 0; chunk < 3; chunk++) {
        const first = chunk * K;
        const pending = a.trainer.runSteps(
          K,
          true,
          Array.from({ length: K }, (_, j) => a.batchOf(first + j)),
        );
        readA.push((await pending)!.loss);
        for (let j = 0; j < K; j++) {
          const r = await b.trainer.runSteps(1, j === K - 1, [b.batchOf(first + j)]);
          if (r) readB.push(r.loss);
        }
        expect(a.trainer.lastReading).to.deep.equal(b.trainer.lastReading);
      }
      expect(readA.map((l) => bits(Float32Array.of(l)))).to.deep.equal(readB.map((l) => bits(Float32Array.of(l))));
      expect(a.trainer.step).to.equal(3 * K);
      sameBits(await a.params(), await b.params(), 'after 3 submissions of 5 steps');
      const [sa, sb] = [await a.trainer.saveOptimizer(), await b.trainer.saveOptimizer()];
      for (const key of Object.keys(sb.tensors)) sameBits([sa.tensors[key]!], [sb.tensors[key]!], key);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('an lr changed between submissions applies from the next step on (same as the per-tensor step)', async () => {
    const spec = base('adamw', { lr: 0.02, weightDecay: 0.05 }, 4);
    const a = await fcTrainer(spec);
    const b = await perTensorStep(spec);
    try {
      const lrs = [0.02, 0.005, 0.03];
      let s = 0;
      for (const lr of lrs) {
        (a.trainer as unknown as { options: { optimizer: { lr: number } } }).options.optimizer.lr = lr;
        b.optimizer.lr = lr;
        await a.trainer.runSteps(
          4,
          false,
          Array.from({ length: 4 }, (_, j) => a.batchOf(s + j)),
        );
        for (let j = 0; j < 4; j++) b.run(s + j);
        s += 4;
      }
      sameBits(await a.params(), await b.params(), 'after three lr values');
      // And the change really mattered: a constant lr gives other weights.
      const c = await fcTrainer(spec);
      try {
        await c.trainer.runSteps(
          12,
          false,
          Array.from({ length: 12 }, (_, j) => c.batchOf(j)),
        );
        const [pa, pc] = [await a.params(), await c.params()];
        expect(bits(pa[0]!)).to.not.deep.equal(bits(pc[0]!));
      } finally {
        c.dispose();
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('a NaN in a pipeline of readings restores the weights of the last finite reading and stops', async () => {
    const spec = base('sgd', { lr: 0.1, momentum: 0.9 }, 5);
    const a = await fcTrainer(spec);
    const b = await perTensorStep(spec);
    try {
      // The reference: the weights before each step, one step at a time.
      const before: Float32Array[][] = [];
      for (let s = 0; s < 3; s++) {
        before.push(await b.params());
        b.run(s);
      }
      // Six steps, each read, all submitted before any reading is awaited; step 2's input is NaN
      // (written from the CPU before its submission, which queue order keeps for that step only).
      const bad = new Float32Array(spec.batch * spec.inputSize).fill(Number.NaN);
      const readings: Promise<unknown>[] = [];
      for (let s = 0; s < 6; s++) {
        if (s === 2) a.trainer.feed(a.input, bad);
        else a.trainer.gather(a.batchOf(s).feed, a.batchOf(s).index);
        readings.push(a.trainer.runSteps(1, true).catch((e: unknown) => e));
      }
      expect(a.trainer.pendingReadings).to.equal(6);
      const results = await Promise.all(readings);
      expect((results[0] as { loss: number }).loss).to.be.a('number');
      expect((results[1] as { loss: number }).loss).to.be.a('number');
      const e = results[2] as NonFiniteLossError;
      expect(e).to.be.instanceOf(NonFiniteLossError);
      expect(e.step).to.equal(2);
      expect(e.restoredStep).to.equal(1);
      expect(results.slice(3)).to.deep.equal([null, null, null]);
      expect(a.trainer.pendingReadings).to.equal(0);
      // The weights that produced the finite loss of step 1: those before its update.
      sameBits(await a.params(), before[1]!, 'restored');
      expect(() => a.trainer.runSteps(1, false, [a.batchOf(6)])).to.throw(NonFiniteLossError);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('optimizer state saved from an arena loads into a fresh trainer and continues bit for bit', async () => {
    const spec = base('rmsprop', { lr: 0.002, centered: true, momentum: 0.5 }, 6);
    const a = await fcTrainer(spec);
    const c = await fcTrainer(spec);
    try {
      await a.trainer.runSteps(
        3,
        false,
        Array.from({ length: 3 }, (_, j) => a.batchOf(j)),
      );
      const saved = await a.trainer.saveOptimizer();
      expect(saved.step).to.equal(3);
      expect(Object.keys(saved.tensors)).to.include('encoder.0.weight.square_avg');
      expect(Object.keys(saved.tensors)).to.include('decoder.4.bias.momentum_buffer');
      const weights = await a.params();
      c.model.namedParameters().forEach(([, p], k) => p.write(weights[k]!));
      c.trainer.restoreOptimizer(saved);
      expect((await c.trainer.saveOptimizer()).tensors).to.deep.equal(saved.tensors);
      for (let s = 3; s < 6; s++) {
        await a.trainer.runSteps(1, false, [a.batchOf(s)]);
        await c.trainer.runSteps(1, false, [c.batchOf(s)]);
      }
      sameBits(await c.params(), await a.params(), 'after 3 more steps');
      const [sa, sc] = [await a.trainer.saveOptimizer(), await c.trainer.saveOptimizer()];
      expect(sc.step).to.equal(6);
      for (const key of Object.keys(sa.tensors)) sameBits([sc.tensors[key]!], [sa.tensors[key]!], key);
    } finally {
      a.dispose();
      c.dispose();
    }
  });

  it('refuses a trainer whose parameters another trainer moved, and too many steps per submission', async () => {
    const a = await fcTrainer(base('sgd', { lr: 0.1 }, 7));
    try {
      expect(() => a.trainer.runSteps(a.trainer.maxStepsPerSubmit + 1, false, [])).to.throw(
        /expected an integer 1\.\.512 per submission/,
      );
      expect(() => a.trainer.runSteps(2, false)).to.throw(/need a GPU-gathered batch each/);
      const moved = a.model.namedParameters()[0]![1];
      const { gpu } = a;
      const other = gpu.buffers.create('elsewhere', moved.numel * 4);
      moved.moveTo(other);
      expect(() => a.trainer.runSteps(1, false, [a.batchOf(0)])).to.throw(
        EngineError,
        /was moved out of this trainer's arena/,
      );
    } finally {
      a.dispose();
    }
  });
});
