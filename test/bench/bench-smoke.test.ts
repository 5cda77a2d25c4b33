// The benchmark's workloads at tiny shapes: each peer (ours, tfjs, jax-js) runs and yields a positive
// finite value; for the training workloads every loss falls and all three start from the same loss
// (same weights, same data); the GEMM, inference and first-step peers compute the same numbers. The
// cold first-step workload runs each measurement in a fresh process, which a test page cannot start:
// its core (coldFirstStep) and its rounds (measureColdWorkload) run here in this page instead, where
// the libraries' caches may be warm. Correctness only: nothing here checks timings. And the conv
// autoencoder's forward pass against tfjs's on the same weights, written here from PyTorch's layouts.
import { expect } from 'chai';
import {
  coldFirstStep,
  createBenchEnv,
  FIRST_LOSS_RTOL,
  FIRST_STEP_COLD_WORKLOAD,
  type FirstStepPeer,
  type InferPeer,
  JaxOpsPeer,
  measureColdWorkload,
  measureWorkload,
  OurOpsPeer,
  TfOpsPeer,
  WORKLOADS,
  type BenchEnv,
  type ColdContext,
  type ColdOutcome,
  type Jax,
  type Peer,
  type PeerKey,
  type PeerResult,
} from '../../bench/workloads/index';
import { CONV_TRAIN_C128_WORKLOAD } from '../../bench/workloads/conv-train';
import { convForwardMacs } from '../../bench/workloads/index';
import { Executable } from '../../src/graph/executor';
import { Graph } from '../../src/graph/graph';
import { ConvAutoencoder } from '../../src/nn/conv-autoencoder';
import { Rng } from '../../src/util/rng';
import type * as TfCore from '@tensorflow/tfjs-core';
import { allclose } from '../helpers/allclose';
import { loadTfjs } from './tfjs-loader';

const TRAINING = new Set(['fc-train-sync1', 'fc-train-sync10', 'conv-train', 'conv-train-c128']);
const CONV_TRAINING = new Set(['conv-train', 'conv-train-c128']);

