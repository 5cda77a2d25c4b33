// Every shader reflects, follows the binding conventions, and every op in the OPS table is complete.
// Needs no GPU: reflection and op tables are plain data.
import { expect } from 'chai';
import { reflectShader } from '../../../src/kernels/registry';
import { SHADERS } from '../../../src/kernels/shaders';
import { OPS } from '../../../src/ops/index';

describe('shader conventions (reflection, no GPU)', () => {
  for (const shader of Object.values(SHADERS)) {
    it(`${shader.name}.wgsl: entries use group 0, a params uniform at binding 0, inputs read-only before outputs`, () => {
      const entries = reflectShader(shader);
      expect(entries.size, 'compute entry points').to.be.greaterThan(0);
      for (const info of entries.values()) {
        const where = `${shader.name}#${info.entry}`;
        const uniform = info.bindings.filter((b) => b.kind === 'uniform');
        expect(uniform.length, `${where}: uniform bindings`).to.be.at.most(1);
        if (uniform.length) {
          expect(uniform[0]!.name, where).to.equal('params');
          expect(uniform[0]!.binding, where).to.equal(0);
        }
        expect(
          info.bindings.some((b) => b.kind === 'read_write'),
          `${where}: writes an output`,
        ).to.equal(true);
        const size = info.workgroupSizeExpr;
        expect(
          size.every((e) => typeof e === 'number' || info.overrides.get(e) !== undefined),
          `${where}: workgroup size resolves`,
        ).to.equal(true);
      }
    });
  }
});

describe('the OPS table', () => {
  for (const [key, op] of Object.entries(OPS)) {
    it(`${key}: named after its key, with a shape rule, a GPU build, a CPU reference and a stated backward`, () => {
      expect(op.name).to.equal(key);
      expect(op.inferShape).to.be.a('function');
      expect(op.build).to.be.a('function');
      expect(op.reference).to.be.a('function');
      expect(op.backward === 'none' || typeof op.backward === 'function').to.equal(true);
    });
  }
});
