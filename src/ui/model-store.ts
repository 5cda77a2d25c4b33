// model-store.ts: trained weights kept in the browser's IndexedDB, by the experiments' weight keys
// (e.g. "fc:latent=8:act=leaky_relu:…", "conv:latent=15:c=128:seed=1"), so a model trained by one
// component is reused by another, and by the same page after a reload. A save is atomic: the bytes
// are written under a temporary key first, then one transaction moves them to the real key together
// with their description, so a reader never sees half a model. Imports nothing at run time.

/** What is known about a stored model, without its bytes. */
export interface StoredModelInfo {
  key: string;
  /** Size of the safetensors bytes. */
  bytes: number;
  /** Milliseconds since the epoch. */
  savedAt: number;
  /** Experiment that trained it, e.g. "fc-train". */
  experiment: string;
  /** Scale the experiment ran at ('tiny', 'small', 'full'). */
  scale: string;
  /** False when the run that trained it was stopped before the end. */
  complete: boolean;
}

export type StoredModelMeta = Omit<StoredModelInfo, 'key' | 'bytes' | 'savedAt'>;

const WEIGHTS = 'weights';
const INFO = 'info';
const TEMP_PREFIX = '~saving~';

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('model store: an IndexedDB request failed.'));
  });

const finished = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('model store: an IndexedDB transaction failed.'));
    tx.onabort = () => reject(tx.error ?? new Error('model store: an IndexedDB transaction was aborted.'));
  });

/**
 * Trained weights by key in one IndexedDB database. Dispatches a `change` event after every save,
 * removal or clear, so every component on the page can show the current count.
 */
export class ModelStore extends EventTarget {
  private db: Promise<IDBDatabase> | null = null;

  constructor(readonly dbName = 'autoencoder-lab-models') {
    super();
  }

  private open(): Promise<IDBDatabase> {
    if (!this.db) {
      if (typeof indexedDB === 'undefined') {
        return Promise.reject(
          new Error(
            'model store: IndexedDB is not available in this browser; trained models are kept only until the page closes.',
          ),
        );
      }
      const r = indexedDB.open(this.dbName, 1);
      r.onupgradeneeded = () => {
        r.result.createObjectStore(WEIGHTS);
        r.result.createObjectStore(INFO);
      };
      const db = request(r).then((d) => {
        // Another tab upgrading the database: let it, and open again on the next use.
        d.onversionchange = () => {
          d.close();
          this.db = null;
        };
        return d;
      });
      db.catch(() => {
        if (this.db === db) this.db = null;
      });
      this.db = db;
    }
    return this.db;
  }

  /** Stores `bytes` under `key`, replacing any earlier model there in one step. */
  async save(key: string, bytes: Uint8Array, meta: StoredModelMeta): Promise<void> {
    if (!key || key.startsWith(TEMP_PREFIX))
      throw new Error(
        `model store: key "${key}" is not allowed; expected a non-empty key not starting with "${TEMP_PREFIX}".`,
      );
    const db = await this.open();
    const temp = TEMP_PREFIX + key;
    const copy = bytes.slice();
    const write = db.transaction(WEIGHTS, 'readwrite');
    write.objectStore(WEIGHTS).put(copy, temp);
    await finished(write);
    const swap = db.transaction([WEIGHTS, INFO], 'readwrite');
    const weights = swap.objectStore(WEIGHTS);
    const info: StoredModelInfo = { ...meta, key, bytes: copy.byteLength, savedAt: Date.now() };
    const staged = weights.get(temp);
    let failure: unknown = null;
    // Queued from the request's own success handler, so all three writes stay in this transaction.
    // A write that throws (the transaction aborted or closing under it) aborts the whole swap and
    // becomes the save's error instead of an uncaught exception in this handler.
    staged.onsuccess = () => {
      try {
        if (!(staged.result instanceof Uint8Array))
          throw new Error(
            `model store: the staged bytes of "${key}" were missing; expected them under "${temp}". Save again.`,
          );
        weights.put(staged.result, key);
        weights.delete(temp);
        swap.objectStore(INFO).put(info, key);
      } catch (e) {
        failure = e;
        try {
          swap.abort();
        } catch {
          // Already aborted or finished: nothing of this swap was committed.
        }
      }
    };
    await finished(swap).catch((e: unknown) => {
      throw failure ?? e;
    });
    this.changed();
  }

  /** The bytes stored under `key`, or null. */
  async load(key: string): Promise<Uint8Array | null> {
    const db = await this.open();
    const tx = db.transaction(WEIGHTS, 'readonly');
    const value = await request(tx.objectStore(WEIGHTS).get(key));
    return value instanceof Uint8Array ? value : null;
  }

  /** Every stored model's description (temporary entries of unfinished saves are left out), by key. */
  async list(): Promise<StoredModelInfo[]> {
    const db = await this.open();
    const tx = db.transaction(INFO, 'readonly');
    const all = (await request(tx.objectStore(INFO).getAll())) as StoredModelInfo[];
    return all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The bytes of every model whose description passes `filter`, by key (for ExperimentContext.weights). */
  async loadAll(filter: (info: StoredModelInfo) => boolean = () => true): Promise<Map<string, Uint8Array>> {
    const keys = (await this.list()).filter(filter).map((i) => i.key);
    const db = await this.open();
    const tx = db.transaction(WEIGHTS, 'readonly');
    const store = tx.objectStore(WEIGHTS);
    const values = await Promise.all(keys.map((k) => request(store.get(k))));
    const out = new Map<string, Uint8Array>();
    keys.forEach((k, i) => values[i] instanceof Uint8Array && out.set(k, values[i] as Uint8Array));
    return out;
  }

  /** Removes the model under `key` (nothing happens when there is none). */
  async remove(key: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([WEIGHTS, INFO], 'readwrite');
    tx.objectStore(WEIGHTS).delete(key);
    tx.objectStore(INFO).delete(key);
    await finished(tx);
    this.changed();
  }

  /** Removes every model. */
  async clear(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([WEIGHTS, INFO], 'readwrite');
    tx.objectStore(WEIGHTS).clear();
    tx.objectStore(INFO).clear();
    await finished(tx);
    this.changed();
  }

  /** Closes the connection and deletes the whole database (tests, "forget everything"). */
  async destroy(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db) (await db.catch(() => null))?.close();
    if (typeof indexedDB !== 'undefined') await request(indexedDB.deleteDatabase(this.dbName));
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

/** The page's shared store, used by every <ae-experiment> unless given another. */
export const modelStore = new ModelStore();
