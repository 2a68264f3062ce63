import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import type { OutboxEntryView, OutboxStatus } from '../messaging/protocol.ts';

/** One outcome waiting for (or done with) delivery. Times are epoch milliseconds. */
export interface OutboxEntry {
  idempotencyKey: string;
  outcome: OutcomeRequest;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

/** Where entries persist (IndexedDB in the extension; in memory in tests). */
export interface OutboxStore {
  put(entry: OutboxEntry): Promise<void>;
  all(): Promise<OutboxEntry[]>;
  delete(idempotencyKey: string): Promise<void>;
}

export type DeliveryResult =
  | { kind: 'delivered' }
  /**
   * Worth retrying: network down, 408, 409 (an earlier attempt with this key is still being
   * stored), 429, 5xx, not configured yet.
   */
  | { kind: 'transient'; error: string }
  /**
   * Retrying cannot help (4xx other than 408/409/429, e.g. 422 when the backend holds another
   * outcome under this key): kept as failed and shown to the user, never retried or dropped.
   */
  | { kind: 'permanent'; error: string };

export interface OutboxDeps {
  store: OutboxStore;
  deliver(entry: OutboxEntry): Promise<DeliveryResult>;
  /** Asks to be woken at this time (chrome.alarms); null: nothing left to retry. */
  scheduleWake(at: number | null): Promise<void>;
  /** Runs one flush at a time across the worker (Web Locks in the extension). */
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  now(): number;
  random(): number;
  newKey(): string;
  /**
   * Runs after each flush's deliveries, inside its lock (the worker sends detection counts
   * here, with the outcomes). What it throws is ignored: it never holds up outcomes.
   */
  afterDeliveries?(summary: FlushSummary): Promise<void> | void;
}

/** What one flush's deliveries came to. */
export interface FlushSummary {
  delivered: number;
  /** Attempts that will be retried (backend unreachable, not configured, busy). */
  transient: number;
}

/** Delivered entries are kept this long (for the panel's "sent" state), then dropped. */
export const keepSentMs = 7 * 24 * 60 * 60_000;

export const backoff = {
  baseMs: 5_000,
  capMs: 15 * 60_000,
};

/**
 * Delay before retry number `attempts` (1 = after the first failure): exponential, capped,
 * with "equal jitter" (half fixed, half random) so many panels never retry in lockstep.
 */
export function retryDelayMs(attempts: number, random: number): number {
  const exponential = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
  return exponential / 2 + (exponential / 2) * random;
}

export function toView(entry: OutboxEntry): OutboxEntryView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    idempotencyKey: entry.idempotencyKey,
    outcome: entry.outcome,
    status: entry.status,
    attempts: entry.attempts,
    nextAttemptAt: iso(entry.nextAttemptAt),
    lastError: entry.lastError,
    createdAt: new Date(entry.createdAt).toISOString(),
    sentAt: iso(entry.sentAt),
  };
}

/**
 * The durable outbox. Stateless itself: everything lives in the store, so a stopped worker,
 * a closed panel or a browser restart loses nothing; each outcome keeps one idempotency key
 * for all its attempts, so the backend stores it once however often it is sent.
 */
export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  /** Persists the outcome first, then tries to send it (and anything else due). */
  async enqueue(outcome: OutcomeRequest): Promise<OutboxEntry> {
    const entry: OutboxEntry = {
      idempotencyKey: this.deps.newKey(),
      outcome,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: this.deps.now(),
      lastError: null,
      createdAt: this.deps.now(),
      sentAt: null,
    };
    await this.deps.store.put(entry);
    await this.flush();
    const stored = (await this.deps.store.all()).find(
      (e) => e.idempotencyKey === entry.idempotencyKey,
    );
    return stored ?? entry;
  }

  /**
   * Sends pending entries that are due (all pending ones when `force`, e.g. the user pressed
   * retry), records each result, and schedules the next wake-up.
   */
  async flush(options: { force?: boolean } = {}): Promise<OutboxEntry[]> {
    return this.deps.exclusive(async () => {
      const entries = await this.deps.store.all();
      const summary: FlushSummary = { delivered: 0, transient: 0 };
      for (const entry of entries) {
        if (entry.status !== 'pending') continue;
        if (
          !options.force &&
          entry.nextAttemptAt !== null &&
          entry.nextAttemptAt > this.deps.now()
        ) {
          continue;
        }
        const kind = await this.attempt(entry);
        if (kind === 'delivered') summary.delivered += 1;
        if (kind === 'transient') summary.transient += 1;
      }
      try {
        await this.deps.afterDeliveries?.(summary);
      } catch {
        // Outcomes never wait on what rides along with them.
      }
      for (const entry of await this.deps.store.all()) {
        if (
          entry.status === 'sent' &&
          entry.sentAt !== null &&
          this.deps.now() - entry.sentAt > keepSentMs
        ) {
          await this.deps.store.delete(entry.idempotencyKey);
        }
      }
      const after = await this.deps.store.all();
      const wakes = after
        .filter((e) => e.status === 'pending' && e.nextAttemptAt !== null)
        .map((e) => e.nextAttemptAt as number);
      await this.deps.scheduleWake(wakes.length ? Math.min(...wakes) : null);
      return after;
    });
  }

  async list(): Promise<OutboxEntry[]> {
    return (await this.deps.store.all()).sort((a, b) => a.createdAt - b.createdAt);
  }

  private async attempt(entry: OutboxEntry): Promise<DeliveryResult['kind']> {
    let result: DeliveryResult;
    try {
      result = await this.deps.deliver(entry);
    } catch (error) {
      result = { kind: 'transient', error: error instanceof Error ? error.message : String(error) };
    }
    const attempts = entry.attempts + 1;
    const updated: OutboxEntry =
      result.kind === 'delivered'
        ? {
            ...entry,
            attempts,
            status: 'sent',
            sentAt: this.deps.now(),
            nextAttemptAt: null,
            lastError: null,
          }
        : result.kind === 'permanent'
          ? { ...entry, attempts, status: 'failed', nextAttemptAt: null, lastError: result.error }
          : {
              ...entry,
              attempts,
              lastError: result.error,
              nextAttemptAt: this.deps.now() + retryDelayMs(attempts, this.deps.random()),
            };
    await this.deps.store.put(updated);
    return result.kind;
  }
}

/** An OutboxStore in memory, for tests and as the reference behaviour of a store. */
export class MemoryOutboxStore implements OutboxStore {
  private readonly entries = new Map<string, OutboxEntry>();
  async put(entry: OutboxEntry): Promise<void> {
    this.entries.set(entry.idempotencyKey, structuredClone(entry));
  }
  async all(): Promise<OutboxEntry[]> {
    return [...this.entries.values()].map((e) => structuredClone(e));
  }
  async delete(idempotencyKey: string): Promise<void> {
    this.entries.delete(idempotencyKey);
  }
}
