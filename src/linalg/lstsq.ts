// lstsq.ts: least squares min‖A·X − B‖_F and the pseudo-inverse A⁺ on the GPU, by Householder QR.
// Eager, not graph ops: each call records its own dispatches, runs them, and returns a GPU buffer
// the caller owns. Imports linalg/qr, ops (matmul), gpu, util.
//
// Method. A [m, n] (m ≥ n) is factorised as A = Q·R with n Householder reflectors (two dispatches
// per column, one command buffer, no readback inside). R's diagonal is then read back (n floats) to
// reject rank-deficient A before any work on B. For the right-hand sides, the reflectors are turned
// into the explicit Q₁ (the first n columns of Q, m × n; n more dispatches, cost independent of k),
// C = Q₁ᵀ·B is one matmul (the work that grows with k runs at matmul speed, instead of n passes of
// rank-1 updates over B), and R·X = C is solved by back-substitution, one thread per right-hand side.
// Because Q₁ comes from Householder reflectors it is orthonormal to float32 precision, so this is as
// stable as applying the reflectors one by one; the normal equations (AᵀA)·X = AᵀB are avoided
// because they square the condition number (see test/gpu/linalg/lstsq.test.ts for measurements).
// A⁺ = R⁻¹·Q₁ᵀ: Q₁ᵀ is formed directly in the output buffer and back-substituted in place.
//
// Accuracy (float32): the relative error of X is about cond(A)·1e-7 times a small factor; the tests
// hold it to 1e-4 for cond(A) ≤ 100.
import type { ManagedBuffer } from '../gpu/buffers';
import { matmul } from '../ops/matmul';
import type { BuildContext } from '../ops/op';
import { ConfigError, ShapeError } from '../util/errors';
import { checkShape, fmt } from '../util/shape';
import { householderQr, recordBackSubstitute, recordFormQ, runRecorded, type LinalgContext } from './qr';

export type { LinalgContext } from './qr';

/** A matrix on the GPU, row-major float32, owned by the caller (dispose() frees it). */
export interface LinalgResult {
  x: ManagedBuffer;
  shape: [number, number];
  dispose(): void;
}

export interface LstsqOptions {
  /**
   * false (default): B is [m, k], one right-hand side per column, and X is [n, k].
   * true: B is [k, m], one sample per row (e.g. k images of m pixels), and X is [k, n], one solution
   * per row, i.e. the rows of X solve min‖A·xᵢ − bᵢ‖ for the rows bᵢ of B.
   */
  rowsAreSamples?: boolean;
  /**
   * Rank tolerance: A is rejected (ConfigError naming the column) when some |R(j, j)| ≤
   * rcond·max_i |R(i, i)|. Default 1e-6 (≈ 8·float32 epsilon): beyond it, rounding alone makes the
   * solution's error of order 10%. 0 rejects only exactly dependent columns.
   */
  rcond?: number;
}

export const DEFAULT_RCOND = 1e-6;

type Matrix = Float32Array | ManagedBuffer;

function checkMatrix(where: string, name: string, data: Matrix, shape: readonly number[]): [number, number] {
  if (shape.length !== 2)
    throw new ShapeError(`${where}: ${name} must be a matrix; expected a shape [rows, cols], got ${fmt(shape)}.`);
  checkShape(shape, `${where}: ${name}`);
  const need = shape[0]! * shape[1]!;
  if (data instanceof Float32Array) {
    if (data.length !== need)
      throw new ShapeError(
        `${where}: ${name} has ${data.length} values; expected ${fmt(shape)} = ${need}, got ${data.length}. Pass the shape the data was made with.`,
      );
  } else if (data.byteSize < need * 4) {
    throw new ShapeError(
      `${where}: buffer "${data.label}" for ${name} holds ${data.byteSize / 4} floats; expected at least ${fmt(shape)} = ${need}, got ${data.byteSize / 4}.`,
    );
  }
  return [shape[0]!, shape[1]!];
}

function checkA(where: string, a: Matrix, aShape: readonly number[]): [number, number] {
  const [m, n] = checkMatrix(where, 'A', a, aShape);
  if (m < n)
    throw new ShapeError(
      `${where}: A must be tall; expected rows ≥ cols, got A=${fmt(aShape)}. For a wide A, solve with Aᵀ or add rows.`,
    );
  return [m, n];
}

function checkRcond(where: string, rcond: number | undefined): number {
  const r = rcond ?? DEFAULT_RCOND;
  if (!(Number.isFinite(r) && r >= 0 && r < 1))
    throw new ConfigError(
      `${where}: rcond is out of range; expected 0 ≤ rcond < 1, got ${r}. The default is ${DEFAULT_RCOND}.`,
    );
  return r;
}

/** Every buffer is bound whole; one larger than the adapter allows is a ConfigError before any work. */
function checkBindingSizes(ctx: LinalgContext, where: string, sizes: Record<string, number>, advice: string): void {
  const max = ctx.gpu.limits.maxStorageBufferBindingSize;
  for (const [name, count] of Object.entries(sizes)) {
    if (count * 4 > max)
      throw new ConfigError(
        `${where}: ${name} needs ${count * 4} bytes in one storage binding; expected at most ${max} (this adapter's maxStorageBufferBindingSize), got ${count * 4}. ${advice}`,
      );
  }
}

