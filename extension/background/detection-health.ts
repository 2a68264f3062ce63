import {
  detectionCrmSchema,
  detectionPageKindSchema,
  detectionRowKey,
  maxDetectionCount,
  maxDetectionReportAgeDays,
  maxDetectionReportRows,
  type DetectionReport,
  type DetectionReportRow,
} from '../../src/contract/detection-health.ts';
import type { DetectionObservation } from '../messaging/protocol.ts';
import { openDatabase } from './idb.ts';
import { detectionStateKeys, idbStores } from '../shared/storage-keys.ts';

const { detectionCounts: detectionCountsStore, detectionState: detectionStateStore } = idbStores;
import type { DeliveryResult } from './outbox.ts';

/**
 * Detection health on the worker's side: each visit to a claimed CRM page adds one to a count
 * per (UTC day, crm, page kind, result), kept in the extension's IndexedDB (content scripts
 * cannot open it, and a stopped worker loses nothing). The counts ride along with outcome
 * deliveries as one batch with an id: a batch is frozen before it is sent, resent unchanged
 * under the same id until the backend has it, and only then forgotten, so a lost answer never
 * counts twice and counts added meanwhile wait for the next batch.
 */

/** A count waiting to be sent. */
export interface DetectionCountRecord extends DetectionReportRow {
  key: string;
}

/** The batch being delivered: frozen, resent as is until the backend answers. */
export interface DetectionBatch extends DetectionReport {
  frozenAt: number;
}

interface DetectionMeta {
  /** When counts were last sent (or tried); epoch ms. */
  lastAttemptAt: number | null;
  /** When the last try failed and will be retried; null after a success. */
  failedAt: number | null;
}

const { batch: batchKey, meta: metaKey } = detectionStateKeys;
const dayMs = 86_400_000;

export interface DetectionLimits {
  readonly maxRows: number;
  readonly maxCount: number;
  readonly maxAgeDays: number;
  readonly sendEveryMs: number;
  readonly retryAfterMs: number;
}

export const detectionLimits: DetectionLimits = Object.freeze({
  /** Rows waiting at most: one batch, one request. A full store still counts known rows. */
  maxRows: maxDetectionReportRows,
  maxCount: maxDetectionCount,
  /** Older counts are dropped rather than sent: the backend refuses them past its limit. */
  maxAgeDays: maxDetectionReportAgeDays - 7,
  /** With no outcome to ride along with, an observation asks for a delivery this often. */
  sendEveryMs: 60 * 60_000,
  /** After a failed send, outcome deliveries do not carry counts again for this long. */
  retryAfterMs: 10 * 60_000,
});

export const utcDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

/** Resolves when the transaction commits, with the value `work` set; rejects if it fails. */
function run<T>(
  factory: IDBFactory,
  stores: string[],
  mode: IDBTransactionMode,
  work: (tx: IDBTransaction, set: (value: T) => void) => void,
): Promise<T> {
  return openDatabase(factory).then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        let value: T;
        const tx = db.transaction(stores, mode);
        tx.oncomplete = () => {
          db.close();
          resolve(value);
        };
        tx.onerror = () => {
          db.close();
          reject(tx.error ?? new Error('IndexedDB failed'));
        };
        tx.onabort = () => {
          db.close();
          reject(tx.error ?? new Error('IndexedDB aborted'));
        };
        // Callbacks rather than awaits: each read and its write stay in one transaction, so
        // observations from several tabs at once never lose a count.
        work(tx, (v) => (value = v));
      }),
  );
}

/** The counts and the batch in IndexedDB; every method is one transaction. */
export class DetectionCountStore {
  constructor(
    private readonly factory: IDBFactory = indexedDB,
    private readonly limits: DetectionLimits = detectionLimits,
  ) {}

  /**
   * Adds one visit. False when it was not counted: the store holds `maxRows` other rows (a new
   * row waits for a batch to make room) or the observation is not one the backend accepts.
   */
  add(observation: DetectionObservation, now: number): Promise<boolean> {
    if (
      !detectionCrmSchema.safeParse(observation.crm).success ||
      !detectionPageKindSchema.safeParse(observation.pageKind).success
    ) {
      return Promise.resolve(false);
    }
    const row: DetectionReportRow = {
      crm: observation.crm,
      pageKind: observation.pageKind,
      day: utcDay(now),
      result: observation.result,
      count: 1,
    };
    const key = detectionRowKey(row);
    return run<boolean>(this.factory, [detectionCountsStore], 'readwrite', (tx, set) => {
      const store = tx.objectStore(detectionCountsStore);
      const existing = store.get(key);
      existing.onsuccess = () => {
        const found = existing.result as DetectionCountRecord | undefined;
        if (found) {
          // Saturates: the row stays sendable and the store stops growing.
          store.put({ ...found, count: Math.min(found.count + 1, this.limits.maxCount) });
          set(true);
          return;
        }
        const rows = store.count();
        rows.onsuccess = () => {
          if (rows.result >= this.limits.maxRows) {
            set(false);
            return;
          }
          store.put({ ...row, key } satisfies DetectionCountRecord);
          set(true);
        };
      };
    });
  }

  /** The counts waiting for the next batch (not the one being delivered). */
  pending(): Promise<DetectionCountRecord[]> {
    return run(this.factory, [detectionCountsStore], 'readonly', (tx, set) => {
      const all = tx.objectStore(detectionCountsStore).getAll();
      all.onsuccess = () => set(all.result as DetectionCountRecord[]);
    });
  }

