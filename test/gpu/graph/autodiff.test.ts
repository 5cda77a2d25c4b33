// Reverse-mode gradients through a compiled graph, checked against central finite differences of a
// float64 CPU evaluation of the same function (built from the ops' references).
import { expect } from 'chai';
import { Graph } from '../../../src/graph/graph';
import { gradients } from '../../../src/graph/autodiff';
import { Executable } from '../../../src/graph/executor';
import type { Tensor } from '../../../src/graph/tensor';
import type { ManagedBuffer } from '../../../src/gpu/buffers';
import { mul, sub } from '../../../src/ops/elementwise';
import { linear } from '../../../src/ops/matmul';
import { sumAll } from '../../../src/ops/reduce';
import { ShapeError } from '../../../src/util/errors';
import { Rng } from '../../../src/util/rng';
import { allclose, f64, randomArray } from '../../helpers/allclose';
import { getGpu } from '../../helpers/gpu';

interface Net {
  g: Graph;
  x: Tensor;
  t: Tensor;
  loss: Tensor;
  params: Tensor[];
}

type Act = { kind: 'leakyRelu' | 'sigmoid' | 'tanh'; alpha: number };

/** loss = mean((act2(act1(x·W1ᵀ+b1)·W2ᵀ+b2) − t)²) */
function build(
  gpuBuffers: Record<'w1' | 'b1' | 'w2' | 'b2', ManagedBuffer>,
  dims: number[],
  acts: [Act, Act],
  frozen = false,
): Net {
  const [B, I, H, O] = dims as [number, number, number, number];
  const g = new Graph();
  const x = g.input('x', [B, I]);
  const t = g.input('t', [B, O]);
  const w1 = g.param('w1', [H, I], gpuBuffers.w1, !frozen);
  const b1 = g.param('b1', [H], gpuBuffers.b1, !frozen);
  const w2 = g.param('w2', [O, H], gpuBuffers.w2);
  const b2 = g.param('b2', [O], gpuBuffers.b2);
  const h = g.apply(linear, [x, w1, b1], acts[0]);
  const y = g.apply(linear, [h, w2, b2], acts[1]);
  const d = g.apply(sub, [y, t], {});
  const loss = g.apply(sumAll, [g.apply(mul, [d, d], {})], { alpha: 1 / (B * O) });
  return { g, x, t, loss, params: [w1, b1, w2, b2] };
}

function cpuLoss(v: Float64Array[], dims: number[], acts: [Act, Act]): number {
  const [B, I, H, O] = dims as [number, number, number, number];
  const [x, t, w1, b1, w2, b2] = v as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const h = linear.reference([x, w1, b1], [[B, I], [H, I], [H]], acts[0]);
  const y = linear.reference([h, w2, b2], [[B, H], [O, H], [O]], acts[1]);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - t[i]!) ** 2;
  return s / (B * O);
}

