// The kernel registry binds by name: every mistake is a KernelBindingError naming kernel and binding,
// raised before anything is submitted to the GPU.
import { expect } from 'chai';
import { SHADERS } from '../../src/kernels/shaders';
import { KernelBindingError } from '../../src/util/errors';
import { getGpu, platformAdapter } from '../helpers/gpu';

describe('kernel registry', () => {
  it('reflects workgroup size and bindings of matmul.forward_bias_act', async () => {
    const { registry } = await getGpu();
    const k = registry.kernel(SHADERS.matmul, 'forward_bias_act');
    expect(k.workgroupSize).to.deep.equal([16, 16, 1]); // matmul.wgsl: @workgroup_size(16, 16)
    expect(k.info.bindings.map((b) => `${b.name}:${b.kind}`)).to.deep.equal([
      'params:uniform',
      'a:read',
      'b:read',
      'bias:read',
      'c:read_write',
    ]);
  });

  it('caches pipelines by (shader, entry, constants)', async () => {
    const { registry } = await getGpu();
    const a = registry.kernel(SHADERS.elementwise, 'axpby');
    expect(registry.kernel(SHADERS.elementwise, 'axpby')).to.equal(a);
  });

  it('names a missing binding', async () => {
    const { gpu, registry } = await getGpu();
    const k = registry.kernel(SHADERS.elementwise, 'axpby');
    const a = gpu.buffers.create('a', 16);
    try {
      expect(() => registry.bind(k, { a, out: a }, { n: 4, cols: 1, alpha: 1, beta: 1 })).to.throw(
        KernelBindingError,
        /elementwise\.wgsl#axpby: binding "b" is declared in the shader but not provided/,
      );
    } finally {
      a.dispose();
    }
  });

  it('names an extra or misspelled binding', async () => {
    const { gpu, registry } = await getGpu();
    const k = registry.kernel(SHADERS.elementwise, 'axpby');
    const a = gpu.buffers.create('a', 16);
    try {
      expect(() => registry.bind(k, { a, b: a, out: a, bb: a }, { n: 4, cols: 1, alpha: 1, beta: 1 })).to.throw(
        KernelBindingError,
        /binding "bb" is not declared in the shader; expected bindings: a, b, out/,
      );
    } finally {
      a.dispose();
    }
  });

  it('names a missing, unknown or mistyped uniform field', async () => {
    const { gpu, registry } = await getGpu();
    const k = registry.kernel(SHADERS.elementwise, 'axpby');
    const a = gpu.buffers.create('a', 16);
    try {
      expect(() => registry.bind(k, { a, b: a, out: a }, { n: 4, cols: 1, alpha: 1 })).to.throw(
        KernelBindingError,
        /uniform field "beta" is declared in the shader but not given/,
      );
      expect(() => registry.bind(k, { a, b: a, out: a }, { n: 4, cols: 1, alpha: 1, beta: 1, gamma: 2 })).to.throw(
        KernelBindingError,
        /uniform field "gamma" is not declared/,
      );
      expect(() => registry.bind(k, { a, b: a, out: a }, { n: -4, cols: 1, alpha: 1, beta: 1 })).to.throw(
        KernelBindingError,
        /"n" is u32; got -4/,
      );
    } finally {
      a.dispose();
    }
  });

  it('names an unknown entry point and an unknown override constant', async () => {
    const { registry } = await getGpu();
    expect(() => registry.kernel(SHADERS.matmul, 'backward')).to.throw(
      KernelBindingError,
      /matmul\.wgsl: no compute entry point "backward"; expected one of: forward, forward_bias_act/,
    );
    expect(() => registry.kernel(SHADERS.matmul, 'forward', { TILE: 32 })).to.throw(
      KernelBindingError,
      /constant "TILE" is not an override/,
    );
  });

  it('counts live buffers and releases them on dispose', async () => {
    const { gpu } = await getGpu();
    const before = gpu.buffers.liveBufferCount();
    const bufs = [1, 2, 3].map((i) => gpu.buffers.create(`t${i}`, 64));
    expect(gpu.buffers.liveBufferCount()).to.equal(before + 3);
    bufs.forEach((b) => b.dispose());
    expect(gpu.buffers.liveBufferCount()).to.equal(before);
    expect(() => bufs[0]!.gpuBuffer).to.throw(/disposed/);
  });
});

describe('buffer limits', () => {
  it('refuses a storage buffer larger than maxStorageBufferBindingSize, naming the limit and the adapter', async () => {
    const { gpu } = await getGpu();
    const { name } = await platformAdapter();
    const limit = gpu.limits.maxStorageBufferBindingSize;
    const before = gpu.buffers.liveBufferCount();
    expect(() => gpu.buffers.create('huge', limit + 4)).to.throw(
      /exceeds (maxStorageBufferBindingSize \((\d+) bytes\)|maxBufferSize \(\d+ bytes\)) of /,
    );
    let message = '';
    try {
      gpu.buffers.create('huge', limit + 4);
    } catch (e) {
      message = (e as Error).message;
    }
    // The limit is this device's, and the adapter is named as the platform names it.
    expect(message).to.satisfy(
      (m: string) =>
        m.includes(`maxStorageBufferBindingSize (${limit} bytes)`) || /maxBufferSize \(\d+ bytes\)/.test(m),
    );
    expect(message, `the message names the adapter "${name}"`).to.contain(` of ${name}`);
    expect(gpu.buffers.liveBufferCount()).to.equal(before);
  });
});
