// Optimizer lifecycle on the GPU: a save/load round trip reproduces the next step bit for bit, the
// live buffer count is flat across steps and returns to baseline after dispose, frozen tensors get
// no state, and misuse (encode before build, use after dispose, bad checkpoints) is refused.
import { expect } from 'chai';
import { createOptimizer, type OptimizerName, type OptimizerOptions } from '../../../src/optim/optimizer';
import { DatasetFormatError, DisposedError, EngineError, ShapeError } from '../../../src/util/errors';
import { getGpu } from '../../helpers/gpu';
import { makeContext, makeSlots, Quadratic, readParams, submitStep, uploadGrads } from './harness';

const SIZES = [1, 7, 300];

/** The variant of each optimizer with the most state. */
const RICHEST: [OptimizerName, OptimizerOptions][] = [
  ['sgd', { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }],
  ['adam', { lr: 0.01, amsgrad: true, weightDecay: 0.01 }],
  ['adamw', { lr: 0.01 }],
  ['adagrad', { lrDecay: 0.1, initialAccumulatorValue: 0.1 }],
  ['adadelta', {}],
  ['rmsprop', { centered: true, momentum: 0.9, lr: 0.001 }],
];

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('optimizer state: save, load, dispose', () => {
  RICHEST.forEach(([name, options], index) => {
    it(`${name}: saveState → loadState into a fresh optimizer reproduces the next step exactly`, async () => {
      const problem = new Quadratic(SIZES, 300 + index);
      const { ctx, free } = await makeContext();
      const a = await makeSlots(problem, 'a');
      const optA = createOptimizer(name, options);
      const optB = createOptimizer(name, options);
      let b: Awaited<ReturnType<typeof makeSlots>> | null = null;
      try {
        optA.build(ctx, a.slots);
        for (let t = 0; t < 3; t++) {
          await uploadGrads(problem, a.slots, await readParams(a.slots));
          await submitStep(optA);
        }
        const saved = await optA.saveState();
        expect(saved.step).to.equal(3);
        const params = await readParams(a.slots);
        b = await makeSlots(problem, 'a', params); // same slot names, so the state keys match
        optB.build(ctx, b.slots);
        optB.loadState(saved);
        expect((await optB.saveState()).tensors).to.deep.equal(saved.tensors);
        await uploadGrads(problem, a.slots, params);
        await uploadGrads(problem, b.slots, params);
        await submitStep(optA, optB);
        const [pa, pb] = [await readParams(a.slots), await readParams(b.slots)];
        pa.forEach((p, k) => expect(bits(pb[k]!), `tensor ${k} after the restored step`).to.deep.equal(bits(p)));
        const [sa, sb] = [await optA.saveState(), await optB.saveState()];
        expect(sb.step).to.equal(4);
        for (const key of Object.keys(sa.tensors))
          expect(bits(sb.tensors[key]!), key).to.deep.equal(bits(sa.tensors[key]!));
      } finally {
        optA.dispose();
        optB.dispose();
        a.dispose();
        b?.dispose();
        free();
      }
    });
  });

  it('live buffers: state + two uniforms per parameter buffer, flat across steps, back to baseline after dispose', async () => {
    const { gpu } = await getGpu();
    const problem = new Quadratic(SIZES, 7);
    const { ctx, free } = await makeContext();
    const baseline = gpu.buffers.liveBufferCount();
    const { slots, dispose } = await makeSlots(problem, 'leak');
    const opt = createOptimizer('adam', { amsgrad: true });
    try {
      opt.build(ctx, slots);
      // 3 slots × (param + grad) + 3 buffers of their own × (3 state tensors + 2 uniforms, one per
      // bind group) + the step table and its 2 counters
      expect(gpu.buffers.liveBufferCount()).to.equal(baseline + 6 + 15 + 3);
      for (let t = 0; t < 5; t++) {
        await uploadGrads(problem, slots, await readParams(slots));
        await submitStep(opt);
        expect(gpu.buffers.liveBufferCount(), `after step ${t + 1}`).to.equal(baseline + 24);
      }
      await opt.saveState();
      expect(gpu.buffers.liveBufferCount()).to.equal(baseline + 24);
      opt.dispose();
      expect(gpu.buffers.liveBufferCount()).to.equal(baseline + 6);
    } finally {
      opt.dispose();
      dispose();
      free();
    }
    expect(gpu.buffers.liveBufferCount()).to.equal(baseline);
  });

  it('frozen tensors are not slots: no state is made for them and they do not change', async () => {
    const { gpu } = await getGpu();
    const problem = new Quadratic(SIZES, 8);
    const { ctx, free } = await makeContext();
    const { slots, dispose } = await makeSlots(problem, 'frozen');
    const base = gpu.buffers.liveBufferCount();
    const opt = createOptimizer('rmsprop', { centered: true });
    try {
      opt.build(ctx, [slots[0]!, slots[2]!]);
      // 2 slots × (square_avg, grad_avg, 2 uniforms) + the step table and its 2 counters
      expect(gpu.buffers.liveBufferCount()).to.equal(base + 2 * 4 + 3);
      await uploadGrads(problem, slots, await readParams(slots));
      await submitStep(opt);
      const after = await readParams(slots);
      expect(Array.from(after[1]!)).to.deep.equal(Array.from(problem.start[1]!));
      expect(after[2]![0]).to.not.equal(problem.start[2]![0]);
      expect(Object.keys((await opt.saveState()).tensors).sort()).to.deep.equal([
        'frozen0.weight.grad_avg',
        'frozen0.weight.square_avg',
        'frozen2.weight.grad_avg',
        'frozen2.weight.square_avg',
      ]);
    } finally {
      opt.dispose();
      dispose();
      free();
    }
  });

  it('refuses misuse: encode before build, build twice, short buffers, bad checkpoints, use after dispose', async () => {
    const problem = new Quadratic([5], 9);
    const { ctx, free } = await makeContext();
    const { slots, dispose } = await makeSlots(problem, 'misuse');
    const opt = createOptimizer('sgd', { lr: 0.1, momentum: 0.9 });
    try {
      const { gpu } = await getGpu();
      const pass = gpu.device.createCommandEncoder().beginComputePass();
      expect(() => opt.encode(pass)).to.throw(EngineError, /sgd\.encode: encode\(\) called before build\(\)/);
      pass.end();
      expect(() => opt.build(ctx, [{ ...slots[0]!, numel: 6 }])).to.throw(
        ShapeError,
        /holds 5 floats; expected at least numel = 6/,
      );
      expect(() => opt.build(ctx, [slots[0]!, slots[0]!])).to.throw(ShapeError, /appears twice/);
      opt.build(ctx, slots);
      expect(() => opt.build(ctx, slots)).to.throw(EngineError, /build\(\) called twice/);
      expect(() => opt.loadState({ step: 1, tensors: {} })).to.throw(
        DatasetFormatError,
        /"misuse0\.weight\.momentum_buffer" is missing/,
      );
      expect(() =>
        opt.loadState({ step: 1, tensors: { 'misuse0.weight.momentum_buffer': new Float32Array(4) } }),
      ).to.throw(DatasetFormatError, /has 4 values; expected 5/);
      expect(() =>
        opt.loadState({
          step: 1,
          tensors: { 'misuse0.weight.momentum_buffer': new Float32Array(5), extra: new Float32Array(1) },
        }),
      ).to.throw(DatasetFormatError, /unexpected state tensors extra/);
      expect(() =>
        opt.loadState({ step: -1, tensors: { 'misuse0.weight.momentum_buffer': new Float32Array(5) } }),
      ).to.throw(DatasetFormatError, /step count/);
      opt.lr = Number.NaN;
      const pass2 = gpu.device.createCommandEncoder().beginComputePass();
      expect(() => opt.encode(pass2)).to.throw(/sgd\.encode: invalid learning rate/);
      opt.dispose();
      expect(() => opt.encode(pass2)).to.throw(DisposedError);
      pass2.end();
      await opt.saveState().then(
        () => expect.fail('saveState after dispose should throw'),
        (e: unknown) => expect(e).to.be.instanceOf(DisposedError),
      );
    } finally {
      opt.dispose();
      dispose();
      free();
    }
  });
});
