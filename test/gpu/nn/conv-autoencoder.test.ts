// The second report's convolutional autoencoder: parameter counts pinned to the report's table, and
// gradients through the whole model (conv, transposed conv, linear, reshapes) against central
// finite differences on a tiny instance.
import { expect } from 'chai';
import { Graph } from '../../../src/graph/graph';
import { gradients } from '../../../src/graph/autodiff';
import { Executable } from '../../../src/graph/executor';
import { ConvAutoencoder } from '../../../src/nn/conv-autoencoder';
import { mseLoss } from '../../../src/ops/loss';
import { Rng } from '../../../src/util/rng';
import { getGpu } from '../../helpers/gpu';

describe('convolutional autoencoder', () => {
  it("has the report's parameter counts for c = 128 (1,065,729 + 25,089·latent)", async () => {
    const { gpu } = await getGpu();
    const table: [number, number][] = [
      [3, 1140996],
      [5, 1191174],
      [8, 1266441],
      [10, 1316619],
      [15, 1442064],
      [20, 1567509],
      [30, 1818399],
    ];
    for (const [latent, params] of table) {
      const model = new ConvAutoencoder(gpu, { latent, capacity: 128 });
      try {
        expect(model.parameterCount(), `latent ${latent}`).to.equal(params);
      } finally {
        model.dispose();
      }
    }
  });

  it('names parameters like the PyTorch model', async () => {
    const { gpu } = await getGpu();
    const model = new ConvAutoencoder(gpu, { latent: 3, capacity: 2 });
    try {
      expect(model.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`)).to.deep.equal([
        'encoder.0.weight:2x1x4x4',
        'encoder.0.bias:2',
        'encoder.2.weight:4x2x4x4',
        'encoder.2.bias:4',
        'encoder.5.weight:3x196',
        'encoder.5.bias:3',
        'decoder.0.weight:196x3',
        'decoder.0.bias:196',
        'decoder.2.weight:4x2x4x4',
        'decoder.2.bias:2',
        'decoder.4.weight:2x1x4x4',
        'decoder.4.bias:1',
      ]);
    } finally {
      model.dispose();
    }
  });

  it('gradients through the whole model match central differences (c = 2, latent 3, batch 2)', async () => {
    const ctx = await getGpu();
    const model = new ConvAutoencoder(ctx.gpu, { latent: 3, capacity: 2, seed: 7 });
    const rng = new Rng(5);
    const N = 2;
    const x = new Float32Array(N * 784).map(() => rng.uniform(0, 1));
    const g = new Graph();
    const input = g.input('x', [N, 1, 28, 28]);
    const loss = g.apply(mseLoss, [model.forward(g, input), input], {});
    const params = model.namedParameters();
    const tensors = params.map(([, p]) => g.param(p.name, p.shape, p.buffer));
    const grads = gradients(g, loss, tensors);
    const exe = new Executable(ctx, g, {
      keep: [loss, ...grads.values()],
      constants: new Map([[grads.seed, Float32Array.of(1)]]),
    });
    const lossAt = async (): Promise<number> => {
      exe.run();
      return (await exe.read(loss))[0]!;
    };
    try {
      exe.write(input, x);
      await lossAt();
      // Finite differences in f32 on the GPU need a large step; probe a few entries of every parameter.
      const eps = 1e-2;
      for (const [i, [name, p]] of params.entries()) {
        const analytic = await exe.read(grads.get(tensors[i]!)!);
        const values = await p.read();
        const probes = [0, Math.floor(values.length / 2), values.length - 1];
        for (const k of probes) {
          const keep = values[k]!;
          values[k] = keep + eps;
          p.write(values);
          const up = await lossAt();
          values[k] = keep - eps;
          p.write(values);
          const down = await lossAt();
          values[k] = keep;
          p.write(values);
          const fd = (up - down) / (2 * eps);
          // f32 losses differenced at eps = 1e-2: agree within 2e-3·max(1, |g|)·... plus 5% relative.
          expect(analytic[k]!, `${name}[${k}]: analytic ${analytic[k]} vs finite difference ${fd}`).to.be.closeTo(
            fd,
            5e-5 + 0.05 * Math.abs(fd),
          );
        }
      }
    } finally {
      exe.dispose();
      model.dispose();
    }
  });
});
