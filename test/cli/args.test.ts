// The command line of `npm run experiment` (cli/experiment-args.mjs, pure, so it runs here in the
// browser): kebab-case keys with their values as text (the experiment's schema reads them), bare
// flags, the reserved options, what is refused, and the key a --weights file goes by.
import { expect } from 'chai';
import { UsageError, camelCase, parseExperimentArgs, splitWeightsArg, weightsKey } from '../../cli/experiment-args.mjs';
import { encodeSafetensors } from '../../src/nn/safetensors';

const parse = (line: string) => parseExperimentArgs(line.split(' ').filter(Boolean));

describe('experiment command line', () => {
  it('turns --kebab-case value pairs into a camelCase config of text values; a bare --flag is true', () => {
    const r = parse(
      'fc-train --train-size 6000 --latents 2,4,8 --lr 1e-3 --slope -0.2 --optimizer adam --shuffle false --verbose --out /tmp/x',
    );
    expect(r.name).to.equal('fc-train');
    expect(r.out).to.equal('/tmp/x');
    expect(r.scale).to.equal('small');
    expect(r.config).to.deep.equal({
      trainSize: '6000',
      latents: '2,4,8',
      lr: '1e-3',
      slope: '-0.2',
      optimizer: 'adam',
      shuffle: 'false',
      verbose: true,
    });
    expect(r.weights).to.deep.equal([]);
  });

  it('reads --key=value, --no-flag, one-item lists, --scale, --seed (also put into the config) and repeated --weights', () => {
    const r = parse(
      'conv-latent --scale=tiny --seed 7 --latents 8, --optimizers adam,sgd --no-augment --weights a.safetensors --weights k=b.safetensors --out o',
    );
    expect(r.scale).to.equal('tiny');
    expect(r.seed).to.equal(7);
    expect(r.config).to.deep.equal({ seed: 7, latents: '8,', optimizers: 'adam,sgd', augment: false });
    expect(r.weights).to.deep.equal(['a.safetensors', 'k=b.safetensors']);
  });

  it('leaves --out and the name to be checked by the CLI, and flags --help and --list', () => {
    const r = parse('--help --list');
    expect([r.name, r.out, r.help, r.list]).to.deep.equal([null, null, true, true]);
  });

  const refusals: [string, RegExp][] = [
    ['x --scale huge --out o', /--scale: unknown scale "huge"; expected one of tiny, small, full/],
    ['x --scale --out o', /--scale: unknown scale ""/],
    ['x --seed 1.5 --out o', /--seed: expected a whole number/],
    ['x --seed -1 --out o', /--seed: expected a whole number/],
    ['x --out', /--out: needs a folder/],
    ['x --weights --out o', /--weights: needs a file/],
    ['x --epochs 2 --epochs 3 --out o', /--epochs: given twice/],
    ['x --train-size 2 --trainSize 3 --out o', /--trainSize: given twice \(also as --train-size\)/],
    ['x y --out o', /two experiment names given \("x" and "y"\)/],
    ['x -e 2 --out o', /unknown option "-e"/],
    ['x --=3 --out o', /is not an option/],
  ];
  for (const [line, message] of refusals) {
    it(`refuses: ${line}`, () => {
      expect(() => parse(line)).to.throw(UsageError, message);
    });
  }

  it('camel-cases keys', () => {
    expect(camelCase('train-size')).to.equal('trainSize');
    expect(camelCase('max-grad-norm')).to.equal('maxGradNorm');
    expect(camelCase('lr')).to.equal('lr');
  });
});

describe('--weights files', () => {
  const tensor = { name: 'w', shape: [2], data: new Float32Array([1, 2]) };

  it('go by the metadata key when the file has one, else by the file name without extension', () => {
    const keyed = encodeSafetensors([tensor], { key: 'fc:latent=8:act=relu:seed=1', latent: '8' });
    expect(weightsKey(keyed, 'runs/a/whatever.safetensors')).to.equal('fc:latent=8:act=relu:seed=1');
    const plain = encodeSafetensors([tensor]);
    expect(weightsKey(plain, 'runs/a/latent=8.safetensors')).to.equal('latent=8');
    expect(weightsKey(plain, 'C:\\w\\model.SAFETENSORS')).to.equal('model');
  });

  it('refuse files that are not safetensors, naming the file', () => {
    expect(() => weightsKey(new Uint8Array([1, 2, 3]), 'tiny.bin')).to.throw(
      UsageError,
      /--weights tiny\.bin: only 3 bytes/,
    );
    const lying = new Uint8Array(16);
    new DataView(lying.buffer).setBigUint64(0, 1000n, true);
    expect(() => weightsKey(lying, 'big.safetensors')).to.throw(UsageError, /claims 1000 bytes/);
    const notJson = new Uint8Array(12);
    new DataView(notJson.buffer).setBigUint64(0, 4n, true);
    notJson.set([123, 120, 121, 122], 8);
    expect(() => weightsKey(notJson, 'bad.safetensors')).to.throw(UsageError, /not JSON/);
  });

  it('split KEY=FILE at the last "=", unless the whole argument is an existing file', () => {
    const none = () => false;
    expect(splitWeightsArg('conv:latent=8:c=16:seed=1=runs/a.safetensors', none)).to.deep.equal({
      key: 'conv:latent=8:c=16:seed=1',
      path: 'runs/a.safetensors',
    });
    expect(splitWeightsArg('runs/a.safetensors', none)).to.deep.equal({ key: null, path: 'runs/a.safetensors' });
    expect(splitWeightsArg('runs/latent=8.safetensors', (p) => p === 'runs/latent=8.safetensors')).to.deep.equal({
      key: null,
      path: 'runs/latent=8.safetensors',
    });
  });
});
