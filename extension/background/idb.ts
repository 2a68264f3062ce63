/**
 * The extension origin's IndexedDB: content scripts run in the page's origin and cannot open
 * it, which is why the token, the outbox and the detection counts live here rather than in
 * storage.local.
 */
const databaseName = 'loopdesk';
/** 2 added the detection health stores; each upgrade only creates what is missing. */
const databaseVersion = 2;
export const secretsStore = 'secrets';
export const outboxStore = 'outbox';
/** Detection counts waiting to be sent, one record per (day, crm, page kind, result). */
export const detectionCountsStore = 'detectionCounts';
/** The detection batch being delivered and when counts were last sent. */
export const detectionStateStore = 'detectionState';

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
