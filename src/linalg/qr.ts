// qr.ts: Householder QR on the GPU (shaders/qr.wgsl), the explicit Q₁ it defines, and the
// back-substitution with R (shaders/trisolve.wgsl). Used by lstsq.ts; not a graph op.
// Imports gpu and kernels (it records its own dispatches through the registry, as an op's build
// does), ops (the Dispatch type) and util.
import type { Gpu } from '../gpu/device';
import type { ManagedBuffer } from '../gpu/buffers';
import { readFloat32 } from '../gpu/readback';
import type { KernelRegistry, Params } from '../kernels/registry';
import { SHADERS } from '../kernels/shaders';
import { coveringGrid, threadGrid, type Sized } from '../kernels/dispatch';
import type { Dispatch } from '../ops/op';
import { ConfigError, KernelBindingError } from '../util/errors';

/** A dispatch's workgroup counts, from its kernel's reflected workgroup size. */
type Grid = (kernel: Sized) => readonly [number, number, number];

/** One workgroup (house: tree reductions over the rows). */
const oneGroup: Grid = () => [1, 1, 1];
/** One thread per target column, on x only (apply_reflector does not wrap). */
const perColumn =
  (columns: number): Grid =>
  (kernel) =>
    coveringGrid(kernel, [columns]);
/** One thread per element, wrapping onto y past 65,535 groups. */
const perElement =
  (n: number): Grid =>
  (kernel) =>
    threadGrid(kernel, n);

export interface LinalgContext {
  gpu: Gpu;
  registry: KernelRegistry;
}

/** Call sites for one command buffer, encoded in order in one compute pass. */
export class Recording {
  private readonly sites: Dispatch[] = [];

  constructor(private readonly ctx: LinalgContext) {}

  add(
    shader: keyof typeof SHADERS,
    entry: string,
    resources: Record<string, ManagedBuffer>,
    params: Params,
    grid: Grid,
  ): void {
    const kernel = this.ctx.registry.kernel(SHADERS[shader], entry);
    this.sites.push({ bound: this.ctx.registry.bind(kernel, resources, params), workgroups: grid(kernel) });
  }

  /** Dispatches recorded elsewhere (an op's build); this recording disposes them. */
  addDispatches(dispatches: readonly Dispatch[]): void {
    this.sites.push(...dispatches);
  }

  encode(encoder: GPUCommandEncoder, label: string): void {
    const pass = encoder.beginComputePass({ label });
    for (const d of this.sites) d.bound.encode(pass, d.workgroups);
    pass.end();
  }

  dispose(): void {
    for (const d of this.sites) d.bound.dispose();
    this.sites.length = 0;
  }
}

/**
 * Records with `build`, encodes into one command buffer (after `before`, e.g. buffer copies), submits
 * it and waits for the GPU. A validation error raised while recording or submitting becomes a
 * KernelBindingError naming `label`; the call sites' uniform buffers are freed before returning.
 */
export async function runRecorded(
  ctx: LinalgContext,
  label: string,
  build: (rec: Recording) => void,
  before?: (encoder: GPUCommandEncoder) => void,
): Promise<void> {
  const { device } = ctx.gpu;
  const rec = new Recording(ctx);
  device.pushErrorScope('validation');
  let scopeOpen = true;
  try {
    build(rec);
    const encoder = device.createCommandEncoder({ label });
    before?.(encoder);
    rec.encode(encoder, label);
    device.queue.submit([encoder.finish()]);
    scopeOpen = false;
    const error = await device.popErrorScope();
    await device.queue.onSubmittedWorkDone();
    if (ctx.gpu.lostError) throw ctx.gpu.lostError;
    if (error)
      throw new KernelBindingError(
        `${label}: the GPU rejected the recorded work; expected valid dispatches, got: ${error.message}. Check the adapter limits for these shapes.`,
      );
  } finally {
    if (scopeOpen) void device.popErrorScope();
    rec.dispose();
  }
}

/**
 * The factors of A [m, n] = Q·R. `w` ([m, n] row-major) holds R's strict upper triangle (the rest is
 * workspace), `diag` [n] its diagonal, `v` ([m, n] row-major) the reflector v_j in column j, rows
 * j..m−1 (v_j[j] = 1), and `tau` [n] the scalars, H_j = I − tau_j·v_j·v_jᵀ, Q = H_0·H_1·…·H_{n−1}.
 */
export interface QrFactors {
  readonly m: number;
  readonly n: number;
  readonly w: ManagedBuffer;
  readonly v: ManagedBuffer;
  readonly tau: ManagedBuffer;
  readonly diag: ManagedBuffer;
  dispose(): void;
}

/**
 * Factorises A on the GPU in one command buffer (two dispatches per column), then reads back R's
 * diagonal (n floats) and checks it: a non-finite entry, or |R(j, j)| ≤ rcond·max_i |R(i, i)|, is a
 * ConfigError naming column j. Without pivoting, a small R(j, j) means column j of A is (nearly) a
 * linear combination of columns 0..j−1. A is copied; the caller's buffer is only read.
 */
