// dispatch.ts: workgroup-count helpers shared by the ops. Imports nothing.

/** Workgroups for a 1-D kernel of `n` threads in groups of `wg`, wrapping onto y past 65,535 groups. */
export function linearWorkgroups(n: number, wg = 256): [number, number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= 65535) return [groups, 1, 1];
  return [65535, Math.ceil(groups / 65535), 1];
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);
