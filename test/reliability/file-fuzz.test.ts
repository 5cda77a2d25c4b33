// Property-based corruption of valid IDX and safetensors files: every corrupted file is either read
// correctly (a self-consistent result) or refused with a DatasetFormatError naming the file — never
// another exception, a hang, or a half-loaded model.
import { expect } from 'chai';
import fc from 'fast-check';
import { parseIdx } from '../../src/data/idx';
import { FcAutoencoder } from '../../src/nn/autoencoders';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors';
import { loadSafetensors, saveSafetensors } from '../../src/nn/state';
import { DatasetFormatError } from '../../src/util/errors';
import { getGpu } from '../helpers/gpu';

function idxImages(count: number, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(16 + count * rows * cols);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x00000803);
  v.setUint32(4, count);
  v.setUint32(8, rows);
  v.setUint32(12, cols);
  for (let i = 16; i < out.length; i++) out[i] = (i * 31) % 256;
  return out;
}

/** A corruption: flip bytes, truncate, extend, or overwrite a 4-byte field with an extreme value. */
const corruption = (size: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.array(fc.nat(size - 1), { minLength: 1, maxLength: 8 }),
      value: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(size) }),
    fc.record({ kind: fc.constant('extend' as const), extra: fc.integer({ min: 1, max: 64 }) }),
    fc.record({
      kind: fc.constant('field' as const),
      at: fc.nat(Math.max(0, Math.min(size, 64) - 4)),
      value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x1f8b0808),
    }),
  );

type Corruption =
  | { kind: 'flip'; at: number[]; value: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'extend'; extra: number }
  | { kind: 'field'; at: number; value: number };

function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
  const out = bytes.slice();
  switch (c.kind) {
    case 'flip':
      for (const i of c.at) out[i] = c.value;
      return out;
    case 'truncate':
      return out.subarray(0, c.length);
    case 'extend': {
      const longer = new Uint8Array(out.length + c.extra);
      longer.set(out);
      return longer;
    }
    case 'field':
      new DataView(out.buffer).setUint32(c.at, c.value >>> 0);
      return out;
  }
}

const RUNS = 400;

describe('reliability: corrupted files', () => {
  it(`IDX: ${RUNS} random corruptions are each parsed consistently or refused with a DatasetFormatError`, () => {
    const valid = idxImages(5, 7, 6);
    let refused = 0;
    fc.assert(
      fc.property(corruption(valid.length), (c) => {
        const bytes = corrupt(valid, c as Corruption);
        try {
          const r = parseIdx(bytes, 'fuzz.idx');
          expect(r.dims.reduce((a, b) => a * b, 1)).to.equal(r.data.length);
          expect(16 + r.data.length).to.be.at.most(bytes.length);
        } catch (e) {
          expect(e).to.be.instanceOf(DatasetFormatError);
          expect((e as Error).message).to.match(/^fuzz\.idx: /);
          refused++;
        }
      }),
      { numRuns: RUNS, seed: 42 },
    );
    expect(refused).to.be.greaterThan(RUNS / 4);
  });

  it(`safetensors: ${RUNS} random corruptions are each decoded consistently or refused with a DatasetFormatError`, () => {
    const valid = encodeSafetensors([
      { name: 'a.weight', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
      { name: 'a.bias', shape: [3], data: Float32Array.of(1, 2, 3) },
    ]);
    let refused = 0;
    fc.assert(
      fc.property(corruption(valid.length), (c) => {
        const bytes = corrupt(valid, c as Corruption);
        try {
          const r = decodeSafetensors(bytes, 'fuzz.safetensors');
          for (const t of r.tensors.values()) expect(t.shape.reduce((a, b) => a * b, 1)).to.equal(t.data.length);
        } catch (e) {
          expect(e).to.be.instanceOf(DatasetFormatError);
          expect((e as Error).message).to.match(/^fuzz\.safetensors: /);
          refused++;
        }
      }),
      { numRuns: RUNS, seed: 43 },
    );
    expect(refused).to.be.greaterThan(RUNS / 4);
  });

  it('a corrupted weights file never half-loads a model: it loads whole or leaves every weight unchanged', async () => {
    const { gpu } = await getGpu();
    const source = new FcAutoencoder(gpu, { inputSize: 16, latent: 2, seed: 1 });
    const target = new FcAutoencoder(gpu, { inputSize: 16, latent: 2, seed: 2 });
    try {
      const valid = await saveSafetensors(source);
      const original = await Promise.all(target.namedParameters().map(([, p]) => p.read()));
      const samples = fc.sample(corruption(valid.length), { numRuns: 40, seed: 44 }) as Corruption[];
      for (const c of samples) {
        const bytes = corrupt(valid, c);
        let loaded = true;
        try {
          loadSafetensors(target, bytes, 'fuzz.safetensors');
        } catch (e) {
          expect(e).to.be.instanceOf(DatasetFormatError);
          loaded = false;
        }
        const now = await Promise.all(target.namedParameters().map(([, p]) => p.read()));
        if (!loaded) expect(now).to.deep.equal(original);
        else {
          // A corruption that still decodes (e.g. a flipped data byte) loads completely; put the original back.
          target.namedParameters().forEach(([, p], i) => p.write(original[i]!));
        }
      }
    } finally {
      source.dispose();
      target.dispose();
    }
  });
});
