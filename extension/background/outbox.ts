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
  /** The CSR took the outcome back (Undo); absent in entries stored before Undo existed. */
  retraction?: OutboxRetraction | null;
}

/**
 * The correction that takes an outcome back, delivered only after the outcome itself (so the
 * backend always holds what it retracts), with the outcome's own retry rules.
 */
interface OutboxRetraction {
  requestedAt: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  sentAt: number | null;
}

/** Where entries persist (IndexedDB in the extension; in memory in tests). */
export interface OutboxStore {
  put(entry: OutboxEntry): Promise<void>;
  all(): Promise<OutboxEntry[]>;
  delete(idempotencyKey: string): Promise<void>;
  /**
   * Reads the entry, applies `change` and writes its answer (null deletes the entry) as one
   * step, so a delivery's result and an Undo made meanwhile never overwrite each other.
   * Answers what was written; null when there was no such entry or it was deleted.
   */
  update(
    idempotencyKey: string,
    change: (entry: OutboxEntry) => OutboxEntry | null,
  ): Promise<OutboxEntry | null>;
}

/** Undo of an outcome this outbox does not hold, or that can no longer be taken back. */
class RetractionRefused extends Error {}

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
  /** Sends the entry's retraction; called only once the outcome itself was delivered. */
  deliverRetraction(entry: OutboxEntry): Promise<DeliveryResult>;
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
    retraction: entry.retraction
      ? {
          requestedAt: new Date(entry.retraction.requestedAt).toISOString(),
          status: entry.retraction.status,
          lastError: entry.retraction.lastError,
        }
      : null,
  };
}

