// The fusion pass (src/graph/fuse.ts) on training graphs: it fires on the first report's FC model
// (784-392-196-8-196-392-784, batch 256) and cuts its forward + backward from 32 dispatches to 19, and
// the fused step gives the same loss and gradients as the unfused one. Bound: equal bit for bit. The
// fused kernels add the same products and sums in the same order as the ops they replace (the bias
// gradient's row sums run over the batch one row at a time from 0, as sumRows; the loss value sums the
// same partials), so any difference would be a bug, not rounding. It also leaves graphs alone where a
// rewrite would be invalid.
import { expect } from 'chai';
import { gradients } from '../../../src/graph/autodiff';
import { Executable } from '../../../src/graph/executor';
import { Graph } from '../../../src/graph/graph';
import type { Tensor } from '../../../src/graph/tensor';
import { FcAutoencoder } from '../../../src/nn/autoencoders';
import { paramTensor } from '../../../src/nn/module';
import { activationGradY } from '../../../src/ops/activation';
import { add, scale } from '../../../src/ops/elementwise';
import { bceLoss, mseLoss, mseLossGrad } from '../../../src/ops/loss';
import { matmul } from '../../../src/ops/matmul';
import { Rng } from '../../../src/util/rng';
import { getGpu } from '../../helpers/gpu';

interface Step {
  exe: Executable;
  loss: Tensor;
  grads: Tensor[];
}

/** The FC model's training graph (forward, loss, gradients of every parameter), compiled twice. */
async function trainingGraphs(inputSize: number, activation: 'leakyRelu' | 'sigmoid', loss: 'mse' | 'bce') {
  const { gpu, registry } = await getGpu();
  const model = new FcAutoencoder(gpu, { inputSize, latent: 8, activation, slope: 0.5, seed: 3 });
  const g = new Graph();
  const x = g.input('x', [256, inputSize]);
  const value = g.apply(loss === 'mse' ? mseLoss : bceLoss, [model.forward(g, x), x], {}, 'loss');
  const params = model.namedParameters().map(([, p]) => paramTensor(g, p));
  const grads = gradients(g, value, params);
  const compile = (fuse: boolean): Step => ({
    exe: new Executable({ gpu, registry }, g, {
      keep: [value, ...grads.values()],
      constants: new Map([[grads.seed, Float32Array.of(1)]]),
      label: fuse ? 'fused' : 'unfused',
      fuse,
    }),
    loss: value,
    grads: params.map((p) => grads.get(p)!),
  });
  const nodes = [...g.nodes];
  const fused = compile(true);
  const unfused = compile(false);
  expect(g.nodes, 'the pass leaves the graph as recorded').to.deep.equal(nodes);
  const rng = new Rng(11);
  const batch = Float32Array.from({ length: 256 * inputSize }, () => rng.uniform(0, 1));
  for (const s of [fused, unfused]) s.exe.write(x, batch);
  await registry.settled();
  return { fused, unfused, dispose: () => [fused.exe.dispose(), unfused.exe.dispose(), model.dispose()] };
}

async function expectSameStep(a: Step, b: Step): Promise<void> {
  a.exe.run();
  b.exe.run();
  const la = await a.exe.read(a.loss);
  const lb = await b.exe.read(b.loss);
  expect(Number.isFinite(la[0]!) && la[0]! > 0, `loss ${la[0]}`).to.equal(true);
  expect(Object.is(la[0], lb[0]), `loss: fused ${la[0]} vs unfused ${lb[0]}`).to.equal(true);
  for (const [k, t] of a.grads.entries()) {
    const ga = await a.exe.read(t);
    const gb = await b.exe.read(b.grads[k]!);
    const i = ga.findIndex((v, j) => !Object.is(v, gb[j]));
    expect(i, `gradient of parameter ${k} (${t.name}) differs at ${i}: ${ga[i]} vs ${gb[i]}`).to.equal(-1);
    expect(
      ga.some((v) => v !== 0),
      `gradient of parameter ${k} is not all zero`,
    ).to.equal(true);
  }
}

describe('fusion pass on the FC training graph', () => {
  it('784-392-196-8-196-392-784, leaky ReLU, MSE, batch 256: 19 dispatches instead of 32, the same loss and gradients', async () => {
    const { fused, unfused, dispose } = await trainingGraphs(784, 'leakyRelu', 'mse');
    try {
      // Unfused: 6 linear + loss (partials, sum) + loss gradient + 6 activation gradients + 5 input
      // gradients + 6 weight gradients + 6 bias gradients. Fused: 6 linear + loss value and gradient
      // (partials, sum) + 5 input gradients + 6 weight-and-bias gradients.
      expect(unfused.exe.dispatchCount).to.equal(32);
      expect(unfused.exe.fused).to.deep.equal({ lossValueGrad: 0, matmulActGrad: 0, linearParamGrad: 0 });
      expect(fused.exe.fused).to.deep.equal({ lossValueGrad: 1, matmulActGrad: 5, linearParamGrad: 6 });
      expect(fused.exe.dispatchCount).to.equal(19);
      // The sum of the loss's partials is the one readout: 18 dispatches on steps whose loss is not read.
      expect(fused.exe.readoutCount).to.equal(1);
      expect(unfused.exe.readoutCount).to.equal(0);
      await expectSameStep(fused, unfused);
    } finally {
      dispose();
    }
  });

  it('sigmoid outputs and BCE (the loss takes the sigmoid gradient in): the same loss and gradients', async () => {
    const { fused, unfused, dispose } = await trainingGraphs(64, 'sigmoid', 'bce');
    try {
      expect(fused.exe.fused).to.deep.equal({ lossValueGrad: 1, matmulActGrad: 5, linearParamGrad: 6 });
      expect(fused.exe.dispatchCount).to.equal(unfused.exe.dispatchCount - 13);
      await expectSameStep(fused, unfused);
    } finally {
      dispose();
    }
  });
});

