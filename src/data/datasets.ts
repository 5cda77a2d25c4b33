// datasets.ts: loads the bundled datasets prepared by scripts/prepare-data.mjs, and wraps
// user-supplied IDX files in the same shape.
//
// The bundled files live in public/data/ (served at /data/): manifest.json plus, per dataset and
// split, a raw uint8 images file (count x rows x cols) and a raw uint8 labels file. Fashion-MNIST
// is stored class by class, so take random subsets (sampling.ts) rather than prefixes.

import { ConfigError, type DatasetFormatError, DatasetUnavailableError } from '../util/errors';
import { formatError, parseIdx } from './idx';
import { DATASET_NAMES, type Dataset, type DatasetName, type ImageSet, type Split } from './types';

/** The manifest format this loader understands; matches FORMAT_VERSION in prepare-data.mjs. */
export const MANIFEST_FORMAT_VERSION = 1;

export const DEFAULT_DATA_BASE_URL = '/data/';

const PREPARE_HINT =
  'Run `npm install` (its postinstall step runs scripts/prepare-data.mjs, which writes public/data/), then reload.';
const REGENERATE_HINT = 'Regenerate the files with `npm run prepare-data -- --force`, then reload.';

export interface LoadDatasetOptions {
  /** Folder URL holding manifest.json and the data files; default '/data/'. */
  baseUrl?: string;
  /** fetch implementation; default the global fetch. */
  fetch?: typeof fetch;
  /** Aborts the downloads. */
  signal?: AbortSignal;
}

interface ManifestFile {
  file: string;
  bytes: number;
}

interface ManifestSplit {
  count: number;
  rows: number;
  cols: number;
  images: ManifestFile;
  labels: ManifestFile;
}

interface ManifestDataset {
  classes: number;
  train: ManifestSplit;
  test: ManifestSplit;
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

async function fetchOk(url: string, doFetch: FetchFn, signal: AbortSignal | undefined): Promise<Response> {
  let response: Response;
  try {
    response = await doFetch(url, signal ? { signal } : undefined);
  } catch (e) {
    if (signal?.aborted) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new DatasetUnavailableError(
      `${url}: request failed; expected an HTTP response, got a network error (${detail}). Check that the dev server is running. ${PREPARE_HINT}`,
    );
  }
  if (!response.ok) {
    const what = response.status === 404 ? 'dataset file not found' : 'dataset file could not be fetched';
    throw new DatasetUnavailableError(
      `${url}: ${what}; expected HTTP 200, got HTTP ${response.status}. ${PREPARE_HINT}`,
    );
  }
  // Dev servers with a single-page-app fallback answer unknown paths with index.html.
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/html')) {
    throw new DatasetUnavailableError(
      `${url}: dataset file not found; expected data, got an HTML page (the server's fallback for missing files). ${PREPARE_HINT}`,
    );
  }
  return response;
}

async function fetchBytes(
  url: string,
  expectedBytes: number,
  doFetch: FetchFn,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const response = await fetchOk(url, doFetch, signal);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length !== expectedBytes) {
    throw formatError(
      url,
      'file size does not match manifest.json',
      `${expectedBytes} bytes`,
      `${bytes.length} bytes`,
      REGENERATE_HINT,
    );
  }
  return bytes;
}

function checkManifestSplit(where: string, s: unknown): ManifestSplit {
  const split = s as Partial<ManifestSplit> | undefined;
  const bad = (problem: string, expected: string, got: unknown): DatasetFormatError =>
    formatError(where, problem, expected, JSON.stringify(got) ?? 'nothing', REGENERATE_HINT);
  if (!split || typeof split !== 'object') throw bad('missing split entry', 'an object', split);
  for (const key of ['count', 'rows', 'cols'] as const) {
    if (!isPositiveInt(split[key])) throw bad(`bad "${key}"`, 'a positive integer', split[key]);
  }
  for (const part of ['images', 'labels'] as const) {
    const f = split[part];
    if (!f || typeof f.file !== 'string' || f.file === '' || !isPositiveInt(f.bytes)) {
      throw bad(`bad "${part}" entry`, '{ file: string, bytes: positive integer }', f);
    }
  }
  const valid = split as ManifestSplit;
  const pixels = valid.count * valid.rows * valid.cols;
  if (valid.images.bytes !== pixels)
    throw bad('"images.bytes" does not match count x rows x cols', String(pixels), valid.images.bytes);
  if (valid.labels.bytes !== valid.count)
    throw bad('"labels.bytes" does not match count', String(valid.count), valid.labels.bytes);
  return valid;
}

function checkManifest(url: string, json: unknown, name: DatasetName): ManifestDataset {
  const manifest = json as { formatVersion?: unknown; datasets?: Record<string, unknown> } | null;
  if (!manifest || typeof manifest !== 'object') {
    throw formatError(url, 'manifest is not a JSON object', 'an object', typeof json, REGENERATE_HINT);
  }
  if (manifest.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw formatError(
      url,
      'unsupported manifest format version',
      String(MANIFEST_FORMAT_VERSION),
      String(manifest.formatVersion),
      REGENERATE_HINT,
    );
  }
  const entry = manifest.datasets?.[name] as Partial<ManifestDataset> | undefined;
  if (!entry || typeof entry !== 'object') {
    throw formatError(
      url,
      `no entry for dataset "${name}"`,
      'an entry per bundled dataset',
      Object.keys(manifest.datasets ?? {}).join(', ') || 'none',
      REGENERATE_HINT,
    );
  }
  if (!isPositiveInt(entry.classes) || entry.classes > 256) {
    throw formatError(
      url,
      `bad "classes" for dataset "${name}"`,
      'an integer 1..256',
      String(entry.classes),
      REGENERATE_HINT,
    );
  }
  return {
    classes: entry.classes,
    train: checkManifestSplit(`${url} (${name}.train)`, entry.train),
    test: checkManifestSplit(`${url} (${name}.test)`, entry.test),
  };
}

