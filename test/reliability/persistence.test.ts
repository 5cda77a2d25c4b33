// Atomic persistence in IndexedDB: a model save interrupted at any point — while the bytes are
// staged, between staging and the swap, or in the middle of the swap — leaves the previously stored
// model loadable and unchanged (bytes and description), and a later save still succeeds. The
// interruptions are made by wrapping IndexedDB's own methods for the duration of one save.
// Imports src/ui/model-store.
import { expect } from 'chai';
import { ModelStore, type StoredModelMeta } from '../../src/ui/model-store';

const KEY = 'fc:latent=2:test';
const META: StoredModelMeta = { experiment: 'fc-train', scale: 'tiny', complete: true };
const OLD = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 251);
const NEW = Uint8Array.from({ length: 8192 }, (_, i) => (i * 13 + 1) % 253);

type Restore = () => void;

/** Aborts the transaction of the first put() whose key is `key` (after queueing that put). */
function abortPutOf(key: (k: IDBValidKey) => boolean): Restore {
  const original = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, k?: IDBValidKey) {
    const r = original.call(this, value, k);
    if (k !== undefined && key(k)) {
      IDBObjectStore.prototype.put = original;
      this.transaction.abort();
    }
    return r;
  };
  return () => (IDBObjectStore.prototype.put = original);
}

/** Makes the n-th (0-based) readwrite transaction opened from now on throw, as a closing page would. */
function failTransaction(n: number): Restore {
  const original = IDBDatabase.prototype.transaction;
  let seen = 0;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    if (args[1] === 'readwrite' && seen++ === n) {
      IDBDatabase.prototype.transaction = original;
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    }
    return original.apply(this, args);
  } as IDBDatabase['transaction'];
  return () => (IDBDatabase.prototype.transaction = original);
}

const INTERRUPTIONS: [string, () => Restore][] = [
  ['while the bytes are staged under the temporary key', () => abortPutOf((k) => k !== KEY)],
  ['before the swap transaction opens', () => failTransaction(1)],
  ['in the middle of the swap (the real key already written in it)', () => abortPutOf((k) => k === KEY)],
];

describe('reliability: interrupted saves in the model store', () => {
  let store: ModelStore;
  beforeEach(() => {
    store = new ModelStore(`reliability-persist-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  });
  afterEach(() => store.destroy());

  for (const [when, interrupt] of INTERRUPTIONS) {
    it(`a save interrupted ${when} leaves the previous model loadable and unchanged`, async () => {
      await store.save(KEY, OLD, META);
      const [infoBefore] = await store.list();
      const restore = interrupt();
      let error: unknown = null;
      try {
        await store.save(KEY, NEW, { ...META, complete: false });
      } catch (e) {
        error = e;
      } finally {
        restore();
      }
      expect(error, 'the interrupted save rejects').to.not.equal(null);
      expect(Array.from((await store.load(KEY))!)).to.deep.equal(Array.from(OLD));
      expect(await store.list()).to.deep.equal([infoBefore]);
      expect((await store.loadAll()).size).to.equal(1);
      // The store still works: the next save replaces the model whole.
      await store.save(KEY, NEW, META);
      expect(Array.from((await store.load(KEY))!)).to.deep.equal(Array.from(NEW));
      const after = await store.list();
      expect(after.map((i) => [i.key, i.bytes])).to.deep.equal([[KEY, NEW.byteLength]]);
    });
  }

  it('a first save interrupted mid-swap stores nothing at all under the key', async () => {
    const restore = abortPutOf((k) => k === KEY);
    await store
      .save(KEY, NEW, META)
      .then(
        () => expect.fail('the interrupted save resolved'),
        () => undefined,
      )
      .finally(restore);
    expect(await store.load(KEY)).to.equal(null);
    expect(await store.list()).to.deep.equal([]);
  });
});
