// dispatch.ts: workgroup grids from a kernel's reflected workgroup size. Imports nothing.
//
// Every grid is derived from the `@workgroup_size` the registry reflects (Kernel.workgroupSize), so an
// op never repeats a shader's group size. Kernels that index a flat array of threads (or of groups)
// wrap x onto y past MAX_GROUPS_PER_DIMENSION groups: thread i = gid.y · 65535 · WG + gid.x.

/** Groups per dimension that the shaders' flat index assumes before wrapping onto y (WebGPU's default limit). */
export const MAX_GROUPS_PER_DIMENSION = 65535;

/** What a grid needs to know about a kernel: its workgroup size (Kernel.workgroupSize). */
export interface Sized {
  readonly label: string;
  readonly workgroupSize: readonly [number, number, number];
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** `groups` workgroups laid out flat along x, wrapping onto y past 65,535 (group index y·65535 + x). */
export function wrappedGroups(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS_PER_DIMENSION) return [groups, 1, 1];
  return [MAX_GROUPS_PER_DIMENSION, ceilDiv(groups, MAX_GROUPS_PER_DIMENSION), 1];
}

/** One workgroup per item (a reduction per output element), wrapping onto y past 65,535. */
export const groupPerItem = (items: number): [number, number, number] => wrappedGroups(items);

/**
 * One thread per element for a kernel with a 1-D workgroup: ceil(n / WG) groups, wrapping onto y
 * past 65,535 (the kernel indexes threads as gid.y · 65535 · WG + gid.x).
 */
export function threadGrid(kernel: Sized, n: number): [number, number, number] {
  const [x, y, z] = kernel.workgroupSize;
  if (y !== 1 || z !== 1)
    throw new RangeError(
      `${kernel.label}: threadGrid needs a 1-D workgroup; the shader declares @workgroup_size(${x}, ${y}, ${z}).`,
    );
  return wrappedGroups(ceilDiv(n, x));
}

/**
 * Groups covering `threads` [x, y, z] when each thread handles `perThread` [x, y, z] of them (a GEMM
 * thread owns a block of C): ceil(threads_i / (WG_i · perThread_i)) per dimension, with no wrapping.
 */
export function coveringGrid(
  kernel: Sized,
  threads: readonly [number, number?, number?],
  perThread: readonly [number, number?, number?] = [1, 1, 1],
): [number, number, number] {
  const wg = kernel.workgroupSize;
  const at = (i: 0 | 1 | 2) => ceilDiv(threads[i] ?? 1, wg[i] * (perThread[i] ?? 1));
  return [at(0), at(1), at(2)];
}
