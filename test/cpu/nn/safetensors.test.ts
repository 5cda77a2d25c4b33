// safetensors: round trip, the byte layout a PyTorch reader expects, and refusal of malformed files.
import { expect } from 'chai';
import { decodeSafetensors, encodeSafetensors } from '../../../src/nn/safetensors';
import { DatasetFormatError } from '../../../src/util/errors';

function fileWithHeader(header: unknown, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors', () => {
  const tensors = [
    { name: 'encoder.0.weight', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
    { name: 'encoder.0.bias', shape: [2], data: Float32Array.of(-1.5, 0.25) },
  ];

  it('round-trips tensors and metadata', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).to.deep.equal({ format: 'pt' });
    expect([...back.tensors.get('encoder.0.weight')!.data]).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(back.tensors.get('encoder.0.bias')!.shape).to.deep.equal([2]);
  });

  it('writes the documented layout: u64 LE header length, JSON header, 8-byte aligned little-endian F32 data', () => {
    const bytes = encodeSafetensors(tensors);
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect((8 + n) % 8).to.equal(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['encoder.0.weight']).to.deep.equal({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['encoder.0.bias'].data_offsets).to.deep.equal([24, 32]);
    expect(view.getFloat32(8 + n + 24, true)).to.equal(-1.5);
  });

  it('refuses malformed files with a message naming the file and the problem', () => {
    const good = encodeSafetensors(tensors);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /m\.safetensors: file is 5 bytes; expected at least 8/],
      [good.subarray(0, good.length - 4), /spans bytes 24\.\.32; expected within the 28 data bytes/],
      [fileWithHeader({ a: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, 2), /dtype "F16"; expected "F32"/],
      [
        fileWithHeader({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8),
        /has 8 bytes; expected 12 for shape \[3\]/,
      ],
      [
        fileWithHeader(
          {
            a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
            b: { dtype: 'F32', shape: [1], data_offsets: [2, 6] },
          },
          8,
        ),
        /overlap/,
      ],
      [fileWithHeader([1, 2]), /header is not a JSON object/],
    ];
    for (const [bytes, re] of cases)
      expect(() => decodeSafetensors(bytes, 'm.safetensors')).to.throw(DatasetFormatError, re);
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(bad, 'm.safetensors')).to.throw(
      DatasetFormatError,
      /header claims 1099511627776 bytes/,
    );
    const notJson = fileWithHeader({});
    notJson[8] = 0x7b;
    notJson[9] = 0x7b;
    expect(() => decodeSafetensors(notJson, 'm.safetensors')).to.throw(DatasetFormatError, /not valid JSON/);
  });
});
