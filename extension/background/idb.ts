import { databaseName, idbStores } from '../shared/storage-keys.ts';

/**
 * The extension origin's IndexedDB: content scripts run in the page's origin and cannot open
 * it, which is why the token, the outbox and the detection counts live here rather than in
 * storage.local.
 */
/** 2 added the detection health stores; each upgrade only creates what is missing. */
const databaseVersion = 2;
const { secrets: secretsStore, outbox: outboxStore } = idbStores;
const { detectionCounts: detectionCountsStore, detectionState: detectionStateStore } = idbStores;

export function openDatabase(factory: IDBFactory = indexedDB): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(databaseName, databaseVersion);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(secretsStore)) db.createObjectStore(secretsStore);
      if (!db.objectStoreNames.contains(outboxStore)) {
        db.createObjectStore(outboxStore, { keyPath: 'idempotencyKey' });
      }
      if (!db.objectStoreNames.contains(detectionCountsStore)) {
        db.createObjectStore(detectionCountsStore, { keyPath: 'key' });
      }
      if (!db.objectStoreNames.contains(detectionStateStore)) {
        db.createObjectStore(detectionStateStore);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB open failed'));
  });
}

function done<T>(request: IDBRequest<T>, transaction: IDBTransaction): Promise<T> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB write failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB aborted'));
  });
}

export async function idbGet<T>(
  db: IDBDatabase,
  store: string,
  key: IDBValidKey,
): Promise<T | undefined> {
  const tx = db.transaction(store, 'readonly');
  return (await done(tx.objectStore(store).get(key), tx)) as T | undefined;
}

export async function idbGetAll<T>(db: IDBDatabase, store: string): Promise<T[]> {
  const tx = db.transaction(store, 'readonly');
  return (await done(tx.objectStore(store).getAll(), tx)) as T[];
}

export async function idbPut(
  db: IDBDatabase,
  store: string,
  value: unknown,
  key?: IDBValidKey,
): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  await done(tx.objectStore(store).put(value, key), tx);
}

export async function idbDelete(db: IDBDatabase, store: string, key: IDBValidKey): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  await done(tx.objectStore(store).delete(key), tx);
}

/**
 * Reads one record, applies `change` and writes its answer (undefined deletes the record) in
 * one readwrite transaction: no other write to the store can fall between the read and the
 * write. Answers what was written, or undefined when nothing was there or it was deleted.
 */
export async function idbUpdate<T>(
  db: IDBDatabase,
  store: string,
  key: IDBValidKey,
  change: (current: T) => T | undefined,
): Promise<T | undefined> {
  const tx = db.transaction(store, 'readwrite');
  const objectStore = tx.objectStore(store);
  let written: T | undefined;
  let failure: unknown = null;
  const finished = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB aborted'));
  });
  const read = objectStore.get(key);
  read.onsuccess = () => {
    const current = read.result as T | undefined;
    if (current === undefined) return;
    try {
      written = change(current);
    } catch (error) {
      failure = error;
      tx.abort();
      return;
    }
    if (written === undefined) objectStore.delete(key);
    else objectStore.put(written);
  };
  await finished.catch((error: unknown) => {
    throw failure ?? error;
  });
  return written;
}