describe('bench workloads (smoke shapes)', () => {
  let env: BenchEnv;

  before(async () => {
    const jax = (await import('@jax-js/jax')) as unknown as Jax;
    env = await createBenchEnv(await loadTfjs(), null, jax);
  });

  after(() => {
    env?.gpu.destroy();
  });

  it('jax-js starts on WebGPU in this browser', () => {
    expect(env.jaxUnavailable, 'jax-js start failure').to.equal(null);
    expect(env.jax).to.not.equal(null);
  });

  for (const w of WORKLOADS) {
    it(`${w.name}: every measured peer returns a positive finite ${w.unit}`, async function () {
      // conv-train builds three conv models' pipelines; SwiftShader on a shared CPU compiles slowly.
      if (CONV_TRAINING.has(w.name)) this.timeout(300_000);
      const r = await measureWorkload(w, env, { size: 'smoke', rounds: 1 });
      // A workload that runs ours alone says why in the tfjs and jax columns; extra kernel-level rows
      // without a jax-js version say why in the jax column.
      const alone = w.oursAlone?.(env, 'smoke') ?? null;
      expect('median' in r.tfjs, `${w.name}: tfjs ${JSON.stringify(r.tfjs)}`).to.equal(alone === null);
      if (alone !== null) {
        expect(r.tfjs).to.deep.equal({ unavailable: alone });
        expect(r.jax).to.deep.equal({ unavailable: alone });
        expect(r.ratioTfjs).to.equal(null);
        expect(r.ratioJax).to.equal(null);
      } else {
        expect('median' in r.jax, `${w.name}: jax ${JSON.stringify(r.jax)}`).to.equal(w.jax !== undefined);
      }
      const peers = (
        [
          ['ours', r.ours],
          ['tfjs', r.tfjs],
          ['jax', r.jax],
        ] as const
      ).filter((e): e is readonly [PeerKey, PeerResult] => 'median' in e[1]);
      // Rows that count their FLOPs report every measured peer's rate in GFLOP/s as well.
      if (w.flopsPerRep) {
        const flops = w.flopsPerRep('smoke');
        expect(r.flopsPerRep).to.equal(flops);
        for (const [who, peer] of peers) {
          const want = (peer.median * flops) / r.workPerRep / 1e9;
          expect(r.gflops?.[who]?.median, `${w.name} ${who} GFLOP/s`).to.be.closeTo(want, 1e-12 * want);
        }
      } else {
        expect(r.gflops).to.equal(undefined);
      }
      // Rows that count steps: one steady-state step of every measured peer, with at least one dispatch.
      if (w.countsSteps) {
        for (const [who] of peers)
          expect(r.counts?.[who]?.dispatches, `${w.name} ${who} dispatches`).to.be.greaterThan(0);
      }
      for (const [who, peer] of peers) {
        expect(peer.samples, `${w.name} ${who}`).to.have.length(1);
        expect(Number.isFinite(peer.median) && peer.median > 0, `${w.name} ${who}: value ${peer.median}`).to.equal(
          true,
        );
      }
      if (alone !== null) return;
      expect(Number.isFinite(r.ratioTfjs!) && r.ratioTfjs! > 0).to.equal(true);
      if (w.jax) expect(Number.isFinite(r.ratioJax!) && r.ratioJax! > 0).to.equal(true);
      if (!TRAINING.has(w.name)) return;
      for (const [who, peer] of peers) {
        expect(peer.lossFell, `${w.name} ${who}: loss ${peer.firstLoss} → ${peer.lastLoss}`).to.equal(true);
      }
      // Step 0's loss is computed before any update, from identical weights and batch: only f32
      // rounding (different summation orders and layouts) separates ours and tfjs (rtol 1e-4). jax-js
      // on WebGPU lands 6e-4 (relative) off on the conv model, though its lax.conv / convTranspose
      // match a float64 loop to 1e-7 on its CPU device; so conv-train vs jax gets rtol 2e-3.
      const jaxTol = CONV_TRAINING.has(w.name) ? 2e-3 : 1e-4;
      allclose(
        [r.ours.firstLoss!],
        [(r.tfjs as PeerResult).firstLoss!],
        { atol: 0, rtol: 1e-4 },
        `${w.name} first loss vs tfjs`,
      );
      allclose(
        [r.ours.firstLoss!],
        [(r.jax as PeerResult).firstLoss!],
        { atol: 0, rtol: jaxTol },
        `${w.name} first loss vs jax`,
      );
    });
  }

  /** Sets up the three peers of a workload, runs `body`, and disposes them. */
  async function withPeers(name: string, body: (ours: Peer, tfjs: Peer, jax: Peer) => Promise<void>): Promise<void> {
    const w = WORKLOADS.find((x) => x.name === name)!;
    const ours = await w.ours(env, 'smoke');
    const tfjs = await w.tfjs(env, 'smoke');
    const jax = await w.jax!(env.jax!, env, 'smoke');
    try {
      await body(ours, tfjs, jax);
    } finally {
      ours.dispose();
      tfjs.dispose();
      jax.dispose();
    }
  }

  it('gemm-fc-fwd / -dx / -dw: the three peers compute the same products', async () => {
    for (const name of ['gemm-fc-fwd', 'gemm-fc-dx', 'gemm-fc-dw']) {
      await withPeers(name, async (ours, tfjs, jax) => {
        expect(ours).to.be.instanceOf(OurOpsPeer);
        expect(tfjs).to.be.instanceOf(TfOpsPeer);
        expect(jax).to.be.instanceOf(JaxOpsPeer);
        for (const p of [ours, tfjs, jax]) await p.run(1);
        for (let k = 0; k < 3; k++) {
          // Operands in [-1, 1), K ≤ 48 terms.
          const tol = { atol: 1e-5 * Math.sqrt(48) * 4, rtol: 1e-4 };
          const mine = await (ours as OurOpsPeer).read(k);
          allclose(mine, await (tfjs as TfOpsPeer).read(k), tol, `${name} product ${k} vs tfjs`);
          allclose(mine, await (jax as JaxOpsPeer).read(k), tol, `${name} product ${k} vs jax`);
        }
      });
    }
  });

  it('inference: the three peers reconstruct the same images', async () => {
    await withPeers('inference', async (ours, tfjs, jax) => {
      for (const p of [ours, tfjs, jax]) await p.run(1);
      const [a, b, c] = [ours, tfjs, jax].map((p) => (p as InferPeer).first!);
      // Six layers of ≤ 64 terms on values in [0, 1]: f32 rounding only.
      allclose(a!, b!, { atol: 1e-5, rtol: 1e-4 }, 'inference vs tfjs');
      allclose(a!, c!, { atol: 1e-5, rtol: 1e-4 }, 'inference vs jax');
    });
  });

  it('first-step-warm: each fresh setup finishes one step with the same first loss', async () => {
    await withPeers('first-step-warm', async (ours, tfjs, jax) => {
      for (const p of [ours, tfjs, jax]) await p.run(1);
      const [a, b, c] = [ours, tfjs, jax].map((p) => (p as FirstStepPeer).stepLosses[0]!);
      allclose([a!, a!], [b!, c!], { atol: 0, rtol: 1e-4 }, 'first-step-warm loss');
    });
  });

  // The second report's model (Conv2d(1→c, 4, 2, 1) → ReLU → Conv2d(c→2c, 4, 2, 1) → ReLU → Flatten →
  // Linear(2c·49 → L); Linear(L → 2c·49) → Unflatten → ConvTranspose2d(2c→c, 4, 2, 1) → ReLU →
  // ConvTranspose2d(c→1, 4, 2, 1) → Sigmoid) built from tfjs ops on our model's own weights: PyTorch's
  // Conv2d [O, C, K, K] becomes tfjs's [K, K, C, O], ConvTranspose2d [Cin, Cout, K, K] tfjs's
  // [K, K, Cout, Cin] (both permutation [2, 3, 1, 0]), Linear [out, in] multiplies transposed, and
  // Flatten / Unflatten use PyTorch's C·H·W order, so tfjs's NHWC goes through NCHW around them. A
  // swapped axis, a flipped kernel or another flatten order moves outputs by ~1e-1. Tolerance: each
  // layer's sums (K ≤ 2c·49 = 196 terms, |terms| summing to < 4 at this initialisation) differ between
  // two float32 implementations by at most 2·λ·√K·u·4 ≈ 4e-5 (λ = 6, u = 2⁻²⁴, test/helpers/bounds.ts);
  // the layers after do not enlarge it (ReLU, sigmoid′ ≤ 1/4, weights of norm < 1), and the output's
  // sigmoid quarters it: atol 3e-5.
  it('the conv autoencoder (c = 2, latent 3) gives the forward of tfjs on the same weights', async () => {
    const tf = env.tf as unknown as typeof TfCore;
    const [N, c, L] = [3, 2, 3];
    const model = new ConvAutoencoder(env.gpu, { latent: L, capacity: c, seed: 21 });
    const rng = new Rng(8);
    const x = new Float32Array(N * 784).map(() => rng.uniform(0, 1));
    const g = new Graph();
    const input = g.input('x', [N, 1, 28, 28]);
    const out = model.forward(g, input);
    const exe = new Executable({ gpu: env.gpu, registry: env.registry }, g, { keep: [out] });
    const weights: { data: Float32Array; shape: number[] }[] = [];
    let ours: Float32Array;
    try {
      for (const [, p] of model.namedParameters()) weights.push({ data: await p.read(), shape: [...p.shape] });
      exe.write(input, x);
      exe.run();
      ours = await exe.read(out);
    } finally {
      exe.dispose();
      model.dispose();
    }
    /** [d0, d1, d2, d3] → [d2, d3, d1, d0] */
    const toTf = ({ data, shape }: { data: Float32Array; shape: number[] }) =>
      tf.transpose(tf.tensor4d(data, shape as [number, number, number, number]), [2, 3, 1, 0]) as TfCore.Tensor4D;
    const theirs = tf.tidy(() => {
      const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5, w6, b6] = weights;
      const vec = (w: { data: Float32Array }) => tf.tensor1d(w.data);
      const mat = (w: { data: Float32Array; shape: number[] }) => tf.tensor2d(w.data, w.shape as [number, number]);
      // C = 1: the NCHW input is also NHWC
      const r4 = (t: TfCore.Tensor) => t as TfCore.Tensor4D;
      let h = tf.tensor4d(x, [N, 28, 28, 1]);
      h = r4(tf.relu(tf.add(tf.conv2d(h, toTf(w1!), 2, 1), vec(b1!))));
      h = r4(tf.relu(tf.add(tf.conv2d(h, toTf(w2!), 2, 1), vec(b2!))));
      const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [N, 2 * c * 49]) as TfCore.Tensor2D;
      const z = tf.add(tf.matMul(flat, mat(w3!), false, true), vec(b3!)) as TfCore.Tensor2D;
      const d = tf.add(tf.matMul(z, mat(w4!), false, true), vec(b4!));
      h = r4(tf.transpose(tf.reshape(d, [N, 2 * c, 7, 7]), [0, 2, 3, 1]));
      h = r4(tf.relu(tf.add(tf.conv2dTranspose(h, toTf(w5!), [N, 14, 14, c], 2, 1), vec(b5!))));
      h = r4(tf.sigmoid(tf.add(tf.conv2dTranspose(h, toTf(w6!), [N, 28, 28, 1], 2, 1), vec(b6!))));
      return h;
    });
    const expected = (await theirs.data()) as Float32Array;
    theirs.dispose();
    expect(ours!.length).to.equal(N * 784);
    // Not a constant image: the comparison sees the layout.
    const spread = Math.max(...expected) - Math.min(...expected);
    expect(spread, 'output spread').to.be.greaterThan(1e-3);
    allclose(ours!, expected, { atol: 3e-5, rtol: 0 }, 'conv autoencoder forward vs tfjs');
  });

  const coldContext = (): ColdContext => ({
    tf: env.tf,
    jax: env.jax,
    acquire: env.acquire,
    images: null,
    size: 'smoke',
  });

  it('first-step (cold core): each peer starts its backend, finishes one step and reads the same first loss', async () => {
    const losses: number[] = [];
    for (const peer of ['ours', 'tfjs', 'jax'] as const) {
      const out = await coldFirstStep(peer, coldContext());
      expect('seconds' in out, `${peer}: ${JSON.stringify(out)}`).to.equal(true);
      const { seconds, loss } = out as { seconds: number; loss: number };
      expect(Number.isFinite(seconds) && seconds > 0, `${peer}: seconds ${seconds}`).to.equal(true);
      losses.push(loss);
    }
    allclose(
      [losses[0]!, losses[0]!],
      [losses[1]!, losses[2]!],
      { atol: 0, rtol: 1e-4 },
      'cold first-step loss (ours vs tfjs, jax)',
    );
    expect(env.errors, 'GPU errors').to.deep.equal([]);
  });

  it('first-step (cold rounds): rotates the peers, summarises seconds and keeps the first losses', async () => {
    const calls: PeerKey[] = [];
    const r = await measureColdWorkload(
      FIRST_STEP_COLD_WORKLOAD,
      (peer) => {
        calls.push(peer);
        return coldFirstStep(peer, coldContext());
      },
      { size: 'smoke', rounds: 2 },
    );
    expect(calls).to.deep.equal(['ours', 'tfjs', 'jax', 'tfjs', 'jax', 'ours']);
    expect(r.name).to.equal('first-step');
    expect(r.lowerIsBetter).to.equal(true);
    expect(r.rounds).to.equal(2);
    for (const [who, p] of [
      ['ours', r.ours],
      ['tfjs', r.tfjs],
      ['jax', r.jax],
    ] as const) {
      expect('median' in p, `${who}: ${JSON.stringify(p)}`).to.equal(true);
      const peer = p as PeerResult;
      expect(peer.samples, who).to.have.length(2);
      expect(
        peer.samples.every((x) => Number.isFinite(x) && x > 0),
        `${who}: ${peer.samples}`,
      ).to.equal(true);
      expect(peer.lossFell, who).to.equal(undefined);
      allclose([peer.firstLoss!], [r.ours.firstLoss!], { atol: 0, rtol: FIRST_LOSS_RTOL }, `${who} cold first loss`);
    }
    expect(Number.isFinite(r.ratioTfjs!) && r.ratioTfjs! > 0).to.equal(true);
    expect(Number.isFinite(r.ratioJax!) && r.ratioJax! > 0).to.equal(true);
  });

  it('first-step (cold rounds): a failed run fails the workload naming the peer; jax-js unable to start is reported unavailable', async () => {
    const fake =
      (failing: PeerKey | null) =>
      async (peer: PeerKey): Promise<ColdOutcome> => {
        if (peer === failing) throw new Error('boom from the child');
        if (peer === 'jax') return { unavailable: 'jax-js: no WebGPU here' };
        return { seconds: 0.5, loss: 0.25 };
      };
    let message = '';
    try {
      await measureColdWorkload(FIRST_STEP_COLD_WORKLOAD, fake('tfjs'), { size: 'smoke', rounds: 1 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/first-step: the cold tfjs run \(round 1\) failed: boom from the child/);
    const r = await measureColdWorkload(FIRST_STEP_COLD_WORKLOAD, fake(null), { size: 'smoke', rounds: 2 });
    expect(r.jax).to.deep.equal({ unavailable: 'jax-js: no WebGPU here' });
    expect(r.ratioJax).to.equal(null);
    expect(r.ours.samples).to.deep.equal([0.5, 0.5]);
  });
});