export async function householderQr(
  ctx: LinalgContext,
  a: Float32Array | ManagedBuffer,
  m: number,
  n: number,
  rcond: number,
  where: string,
): Promise<QrFactors> {
  const { gpu } = ctx;
  const made: ManagedBuffer[] = [];
  const make = (label: string, count: number) => {
    const b = gpu.buffers.create(`${where}:${label}`, count * 4);
    made.push(b);
    return b;
  };
  const dispose = () => {
    for (const b of made) b.dispose();
  };
  try {
    const w = a instanceof Float32Array ? gpu.buffers.fromData(`${where}:qr.w`, a) : make('qr.w', m * n);
    if (a instanceof Float32Array) made.push(w);
    const factors: QrFactors = {
      m,
      n,
      w,
      v: make('qr.v', m * n),
      tau: make('qr.tau', n),
      diag: make('qr.diag', n),
      dispose,
    };
    const { v, tau, diag } = factors;
    const base = { rows: m, ld: n, t_rs: n, t_cs: 1 };
    const build = (rec: Recording) => {
      for (let j = 0; j < n; j++) {
        rec.add('qr', 'house', { w, v, tau, diag }, { ...base, cols: n, j, c0: j }, oneGroup);
        if (j + 1 < n)
          rec.add('qr', 'apply_reflector', { v, tau, t: w }, { ...base, cols: n, j, c0: j + 1 }, perColumn(n - j - 1));
      }
    };
    await runRecorded(ctx, `${where}:qr`, build, (encoder) => {
      if (!(a instanceof Float32Array)) encoder.copyBufferToBuffer(a.gpuBuffer, a.offset, w.gpuBuffer, 0, m * n * 4);
    });
    checkDiagonal(await readFloat32(gpu, diag, 0, n), rcond, where);
    return factors;
  } catch (e) {
    dispose();
    throw e;
  }
}

function checkDiagonal(d: Float32Array, rcond: number, where: string): void {
  let top = 0;
  for (let j = 0; j < d.length; j++) {
    const x = d[j]!;
    if (!Number.isFinite(x)) {
      throw new ConfigError(
        `${where}: R(${j}, ${j}) is ${x} after Householder QR; expected finite values. Column ${j} of A (or an earlier one) holds NaN or ±Inf, or overflows float32; check A's values.`,
      );
    }
    top = Math.max(top, Math.abs(x));
  }
  const limit = rcond * top;
  for (let j = 0; j < d.length; j++) {
    const x = Math.abs(d[j]!);
    if (x <= limit) {
      const what =
        top === 0
          ? 'A is all zeros'
          : j === 0
            ? 'column 0 of A is (nearly) zero'
            : `column ${j} of A is (nearly) a linear combination of columns 0..${j - 1}`;
      throw new ConfigError(
        `${where}: A is rank-deficient or too ill-conditioned for float32 at column ${j} (${what}); expected |R(${j}, ${j})| > rcond·max|R(i, i)| = ${limit.toPrecision(3)}, got ${x.toPrecision(3)}. ` +
          `Drop or merge column ${j}, regularise (append √λ·I rows to A and zero rows to B), or pass a smaller rcond.`,
      );
    }
  }
}

/**
 * Records Q₁ = H_0·…·H_{n−1}·[I_n; 0] (m × n) into `target`, written at t(i, c) = target[i·tRs + c·tCs]:
 * tRs = n, tCs = 1 for Q₁ row-major [m, n]; tRs = 1, tCs = m for Q₁ᵀ row-major [n, m].
 */
export function recordFormQ(rec: Recording, f: QrFactors, target: ManagedBuffer, tRs: number, tCs: number): void {
  const { m, n, v, tau } = f;
  const base = { rows: m, cols: n, ld: n, t_rs: tRs, t_cs: tCs };
  rec.add('qr', 'init_identity', { t: target }, { ...base, j: 0, c0: 0 }, perElement(m * n));
  for (let j = n - 1; j >= 0; j--) {
    rec.add('qr', 'apply_reflector', { v, tau, t: target }, { ...base, j, c0: j }, perColumn(n - j));
  }
}

/** Records X = R⁻¹·C in place for k right-hand sides, x(i, s) = x[i·xRs + s·xCs]. */
export function recordBackSubstitute(
  rec: Recording,
  f: QrFactors,
  x: ManagedBuffer,
  k: number,
  xRs: number,
  xCs: number,
): void {
  rec.add(
    'trisolve',
    'back_substitute',
    { r: f.w, diag: f.diag, x },
    { n: f.n, k, r_rs: f.n, x_rs: xRs, x_cs: xCs },
    perElement(k),
  );
}
