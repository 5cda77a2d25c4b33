// counting.ts: counts the GPU work a piece of code issues — dispatches and host-to-GPU bytes — by
// wrapping the WebGPU methods that issue them on their prototypes for the duration of one call.
// Imports nothing: it works on any WebGPU implementation whose methods live on prototypes (Chromium,
// Dawn's Node bindings).
//
// Counted: every GPUComputePassEncoder.dispatchWorkgroups / dispatchWorkgroupsIndirect call; the bytes
// of every GPUQueue.writeBuffer and writeTexture; the size of every buffer created mapped
// (mappedAtCreation) and every mapAsync(WRITE) range, i.e. the mapped uploads. While counting, the
// wrappers see every device of the page or process (the prototypes are shared), so the counted code
// should be the only GPU work running: await it alone.

/** What one call issued. */
export interface WorkCount {
  /** Compute dispatches recorded (direct and indirect). */
  dispatches: number;
  /** Host-to-GPU bytes: queue writes plus mapped-upload buffers. */
  uploadBytes: number;
  /** queue.submit calls. */
  submits: number;
}

const MAP_MODE_WRITE = 0x0002;

/** Bytes a writeBuffer call copies: typed arrays count offset and size in elements, ArrayBuffers in bytes. */
function writeBufferBytes(data: BufferSource | SharedArrayBuffer, dataOffset = 0, size?: number): number {
  if (ArrayBuffer.isView(data)) {
    const element =
      'BYTES_PER_ELEMENT' in data ? (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
    const elements = data.byteLength / element;
    return (size ?? elements - dataOffset) * element;
  }
  return size ?? data.byteLength - dataOffset;
}

type Method = (...args: never[]) => unknown;

/** One wrapped method: where it lives, the original, and how to put it back. */
interface Patch {
  proto: Record<string, unknown>;
  name: string;
  original: Method;
}

let active = false;

/**
 * Runs `fn` with the dispatch / upload counters installed on the prototypes of `device`'s queue, its
 * compute pass encoders and buffers, and of the device itself; resolves to fn's result and the counts.
 * The originals are restored when fn settles (also when it throws). Calls do not nest.
 */
export async function countWork<T>(
  device: GPUDevice,
  fn: () => Promise<T> | T,
): Promise<{ result: T; count: WorkCount }> {
  if (active) throw new Error('countWork: already counting; expected one counted call at a time (await the first).');
  const count: WorkCount = { dispatches: 0, uploadBytes: 0, submits: 0 };
  // The prototypes, taken from live objects (Dawn's Node bindings expose no global classes).
  const encoder = device.createCommandEncoder({ label: 'countWork:probe' });
  const pass = encoder.beginComputePass({ label: 'countWork:probe' });
  pass.end();
  const probe = device.createBuffer({ label: 'countWork:probe', size: 4, usage: 0x0008 /* COPY_DST */ });
  const passProto = Object.getPrototypeOf(pass) as Record<string, unknown>;
  const queueProto = Object.getPrototypeOf(device.queue) as Record<string, unknown>;
  const deviceProto = Object.getPrototypeOf(device) as Record<string, unknown>;
  const bufferProto = Object.getPrototypeOf(probe) as Record<string, unknown>;
  probe.destroy();

  const patches: Patch[] = [];
  const wrap = (proto: Record<string, unknown>, name: string, before: (this: unknown, ...args: never[]) => void) => {
    const original = proto[name] as Method | undefined;
    if (typeof original !== 'function')
      throw new Error(`countWork: this WebGPU implementation has no ${name} on its prototype; cannot count.`);
    patches.push({ proto, name, original });
    proto[name] = function (this: unknown, ...args: never[]) {
      before.apply(this, args);
      return original.apply(this, args);
    };
  };
  wrap(passProto, 'dispatchWorkgroups', () => {
    count.dispatches++;
  });
  wrap(passProto, 'dispatchWorkgroupsIndirect', () => {
    count.dispatches++;
  });
  wrap(
    queueProto,
    'writeBuffer',
    (_b: GPUBuffer, _o: number, data: BufferSource, dataOffset?: number, size?: number) => {
      count.uploadBytes += writeBufferBytes(data, dataOffset, size);
    },
  );
  wrap(
    queueProto,
    'writeTexture',
    (_d: GPUTexelCopyTextureInfo, data: BufferSource, layout: GPUTexelCopyBufferLayout) => {
      const bytes = ArrayBuffer.isView(data) ? data.byteLength : (data as ArrayBuffer).byteLength;
      count.uploadBytes += bytes - (layout.offset ?? 0);
    },
  );
  wrap(queueProto, 'submit', () => {
    count.submits++;
  });
  wrap(deviceProto, 'createBuffer', (d: GPUBufferDescriptor) => {
    if (d.mappedAtCreation) count.uploadBytes += d.size;
  });
  wrap(bufferProto, 'mapAsync', function (this: GPUBuffer, mode: number, offset?: number, size?: number) {
    if (mode & MAP_MODE_WRITE) count.uploadBytes += size ?? this.size - (offset ?? 0);
  } as never);
  active = true;
  try {
    const result = await fn();
    return { result, count };
  } finally {
    for (const p of patches.reverse()) p.proto[p.name] = p.original;
    active = false;
  }
}
