import { idbDelete, idbGetAll, idbPut, idbUpdate, openDatabase } from './idb.ts';
import { idbStores } from '../shared/storage-keys.ts';

const outboxStore = idbStores.outbox;
import type { OutboxEntry, OutboxStore } from './outbox.ts';

/** The outbox on IndexedDB: survives worker stops and browser restarts. */
export class IdbOutboxStore implements OutboxStore {
  constructor(private readonly factory: IDBFactory = indexedDB) {}

  async put(entry: OutboxEntry): Promise<void> {
    const db = await openDatabase(this.factory);
    try {
      await idbPut(db, outboxStore, entry);
    } finally {
      db.close();
    }
  }

  async delete(idempotencyKey: string): Promise<void> {
    const db = await openDatabase(this.factory);
    try {
      await idbDelete(db, outboxStore, idempotencyKey);
    } finally {
      db.close();
    }
  }

  async update(
    idempotencyKey: string,
    change: (entry: OutboxEntry) => OutboxEntry | null,
  ): Promise<OutboxEntry | null> {
    const db = await openDatabase(this.factory);
    try {
      const written = await idbUpdate<OutboxEntry>(
        db,
        outboxStore,
        idempotencyKey,
        (entry) => change(entry) ?? undefined,
      );
      return written ?? null;
    } finally {
      db.close();
    }
  }

  async all(): Promise<OutboxEntry[]> {
    const db = await openDatabase(this.factory);
    try {
      return await idbGetAll<OutboxEntry>(db, outboxStore);
    } finally {
      db.close();
    }
  }
}
