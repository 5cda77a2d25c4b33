// gather.ref.ts: float64 CPU reference for src/ops/gather.ts. Plain loops, no shared code.

/**
 * Rows order[first .. first + rows) of a split of `width`-byte samples (bytes[k]: byte k of the split),
 * each byte mapped through `table` (256 entries, or 256 per position), as [rows, width] values.
 */
export function gatherBytesRef(
  bytes: ArrayLike<number>,
  table: ArrayLike<number>,
  order: ArrayLike<number>,
  first: number,
  rows: number,
  width: number,
): Float64Array {
  const perPosition = table.length === 256 * width && width > 1;
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const sample = order[first + r]!;
    for (let p = 0; p < width; p++) {
      const v = bytes[sample * width + p]!;
      out[r * width + p] = table[(perPosition ? p * 256 : 0) + v]!;
    }
  }
  return out;
}
