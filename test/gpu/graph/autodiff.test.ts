// Reverse-mode gradients through a compiled graph, checked against central finite differences of a
// float64 CPU evaluation of the same function (built from the ops' references).
// Tolerance, per element: |ĝ − fd| ≤ (GPU float32 error) + (finite-difference error).
// GPU: first-order propagation through the forward and backward pass (gradientBounds). Each GEMM or
// sum of K terms adds u·|c| + λ·√K·u·Σ|terms| (test/helpers/bounds.ts, λ = 6), its inputs' errors
// carry through as Σ|w|·e; an activation adds its Lipschitz constant (1, ¼ for sigmoid) times the
// error of its input plus (8 + 2|z|)·u·|a(z)| for exp-based sigmoid/tanh (WGSL's exp is accurate to
// 3 + 2|z| ULP) or u·|a| for leaky ReLU; the backward pass forms f' from the output (y(1 − y),
// 1 − y²), off by |∂f'/∂y|·e_y + 3u·(its terms' absolute values); products add u of their value.
// FD: the central difference (f(p + h) − f(p − h))/2h in float64 with h = 10⁻⁶ is off by the
// truncation h²/6·|f'''| (f''' estimated by a five-point difference with step 10⁻², counted twice)
// plus rounding ε_f/h, with ε_f the float64 evaluation error of f: the same first-order bound as
// the GPU loss's with u = 2⁻⁵³ in place of 2⁻²⁴. The loss is checked with the same two bounds.
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
import { f64, randomArray } from '../../helpers/allclose';
import { expectWithin, productBounds, sumBound, U } from '../../helpers/bounds';
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

/** Activation value, derivative from the output, and the constants its error bound needs. */
function actInfo(act: Act) {
  const leaky = act.kind === 'leakyRelu';
  const sig = act.kind === 'sigmoid';
  return {
    f: (z: number) => (leaky ? (z > 0 ? z : act.alpha * z) : sig ? 1 / (1 + Math.exp(-z)) : Math.tanh(z)),
    /** f' in terms of y = f(z), as the backward kernel forms it. */
    df: (y: number) => (leaky ? (y > 0 ? 1 : act.alpha) : sig ? y * (1 - y) : 1 - y * y),
    /** |∂f'/∂y| and the absolute values of f''s terms. */
    dfErr: (y: number, ey: number) =>
      leaky
        ? 0
        : sig
          ? Math.abs(1 - 2 * y) * ey + 3 * U * Math.abs(y) * (1 + Math.abs(y))
          : 2 * Math.abs(y) * ey + 3 * U * (1 + y * y),
    lip: sig ? 0.25 : 1,
    ulps: (z: number) => (leaky ? 1 : 8 + 2 * Math.abs(z)),
  };
}

