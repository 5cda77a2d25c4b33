// idx.ts: parser for IDX files (the MNIST container format), unsigned-byte data only.
// Layout: 2 zero bytes, a dtype byte (0x08 = uint8), a dimension-count byte, then one big-endian
// uint32 per dimension, then the data, row-major. Labels are 0x00000801 (1 dim: count), images
// 0x00000803 (3 dims: count, rows, cols). Every check runs before any array is allocated.

import { DatasetFormatError } from '../util/errors';

export const IDX_LABELS_MAGIC = 0x00000801;
export const IDX_IMAGES_MAGIC = 0x00000803;

/** Largest accepted item count; the real datasets hold at most a few hundred thousand. */
export const IDX_MAX_ITEMS = 10_000_000;
/** Largest accepted image side in pixels. */
export const IDX_MAX_SIDE = 4096;
/** Largest accepted data payload in bytes (1 GiB). */
export const IDX_MAX_BYTES = 1 << 30;

export interface IdxArray {
  /** 'labels' for magic 0x00000801, 'images' for 0x00000803. */
  kind: 'labels' | 'images';
  /** [count] for labels, [count, rows, cols] for images. */
  dims: number[];
  /** The data after the header, copied into its own buffer. */
  data: Uint8Array;
}

const DTYPE_NAMES: Record<number, string> = {
  8: 'uint8',
  9: 'int8',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};

const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;

/** Builds a DatasetFormatError whose message reads `<file>: <problem>; expected <x>, got <y>. <hint>`. */
export function formatError(
  file: string,
  problem: string,
  expected: string,
  got: string,
  hint: string,
): DatasetFormatError {
  return new DatasetFormatError(`${file}: ${problem}; expected ${expected}, got ${got}. ${hint}`);
}

/**
 * Parses an uncompressed IDX file holding uint8 labels (1 dim) or images (3 dims).
 * Throws DatasetFormatError, naming `fileName`, when the bytes are not such a file.
 */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  const n = bytes.length;
  if (n >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw formatError(
      fileName,
      'file is gzip-compressed',
      'a raw IDX file',
      'gzip magic 0x1f8b',
      'Decompress it first (e.g. `gunzip` the .gz file) and load the result.',
    );
  }
  if (n < 4) {
    throw formatError(
      fileName,
      'file is too short for an IDX header',
      'at least 4 bytes',
      `${n} bytes`,
      'Check that the whole file was selected or downloaded.',
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    throw formatError(
      fileName,
      'bad IDX magic number',
      `${hex(IDX_LABELS_MAGIC, 8)} (labels) or ${hex(IDX_IMAGES_MAGIC, 8)} (images)`,
      hex(magic, 8),
      'This is not an IDX file; use the *-ubyte files of MNIST-style datasets.',
    );
  }
  const dtype = bytes[2]!;
  if (dtype !== 0x08) {
    const name = DTYPE_NAMES[dtype] ?? 'unknown type';
    throw formatError(
      fileName,
      'unsupported IDX data type',
      '0x08 (uint8)',
      `${hex(dtype, 2)} (${name})`,
      'Only unsigned-byte IDX files are supported; convert the data to uint8 0..255.',
    );
  }
  const ndims = bytes[3]!;
  if (ndims !== 1 && ndims !== 3) {
    throw formatError(
      fileName,
      'unsupported number of IDX dimensions',
      '1 (labels) or 3 (images: count, rows, cols)',
      String(ndims),
      'Use a labels file or an images file.',
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (n < headerBytes) {
    throw formatError(
      fileName,
      'file is too short for its IDX header',
      `at least ${headerBytes} bytes`,
      `${n} bytes`,
      'The file is truncated; download it again.',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));

  const count = dims[0]!;
  if (count === 0) {
    throw formatError(fileName, 'IDX file holds no items', 'at least 1 item', '0', 'Use a non-empty file.');
  }
  if (count > IDX_MAX_ITEMS) {
    throw formatError(
      fileName,
      'implausible IDX item count',
      `at most ${IDX_MAX_ITEMS}`,
      String(count),
      'The header is probably corrupt; download the file again.',
    );
  }
  if (ndims === 3) {
    const rows = dims[1]!;
    const cols = dims[2]!;
    if (rows === 0 || cols === 0 || rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE) {
      throw formatError(
        fileName,
        'implausible image size',
        `rows and cols in 1..${IDX_MAX_SIDE}`,
        `${rows}x${cols}`,
        'The header is probably corrupt; download the file again.',
      );
    }
  }
  // Products stay below 2^53 here (count <= 1e7, sides <= 4096), so the arithmetic is exact.
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  if (dataBytes > IDX_MAX_BYTES) {
    throw formatError(
      fileName,
      'IDX data is too large',
      `at most ${IDX_MAX_BYTES} bytes`,
      `${dataBytes} bytes (${dims.join('x')})`,
      'Use a smaller file.',
    );
  }
  const expectedBytes = headerBytes + dataBytes;
  if (n < expectedBytes) {
    throw formatError(
      fileName,
      `file is truncated for dimensions ${dims.join('x')}`,
      `${expectedBytes} bytes`,
      `${n} bytes`,
      'Download the file again; if it is compressed, decompress it completely.',
    );
  }
  if (n > expectedBytes) {
    throw formatError(
      fileName,
      `file has ${n - expectedBytes} extra bytes after the data for dimensions ${dims.join('x')}`,
      `${expectedBytes} bytes`,
      `${n} bytes`,
      'Check that this is a single IDX file and that its header matches its contents.',
    );
  }
  return {
    kind: ndims === 1 ? 'labels' : 'images',
    dims,
    data: bytes.slice(headerBytes),
  };
}
