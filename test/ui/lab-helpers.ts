// A stand-in runtime for labs whose experiment never touches the GPU: enough for describeAdapter().
import type { Runtime } from '../../src/experiments/runtime';

export const fakeRuntime = async (): Promise<Runtime> =>
  ({
    gpu: {
      adapter: { vendor: 'test', architecture: '', device: '', description: 'stand-in adapter', isFallback: false },
      limits: {},
      features: new Set(),
    },
  }) as unknown as Runtime;