  /**
   * The batch to send: the one already being delivered, else the waiting counts frozen into a
   * new batch under `batchId` (they leave the waiting counts in the same transaction). Counts
   * too old to be accepted are dropped. Null when there is nothing to send.
   */
  takeBatch(batchId: string, now: number): Promise<DetectionBatch | null> {
    const oldestDay = utcDay(now - this.limits.maxAgeDays * dayMs);
    return run<DetectionBatch | null>(
      this.factory,
      [detectionCountsStore, detectionStateStore],
      'readwrite',
      (tx, set) => {
        const state = tx.objectStore(detectionStateStore);
        const counts = tx.objectStore(detectionCountsStore);
        const current = state.get(batchKey);
        current.onsuccess = () => {
          if (current.result) {
            set(current.result as DetectionBatch);
            return;
          }
          const all = counts.getAll();
          all.onsuccess = () => {
            const records = (all.result as DetectionCountRecord[]).sort((a, b) =>
              a.key < b.key ? -1 : 1,
            );
            const rows: DetectionReportRow[] = [];
            for (const record of records) {
              if (record.day >= oldestDay) {
                if (rows.length >= this.limits.maxRows) continue;
                const { crm, pageKind, day, result, count } = record;
                rows.push({ crm, pageKind, day, result, count });
              }
              counts.delete(record.key);
            }
            if (rows.length === 0) {
              set(null);
              return;
            }
            const batch: DetectionBatch = { batchId, rows, frozenAt: now };
            state.put(batch, batchKey);
            set(batch);
          };
        };
      },
    );
  }

  /** Forgets the batch the backend now has (or refused for good); another id is left alone. */
  dropBatch(batchId: string): Promise<void> {
    return run<void>(this.factory, [detectionStateStore], 'readwrite', (tx) => {
      const state = tx.objectStore(detectionStateStore);
      const current = state.get(batchKey);
      current.onsuccess = () => {
        if ((current.result as DetectionBatch | undefined)?.batchId === batchId) {
          state.delete(batchKey);
        }
      };
    });
  }

  batch(): Promise<DetectionBatch | null> {
    return run(this.factory, [detectionStateStore], 'readonly', (tx, set) => {
      const current = tx.objectStore(detectionStateStore).get(batchKey);
      current.onsuccess = () => set((current.result as DetectionBatch | undefined) ?? null);
    });
  }

  meta(): Promise<DetectionMeta> {
    return run(this.factory, [detectionStateStore], 'readonly', (tx, set) => {
      const meta = tx.objectStore(detectionStateStore).get(metaKey);
      meta.onsuccess = () =>
        set((meta.result as DetectionMeta | undefined) ?? { lastAttemptAt: null, failedAt: null });
    });
  }

  setMeta(meta: DetectionMeta): Promise<void> {
    return run<void>(this.factory, [detectionStateStore], 'readwrite', (tx) => {
      tx.objectStore(detectionStateStore).put(meta, metaKey);
    });
  }
}

export interface DetectionReporterDeps {
  store: DetectionCountStore;
  deliver(report: DetectionReport): Promise<DeliveryResult>;
  now(): number;
  newBatchId(): string;
  warn?(message: string): void;
}

export type SendOutcome = 'sent' | 'nothing' | 'kept' | 'dropped' | 'waiting';

/** Counting and sending; stateless itself (the MV3 worker keeps nothing in memory). */
export class DetectionReporter {
  constructor(private readonly deps: DetectionReporterDeps) {}

  /** Counts one visit. True when it asks for a delivery (no counts sent for a while). */
  async observe(observation: DetectionObservation): Promise<boolean> {
    const now = this.deps.now();
    await this.deps.store.add(observation, now);
    const meta = await this.deps.store.meta();
    if (meta.failedAt !== null && now - meta.failedAt < detectionLimits.retryAfterMs) return false;
    return meta.lastAttemptAt === null || now - meta.lastAttemptAt >= detectionLimits.sendEveryMs;
  }

  /**
   * Sends the batch being delivered, or the waiting counts as a new one. After a failure,
   * waits `retryAfterMs` before trying again (unless `force`).
   */
  async send(options: { force?: boolean } = {}): Promise<SendOutcome> {
    const now = this.deps.now();
    const meta = await this.deps.store.meta();
    if (
      !options.force &&
      meta.failedAt !== null &&
      now - meta.failedAt < detectionLimits.retryAfterMs
    ) {
      return 'waiting';
    }
    const batch = await this.deps.store.takeBatch(this.deps.newBatchId(), now);
    if (!batch) {
      // Also when every count was refused or too old: no delivery is asked for again at once.
      await this.deps.store.setMeta({ lastAttemptAt: now, failedAt: meta.failedAt });
      return 'nothing';
    }
    let result: DeliveryResult;
    try {
      result = await this.deps.deliver({ batchId: batch.batchId, rows: batch.rows });
    } catch (error) {
      result = { kind: 'transient', error: error instanceof Error ? error.message : String(error) };
    }
    if (result.kind === 'transient') {
      await this.deps.store.setMeta({ lastAttemptAt: now, failedAt: now });
      return 'kept';
    }
    await this.deps.store.dropBatch(batch.batchId);
    await this.deps.store.setMeta({ lastAttemptAt: now, failedAt: null });
    if (result.kind === 'permanent') {
      // Resending the same rows cannot help; later counts go in a new batch.
      this.deps.warn?.(`LoopDesk: detection counts refused and dropped: ${result.error}`);
      return 'dropped';
    }
    return 'sent';
  }
}
