// safetensors.ts: reading and writing the safetensors format (F32 tensors), validated before use.
// Imports util only. Layout: u64 little-endian header length N, N bytes of JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then data.
import { DatasetFormatError } from '../util/errors';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Headers above this size are refused before anything is allocated. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      throw new DatasetFormatError(
        `safetensors: tensor "${t.name}" has ${t.data.length} values; expected ${n} for shape [${t.shape.join(',')}].`,
      );
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

/** Parses a safetensors file; every size and offset is checked against the byte count first. */
export function decodeSafetensors(bytes: Uint8Array, fileName = 'weights.safetensors'): DecodedSafetensors {
  const fail = (what: string, tip = 'Save the weights again with this tool or PyTorch safetensors.'): never => {
    throw new DatasetFormatError(`${fileName}: ${what}. ${tip}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes; expected at least 8 for the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    fail(
      `header claims ${headerLen} bytes; expected at most ${Math.min(MAX_HEADER_BYTES, bytes.length - 8)} (file is ${bytes.length} bytes)`,
      'The file is truncated or not a safetensors file.',
    );
  }
  const n = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null) fail('__metadata__ is not an object');
      metadata = Object.fromEntries(Object.entries(entry as object).map(([k, v]) => [k, String(v)]));
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e.dtype !== 'F32')
      fail(
        `tensor "${name}" has dtype ${JSON.stringify(e.dtype)}; expected "F32"`,
        'Convert the weights to float32 before saving.',
      );
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0))
      fail(`tensor "${name}" has an invalid shape ${JSON.stringify(e.shape)}`);
    const shape = e.shape as number[];
    if (
      !Array.isArray(e.data_offsets) ||
      e.data_offsets.length !== 2 ||
      !e.data_offsets.every((d) => Number.isInteger(d) && d >= 0)
    ) {
      fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(e.data_offsets)}`);
    }
    const [begin, end] = e.data_offsets as [number, number];
    const count = shape.reduce((a, b) => a * b, 1);
    if (end < begin || end > dataLen)
      fail(
        `tensor "${name}" spans bytes ${begin}..${end}; expected within the ${dataLen} data bytes`,
        'The file is truncated.',
      );
    if (end - begin !== count * 4)
      fail(`tensor "${name}" has ${end - begin} bytes; expected ${count * 4} for shape [${shape.join(',')}] in F32`);
    ranges.push([begin, end, name]);
    const copy = new Float32Array(count);
    new Uint8Array(copy.buffer).set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { name, shape, data: copy });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]![0] < ranges[i - 1]![1]) fail(`tensors "${ranges[i - 1]![2]}" and "${ranges[i]![2]}" overlap`);
  }
  return { tensors, metadata };
}
