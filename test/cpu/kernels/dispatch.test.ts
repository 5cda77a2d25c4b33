// Dispatch grids come from the reflected workgroup size; override values come from the constants a
// pipeline is built with, else the shader's defaults. Needs no GPU: a Kernel's size and overrides are
// read from reflection when it is constructed (its pipeline is built only when a dispatch needs it).
import { expect } from 'chai';
import { coveringGrid, groupPerItem, threadGrid, wrappedGroups } from '../../../src/kernels/dispatch';
import { Kernel, reflectShader, type ShaderSource } from '../../../src/kernels/registry';
import { SHADERS } from '../../../src/kernels/shaders';

/** A Kernel for an entry with no device behind it (only its reflected facts are used). */
function kernelOf(shader: ShaderSource, entry: string, constants: Record<string, number> = {}): Kernel {
  const info = reflectShader(shader).get(entry);
  if (!info) throw new Error(`${shader.name}.wgsl has no entry ${entry}`);
  return new Kernel(info, {} as GPUDevice, {} as GPUComputePipelineDescriptor, {} as GPUBindGroupLayout, constants);
}

describe('dispatch grids from reflected workgroup sizes (no GPU)', () => {
  it('threadGrid covers n threads with the declared 1-D size, wrapping onto y past 65,535 groups', () => {
    const elementwise = kernelOf(SHADERS.elementwise, 'axpby'); // @workgroup_size(WG), WG = 256
    const solve = kernelOf(SHADERS.trisolve, 'back_substitute'); // WG = 64
    expect(elementwise.workgroupSize).to.deep.equal([256, 1, 1]);
    expect(solve.workgroupSize).to.deep.equal([64, 1, 1]);
    expect(threadGrid(elementwise, 1)).to.deep.equal([1, 1, 1]);
    expect(threadGrid(elementwise, 256)).to.deep.equal([1, 1, 1]);
    expect(threadGrid(elementwise, 257)).to.deep.equal([2, 1, 1]);
    expect(threadGrid(solve, 257)).to.deep.equal([5, 1, 1]);
    expect(threadGrid(elementwise, 65535 * 256)).to.deep.equal([65535, 1, 1]);
    expect(threadGrid(elementwise, 65535 * 256 + 1)).to.deep.equal([65535, 2, 1]);
  });

  it('threadGrid refuses a 2-D workgroup, naming the kernel', () => {
    const tiled = kernelOf(SHADERS.matmul, 'forward'); // @workgroup_size(16, 16)
    expect(() => threadGrid(tiled, 100)).to.throw(/matmul\.forward: threadGrid needs a 1-D workgroup.*\(16, 16, 1\)/);
  });

  it('coveringGrid divides each dimension by workgroup size × per-thread block; overrides size the direct GEMM', () => {
    const tiled = kernelOf(SHADERS.matmul, 'forward');
    expect(coveringGrid(tiled, [130, 64, 3], [4, 4])).to.deep.equal([3, 1, 3]);
    const direct = kernelOf(SHADERS.matmulDirect, 'forward', { WX: 16, WY: 4 });
    expect(direct.workgroupSize).to.deep.equal([16, 4, 1]);
    expect(coveringGrid(direct, [129, 33, 1], [8, 8])).to.deep.equal([2, 2, 1]);
    const defaults = kernelOf(SHADERS.matmulDirect, 'forward');
    expect(defaults.workgroupSize).to.deep.equal([8, 8, 1]);
  });

  it('one group per item wraps the same way', () => {
    expect(groupPerItem(3)).to.deep.equal([3, 1, 1]);
    expect(wrappedGroups(65536)).to.deep.equal([65535, 2, 1]);
  });

  it('override() gives the constant a pipeline was built with, else the default, and names unknown overrides', () => {
    expect(kernelOf(SHADERS.reduce, 'sum_all').override('TERMS')).to.equal(4);
    expect(kernelOf(SHADERS.reduce, 'sum_all', { TERMS: 8 }).override('TERMS')).to.equal(8);
    expect(kernelOf(SHADERS.activation, 'forward', { ACT: 2 }).override('ACT')).to.equal(2);
    expect(() => kernelOf(SHADERS.reduce, 'sum_rows').override('TERMS')).to.throw(
      /reduce\.sum_rows: override "TERMS" is not an override it uses/,
    );
  });

  it('every activation-applying entry takes the activation as the ACT override, and none as a uniform', () => {
    const applying = [
      [SHADERS.activation, ['forward', 'backward_y']],
      [SHADERS.matmul, ['forward_bias_act', 'forward_bias_act_wide']],
      [SHADERS.matmulDirect, ['forward_bias_act', 'forward_bias_act_v4']],
    ] as const;
    for (const [shader, entries] of applying) {
      const reflected = reflectShader(shader);
      for (const entry of entries) {
        const info = reflected.get(entry)!;
        expect(info.overrides.has('ACT'), `${shader.name}#${entry} uses ACT`).to.equal(true);
        expect(info.uniform?.fields.map((f) => f.name) ?? [], `${shader.name}#${entry} params`).to.not.include.members([
          'act',
          'kind',
        ]);
      }
    }
  });
});