function checkLabelRange(url: string, labels: Uint8Array, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= classes) {
      throw formatError(url, `label ${i} is out of range`, `0..${classes - 1}`, String(labels[i]), REGENERATE_HINT);
    }
  }
}

/**
 * Loads a bundled dataset: fetches `<baseUrl>manifest.json`, then the dataset's four files, checking
 * each size against the manifest and every label against the class count.
 * Throws DatasetUnavailableError when a file cannot be fetched (naming its URL) and
 * DatasetFormatError when the manifest or a file does not match what is expected.
 */
export async function loadDataset(name: DatasetName, options: LoadDatasetOptions = {}): Promise<Dataset> {
  if (!DATASET_NAMES.includes(name)) {
    throw new ConfigError(
      `loadDataset: unknown dataset; expected one of ${DATASET_NAMES.join(', ')}, got ${JSON.stringify(name)}. Use a bundled dataset name.`,
    );
  }
  const base = withTrailingSlash(options.baseUrl ?? DEFAULT_DATA_BASE_URL);
  const doFetch: FetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { signal } = options;

  const manifestUrl = `${base}manifest.json`;
  const manifestResponse = await fetchOk(manifestUrl, doFetch, signal);
  let json: unknown;
  try {
    json = await manifestResponse.json();
  } catch (e) {
    throw formatError(
      manifestUrl,
      'manifest is not valid JSON',
      'JSON',
      e instanceof Error ? e.message : String(e),
      REGENERATE_HINT,
    );
  }
  const entry = checkManifest(manifestUrl, json, name);

  const loadSplit = async (s: ManifestSplit): Promise<Split> => {
    const imagesUrl = base + s.images.file;
    const labelsUrl = base + s.labels.file;
    const [images, labels] = await Promise.all([
      fetchBytes(imagesUrl, s.images.bytes, doFetch, signal),
      fetchBytes(labelsUrl, s.labels.bytes, doFetch, signal),
    ]);
    checkLabelRange(labelsUrl, labels, entry.classes);
    return { images, labels, count: s.count, rows: s.rows, cols: s.cols };
  };
  const [train, test] = await Promise.all([loadSplit(entry.train), loadSplit(entry.test)]);
  return { name, classes: entry.classes, train, test };
}

export interface IdxFileNames {
  images: string;
  labels?: string;
}

export interface DatasetFromIdxOptions {
  /**
   * Required image size [rows, cols]; default [28, 28], the input size of the bundled models.
   * Pass null to accept any size.
   */
  shape?: readonly [number, number] | null;
}

/**
 * Wraps user-supplied IDX files (an images file and, optionally, a labels file) as an ImageSet.
 * Without a labels file the result has `labels: null`; nothing is invented. With one, its count
 * must equal the image count. Throws DatasetFormatError naming the offending file.
 */
export function datasetFromIdx(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array | null,
  fileNames: IdxFileNames,
  options: DatasetFromIdxOptions = {},
): ImageSet {
  const images = parseIdx(imagesBytes, fileNames.images);
  if (images.kind !== 'images') {
    throw formatError(
      fileNames.images,
      'not an images file',
      'IDX magic 0x00000803 (count x rows x cols)',
      'a labels file (0x00000801)',
      'Pick the *-images-idx3-ubyte file here and the labels file in the labels slot.',
    );
  }
  const [count, rows, cols] = images.dims as [number, number, number];
  const shape = options.shape === undefined ? ([28, 28] as const) : options.shape;
  if (shape && (rows !== shape[0] || cols !== shape[1])) {
    throw formatError(
      fileNames.images,
      'unsupported image size',
      `${shape[0]}x${shape[1]}`,
      `${rows}x${cols}`,
      `Resize the images to ${shape[0]}x${shape[1]}.`,
    );
  }

  let labels: Uint8Array | null = null;
  if (labelsBytes) {
    const labelsName = fileNames.labels ?? 'labels file';
    const parsed = parseIdx(labelsBytes, labelsName);
    if (parsed.kind !== 'labels') {
      throw formatError(
        labelsName,
        'not a labels file',
        'IDX magic 0x00000801 (count)',
        'an images file (0x00000803)',
        'Pick the *-labels-idx1-ubyte file here.',
      );
    }
    if (parsed.dims[0] !== count) {
      throw formatError(
        labelsName,
        `label count does not match ${fileNames.images}`,
        `${count} labels`,
        `${parsed.dims[0]} labels`,
        'Use the labels file that belongs to these images.',
      );
    }
    labels = parsed.data;
  }
  return { images: images.data, labels, count, rows, cols };
}
