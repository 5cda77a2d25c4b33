// batched.ts: runs one compiled graph over many rows in fixed-size batches. Imports graph, util.
// Graph shapes are fixed, so a split of `count` rows needs at most two graphs: one for full batches
// and one for the remainder. Both are compiled once, used for every batch, and freed at the end.
import { Graph } from '../graph/graph';
import { Executable } from '../graph/executor';
import type { Tensor } from '../graph/tensor';
import type { Runtime } from './runtime';

export interface BatchStep<T> {
  exe: Executable;
  /** What `build` returned for this batch size (its input and output tensors). */
  graph: T;
  /** First row of this batch and its number of rows. */
  start: number;
  n: number;
}

/**
 * Calls `build(g, n)` once per batch size to record the graph (returning the tensors to keep and
 * whatever the caller needs to feed and read), then `step` for each batch in order.
 */
export async function runBatched<T>(
  runtime: Runtime,
  count: number,
  batchSize: number,
  build: (g: Graph, n: number) => { keep: Tensor[]; graph: T },
  step: (s: BatchStep<T>) => Promise<void>,
  label = 'batched',
): Promise<void> {
  const B = Math.min(batchSize, count);
  const sizes = [B, count % B].filter((n, i) => i === 0 || n > 0);
  const compiled = sizes.map((n) => {
    const g = new Graph();
    const { keep, graph } = build(g, n);
    return { n, graph, exe: new Executable(runtime, g, { keep, label: `${label}:${n}` }) };
  });
  try {
    for (let start = 0; start < count; start += B) {
      const n = Math.min(B, count - start);
      const c = compiled.find((k) => k.n === n)!;
      await step({ exe: c.exe, graph: c.graph, start, n });
    }
  } finally {
    compiled.forEach((c) => c.exe.dispose());
  }
}
