// profile.ts: where one training step's time goes, kernel by kernel, on this page's adapter. Builds the
// benchmark's FC training step (784-392-196-8 AE, Adam, batch 256) and conv training step (c = 16,
// latent 10, AdamW, batch 64) with the engine, then times every dispatch of a step on its own: the
// dispatch recorded `reps` times in one pass, completion awaited, an empty submit's time subtracted.
// The FC step takes its batch from a GpuDataset (gathered per step, as in the benchmark); the gather is
// listed with the step's kernels. Prints a table per model (kernel, dispatches, ms per step, share)
// and leaves it on window.profileResult.
// Run with `npm run profile`. Imports the engine's gpu, kernels, graph, nn, ops and optim layers.
import { acquireGpu } from '../src/gpu/device';
import { KernelRegistry } from '../src/kernels/registry';
import { Graph } from '../src/graph/graph';
import { FcAutoencoder } from '../src/nn/autoencoders';
import { ConvAutoencoder } from '../src/nn/conv-autoencoder';
import { byteCoding, GpuDataset } from '../src/nn/gpu-dataset';
import { Trainer } from '../src/nn/trainer';
import { mseLoss } from '../src/ops/loss';
import { createOptimizer } from '../src/optim/optimizer';
import type { Dispatch } from '../src/ops/op';
import { DIRECT_GRIDS, directGrid, matmul, type MatmulAttrs } from '../src/ops/matmul';
import type { ManagedBuffer } from '../src/gpu/buffers';
import type { Gpu } from '../src/gpu/device';
import { uniformData } from './workloads/types';

declare global {
  interface Window {
    profileResult?: string;
    profileError?: string;
  }
}

interface Row {
  kernel: string;
  count: number;
  ms: number;
}

/** The dispatches of a trainer's step: the input gather (if any), the graph's, then the optimizer's (read through their private lists). */
function stepDispatches(trainer: Trainer, gather: Dispatch | null): Dispatch[] {
  const graph = (trainer.exe as unknown as { dispatches: Dispatch[] }).dispatches;
  const opt = (
    trainer as unknown as {
      options: { optimizer: { sites?: { bound: Dispatch['bound']; workgroups: Dispatch['workgroups'] }[] } };
    }
  ).options.optimizer;
  return [
    ...(gather ? [gather] : []),
    ...graph,
    ...(opt.sites ?? []).map((s) => ({ bound: s.bound, workgroups: s.workgroups })),
  ];
}

async function timeDispatch(device: GPUDevice, d: Dispatch | null, reps: number): Promise<number> {
  const t0 = performance.now();
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  if (d) for (let r = 0; r < reps; r++) d.bound.encode(pass, d.workgroups);
  pass.end();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / reps;
}

async function profile(
  name: string,
  trainer: Trainer,
  device: GPUDevice,
  wall: number,
  gather: Dispatch | null = null,
): Promise<string> {
  const ds = stepDispatches(trainer, gather);
  const rows = new Map<string, Row>();
  const empty = await timeDispatch(device, null, 1);
  let total = 0;
  for (const d of ds) {
    await timeDispatch(device, d, 1);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push(await timeDispatch(device, d, 4));
    times.sort((a, b) => a - b);
    const ms = Math.max(0, times[1]! - empty / 4);
    const key = `${d.bound.kernel.label} [${d.workgroups.join('×')}]`;
    const row = rows.get(key) ?? { kernel: key, count: 0, ms: 0 };
    row.count++;
    row.ms += ms;
    rows.set(key, row);
    total += ms;
  }
  const sorted = [...rows.values()].sort((a, b) => b.ms - a.ms);
  const lines = [
    `${name}: ${ds.length} dispatches; sum of kernels ${total.toFixed(1)} ms, whole step ${wall.toFixed(1)} ms`,
  ];
  for (const r of sorted)
    lines.push(
      `  ${r.kernel.padEnd(56)} ×${String(r.count).padStart(2)}  ${r.ms.toFixed(2).padStart(8)} ms  ${((100 * r.ms) / total).toFixed(1).padStart(5)}%`,
    );
  return lines.join('\n');
}

/** Wall ms of one step (loss read), after two warm-up steps; `input()` feeds the step its batch. */
async function wallStep(trainer: Trainer, input: () => void): Promise<number> {
  for (let i = 0; i < 2; i++) {
    input();
    await trainer.run(true);
  }
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) {
    input();
    await trainer.run(true);
  }
  return (performance.now() - t0) / 3;
}

/**
 * The direct GEMM's thread grids on the FC autoencoder's products (encoder and decoder layers, batch
 * 256: forward x·Wᵀ, dX = dY·W, dW = dYᵀ·X): ms per product for every grid, the one directGrid picks
 * marked with *, the fastest with +.
 */
