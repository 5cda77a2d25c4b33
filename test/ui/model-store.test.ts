// ModelStore: weights go into IndexedDB and come back byte for byte; a save replaces the old model
// in one step and leaves no temporary entry; list, loadAll's filter, remove, clear and change events.
import { expect } from 'chai';
import { ModelStore } from '../../src/ui/model-store';

/** Every key of one object store, read straight from IndexedDB. */
async function rawKeys(dbName: string, store: string): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(dbName);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const r = db.transaction(store, 'readonly').objectStore(store).getAllKeys();
      r.onsuccess = () => resolve(r.result as string[]);
      r.onerror = () => reject(r.error);
    });
  } finally {
    db.close();
  }
}

describe('ModelStore (IndexedDB)', () => {
  let store: ModelStore;
  beforeEach(() => {
    store = new ModelStore(`ae-test-store-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  });
  afterEach(() => store.destroy());

  it('round-trips bytes and descriptions, and a second store on the same database sees them', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 251);
    await store.save('fc:latent=8:act=leakyRelu:slope=0.5:opt=adam:loss=mse:seed=0', bytes, {
      experiment: 'fc-train',
      scale: 'small',
      complete: true,
    });
    bytes[0] = 99; // the store keeps its own copy
    const back = await store.load('fc:latent=8:act=leakyRelu:slope=0.5:opt=adam:loss=mse:seed=0');
    expect(back).to.be.instanceOf(Uint8Array);
    expect(back!.length).to.equal(100_000);
    expect(back![0]).to.equal(0);
    expect(back![12345]).to.equal((12345 * 31) % 251);
    const [info] = await store.list();
    expect(info).to.include({
      key: 'fc:latent=8:act=leakyRelu:slope=0.5:opt=adam:loss=mse:seed=0',
      bytes: 100_000,
      experiment: 'fc-train',
      scale: 'small',
      complete: true,
    });
    expect(info!.savedAt).to.be.closeTo(Date.now(), 60_000);
    const other = new ModelStore(store.dbName);
    expect((await other.list()).map((i) => i.key)).to.deep.equal([info!.key]);
    expect(await other.load('missing')).to.equal(null);
  });

  it('replaces a model in one step and leaves no temporary entry behind', async () => {
    await store.save('conv:latent=3:c=4:seed=0', new Uint8Array([1, 1, 1]), {
      experiment: 'conv-latent',
      scale: 'tiny',
      complete: false,
    });
    await store.save('conv:latent=3:c=4:seed=0', new Uint8Array([2, 2]), {
      experiment: 'conv-latent',
      scale: 'tiny',
      complete: true,
    });
    expect(Array.from((await store.load('conv:latent=3:c=4:seed=0'))!)).to.deep.equal([2, 2]);
    const list = await store.list();
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ bytes: 2, complete: true });
    expect(await rawKeys(store.dbName, 'weights')).to.deep.equal(['conv:latent=3:c=4:seed=0']);
    expect(await rawKeys(store.dbName, 'info')).to.deep.equal(['conv:latent=3:c=4:seed=0']);
    let refused = '';
    await store
      .save('~saving~x', new Uint8Array(1), { experiment: 'x', scale: 'tiny', complete: true })
      .catch((e: Error) => (refused = e.message));
    expect(refused).to.contain('not allowed');
  });

  it('loads many by filter, removes, clears, and announces each change', async () => {
    let changes = 0;
    store.addEventListener('change', () => changes++);
    await store.save('a', new Uint8Array([1]), { experiment: 'x', scale: 'tiny', complete: true });
    await store.save('b', new Uint8Array([2]), { experiment: 'x', scale: 'small', complete: true });
    await store.save('c', new Uint8Array([3]), { experiment: 'y', scale: 'small', complete: true });
    const small = await store.loadAll((i) => i.scale === 'small');
    expect([...small.keys()].sort()).to.deep.equal(['b', 'c']);
    expect(Array.from(small.get('c')!)).to.deep.equal([3]);
    await store.remove('b');
    expect((await store.list()).map((i) => i.key)).to.deep.equal(['a', 'c']);
    await store.clear();
    expect(await store.list()).to.deep.equal([]);
    expect(changes).to.equal(5);
  });
});
