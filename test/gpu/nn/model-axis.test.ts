// The model axis: N models of one architecture trained in the same steps. The proof is equivalence:
// every model of a stack ends with the weights and losses its lone run gives (same seed, same
// minibatches, same adapter), bit for bit, for every optimizer and every loss the FC experiments use.
// The stacked ops are checked against their float64 references (per-model lone references) and,
// bit for bit, against the lone ops they mirror.
import { expect } from 'chai';
import { batches } from '../../../src/data/sampling';
import { stackedBatches } from '../../../src/experiments/stacked';
import type { Samples } from '../../../src/experiments/train';
import { normalizeRows } from '../../../src/experiments/fc/heads';
import { countWork } from '../../../src/gpu/counting';
import { Graph } from '../../../src/graph/graph';
import type { Tensor } from '../../../src/graph/tensor';
import { applyLoss, type LossName } from '../../../src/losses/index';
import { FcAutoencoder } from '../../../src/nn/autoencoders';
import type { NamedTensor } from '../../../src/nn/safetensors';
import { StackedFcAutoencoder } from '../../../src/nn/stacked';
import { StackedTrainer } from '../../../src/nn/stacked-trainer';
import { stateDict } from '../../../src/nn/state';
import { Trainer } from '../../../src/nn/trainer';
import { bceWithLogitsLoss, crossEntropyLoss, klDivLoss, mseLoss, circularLoss, bceLoss } from '../../../src/ops/loss';
import { linear } from '../../../src/ops/matmul';
import { sumRows } from '../../../src/ops/reduce';
import {
  stackedLinear,
  stackedLoss,
  stackedLossGrad,
  stackedSumRows,
  type StackedLossAttrs,
} from '../../../src/ops/stacked';
import { logSoftmax } from '../../../src/ops/stats';
import type { OpDef } from '../../../src/ops/op';
import { OPS, type OpName } from '../../../src/ops/index';
import { createOptimizer } from '../../../src/optim/optimizer';
import type { ModelOptimizer } from '../../../src/optim/stacked';
import { ShapeError } from '../../../src/util/errors';
import { Rng } from '../../../src/util/rng';
import { numel, type Shape } from '../../../src/util/shape';
import { allclose } from '../../helpers/allclose';
import { getGpu, runOp } from '../../helpers/gpu';

/** Fails naming the first index whose float32 bits differ. */
function sameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, `${what}: length`).to.equal(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i])
      expect.fail(`${what}: differs at ${i}: got ${actual[i]}, expected ${expected[i]} (bit for bit).`);
  }
}