/**
 * X minimising ‖A·X − B‖_F, for A [m, n] with m ≥ n and full column rank, and k right-hand sides.
 * Layouts (row-major float32): A [m, n]; B [m, k] and X [n, k] by default, or B [k, m] and X [k, n]
 * with `rowsAreSamples` (bShape is then [k, m]). A and B may be CPU arrays or GPU buffers; GPU inputs
 * are only read. Shapes are checked (ShapeError) before any GPU work; a rank-deficient A is a
 * ConfigError naming the column. Temporary buffers are freed before the promise resolves.
 */
export async function lstsq(
  ctx: LinalgContext,
  a: Matrix,
  aShape: readonly [number, number],
  b: Matrix,
  bShape: readonly [number, number],
  options: LstsqOptions = {},
): Promise<LinalgResult> {
  const where = 'lstsq';
  const rowsAreSamples = options.rowsAreSamples ?? false;
  const [m, n] = checkA(where, a, aShape);
  const [br, bc] = checkMatrix(where, 'B', b, bShape);
  const [bRows, k] = rowsAreSamples ? [bc, br] : [br, bc];
  if (bRows !== m) {
    const expected = rowsAreSamples ? `B=[k,${m}] (rowsAreSamples: one sample of ${m} values per row)` : `B=[${m},k]`;
    throw new ShapeError(
      `${where}: B's sample length differs from A's rows; expected ${expected}, got A=${fmt(aShape)} B=${fmt(bShape)}.${rowsAreSamples ? '' : ' If B holds one sample per row, pass rowsAreSamples: true.'}`,
    );
  }
  const rcond = checkRcond(where, options.rcond);
  const chunk = Math.floor(ctx.gpu.limits.maxStorageBufferBindingSize / (4 * m));
  checkBindingSizes(
    ctx,
    where,
    { A: m * n, B: m * k, X: n * k },
    `Solve in chunks of at most ${chunk} right-hand sides.`,
  );

  const { gpu, registry } = ctx;
  const temps: ManagedBuffer[] = [];
  const temp = (label: string, count: number) => {
    const t = gpu.buffers.create(`${where}:${label}`, count * 4);
    temps.push(t);
    return t;
  };
  const f = await householderQr(ctx, a, m, n, rcond, where);
  let x: ManagedBuffer | null = null;
  try {
    let bBuf: ManagedBuffer;
    if (b instanceof Float32Array) {
      bBuf = gpu.buffers.fromData(`${where}:b`, b);
      temps.push(bBuf);
    } else {
      bBuf = b;
    }
    const q = temp('q1', m * n);
    const out = gpu.buffers.create(`${where}:x`, n * k * 4);
    x = out;
    const bctx: BuildContext = { gpu, registry, scratch: (label, count) => temp(label, count) };
    await runRecorded(ctx, `${where}:solve`, (rec) => {
      recordFormQ(rec, f, q, n, 1);
      if (rowsAreSamples) {
        // Cᵀ [k, n] = B [k, m] · Q₁ [m, n]
        rec.addDispatches(
          matmul.build(
            bctx,
            [bBuf, q],
            [
              [k, m],
              [m, n],
            ],
            out,
            [k, n],
            {},
          ),
        );
        recordBackSubstitute(rec, f, out, k, 1, n);
      } else {
        // C [n, k] = Q₁ᵀ · B [m, k]
        rec.addDispatches(
          matmul.build(
            bctx,
            [q, bBuf],
            [
              [m, n],
              [m, k],
            ],
            out,
            [n, k],
            { transA: true },
          ),
        );
        recordBackSubstitute(rec, f, out, k, k, 1);
      }
    });
    x = null;
    return { x: out, shape: rowsAreSamples ? [k, n] : [n, k], dispose: () => out.dispose() };
  } finally {
    x?.dispose();
    for (const t of temps) t.dispose();
    f.dispose();
  }
}

/**
 * The pseudo-inverse A⁺ = (AᵀA)⁻¹Aᵀ = R⁻¹·Q₁ᵀ, [n, m] row-major, for A [m, n] with m ≥ n and full
 * column rank (the same checks and errors as lstsq). A⁺·B equals lstsq(A, B) in exact arithmetic,
 * but lstsq is the more accurate way to apply it to data: the error of a product with the computed
 * A⁺ scales with ‖A⁺‖·‖B‖ rather than ‖X‖, up to another factor cond(A) worse when B lies mostly
 * along A's large singular directions.
 */
export async function pinv(
  ctx: LinalgContext,
  a: Matrix,
  aShape: readonly [number, number],
  options: Pick<LstsqOptions, 'rcond'> = {},
): Promise<LinalgResult> {
  const where = 'pinv';
  const [m, n] = checkA(where, a, aShape);
  const rcond = checkRcond(where, options.rcond);
  checkBindingSizes(ctx, where, { A: m * n }, 'Use a smaller A.');
  const f = await householderQr(ctx, a, m, n, rcond, where);
  let x: ManagedBuffer | null = null;
  try {
    const out = ctx.gpu.buffers.create(`${where}:x`, n * m * 4);
    x = out;
    await runRecorded(ctx, `${where}:solve`, (rec) => {
      // Q₁ᵀ [n, m] written transposed into the output, then R⁻¹ applied to its m columns in place.
      recordFormQ(rec, f, out, 1, m);
      recordBackSubstitute(rec, f, out, m, m, 1);
    });
    x = null;
    return { x: out, shape: [n, m], dispose: () => out.dispose() };
  } finally {
    x?.dispose();
    f.dispose();
  }
}