describe('conv-train-c128: counted FLOPs, and where it runs ours alone', () => {
  it('counts 3 × 2 × the forward multiply-adds of the c = 128 model, layer by layer by hand', () => {
    const [c, L] = [128, 10];
    // One image: each output of a convolution sums C_in·4·4 products; a transposed convolution spreads
    // each of its inputs over C_out·4·4 outputs; a Linear layer is in·out.
    const perImage = [
      c * 14 * 14 * (1 * 16), // Conv2d 1 → c, 28 → 14
      2 * c * 7 * 7 * (c * 16), // Conv2d c → 2c, 14 → 7
      2 * c * 49 * L, // Linear 2c·49 → L
      L * 2 * c * 49, // Linear L → 2c·49
      2 * c * 7 * 7 * (c * 16), // ConvTranspose2d 2c → c, 7 → 14
      c * 14 * 14 * (1 * 16), // ConvTranspose2d c → 1, 14 → 28
    ].reduce((a, b) => a + b, 0);
    expect(perImage).to.equal(52_433_920);
    expect(convForwardMacs({ c, latent: L })).to.equal(perImage);
    // Batch 64: 20.1 GFLOP per step.
    expect(CONV_TRAIN_C128_WORKLOAD.flopsPerRep!('full')).to.equal(20_134_625_280);
  });

  it('leaves tfjs and jax-js out at full size on a CPU adapter only', () => {
    const env = (isFallback: boolean) =>
      ({
        gpu: { adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallback } },
      }) as unknown as BenchEnv;
    const why = CONV_TRAIN_C128_WORKLOAD.oursAlone!(env(true), 'full');
    expect(why)
      .to.be.a('string')
      .and.match(/CPU adapter \(google swiftshader\)/);
    expect(CONV_TRAIN_C128_WORKLOAD.oursAlone!(env(false), 'full')).to.equal(null);
    expect(CONV_TRAIN_C128_WORKLOAD.oursAlone!(env(true), 'smoke')).to.equal(null);
  });
});