describe('readouts: a step may leave out the loss value and still compute every gradient', () => {
  it('encode({ readouts: false }) gives the same gradients and leaves the loss buffer as it was', async () => {
    const { gpu } = await getGpu();
    // 256 × 784 loss terms: more than one workgroup's partial on every adapter, so a readout sums them.
    const { fused, unfused, dispose } = await trainingGraphs(784, 'leakyRelu', 'mse');
    try {
      expect(fused.exe.readoutCount).to.equal(1);
      const encoder = gpu.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      fused.exe.encode(pass, { readouts: false });
      pass.end();
      gpu.device.queue.submit([encoder.finish()]);
      // Never written yet: the buffer's initial zero.
      expect(Array.from(await fused.exe.read(fused.loss))).to.deep.equal([0]);
      unfused.exe.run();
      for (const [k, t] of fused.grads.entries()) {
        const a = await fused.exe.read(t);
        const b = await unfused.exe.read(unfused.grads[k]!);
        expect(
          a.findIndex((v, j) => !Object.is(v, b[j])),
          `gradient ${k}`,
        ).to.equal(-1);
      }
      // A full run (readouts included) writes the value.
      await expectSameStep(fused, unfused);
    } finally {
      dispose();
    }
  });
});

describe('fusion pass: leaves the graph alone where a rewrite is invalid', () => {
  const build = () => {
    const g = new Graph();
    const a = g.input('a', [8, 4]);
    const b = g.input('b', [4, 6]);
    const y = g.input('y', [8, 6]);
    const h = g.apply(matmul, [a, b], {});
    const z = g.apply(activationGradY, [y, h], { kind: 'tanh' });
    return { g, a, b, y, h, z };
  };
  const counts = async (g: Graph, keep: Tensor[]) => {
    const { gpu, registry } = await getGpu();
    const exe = new Executable({ gpu, registry }, g, { keep });
    const out = { fused: { ...exe.fused }, dispatches: exe.dispatchCount, readouts: exe.readoutCount };
    exe.dispose();
    return out;
  };

  it('fires on matmul → activationGradY with one reader', async () => {
    const { g, z } = build();
    expect(await counts(g, [z])).to.deep.equal({
      fused: { lossValueGrad: 0, matmulActGrad: 1, linearParamGrad: 0 },
      dispatches: 1,
      readouts: 0,
    });
  });
  it('not when the product is kept', async () => {
    const { g, h, z } = build();
    expect((await counts(g, [z, h])).fused.matmulActGrad).to.equal(0);
  });
  it('no loss fusion when a node reads the loss value before the gradient is taken (a scaled loss)', async () => {
    const g = new Graph();
    const p = g.input('p', [64, 300]);
    const t = g.input('t', [64, 300]);
    const loss = g.apply(mseLoss, [p, t], {});
    const scaled = g.apply(scale, [loss], { alpha: 2, beta: 0 });
    const seed = g.input('seed', [1]);
    const dLoss = g.apply(scale, [seed], { alpha: 2, beta: 0 });
    const dp = g.apply(mseLossGrad, [p, t, dLoss], {});
    expect((await counts(g, [scaled, dp])).fused.lossValueGrad).to.equal(0);
  });
  it('a loss value read by a later node: fused, its sum kept in place (no readout)', async () => {
    const g = new Graph();
    const p = g.input('p', [256, 784]);
    const t = g.input('t', [256, 784]);
    const loss = g.apply(mseLoss, [p, t], {});
    const seed = g.input('seed', [1]);
    const dp = g.apply(mseLossGrad, [p, t, seed], {});
    const late = g.apply(scale, [loss], { alpha: 2, beta: 0 });
    const c = await counts(g, [dp, late]);
    expect(c.fused.lossValueGrad).to.equal(1);
    expect(c.readouts).to.equal(0);
    expect(c.dispatches).to.equal(3); // value and gradient, the sum of the partials, scale
  });
  it('not when the product has another reader', async () => {
    const { g, h, z } = build();
    const w = g.apply(add, [h, h], {});
    expect(await counts(g, [z, w])).to.deep.equal({
      fused: { lossValueGrad: 0, matmulActGrad: 0, linearParamGrad: 0 },
      dispatches: 3,
      readouts: 0,
    });
  });
});
