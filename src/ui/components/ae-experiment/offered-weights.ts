// offered-weights.ts: the stored weights handed to an experiment (ExperimentContext.weights), noting
// which keys the experiment actually took, so the component can say which models were reused
// rather than trained; and the trips to the model store before and after a run. Imports the
// experiments' result type and ../../model-store (types).
import type { ExperimentResult } from '../../../experiments/types';
import type { ModelStore } from '../../model-store';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A read-only map of weights by key that remembers every key whose bytes were handed out. */
export class OfferedWeights implements ReadonlyMap<string, Uint8Array> {
  private readonly taken = new Set<string>();

  constructor(private readonly inner: ReadonlyMap<string, Uint8Array>) {}

  /** Keys whose bytes the experiment read (in order of first use). */
  get used(): string[] {
    return [...this.taken];
  }

  get size(): number {
    return this.inner.size;
  }

  get(key: string): Uint8Array | undefined {
    const v = this.inner.get(key);
    if (v) this.taken.add(key);
    return v;
  }

  has(key: string): boolean {
    return this.inner.has(key);
  }

  forEach(fn: (value: Uint8Array, key: string, map: ReadonlyMap<string, Uint8Array>) => void, thisArg?: unknown): void {
    this.inner.forEach((v, k) => {
      this.taken.add(k);
      fn.call(thisArg, v, k, this);
    });
  }

  keys(): MapIterator<string> {
    return this.inner.keys();
  }

  /** Iterating entries or values hands out every model, so all count as taken. */
  entries(): MapIterator<[string, Uint8Array]> {
    this.takeAll();
    return this.inner.entries();
  }

  values(): MapIterator<Uint8Array> {
    this.takeAll();
    return this.inner.values();
  }

  private takeAll(): void {
    for (const k of this.inner.keys()) this.taken.add(k);
  }

  [Symbol.iterator](): MapIterator<[string, Uint8Array]> {
    return this.entries();
  }
}

/**
 * The stored models of `scale` to offer a run: all of them when `reuse` is on, else only those
 * named in `keep` (the ones a stopped run saved, on Resume). A store that cannot be read gives no
 * weights and a warning to show.
 */
export async function offerStored(
  store: ModelStore,
  scale: string,
  reuse: boolean,
  keep: readonly string[],
): Promise<{ weights: OfferedWeights | null; warning: string }> {
  if (!reuse && keep.length === 0) return { weights: null, warning: '' };
  try {
    const all = await store.loadAll((i) => i.scale === scale && (reuse || keep.includes(i.key)));
    return { weights: all.size ? new OfferedWeights(all) : null, warning: '' };
  } catch (e) {
    return {
      weights: null,
      warning: `Stored models could not be read, so everything is trained here: ${messageOf(e)}`,
    };
  }
}

/** Saves every weights entry of `result` under its key; returns the keys saved and any warning. */
export async function persistWeights(
  store: ModelStore,
  scale: string,
  result: ExperimentResult,
  stopped: boolean,
): Promise<{ saved: string[]; warning: string }> {
  const saved: string[] = [];
  try {
    for (const w of result.weights) {
      await store.save(w.key, w.bytes, { experiment: result.experiment, scale, complete: !stopped });
      saved.push(w.key);
    }
    return { saved, warning: '' };
  } catch (e) {
    return {
      saved,
      warning: `Trained models could not be stored in this browser (they stay in the result): ${messageOf(e)}`,
    };
  }
}

/** How many models of `scale` the store holds (0 when it cannot be read). */
export async function countStored(store: ModelStore | null, scale: string): Promise<number> {
  if (!store) return 0;
  try {
    return (await store.list()).filter((i) => i.scale === scale).length;
  } catch {
    return 0;
  }
}
