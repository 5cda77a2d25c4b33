// helpers.ts: small utilities shared by the data tests.

/** FNV-1a, 32-bit, over bytes: h = 0x811c9dc5; for each byte b: h = (h ^ b) * 0x01000193 mod 2^32. */
export function fnv1a32(bytes: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function byteSum(bytes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!;
  return s;
}

/** Counts of each label value 0..classes-1. */
export function histogram(labels: Uint8Array, classes: number): number[] {
  const h = new Array<number>(classes).fill(0);
  for (const l of labels) h[l]!++;
  return h;
}

/** Builds an IDX file: 0x00 0x00 dtype ndims, big-endian dims, then data (or a given payload length). */
export function makeIdx(dims: number[], data: Uint8Array | number, dtype = 0x08): Uint8Array {
  const payload = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  out[2] = dtype;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(payload, 4 + 4 * dims.length);
  return out;
}