describe('autodiff through the compiled graph', () => {
  const dims = [5, 7, 6, 3];
  for (const acts of [
    [
      { kind: 'leakyRelu', alpha: 0.5 },
      { kind: 'sigmoid', alpha: 0 },
    ],
    [
      { kind: 'tanh', alpha: 0 },
      { kind: 'leakyRelu', alpha: 0.1 },
    ],
  ] as [Act, Act][]) {
    it(`gradients of a 2-layer MLP (${acts[0].kind}, ${acts[1].kind}) match central differences`, async () => {
      const { gpu, registry } = await getGpu();
      const rng = new Rng(99);
      const [B, I, H, O] = dims as [number, number, number, number];
      const values = {
        x: randomArray(rng, B * I),
        t: randomArray(rng, B * O, 0, 1),
        w1: randomArray(rng, H * I),
        b1: randomArray(rng, H),
        w2: randomArray(rng, O * H),
        b2: randomArray(rng, O),
      };
      const bufs = {
        w1: gpu.buffers.fromData('w1', values.w1),
        b1: gpu.buffers.fromData('b1', values.b1),
        w2: gpu.buffers.fromData('w2', values.w2),
        b2: gpu.buffers.fromData('b2', values.b2),
      };
      const net = build(bufs, dims, acts);
      const grads = gradients(net.g, net.loss, net.params);
      const seed = grads.seed;
      const exe = new Executable({ gpu, registry }, net.g, {
        keep: [net.loss, ...grads.values()],
        constants: new Map([[seed, Float32Array.of(1)]]),
      });
      try {
        exe.write(net.x, values.x);
        exe.write(net.t, values.t);
        exe.run();
        const base = [values.x, values.t, values.w1, values.b1, values.w2, values.b2].map(f64);
        const lossGpu = (await exe.read(net.loss))[0]!;
        expect(lossGpu).to.be.closeTo(cpuLoss(base, dims, acts), 1e-5);
        // Central differences on every parameter element, in float64 (eps 1e-6).
        const eps = 1e-6;
        for (let p = 0; p < 4; p++) {
          const arr = base[p + 2]!;
          const fd = new Float64Array(arr.length);
          for (let i = 0; i < arr.length; i++) {
            const keep = arr[i]!;
            arr[i] = keep + eps;
            const up = cpuLoss(base, dims, acts);
            arr[i] = keep - eps;
            const down = cpuLoss(base, dims, acts);
            arr[i] = keep;
            fd[i] = (up - down) / (2 * eps);
          }
          const got = await exe.read(grads.get(net.params[p]!)!);
          // f32 GPU vs float64 differences: atol 2e-5, rtol 1e-3.
          allclose(got, fd, { atol: 2e-5, rtol: 1e-3 }, `d loss / d ${net.params[p]!.name}`);
        }
      } finally {
        exe.dispose();
        Object.values(bufs).forEach((b) => b.dispose());
      }
    });
  }

  it('frozen parameters get no gradient and no work is recorded for them', async () => {
    const { gpu, registry } = await getGpu();
    const mk = (n: number) => gpu.buffers.create('p', n * 4);
    const bufs = { w1: mk(42), b1: mk(6), w2: mk(18), b2: mk(3) };
    const acts: [Act, Act] = [
      { kind: 'leakyRelu', alpha: 0.5 },
      { kind: 'leakyRelu', alpha: 0.5 },
    ];
    const all = build(bufs, dims, acts);
    const frozen = build(bufs, dims, acts, true);
    const gAll = gradients(all.g, all.loss, all.params);
    const gFrozen = gradients(frozen.g, frozen.loss, frozen.params);
    expect([...gAll.keys()].map((t) => t.name)).to.deep.equal(['w1', 'b1', 'w2', 'b2']);
    expect([...gFrozen.keys()].map((t) => t.name)).to.deep.equal(['w2', 'b2']);
    expect(frozen.g.nodes.length).to.be.lessThan(all.g.nodes.length);
    Object.values(bufs).forEach((b) => b.dispose());
    void registry;
  });

  it('catches a wrong shape when the graph is built, naming the op and both shapes', () => {
    const g = new Graph();
    const x = g.input('x', [4, 10]);
    const w = g.input('w', [3, 11]);
    const b = g.input('b', [3]);
    expect(() => g.apply(linear, [x, w, b], { kind: 'identity' })).to.throw(
      ShapeError,
      /linear: input features differ; expected x\[1\] == W\[1\], got x=\[4,10\] W=\[3,11\]/,
    );
  });

  it('reuses intermediate buffers and keeps the live-buffer count flat across runs', async () => {
    const { gpu, registry } = await getGpu();
    const before = gpu.buffers.liveBufferCount();
    const mk = (n: number) => gpu.buffers.fromData('p', new Float32Array(n).fill(0.1));
    const bufs = { w1: mk(42), b1: mk(6), w2: mk(18), b2: mk(3) };
    const net = build(bufs, dims, [
      { kind: 'leakyRelu', alpha: 0.5 },
      { kind: 'sigmoid', alpha: 0 },
    ]);
    const grads = gradients(net.g, net.loss, net.params);
    const exe = new Executable({ gpu, registry }, net.g, {
      keep: [net.loss, ...grads.values()],
      constants: new Map([[grads.seed, Float32Array.of(1)]]),
    });
    const afterCompile = gpu.buffers.liveBufferCount();
    for (let i = 0; i < 200; i++) exe.run();
    await exe.read(net.loss);
    expect(gpu.buffers.liveBufferCount()).to.equal(afterCompile);
    exe.dispose();
    Object.values(bufs).forEach((b) => b.dispose());
    expect(gpu.buffers.liveBufferCount()).to.equal(before);
  });
});
