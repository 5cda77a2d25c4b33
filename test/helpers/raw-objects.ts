// Counts the raw WebGPU objects a device makes, at the source: wraps the device's createBuffer,
// createBindGroup, createQuerySet, createComputePipeline(Async) and createShaderModule, and each new
// buffer's and query set's destroy(), so that leak tests see every object the engine asks the
// device for (staging buffers, uniform buffers, bind groups, pipelines), not only those its own
// buffer tracker manages. Restore the device's methods with restore().

export interface RawCounts {
  /** Buffers created and not yet destroyed since counting began. */
  liveBuffers: number;
  /** Their bytes. */
  liveBufferBytes: number;
  buffersCreated: number;
  bindGroupsCreated: number;
  /** Query sets created and not yet destroyed. */
  liveQuerySets: number;
  querySetsCreated: number;
  pipelinesCreated: number;
  shaderModulesCreated: number;
}

export interface RawCounter {
  counts(): RawCounts;
  /** Labels of the buffers still live, for failure messages. */
  liveBufferLabels(): string[];
  restore(): void;
}

type Wrapped = Pick<
  GPUDevice,
  | 'createBuffer'
  | 'createBindGroup'
  | 'createQuerySet'
  | 'createComputePipeline'
  | 'createComputePipelineAsync'
  | 'createShaderModule'
>;

/** Starts counting on `device`; objects made before this call are not counted. */
export function countRawObjects(device: GPUDevice): RawCounter {
  const liveBuffers = new Map<GPUBuffer, number>();
  const liveQuerySets = new Set<GPUQuerySet>();
  let buffersCreated = 0;
  let bindGroupsCreated = 0;
  let querySetsCreated = 0;
  let pipelinesCreated = 0;
  let shaderModulesCreated = 0;
  const target = device as unknown as Record<keyof Wrapped, unknown>;
  const own = new Map<keyof Wrapped, PropertyDescriptor | undefined>();
  const wrap = <K extends keyof Wrapped>(name: K, after: (result: ReturnType<Wrapped[K]>) => void) => {
    own.set(name, Object.getOwnPropertyDescriptor(device, name));
    const original = (device[name] as (...args: unknown[]) => ReturnType<Wrapped[K]>).bind(device);
    target[name] = (...args: unknown[]) => {
      const result = original(...args);
      after(result);
      return result;
    };
  };
  wrap('createBuffer', (buffer) => {
    buffersCreated++;
    liveBuffers.set(buffer, buffer.size);
    const destroy = buffer.destroy.bind(buffer);
    (buffer as unknown as { destroy: () => void }).destroy = () => {
      liveBuffers.delete(buffer);
      destroy();
    };
  });
  wrap('createBindGroup', () => {
    bindGroupsCreated++;
  });
  wrap('createQuerySet', (set) => {
    querySetsCreated++;
    liveQuerySets.add(set);
    const destroy = set.destroy.bind(set);
    (set as unknown as { destroy: () => void }).destroy = () => {
      liveQuerySets.delete(set);
      destroy();
    };
  });
  wrap('createComputePipeline', () => {
    pipelinesCreated++;
  });
  wrap('createComputePipelineAsync', () => {
    pipelinesCreated++;
  });
  wrap('createShaderModule', () => {
    shaderModulesCreated++;
  });
  return {
    counts: () => ({
      liveBuffers: liveBuffers.size,
      liveBufferBytes: [...liveBuffers.values()].reduce((s, n) => s + n, 0),
      buffersCreated,
      bindGroupsCreated,
      liveQuerySets: liveQuerySets.size,
      querySetsCreated,
      pipelinesCreated,
      shaderModulesCreated,
    }),
    liveBufferLabels: () => [...liveBuffers.keys()].map((b) => b.label || '(no label)'),
    restore: () => {
      for (const [name, descriptor] of own) {
        if (descriptor) Object.defineProperty(device, name, descriptor);
        else delete target[name];
      }
    },
  };
}