/** First-order float32 error bounds for the loss and each parameter's gradient (see the header). */
function gradientBounds(v: Float64Array[], dims: number[], acts: [Act, Act]) {
  const [B, I, H, O] = dims as [number, number, number, number];
  const [x, t, w1, b1, w2, b2] = v as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const [a1, a2] = [actInfo(acts[0]), actInfo(acts[1])];
  const n = B * O;
  // Forward.
  const z1 = linear.reference([x, w1, b1], [[B, I], [H, I], [H]], { kind: 'identity', alpha: 0 });
  const ez1 = productBounds(x, w1, B, I, H, { transB: true, bias: b1 });
  const h = z1.map(a1.f);
  const eh = h.map((y, i) => a1.lip * ez1[i]! + a1.ulps(z1[i]!) * U * Math.abs(y));
  const z2 = linear.reference([h, w2, b2], [[B, H], [O, H], [O]], { kind: 'identity', alpha: 0 });
  const ez2 = productBounds(h, w2, B, H, O, { transB: true, bias: b2 });
  for (let b = 0; b < B; b++)
    for (let o = 0; o < O; o++)
      for (let k = 0; k < H; k++) ez2[b * O + o]! += Math.abs(w2[o * H + k]!) * eh[b * H + k]!;
  const y = z2.map(a2.f);
  const ey = y.map((yv, i) => a2.lip * ez2[i]! + a2.ulps(z2[i]!) * U * Math.abs(yv));
  const d = y.map((yv, i) => yv - t[i]!);
  const ed = d.map((dv, i) => ey[i]! + U * Math.abs(dv));
  let sq = 0;
  let eSq = 0;
  d.forEach((dv, i) => {
    sq += dv * dv;
    eSq += 2 * Math.abs(dv) * ed[i]! + U * dv * dv;
  });
  const loss = (eSq + sumBound(n, sq)) / n + 2 * U * (sq / n);
  // Backward: g_y = 2d/n, g_z2 = g_y·f2'(y), dW2 = g_z2ᵀ·h, g_h = g_z2·W2, g_z1 = g_h·f1'(h), dW1 = g_z1ᵀ·x.
  const gz2 = d.map((dv, i) => ((2 * dv) / n) * a2.df(y[i]!));
  const egz2 = d.map((dv, i) => {
    const gy = (2 * Math.abs(dv)) / n;
    const egy = (2 * ed[i]!) / n + 3 * U * gy;
    return egy * Math.abs(a2.df(y[i]!)) + gy * a2.dfErr(y[i]!, ey[i]!) + U * Math.abs(gz2[i]!);
  });
  const gh = new Float64Array(B * H);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < H; k++) for (let o = 0; o < O; o++) gh[b * H + k]! += gz2[b * O + o]! * w2[o * H + k]!;
  const egh = productBounds(gz2, w2, B, O, H);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < H; k++)
      for (let o = 0; o < O; o++) egh[b * H + k]! += egz2[b * O + o]! * Math.abs(w2[o * H + k]!);
  const gz1 = gh.map((g, i) => g * a1.df(h[i]!));
  const egz1 = gh.map(
    (g, i) => egh[i]! * Math.abs(a1.df(h[i]!)) + Math.abs(g) * a1.dfErr(h[i]!, eh[i]!) + U * Math.abs(gz1[i]!),
  );
  /** dW = gᵀ·a over the batch (M × N), and db = Σ_b g, with the errors of g and a carried. */
  const weightGrad = (
    g: Float64Array,
    eg: Float64Array,
    a: Float64Array,
    ea: Float64Array | null,
    M: number,
    N: number,
  ) => {
    const ew = productBounds(g, a, M, B, N, { transA: true });
    const eb = new Float64Array(M);
    for (let m = 0; m < M; m++) {
      let abs = 0;
      let sum = 0;
      for (let b = 0; b < B; b++) {
        abs += Math.abs(g[b * M + m]!);
        sum += g[b * M + m]!;
        eb[m]! += eg[b * M + m]!;
        for (let j = 0; j < N; j++)
          ew[m * N + j]! +=
            eg[b * M + m]! * Math.abs(a[b * N + j]!) + Math.abs(g[b * M + m]!) * (ea ? ea[b * N + j]! : 0);
      }
      eb[m]! += U * Math.abs(sum) + sumBound(B, abs);
    }
    return { ew, eb };
  };
  const l1 = weightGrad(gz1, egz1, x, null, H, I);
  const l2 = weightGrad(gz2, egz2, h, eh, O, H);
  return { loss, grads: [l1.ew, l1.eb, l2.ew, l2.eb] };
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
        const bounds = gradientBounds(base, dims, acts);
        // ε_f: the float64 evaluation error of the loss, the GPU's bound scaled from u = 2⁻²⁴ to 2⁻⁵³.
        const epsF = bounds.loss * 2 ** -29;
        expect(lossGpu).to.be.closeTo(cpuLoss(base, dims, acts), bounds.loss + epsF);
        // Central differences on every parameter element, in float64 (eps 1e-6).
        const eps = 1e-6;
        const step3 = 1e-2;
        for (let p = 0; p < 4; p++) {
          const arr = base[p + 2]!;
          const fd = new Float64Array(arr.length);
          const fdErr = new Float64Array(arr.length);
          for (let i = 0; i < arr.length; i++) {
            const keep = arr[i]!;
            arr[i] = keep + eps;
            const up = cpuLoss(base, dims, acts);
            arr[i] = keep - eps;
            const down = cpuLoss(base, dims, acts);
            const at = (s: number) => {
              arr[i] = keep + s;
              return cpuLoss(base, dims, acts);
            };
            const third = (at(2 * step3) - 2 * at(step3) + 2 * at(-step3) - at(-2 * step3)) / (2 * step3 ** 3);
            arr[i] = keep;
            fd[i] = (up - down) / (2 * eps);
            fdErr[i] = ((2 * eps ** 2) / 6) * Math.abs(third) + epsF / eps;
          }
          const got = await exe.read(grads.get(net.params[p]!)!);
          const bound = bounds.grads[p]!.map((e, i) => e + fdErr[i]!);
          expectWithin(got, fd, bound, `d loss / d ${net.params[p]!.name}`);
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