async function gridSweep(gpu: Gpu, registry: KernelRegistry): Promise<string> {
  const B = 256;
  const layers = [
    [784, 392],
    [392, 196],
    [196, 8],
    [8, 196],
    [196, 392],
    [392, 784],
  ] as const;
  const products: { name: string; a: [number, number]; b: [number, number]; attrs: MatmulAttrs }[] = [];
  for (const [i, o] of layers) {
    products.push({ name: `fwd ${i}→${o}`, a: [B, i], b: [o, i], attrs: { transB: true } });
    products.push({ name: `dx  ${i}→${o}`, a: [B, o], b: [o, i], attrs: {} });
    products.push({ name: `dw  ${i}→${o}`, a: [B, o], b: [B, i], attrs: { transA: true } });
  }
  const lines = [
    `direct GEMM grids (ms per product; * directGrid's pick, + fastest): ${DIRECT_GRIDS.map((g) => g.join('×')).join('  ')}`,
  ];
  let picked = 0;
  let fastest = 0;
  for (const p of products) {
    const owned: ManagedBuffer[] = [];
    const keep = (b: ManagedBuffer) => {
      owned.push(b);
      return b;
    };
    const a = keep(gpu.buffers.fromData('a', uniformData(p.a[0] * p.a[1], 1)));
    const b = keep(gpu.buffers.fromData('b', uniformData(p.b[0] * p.b[1], 2)));
    const outShape = matmul.inferShape([p.a, p.b], p.attrs);
    const c = keep(gpu.buffers.create('c', outShape[0]! * outShape[1]! * 4));
    const ms: number[] = [];
    for (const grid of DIRECT_GRIDS) {
      registry.tuning.directGrids = [grid];
      const [d] = matmul.build(
        { gpu, registry, scratch: (l, n) => keep(gpu.buffers.create(l, n * 4)) },
        [a, b],
        [p.a, p.b],
        c,
        outShape,
        p.attrs,
      );
      await timeDispatch(gpu.device, d!, 1);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push(await timeDispatch(gpu.device, d!, 3));
      ms.push(times.sort((x, y) => x - y)[1]!);
      d!.bound.dispose();
    }
    registry.tuning.directGrids = undefined;
    const [M, N] = outShape as [number, number];
    const pick = DIRECT_GRIDS.findIndex((g) => g.join() === directGrid(M, N).join());
    const best = ms.indexOf(Math.min(...ms));
    picked += ms[pick]!;
    fastest += ms[best]!;
    lines.push(
      `  ${p.name.padEnd(14)} ${`${M}×${N}`.padEnd(8)} ${ms.map((t, k) => `${t.toFixed(1)}${k === pick ? '*' : ''}${k === best ? '+' : ''}`.padStart(8)).join('')}`,
    );
    owned.forEach((o) => o.dispose());
  }
  lines.push(`  total: picked ${picked.toFixed(1)} ms, fastest ${fastest.toFixed(1)} ms`);
  return lines.join('\n');
}

async function main() {
  const gpu = await acquireGpu();
  const registry = new KernelRegistry(gpu);
  const out: string[] = [`adapter: ${gpu.adapter.vendor} ${gpu.adapter.architecture} ${gpu.adapter.description ?? ''}`];
  const only = new URLSearchParams(location.search).get('only');
  if (only === 'grids') out.push(await gridSweep(gpu, registry));
  if (!only || only === 'fc') {
    const model = new FcAutoencoder(gpu, { inputSize: 784, latent: 8, activation: 'leakyRelu', slope: 0.5, seed: 1 });
    const g = new Graph();
    const x = g.input('x', [256, 784]);
    const loss = g.apply(mseLoss, [model.forward(g, x), x], {}, 'loss');
    const trainer = new Trainer(
      { gpu, registry },
      { graph: g, loss, params: model.namedParameters(), optimizer: createOptimizer('adam', { lr: 1e-3 }) },
    );
    // The batch lives on the GPU as in the benchmark's fc-train (8-bit noise; gathered per step).
    const batch = uniformData(256 * 784, 1, 0, 1).map((v) => Math.round(v * 255) / 255);
    const data = new GpuDataset(gpu, byteCoding(batch, 256, 784)!, 'profile');
    const feed = data.feed(registry, trainer.inputBuffer(x), 256);
    feed.setOrder(Uint32Array.from({ length: 256 }, (_, i) => i));
    const wall = await wallStep(trainer, () => trainer.gather(feed, 0));
    out.push(await profile('fc-train (batch 256)', trainer, gpu.device, wall, feed.dispatch(0)));
    feed.dispose();
    data.dispose();
    trainer.dispose();
    model.dispose();
  }
  if (!only || only === 'conv') {
    const model = new ConvAutoencoder(gpu, { latent: 10, capacity: 16, seed: 1 });
    const g = new Graph();
    const x = g.input('x', [64, 1, 28, 28]);
    const loss = g.apply(mseLoss, [model.forward(g, x), x], {}, 'loss');
    const trainer = new Trainer(
      { gpu, registry },
      {
        graph: g,
        loss,
        params: model.namedParameters(),
        optimizer: createOptimizer('adamw', { lr: 1e-3, weightDecay: 1e-2 }),
      },
    );
    const batch = uniformData(64 * 784, 2, 0, 1);
    const wall = await wallStep(trainer, () => trainer.feed(x, batch));
    out.push(await profile('conv-train (batch 64)', trainer, gpu.device, wall));
    trainer.dispose();
    model.dispose();
  }
  const text = out.join('\n\n');
  document.getElementById('log')!.textContent = text;
  window.profileResult = text;
}

main().catch((e: unknown) => {
  window.profileError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
});
