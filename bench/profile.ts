// profile.ts: where one training step's time goes, kernel by kernel, on this page's adapter. Builds the
// benchmark's FC training step (784-392-196-8 AE, Adam, batch 256) and conv training step (c = 16,
// latent 10, AdamW, batch 64) with the engine, then times every dispatch of a step on its own: the
// dispatch recorded `reps` times in one pass, completion awaited, an empty submit's time subtracted.
// Prints a table per model (kernel, dispatches, ms per step, share) and leaves it on window.profileResult.
// Run with `npm run profile`. Imports the engine's gpu, kernels, graph, nn, ops and optim layers.
import { acquireGpu } from '../src/gpu/device';
import { KernelRegistry } from '../src/kernels/registry';
import { Graph } from '../src/graph/graph';
import type { Tensor } from '../src/graph/tensor';
import { FcAutoencoder } from '../src/nn/autoencoders';
import { ConvAutoencoder } from '../src/nn/conv-autoencoder';
import { Trainer } from '../src/nn/trainer';
import { mseLoss } from '../src/ops/loss';
import { createOptimizer } from '../src/optim/optimizer';
import type { Dispatch } from '../src/ops/op';
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

/** The dispatches of a trainer's step: the graph's, then the optimizer's (read through their private lists). */
function stepDispatches(trainer: Trainer): Dispatch[] {
  const graph = (trainer.exe as unknown as { dispatches: Dispatch[] }).dispatches;
  const opt = (trainer as unknown as { options: { optimizer: { sites?: { bound: Dispatch['bound']; workgroups: Dispatch['workgroups'] }[] } } }).options.optimizer;
  return [...graph, ...(opt.sites ?? []).map((s) => ({ bound: s.bound, workgroups: s.workgroups }))];
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

async function profile(name: string, trainer: Trainer, device: GPUDevice, wall: number): Promise<string> {
  const ds = stepDispatches(trainer);
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
  const lines = [`${name}: ${ds.length} dispatches; sum of kernels ${total.toFixed(1)} ms, whole step ${wall.toFixed(1)} ms`];
  for (const r of sorted) lines.push(`  ${r.kernel.padEnd(56)} ×${String(r.count).padStart(2)}  ${r.ms.toFixed(2).padStart(8)} ms  ${((100 * r.ms) / total).toFixed(1).padStart(5)}%`);
  return lines.join('\n');
}

async function wallStep(trainer: Trainer, input: Tensor, x: Float32Array): Promise<number> {
  for (let i = 0; i < 2; i++) {
    trainer.feed(input, x);
    await trainer.run(true);
  }
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) {
    trainer.feed(input, x);
    await trainer.run(true);
  }
  return (performance.now() - t0) / 3;
}

async function main() {
  const gpu = await acquireGpu();
  const registry = new KernelRegistry(gpu);
  const out: string[] = [`adapter: ${gpu.adapter.vendor} ${gpu.adapter.architecture} ${gpu.adapter.description ?? ''}`];
  const only = new URLSearchParams(location.search).get('only');
  if (!only || only === 'fc') {
    const model = new FcAutoencoder(gpu, { inputSize: 784, latent: 8, activation: 'leakyRelu', slope: 0.5, seed: 1 });
    const g = new Graph();
    const x = g.input('x', [256, 784]);
    const loss = g.apply(mseLoss, [model.forward(g, x), x], {}, 'loss');
    const trainer = new Trainer({ gpu, registry }, { graph: g, loss, params: model.namedParameters(), optimizer: createOptimizer('adam', { lr: 1e-3 }) });
    const wall = await wallStep(trainer, x, uniformData(256 * 784, 1, 0, 1));
    out.push(await profile('fc-train (batch 256)', trainer, gpu.device, wall));
    trainer.dispose();
    model.dispose();
  }
  if (!only || only === 'conv') {
    const model = new ConvAutoencoder(gpu, { latent: 10, capacity: 16, seed: 1 });
    const g = new Graph();
    const x = g.input('x', [64, 1, 28, 28]);
    const loss = g.apply(mseLoss, [model.forward(g, x), x], {}, 'loss');
    const trainer = new Trainer({ gpu, registry }, { graph: g, loss, params: model.namedParameters(), optimizer: createOptimizer('adamw', { lr: 1e-3, weightDecay: 1e-2 }) });
    const wall = await wallStep(trainer, x, uniformData(64 * 784, 2, 0, 1));
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