const uniform = (rng: Rng, n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
const part = (a: Float32Array, models: number, k: number) =>
  a.slice((k * a.length) / models, ((k + 1) * a.length) / models);

/** The FC experiments' losses as the lone trainer and the stack name them, with their prediction heads. */
interface LossCase {
  lone: LossName;
  stacked: StackedLossAttrs;
  head?: (g: Graph, raw: Tensor) => Tensor;
  /** Targets from the inputs (KL: each row normalised to sum 1). */
  targets?: (x: Float32Array, count: number, width: number) => Float32Array;
}

const LOSSES: Record<string, LossCase> = {
  mse: { lone: 'mse', stacked: { loss: 'mse' } },
  bce: { lone: 'bce-logits', stacked: { loss: 'bceWithLogits' } },
  kl: {
    lone: 'kl',
    stacked: { loss: 'klDiv', reduction: 'mean' },
    head: (g, raw) => g.apply(logSoftmax, [raw], {}),
    targets: normalizeRows,
  },
};

const WIDTH = 16;
const BATCH = 8;

/** The autoencoder's input width and latent size, the batch, and the samples drawn from. */
interface Arch {
  width: number;
  latent: number;
  batch: number;
  count: number;
}
/** 16-8-4-2: every GEMM small. */
const TINY: Arch = { width: WIDTH, latent: 2, batch: BATCH, count: 24 };
/** The first report's 784-392-196-10 at batch 32: the GEMM shapes (tiles, vec4 reads) of the real model. */
const REPORT: Arch = { width: 784, latent: 10, batch: 32, count: 64 };

/** The lone run: FcAutoencoder(seed) trained as src/experiments/train.ts trains it on the host path. */
async function trainLone(
  seed: number,
  arch: Arch,
  samples: Samples,
  loss: LossCase,
  opt: ModelOptimizer,
  steps: number,
): Promise<{ weights: NamedTensor[]; losses: number[] }> {
  const ctx = await getGpu();
  const model = new FcAutoencoder(ctx.gpu, { inputSize: arch.width, latent: arch.latent, seed });
  const g = new Graph();
  const x = g.input('x', [arch.batch, arch.width]);
  const t = loss.targets ? g.input('target', [arch.batch, arch.width]) : x;
  const raw = model.forward(g, x);
  const y = loss.head ? loss.head(g, raw) : raw;
  const trainer = new Trainer(ctx, {
    graph: g,
    loss: applyLoss(g, loss.lone, y, t),
    params: model.namedParameters(),
    optimizer: createOptimizer(opt.name, opt.options as never),
  });
  const losses: number[] = [];
  const targets = loss.targets?.(samples.x, samples.count, arch.width);
  try {
    for (let epoch = 0; losses.length < steps; epoch++) {
      for (const idx of batches(samples.count, arch.batch, seed, epoch, { dropLast: true })) {
        if (losses.length === steps) break;
        const rows = (src: Float32Array) => {
          const out = new Float32Array(arch.batch * arch.width);
          idx.forEach((r, i) => out.set(src.subarray(r * arch.width, (r + 1) * arch.width), i * arch.width));
          return out;
        };
        trainer.feed(x, rows(samples.x));
        if (targets) trainer.feed(t, rows(targets));
        losses.push((await trainer.run(true))!);
      }
    }
    return { weights: await stateDict(model), losses };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** The same models trained together as one stack. */
async function trainStack(
  seeds: number[],
  arch: Arch,
  samples: Samples,
  loss: LossCase,
  opt: ModelOptimizer | ModelOptimizer[],
  steps: number,
): Promise<{ models: NamedTensor[][]; losses: Float32Array[] }> {
  const ctx = await getGpu();
  const model = new StackedFcAutoencoder(ctx.gpu, { inputSize: arch.width, latent: arch.latent, seeds });
  const trainer = new StackedTrainer(ctx, {
    model,
    batchSize: arch.batch,
    loss: loss.stacked,
    optimizer: opt,
    ...(loss.head ? { head: loss.head } : {}),
    separateTarget: loss.targets !== undefined,
  });
  const losses: Float32Array[] = [];
  const targets = loss.targets ? { ...samples, x: loss.targets(samples.x, samples.count, arch.width) } : null;
  try {
    for (let epoch = 0; losses.length < steps; epoch++) {
      const tb = targets ? stackedBatches(targets, arch.batch, seeds, epoch) : null;
      for (const xb of stackedBatches(samples, arch.batch, seeds, epoch)) {
        if (losses.length === steps) break;
        trainer.feed(xb);
        if (tb) trainer.feedTarget(tb.next().value as Float32Array);
        losses.push((await trainer.step(true))!);
      }
    }
    const models = [];
    for (let k = 0; k < seeds.length; k++) models.push(await model.model(k));
    return { models, losses };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** Runs the stack and each model alone; every model's weights and per-step losses must agree bit for bit. */
async function expectEquivalent(
  seeds: number[],
  loss: LossCase,
  opts: ModelOptimizer[],
  steps: number,
  what: string,
  arch: Arch = TINY,
): Promise<void> {
  const rng = new Rng(7);
  const samples: Samples = {
    x: Float32Array.from({ length: arch.count * arch.width }, () => rng.next()),
    width: arch.width,
    count: arch.count,
  };
  const stack = await trainStack(seeds, arch, samples, loss, opts.length === 1 ? opts[0]! : opts, steps);
  for (const [k, seed] of seeds.entries()) {
    const lone = await trainLone(seed, arch, samples, loss, opts[opts.length === 1 ? 0 : k]!, steps);
    sameBits(
      Float32Array.from(stack.losses.map((l) => l[k]!)),
      Float32Array.from(lone.losses),
      `${what}: model ${k} losses`,
    );
    expect(stack.models[k]!.map((t) => t.name)).to.deep.equal(lone.weights.map((t) => t.name));
    for (const [i, t] of lone.weights.entries()) {
      const s = stack.models[k]![i]!;
      expect(s.shape, `${what}: ${t.name} shape`).to.deep.equal(t.shape);
      sameBits(s.data, t.data, `${what}: model ${k} ${t.name} after ${steps} steps`);
    }
  }
}

const OPTIMIZERS: [string, ModelOptimizer][] = [
  ['sgd', { name: 'sgd', options: { lr: 0.05 } }],
  ['sgd+momentum', { name: 'sgd', options: { lr: 0.05, momentum: 0.9 } }],
  ['adam', { name: 'adam', options: { lr: 0.01 } }],
  ['adamw', { name: 'adamw', options: { lr: 0.01, weightDecay: 0.05 } }],
  ['adagrad', { name: 'adagrad', options: { lr: 0.05 } }],
  ['adadelta', { name: 'adadelta', options: { lr: 1 } }],
  ['rmsprop', { name: 'rmsprop', options: { lr: 0.005 } }],
];

describe('model axis: stacked ops against their references', () => {
  it('stackedLinear equals the float64 reference and, model by model, the lone linear bit for bit', async () => {
    const rng = new Rng(3);
    const [N, B, I, O] = [3, 5, 12, 7];
    const shapes: Shape[] = [
      [N, B, I],
      [N, O, I],
      [N, O],
    ];
    const inputs = shapes.map((s) => uniform(rng, numel(s)));
    const attrs = { kind: 'leakyRelu' as const, alpha: 0.5 };
    const got = await runOp(stackedLinear, inputs, shapes, attrs);
    const ref = stackedLinear.reference(
      inputs.map((a) => Float64Array.from(a)),
      shapes,
      attrs,
    );
    allclose(got, ref, { atol: 1e-5, rtol: 1e-5 }, 'stackedLinear vs float64');
    for (let k = 0; k < N; k++) {
      const lone = await runOp(
        linear,
        inputs.map((a) => part(a, N, k)),
        shapes.map((s) => s.slice(1)),
        attrs,
      );
      sameBits(part(got, N, k), lone, `stackedLinear model ${k} vs linear`);
    }
  });

  it('stackedSumRows equals per-model column sums (float64) and the lone sumRows bit for bit', async () => {
    const rng = new Rng(4);
    const s: Shape = [4, 9, 6];
    const a = uniform(rng, numel(s));
    const got = await runOp(stackedSumRows, [a], [s], {});
    allclose(got, stackedSumRows.reference([Float64Array.from(a)], [s], {}), { atol: 1e-6, rtol: 1e-6 }, 'sums');
    for (let k = 0; k < 4; k++) {
      sameBits(part(got, 4, k), await runOp(sumRows, [part(a, 4, k)], [[9, 6]], {}), `model ${k} vs sumRows`);
    }
  });

  const LOSS_OPS: [StackedLossAttrs, OpDef<never>, (rng: Rng, n: number, input: number) => Float32Array][] = [
    [{ loss: 'mse' }, mseLoss as OpDef<never>, (r, n) => uniform(r, n)],
    [{ loss: 'bce' }, bceLoss as OpDef<never>, (r, n) => uniform(r, n, 0.05, 0.95)],
    [{ loss: 'bceWithLogits' }, bceWithLogitsLoss as OpDef<never>, (r, n, i) => uniform(r, n, i ? 0 : -3, i ? 1 : 3)],
    [
      { loss: 'klDiv', reduction: 'batchmean' },
      klDivLoss as OpDef<never>,
      (r, n, i) => (i ? uniform(r, n, 0, 1) : uniform(r, n, -3, 0)),
    ],
    [
      { loss: 'crossEntropy' },
      crossEntropyLoss as OpDef<never>,
      (r, n, i) => (i ? Float32Array.from({ length: n }, (_, k) => k % 3) : uniform(r, n, -2, 2)),
    ],
    [{ loss: 'circular' }, circularLoss as OpDef<never>, (r, n) => uniform(r, n, -300, 300)],
  ];
  for (const [attrs, lone, values] of LOSS_OPS) {
    it(`stackedLoss / stackedLossGrad (${attrs.loss}) equal the float64 reference and the lone loss bit for bit`, async () => {
      const rng = new Rng(attrs.loss.length);
      // Long enough (20,000 terms per model) that each model's loss sums several workgroup partials on
      // every adapter (a workgroup adds 256 · termsPerThread terms: 16,384 on CPU adapters).
      const N = 3;
      const [pShape, tShape]: Shape[] =
        attrs.loss === 'crossEntropy'
          ? [
              [N, 20000, 3],
              [N, 20000],
            ]
          : [
              [N, 40, 500],
              [N, 40, 500],
            ];
      const { registry } = await getGpu();
      const terms = attrs.loss === 'crossEntropy' ? 20000 : 40 * 500;
      expect(Math.ceil(terms / (256 * registry.tuning.termsPerThread)), 'partials per model').to.be.greaterThan(1);
      const pred = values(rng, numel(pShape!), 0);
      const tgt = values(rng, numel(tShape!), 1);
      const dy = uniform(rng, N, 0.5, 2);
      const shapes = [pShape!, tShape!];
      const losses = await runOp(stackedLoss, [pred, tgt], shapes, attrs);
      const ref = stackedLoss.reference([Float64Array.from(pred), Float64Array.from(tgt)], shapes, attrs);
      allclose(losses, ref, { atol: 1e-5, rtol: 1e-5 }, `${attrs.loss} losses vs float64`);
      const grads = await runOp(stackedLossGrad, [pred, tgt, dy], [...shapes, [N]], attrs);
      const gref = stackedLossGrad.reference(
        [Float64Array.from(pred), Float64Array.from(tgt), Float64Array.from(dy)],
        [...shapes, [N]],
        attrs,
      );
      allclose(grads, gref, { atol: 1e-7, rtol: 1e-5 }, `${attrs.loss} gradients vs float64`);
      const loneAttrs = (attrs.loss === 'klDiv' ? { reduction: attrs.reduction } : {}) as never;
      const one = shapes.map((s) => s.slice(1));
      for (let k = 0; k < N; k++) {
        const l = await runOp(lone, [part(pred, N, k), part(tgt, N, k)], one, loneAttrs);
        sameBits(losses.subarray(k, k + 1), l, `${attrs.loss}: model ${k}'s loss vs the lone loss`);
      }
      // With dy = 1 for every model (the stack's objective Σ loss_k), each model's gradient is its lone one.
      const ones = new Float32Array(N).fill(1);
      const g1 = await runOp(stackedLossGrad, [pred, tgt, ones], [...shapes, [N]], attrs);
      const loneGrad = OPS[`${lone.name}Grad` as OpName] as OpDef<never>;
      for (let k = 0; k < N; k++) {
        const lg = await runOp(
          loneGrad,
          [part(pred, N, k), part(tgt, N, k), Float32Array.of(1)],
          [...one, [1]],
          loneAttrs,
        );
        sameBits(part(g1, N, k), lg, `${attrs.loss}: model ${k}'s gradient vs the lone gradient`);
      }
    });
  }

  it('names mismatched model counts and wrong shapes when the graph is built', async () => {
    const ctx = await getGpu();
    const g = new Graph();
    const x = g.input('x', [2, 4, 16]);
    const w = g.input('w', [3, 8, 16]);
    const b = g.input('b', [2, 8]);
    expect(() => g.apply(stackedLinear, [x, w, b], { kind: 'identity' })).to.throw(
      ShapeError,
      /stackedLinear: every operand needs the same model count.*x=\[2,4,16\] W=\[3,8,16\]/,
    );
    const w2 = g.input('w2', [2, 8, 15]);
    expect(() => g.apply(stackedLinear, [x, w2, b], { kind: 'identity' })).to.throw(
      ShapeError,
      /input features differ/,
    );
    const p = g.input('p', [2, 4, 16]);
    const t = g.input('t', [3, 4, 16]);
    expect(() => g.apply(stackedLoss, [p, t], { loss: 'mse' })).to.throw(ShapeError, /same model count/);
    const t2 = g.input('t2', [2, 4, 15]);
    expect(() => g.apply(stackedLoss, [p, t2], { loss: 'mse' })).to.throw(ShapeError, /mseLoss: prediction and target/);
    const model = new StackedFcAutoencoder(ctx.gpu, { inputSize: 16, latent: 2, seeds: [1, 2, 3] });
    try {
      expect(() => model.forward(g, x)).to.throw(ShapeError, /expected input \[3, batch, 16\].*got \[2,4,16\]/);
      expect(
        () => new StackedTrainer(ctx, { model, batchSize: 4, loss: { loss: 'mse' }, optimizer: [{ name: 'adam' }] }),
      ).to.throw(/1 optimizer choices for 3 models/);
    } finally {
      model.dispose();
    }
  });
});

describe('model axis: a stack trains each model exactly as it trains alone', () => {
  it('starts model k from FcAutoencoder(seed k) and exports it under the lone names and shapes', async () => {
    const ctx = await getGpu();
    const seeds = [5, 0, 123];
    const stack = new StackedFcAutoencoder(ctx.gpu, { inputSize: 784, latent: 10, seeds });
    try {
      for (const [k, seed] of seeds.entries()) {
        const lone = new FcAutoencoder(ctx.gpu, { latent: 10, seed });
        const want = await stateDict(lone);
        const got = await stack.model(k);
        expect(got.map((t) => [t.name, t.shape])).to.deep.equal(want.map((t) => [t.name, t.shape]));
        want.forEach((t, i) => sameBits(got[i]!.data, t.data, `model ${k} ${t.name}`));
        lone.dispose();
      }
    } finally {
      stack.dispose();
    }
  });

  for (const [label, opt] of OPTIMIZERS) {
    it(`${label}, MSE: 3 models × 5 steps equal their lone runs bit for bit`, async () => {
      await expectEquivalent([11, 12, 13], LOSSES.mse!, [opt], 5, label);
    });
  }

  for (const name of ['bce', 'kl'] as const) {
    it(`adam, ${name} (the FC experiments' head): 3 models × 5 steps equal their lone runs bit for bit`, async () => {
      await expectEquivalent([21, 22, 23], LOSSES[name]!, [{ name: 'adam', options: { lr: 0.01 } }], 5, name);
    });
  }

  it("the report's model (784-392-196-10, batch 32), adam, MSE: 2 models × 3 steps equal their lone runs", async () => {
    await expectEquivalent([41, 42], LOSSES.mse!, [{ name: 'adam', options: { lr: 1e-3 } }], 3, 'report', REPORT);
  });

  it('per-model optimizers and learning rates (grouped by kind): 4 models equal their lone runs', async () => {
    const opts: ModelOptimizer[] = [
      { name: 'adam', options: { lr: 0.01 } },
      { name: 'sgd', options: { lr: 0.05, momentum: 0.9 } },
      { name: 'adam', options: { lr: 0.003 } },
      { name: 'adam', options: { lr: 0.01 } },
    ];
    await expectEquivalent([31, 32, 33, 34], LOSSES.mse!, opts, 4, 'mixed');
  });

  it('counts the dispatches of a step: a stack of 5 issues the same number as one model', async () => {
    const ctx = await getGpu();
    const count = async (n: number) => {
      const model = new StackedFcAutoencoder(ctx.gpu, { inputSize: WIDTH, latent: 2, seeds: [...Array(n).keys()] });
      const trainer = new StackedTrainer(ctx, {
        model,
        batchSize: BATCH,
        loss: { loss: 'mse' },
        optimizer: { name: 'adam' },
      });
      trainer.feed(new Float32Array(n * BATCH * WIDTH).fill(0.5));
      await trainer.step(true);
      const { count: c } = await countWork(ctx.gpu.device, () => trainer.step(false));
      trainer.dispose();
      model.dispose();
      return c.dispatches;
    };
    const one = await count(1);
    expect(one).to.be.greaterThan(12);
    expect(await count(5)).to.equal(one);
  });
});
