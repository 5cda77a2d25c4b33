// user-data.ts: the learner's own images for a lab — an IDX images file (28×28, 8-bit) and, if
// given, its IDX labels file, read in the page with the dataset viewer's parser and checks
// (src/data datasetFromIdx), never sent anywhere; and, only when the learner asks, kept in this
// browser's IndexedDB under the lab's name. Imports data and experiments types.
import { datasetFromIdx } from '../../../data/datasets';
import type { UserDataset } from '../../../experiments/types';

const DB_NAME = 'autoencoder-lab-user-data';
const STORE = 'sets';

/** Reads a File (or Blob with a name) as bytes. */
async function bytesOf(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * The learner's images (and labels) as a dataset. Throws DatasetFormatError naming the file and
 * saying what was expected for a file that is not a 28×28 uint8 IDX images file, is truncated, or
 * holds no images, or for a labels file that does not fit.
 */
export async function readUserData(images: File, labels: File | null): Promise<UserDataset> {
  const set = datasetFromIdx(await bytesOf(images), labels ? await bytesOf(labels) : null, {
    images: images.name,
    ...(labels ? { labels: labels.name } : {}),
  });
  return { name: labels ? `${images.name} + ${labels.name}` : images.name, images: set };
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`IndexedDB: could not open ${DB_NAME}.`));
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error(`IndexedDB: the ${mode} transaction on ${DB_NAME} failed.`));
      tx.onabort = () => reject(tx.error ?? new Error(`IndexedDB: the ${mode} transaction on ${DB_NAME} was aborted.`));
    });
  } finally {
    db.close();
  }
}

/** Keeps `data` in this browser under `key` (the lab's experiment name). */
export async function keepUserData(key: string, data: UserDataset): Promise<void> {
  await transact('readwrite', (s) => s.put(data, key));
}

/** The set kept under `key`, or null. */
export async function keptUserData(key: string): Promise<UserDataset | null> {
  const v = await transact('readonly', (s) => s.get(key) as IDBRequest<UserDataset | undefined>);
  return v ?? null;
}

/** Removes the set kept under `key` (nothing when there is none). */
export async function forgetUserData(key: string): Promise<void> {
  await transact('readwrite', (s) => s.delete(key));
}