/** Oldest first (the order the CSR recorded them in); the store's own order is by key. */
function byCreation(a: OutboxEntry, b: OutboxEntry): number {
  return a.createdAt - b.createdAt || (a.idempotencyKey < b.idempotencyKey ? -1 : 1);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The next attempt's fields after a delivery result, for an outcome or its retraction. */
function afterAttempt<T extends OutboxRetraction | OutboxEntry>(
  state: T,
  result: DeliveryResult,
  now: number,
  random: number,
): T {
  const attempts = state.attempts + 1;
  switch (result.kind) {
    case 'delivered':
      return {
        ...state,
        attempts,
        status: 'sent',
        sentAt: now,
        nextAttemptAt: null,
        lastError: null,
      };
    case 'permanent':
      return { ...state, attempts, status: 'failed', nextAttemptAt: null, lastError: result.error };
    case 'transient':
      return {
        ...state,
        attempts,
        lastError: result.error,
        nextAttemptAt: now + retryDelayMs(attempts, random),
      };
  }
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
    return (await this.find(entry.idempotencyKey)) ?? entry;
  }

  /**
   * Takes back an outcome (Undo): persists a retraction on its entry, which keeps its own status,
   * then tries to send what is due. The retraction goes only after the outcome was delivered;
   * one still waiting is sent first, then taken back, so the backend keeps the history. Asking
   * again changes nothing. Refused for a key this outbox does not hold, and for an outcome the
   * backend refused (nothing was stored, so there is nothing to take back).
   */
  async retract(idempotencyKey: string): Promise<OutboxEntry> {
    const requestedAt = this.deps.now();
    const updated = await this.deps.store.update(idempotencyKey, (entry) => {
      if (entry.retraction || entry.status === 'failed') return entry;
      return {
        ...entry,
        retraction: {
          requestedAt,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: requestedAt,
          lastError: null,
          sentAt: null,
        },
      };
    });
    if (!updated) {
      throw new RetractionRefused(
        `No outcome with idempotency key "${idempotencyKey}" is in this browser's outbox; ` +
          'only an outcome recorded here can be undone here.',
      );
    }
    if (updated.status === 'failed' && !updated.retraction) {
      throw new RetractionRefused(
        `The backend refused this outcome (${updated.lastError ?? 'no reason given'}), so ` +
          'nothing was stored and there is nothing to undo.',
      );
    }
    await this.flush();
    return (await this.find(idempotencyKey)) ?? updated;
  }

  /**
   * Sends pending entries that are due (all pending ones when `force`, e.g. the user pressed
   * retry), records each result, and schedules the next wake-up.
   */
  async flush(options: { force?: boolean } = {}): Promise<OutboxEntry[]> {
    return this.deps.exclusive(async () => {
      const entries = (await this.deps.store.all()).sort(byCreation);
      const summary: FlushSummary = { delivered: 0, transient: 0 };
      const count = (kind: DeliveryResult['kind']) => {
        if (kind === 'delivered') summary.delivered += 1;
        if (kind === 'transient') summary.transient += 1;
      };
      const due = (at: number | null) => options.force || at === null || at <= this.deps.now();
      for (const listed of entries) {
        let entry: OutboxEntry | null = listed;
        if (entry.status === 'pending' && due(entry.nextAttemptAt)) {
          const attempt = await this.attemptOutcome(entry);
          count(attempt.kind);
          entry = attempt.entry;
        }
        const retraction = entry?.retraction;
        if (entry?.status === 'sent' && retraction?.status === 'pending') {
          if (due(retraction.nextAttemptAt)) count(await this.attemptRetraction(entry));
        }
      }
      try {
        await this.deps.afterDeliveries?.(summary);
      } catch {
        // Outcomes never wait on what rides along with them.
      }
      // Kept a week after its last delivery, the retraction's included.
      const expired = (entry: OutboxEntry) => {
        if (entry.status !== 'sent' || entry.sentAt === null) return false;
        if (!entry.retraction) return this.deps.now() - entry.sentAt > keepSentMs;
        const { status, sentAt } = entry.retraction;
        return status === 'sent' && sentAt !== null && this.deps.now() - sentAt > keepSentMs;
      };
      for (const entry of await this.deps.store.all()) {
        if (expired(entry)) {
          // Checked again in the same step: an Undo made meanwhile keeps the entry.
          await this.deps.store.update(entry.idempotencyKey, (current) =>
            expired(current) ? null : current,
          );
        }
      }
      const after = await this.deps.store.all();
      const wakes = after.flatMap((e) => {
        if (e.status === 'pending') return e.nextAttemptAt === null ? [] : [e.nextAttemptAt];
        // A retraction waits for its outcome's wake while that is pending.
        const retraction = e.status === 'sent' ? e.retraction : null;
        return retraction?.status === 'pending' && retraction.nextAttemptAt !== null
          ? [retraction.nextAttemptAt]
          : [];
      });
      await this.deps.scheduleWake(wakes.length ? Math.min(...wakes) : null);
      return after;
    });
  }

  async list(): Promise<OutboxEntry[]> {
    return (await this.deps.store.all()).sort(byCreation);
  }

  private async find(idempotencyKey: string): Promise<OutboxEntry | undefined> {
    return (await this.deps.store.all()).find((e) => e.idempotencyKey === idempotencyKey);
  }

  /** Sends the outcome and records the result on the entry as it is now (Undo included). */
  private async attemptOutcome(
    entry: OutboxEntry,
  ): Promise<{ kind: DeliveryResult['kind']; entry: OutboxEntry | null }> {
    let result: DeliveryResult;
    try {
      result = await this.deps.deliver(entry);
    } catch (error) {
      result = { kind: 'transient', error: describeError(error) };
    }
    const now = this.deps.now();
    const random = this.deps.random();
    const updated = await this.deps.store.update(entry.idempotencyKey, (current) => {
      const next = afterAttempt(current, result, now, random);
      // The backend stored nothing under this key, so a retraction has nothing to take back;
      // it stays in the outbox, failed, saying why.
      if (next.status === 'failed' && next.retraction?.status === 'pending') {
        next.retraction = {
          ...next.retraction,
          status: 'failed',
          nextAttemptAt: null,
          lastError: `Not sent: the backend refused the outcome it takes back (${next.lastError}).`,
        };
      }
      return next;
    });
    return { kind: result.kind, entry: updated };
  }

  private async attemptRetraction(entry: OutboxEntry): Promise<DeliveryResult['kind']> {
    let result: DeliveryResult;
    try {
      result = await this.deps.deliverRetraction(entry);
    } catch (error) {
      result = { kind: 'transient', error: describeError(error) };
    }
    const now = this.deps.now();
    const random = this.deps.random();
    await this.deps.store.update(entry.idempotencyKey, (current) =>
      current.retraction
        ? { ...current, retraction: afterAttempt(current.retraction, result, now, random) }
        : current,
    );
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
  async update(
    idempotencyKey: string,
    change: (entry: OutboxEntry) => OutboxEntry | null,
  ): Promise<OutboxEntry | null> {
    const current = this.entries.get(idempotencyKey);
    if (!current) return null;
    const next = change(structuredClone(current));
    if (next === null) {
      this.entries.delete(idempotencyKey);
      return null;
    }
    this.entries.set(idempotencyKey, structuredClone(next));
    return structuredClone(next);
  }
}
