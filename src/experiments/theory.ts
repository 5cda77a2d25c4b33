// theory.ts: the second report's theory answers, computed on the engine. Gradient descent on 2-D toy
// functions whose value and gradient come from a graph of our ops (mul, sub, add, scale, sumAll)
// differentiated by graph/autodiff and run as one Executable on the GPU; the training loop's stopping
// conditions (./stopping); the stopping point classified by the eigenvalues of the Hessian, taken by
// central finite differences of the GPU gradient; and the circularLoss op against the naive squared
// difference. Imports graph, ops, gpu, util and ./stopping, ./runtime (types); no DOM.
import { writeFloat32 } from '../gpu/readback';
import type { ManagedBuffer } from '../gpu/buffers';
import { Executable } from '../graph/executor';
import { gradients } from '../graph/autodiff';
import { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { add, mul, scale, sub } from '../ops/elementwise';
import { circularLoss } from '../ops/loss';
import { sumAll } from '../ops/reduce';
import { ConfigError } from '../util/errors';
import type { Runtime } from './runtime';
import { stopReason, validateStop, type StopConditions } from './stopping';

export type ToyName = 'bowl' | 'saddle' | 'doubleWell';

export interface ToyFunction {
  name: ToyName;
  title: string;
  formula: string;
  /** float64 value on the CPU, for the contour plot only. */
  value(x: number, y: number): number;
  /** The function of point tensors x, y [N] as graph ops: f [N]. */
  build(g: Graph, x: Tensor, y: Tensor): Tensor;
  /** The plotted region: [xmin, xmax, ymin, ymax]. */
  region: [number, number, number, number];
}

const sq = (g: Graph, t: Tensor) => g.apply(mul, [t, t], {});

export const TOY_FUNCTIONS: Record<ToyName, ToyFunction> = {
  bowl: {
    name: 'bowl',
    title: 'Bowl',
    formula: 'x² + y²',
    region: [-2, 2, -2, 2],
    value: (x, y) => x * x + y * y,
    build: (g, x, y) => g.apply(add, [sq(g, x), sq(g, y)], {}),
  },
  saddle: {
    name: 'saddle',
    title: 'Saddle',
    formula: 'x² − y²',
    region: [-2, 2, -2, 2],
    value: (x, y) => x * x - y * y,
    build: (g, x, y) => g.apply(sub, [sq(g, x), sq(g, y)], {}),
  },
  doubleWell: {
    name: 'doubleWell',
    title: 'Two minima',
    formula: '(x² − 1)² + y²',
    region: [-2, 2, -2, 2],
    value: (x, y) => (x * x - 1) ** 2 + y * y,
    build: (g, x, y) => g.apply(add, [sq(g, g.apply(scale, [sq(g, x)], { alpha: 1, beta: -1 })), sq(g, y)], {}),
  },
};

/** f and ∇f at N points at once: f = Σᵢ fᵢ, so ∂f/∂xᵢ depends on point i only. */
export class GpuGradient {
  private readonly exe: Executable;
  private readonly bx: ManagedBuffer;
  private readonly by: ManagedBuffer;
  private readonly f: Tensor;
  private readonly gx: Tensor;
  private readonly gy: Tensor;

  constructor(
    private readonly runtime: Runtime,
    readonly fn: ToyFunction,
    readonly points: number,
  ) {
    const { gpu, registry } = runtime;
    this.bx = gpu.buffers.create(`theory:${fn.name}:x`, points * 4);
    this.by = gpu.buffers.create(`theory:${fn.name}:y`, points * 4);
    const g = new Graph();
    const x = g.param('x', [points], this.bx);
    const y = g.param('y', [points], this.by);
    this.f = fn.build(g, x, y);
    const total = g.apply(sumAll, [this.f], { alpha: 1 });
    const grads = gradients(g, total, [x, y]);
    this.gx = grads.get(x)!;
    this.gy = grads.get(y)!;
    const seed = grads.seed;
    this.exe = new Executable({ gpu, registry }, g, {
      keep: [this.f, this.gx, this.gy],
      constants: new Map([[seed, new Float32Array([1])]]),
      label: `theory:${fn.name}`,
    });
  }

  async at(
    xs: readonly number[],
    ys: readonly number[],
  ): Promise<{ f: Float32Array; gx: Float32Array; gy: Float32Array }> {
    const gpu = this.runtime.gpu;
    writeFloat32(gpu, this.bx, Float32Array.from(xs));
    writeFloat32(gpu, this.by, Float32Array.from(ys));
    this.exe.run();
    return { f: await this.exe.read(this.f), gx: await this.exe.read(this.gx), gy: await this.exe.read(this.gy) };
  }

  dispose(): void {
    this.exe.dispose();
    this.bx.dispose();
    this.by.dispose();
  }
}

export type PointKind = 'minimum' | 'maximum' | 'saddle' | 'degenerate';

/** The Hessian [[a, b], [b, c]]'s eigenvalues (ascending) and what they make of the point. */
export function classifyHessian(
  h: [number, number, number, number],
  tol = 1e-3,
): { eigenvalues: [number, number]; kind: PointKind } {
  const a = h[0];
  const b = (h[1] + h[2]) / 2;
  const c = h[3];
  const mean = (a + c) / 2;
  const r = Math.hypot((a - c) / 2, b);
  const eigenvalues: [number, number] = [mean - r, mean + r];
  const [lo, hi] = eigenvalues;
  const kind: PointKind =
    lo > tol ? 'minimum' : hi < -tol ? 'maximum' : lo < -tol && hi > tol ? 'saddle' : 'degenerate';
  return { eigenvalues, kind };
}

/** The Hessian at (x, y) by central differences of the GPU gradient with step h (one run of 4 points). */
export async function hessianAt(
  grad: GpuGradient,
  x: number,
  y: number,
  h = 1e-2,
): Promise<[number, number, number, number]> {
  if (grad.points !== 4)
    throw new ConfigError(
      `hessianAt: expected a GpuGradient of 4 points; got ${grad.points}. Make one with points = 4.`,
    );
  const r = await grad.at([x + h, x - h, x, x], [y, y, y + h, y - h]);
  const d = (v: Float32Array, i: number, j: number) => (v[i]! - v[j]!) / (2 * h);
  return [d(r.gx, 0, 1), d(r.gy, 0, 1), d(r.gx, 2, 3), d(r.gy, 2, 3)];
}

export interface DescentConfig {
  fn: ToyName;
  start: [number, number];
  lr: number;
  /** maxEpochs is the iteration limit; gradNorm ε, paramChange δ, targetLoss, timeLimitSeconds as in stopping.ts. */
  stop: StopConditions;
  /** Stops when the point leaves the square |x|, |y| ≤ bound (the descent diverged). */
  bound?: number;
}

export interface DescentResult {
  fn: ToyName;
  path: { x: number; y: number; f: number; gradNorm: number }[];
  iterations: number;
  stopReason: string;
  end: { x: number; y: number; f: number };
  hessian: [number, number, number, number];
  eigenvalues: [number, number];
  kind: PointKind;
  hessianMethod: string;
}

export function validateDescent(c: DescentConfig): DescentConfig {
  if (!(c.fn in TOY_FUNCTIONS))
    throw new ConfigError(
      `descent.fn: unknown function "${c.fn}"; expected one of ${Object.keys(TOY_FUNCTIONS).join(', ')}.`,
    );
  if (!(c.lr > 0 && Number.isFinite(c.lr)))
    throw new ConfigError(`descent.lr: expected a positive number; got ${c.lr}.`);
  if (!c.start.every(Number.isFinite))
    throw new ConfigError(`descent.start: expected two finite numbers; got ${c.start.join(', ')}.`);
  validateStop(c.stop);
  return c;
}

/** Plain gradient descent θ ← θ − lr·∇f(θ), f and ∇f from the GPU, until a stopping condition holds. */
export async function descend(
  runtime: Runtime,
  config: DescentConfig,
  now: () => number = () => performance.now(),
): Promise<DescentResult> {
  const c = validateDescent(config);
  const fn = TOY_FUNCTIONS[c.fn];
  const bound = c.bound ?? 1e3;
  const one = new GpuGradient(runtime, fn, 1);
  const four = new GpuGradient(runtime, fn, 4);
  try {
    const t0 = now();
    let [x, y] = c.start;
    let change: number | undefined;
    const path: DescentResult['path'] = [];
    let reason: string | null = null;
    for (let n = 0; ; n++) {
      const r = await one.at([x], [y]);
      const gx = r.gx[0]!;
      const gy = r.gy[0]!;
      const gradNorm = Math.hypot(gx, gy);
      path.push({ x, y, f: r.f[0]!, gradNorm });
      if (Math.max(Math.abs(x), Math.abs(y)) > bound || !Number.isFinite(r.f[0]!))
        reason = `left the region |x|, |y| ≤ ${bound} (diverged)`;
      reason ??= stopReason(c.stop, {
        epoch: n,
        step: n,
        loss: r.f[0]!,
        gradNorm,
        paramChange: change,
        elapsedSeconds: (now() - t0) / 1000,
      });
      if (reason) break;
      const nx = x - c.lr * gx;
      const ny = y - c.lr * gy;
      change = Math.hypot(nx - x, ny - y);
      x = nx;
      y = ny;
    }
    const end = path[path.length - 1]!;
    const hessian = await hessianAt(four, end.x, end.y);
    const { eigenvalues, kind } = classifyHessian(hessian);
    return {
      fn: c.fn,
      path,
      iterations: path.length - 1,
      stopReason: reason,
      end: { x: end.x, y: end.y, f: end.f },
      hessian,
      eigenvalues,
      kind,
      hessianMethod: 'central finite differences (h = 0.01) of the GPU gradient',
    };
  } finally {
    one.dispose();
    four.dispose();
  }
}

export interface AngleCurves {
  target: number;
  predicted: number[];
  circular: number[];
  naive: number[];
}

/**
 * The circularLoss op and the naive (p − t)², both run on the GPU, for predicted angles from
 * target − span to target + span (degrees) in steps of `step`, at a fixed target.
 */
export async function angleLossCurves(runtime: Runtime, target: number, span = 360, step = 5): Promise<AngleCurves> {
  const { gpu, registry } = runtime;
  const g = new Graph();
  const p = g.input('p', [1]);
  const t = g.input('t', [1]);
  const circ = g.apply(circularLoss, [p, t], {});
  const d = g.apply(sub, [p, t], {});
  const naive = g.apply(mul, [d, d], {});
  const exe = new Executable({ gpu, registry }, g, { keep: [circ, naive], label: 'theory:angles' });
  const out: AngleCurves = { target, predicted: [], circular: [], naive: [] };
  try {
    exe.write(t, new Float32Array([target]));
    for (let a = target - span; a <= target + span + 1e-9; a += step) {
      exe.write(p, new Float32Array([a]));
      exe.run();
      out.predicted.push(a);
      out.circular.push((await exe.read(circ))[0]!);
      out.naive.push((await exe.read(naive))[0]!);
    }
  } finally {
    exe.dispose();
  }
  return out;
}

/** Values of fn on a res × res grid over its region, row-major from ymin up (for contours). */
export function sampleGrid(fn: ToyFunction, res: number): Float64Array {
  const [x0, x1, y0, y1] = fn.region;
  const v = new Float64Array(res * res);
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++)
      v[j * res + i] = fn.value(x0 + ((x1 - x0) * i) / (res - 1), y0 + ((y1 - y0) * j) / (res - 1));
  return v;
}
