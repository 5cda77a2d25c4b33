// Every op of the OPS table has a GPU test. GPU_TESTS is keyed on OpName, so an op added to the table
// without an entry here is a type error; each entry names the files that run the op on the GPU against an
// independent reference (float64 reference, hand-worked values), and the test checks that every named
// file exists under test/gpu and calls the op by name.
import { expect } from 'chai';
import { OPS, type OpName } from '../../../src/ops/index';

const ELEMENTWISE = 'test/gpu/ops/elementwise.test.ts';
const COMPOSING = 'test/gpu/ops/composing.test.ts';
const MATMUL = 'test/gpu/ops/matmul.test.ts';
const CONV = ['test/gpu/conv/conv.test.ts', 'test/gpu/conv/pins.test.ts'];
const LOSS = ['test/gpu/loss/loss.test.ts', 'test/gpu/loss/pins.test.ts'];
const LOSS_PINS = ['test/gpu/loss/pins.test.ts'];
const STATS = 'test/gpu/loss/stats.test.ts';
const ROW_SUMS = 'test/gpu/ops/row-sums.test.ts';
const FUSED = 'test/gpu/ops/fused.test.ts';
const MODEL_AXIS = 'test/gpu/nn/model-axis.test.ts';

const GPU_TESTS: { readonly [K in OpName]: readonly string[] } = {
  activation: [ELEMENTWISE, COMPOSING],
  activationGradY: [ELEMENTWISE, COMPOSING],
  leakyReluInverse: [ELEMENTWISE],
  leakyReluInverseGrad: [COMPOSING],
  add: [ELEMENTWISE],
  sub: [ELEMENTWISE],
  mul: [ELEMENTWISE],
  scale: [ELEMENTWISE],
  addRow: [ELEMENTWISE],
  broadcastRows: [COMPOSING],
  broadcastScalar: [COMPOSING],
  broadcastCols: [ROW_SUMS],
  matmul: [MATMUL],
  linear: [MATMUL],
  matmulActGrad: [FUSED],
  linearParamGrad: [FUSED],
  reshape: [COMPOSING],
  conv2d: CONV,
  convTranspose2d: CONV,
  conv2dBackwardInput: [COMPOSING],
  conv2dBackwardWeight: CONV,
  channelSum: [COMPOSING],
  sumRows: [COMPOSING],
  sumAll: [COMPOSING],
  sumCols: [ROW_SUMS],
  mseLoss: LOSS,
  mseLossGrad: LOSS,
  bceLoss: LOSS,
  bceLossGrad: LOSS,
  bceWithLogitsLoss: LOSS_PINS,
  bceWithLogitsLossGrad: LOSS_PINS,
  klDivLoss: LOSS_PINS,
  klDivLossGrad: LOSS_PINS,
  crossEntropyLoss: LOSS,
  crossEntropyLossGrad: LOSS,
  circularLoss: LOSS,
  circularLossGrad: LOSS,
  lossValueGrad: [FUSED],
  softmax: [STATS],
  logSoftmax: [STATS],
  columnMean: [STATS],
  columnStd: [STATS],
  pearson: [STATS],
  meanAbsOffDiagonal: [STATS],
  frobeniusNorm: [STATS],
  gatherBytes: ['test/gpu/ops/gather.test.ts'],
  stackedLinear: [MODEL_AXIS],
  stackedSumRows: [MODEL_AXIS],
  stackedLoss: [MODEL_AXIS],
  stackedLossGrad: [MODEL_AXIS],
};

const sources = new Map<string, Promise<string>>();
/** A test file's text as the test server (or, from Node, the repository) serves it. */
function source(path: string): Promise<string> {
  let s = sources.get(path);
  if (!s) {
    s = fetch(`/${path}`, { headers: { accept: 'text/plain' } }).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status}; GPU_TESTS names a file that does not exist`);
      return r.text();
    });
    sources.set(path, s);
  }
  return s;
}

describe('every op has a GPU test', () => {
  it('GPU_TESTS lists exactly the ops of the OPS table', () => {
    expect(Object.keys(GPU_TESTS).sort()).to.deep.equal(Object.keys(OPS).sort());
  });

  for (const [name, files] of Object.entries(GPU_TESTS) as [OpName, readonly string[]][]) {
    it(`${name}: run on the GPU by ${files.join(', ')}`, async () => {
      expect(files.length, name).to.be.greaterThan(0);
      for (const file of files) {
        expect(file, `${name}: a GPU test file`).to.match(/^test\/gpu\/.+\.test\.ts$/);
        const text = await source(file);
        // imported and used: the name appears at least twice
        const uses = text.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
        expect(uses, `${file} does not import and call ${name}`).to.be.at.least(2);
      }
    });
  }
});
