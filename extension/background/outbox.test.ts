import { describe, expect, it } from 'vitest';
import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import { postOutcome } from './backend-client.ts';
import {
  backoff,
  keepSentMs,
  MemoryOutboxStore,
  Outbox,
  retryDelayMs,
  type DeliveryResult,
  type OutboxEntry,
  type OutboxStore,
} from './outbox.ts';

const outcome: OutcomeRequest = {
  decisionId: 'dec-1',
  treatmentId: 'loyalty-discount',
  result: 'accepted',
  occurredAt: '2026-11-25T10:00:00.000Z',
};

/** A backend double: answers from a script and remembers every key it was sent. */
function harness(store: OutboxStore = new MemoryOutboxStore(), results: DeliveryResult[] = []) {
  let now = 1_000_000;
  let keys = 0;
  const sentKeys: string[] = [];
  const wakes: (number | null)[] = [];
  const outbox = new Outbox({
    store,
    deliver: async (entry: OutboxEntry) => {
      sentKeys.push(entry.idempotencyKey);
      return results.shift() ?? { kind: 'delivered' };
    },
    scheduleWake: async (at) => {
      wakes.push(at);
    },
    exclusive: (run) => run(),
    now: () => now,
    random: () => 0.5,
    newKey: () => `key-${++keys}`,
  });
  return {
    outbox,
    store,
    sentKeys,
    wakes,
    results,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

describe('retryDelayMs', () => {
  it('doubles per attempt within jitter bounds and stops at the cap', () => {
    expect(retryDelayMs(1, 0)).toBe(backoff.baseMs / 2);
    expect(retryDelayMs(1, 1)).toBe(backoff.baseMs);
    expect(retryDelayMs(3, 0)).toBe((backoff.baseMs * 4) / 2);
    expect(retryDelayMs(3, 1)).toBe(backoff.baseMs * 4);
    expect(retryDelayMs(40, 1)).toBe(backoff.capMs);
    expect(retryDelayMs(40, 0)).toBe(backoff.capMs / 2);
  });
});

describe('Outbox', () => {
  it('persists an outcome and delivers it once', async () => {
    const h = harness();
    const entry = await h.outbox.enqueue(outcome);
    expect(entry.status).toBe('sent');
    expect(h.sentKeys).toEqual(['key-1']);
    expect(h.wakes.at(-1)).toBeNull();
    await h.outbox.flush({ force: true });
    expect(h.sentKeys).toEqual(['key-1']);
  });

  it('keeps the same idempotency key across transient failures, with growing delays', async () => {
    const h = harness(undefined, [
      { kind: 'transient', error: 'fetch failed' },
      { kind: 'transient', error: '503 unavailable' },
    ]);
    const first = await h.outbox.enqueue(outcome);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: 'fetch failed' });
    const firstDelay = (first.nextAttemptAt as number) - h.now();
    expect(firstDelay).toBe(retryDelayMs(1, 0.5));
    expect(h.wakes.at(-1)).toBe(first.nextAttemptAt);

    await h.outbox.flush();
    expect(h.sentKeys).toHaveLength(1);

    h.advance(firstDelay);
    await h.outbox.flush();
    const [second] = await h.store.all();
    expect(second).toMatchObject({ status: 'pending', attempts: 2 });
    expect((second?.nextAttemptAt as number) - h.now()).toBe(retryDelayMs(2, 0.5));
    expect(retryDelayMs(2, 0.5)).toBeGreaterThan(firstDelay);

    h.advance(retryDelayMs(2, 0.5));
    await h.outbox.flush();
    expect(h.sentKeys).toEqual(['key-1', 'key-1', 'key-1']);
    expect((await h.store.all())[0]).toMatchObject({
      status: 'sent',
      attempts: 3,
      lastError: null,
    });
  });

  it('marks a permanent failure failed and never retries it', async () => {
    const h = harness(undefined, [{ kind: 'permanent', error: '422 decision unknown' }]);
    const entry = await h.outbox.enqueue(outcome);
    expect(entry).toMatchObject({
      status: 'failed',
      lastError: '422 decision unknown',
      nextAttemptAt: null,
    });
    h.advance(backoff.capMs * 10);
    await h.outbox.flush({ force: true });
    expect(h.sentKeys).toHaveLength(1);
    expect(h.wakes.at(-1)).toBeNull();
  });

  it('treats a throwing delivery as transient', async () => {
    const h = harness();
    const outbox = new Outbox({
      store: h.store,
      deliver: async () => {
        throw new Error('worker lost network');
      },
      scheduleWake: async () => {},
      exclusive: (run) => run(),
      now: () => 5,
      random: () => 0,
      newKey: () => 'k',
    });
    expect(await outbox.enqueue(outcome)).toMatchObject({
      status: 'pending',
      lastError: 'worker lost network',
    });
  });

  it('survives a restart: a new Outbox over the same store delivers what was waiting', async () => {
    const store = new MemoryOutboxStore();
    const before = harness(store, [
      { kind: 'transient', error: 'down' },
      { kind: 'transient', error: 'down' },
    ]);
    await before.outbox.enqueue(outcome);
    await before.outbox.enqueue({ ...outcome, result: 'offered' });

    const after = harness(store);
    await after.outbox.flush({ force: true });
    expect(after.sentKeys.sort()).toEqual(['key-1', 'key-2']);
    expect((await store.all()).every((e) => e.status === 'sent')).toBe(true);
  });

  it('drops delivered entries after a week, never pending or failed ones', async () => {
    const h = harness(undefined, [
      { kind: 'delivered' },
      { kind: 'permanent', error: '400 bad' },
      { kind: 'transient', error: 'down' },
    ]);
    await h.outbox.enqueue(outcome);
    await h.outbox.enqueue({ ...outcome, result: 'offered' });
    await h.outbox.enqueue({ ...outcome, result: 'not_offered' });
    h.advance(keepSentMs - 1);
    h.results.push({ kind: 'transient', error: 'still down' });
    await h.outbox.flush();
    expect((await h.store.all()).map((e) => e.status).sort()).toEqual([
      'failed',
      'pending',
      'sent',
    ]);
    h.advance(2);
    h.results.push({ kind: 'transient', error: 'still down' });
    await h.outbox.flush();
    expect((await h.store.all()).map((e) => e.status).sort()).toEqual(['failed', 'pending']);
  });

  it('lists entries oldest first', async () => {
    const h = harness(undefined, [{ kind: 'transient', error: 'down' }]);
    await h.outbox.enqueue(outcome);
    h.advance(10);
    await h.outbox.enqueue({ ...outcome, result: 'declined', reason: 'too_expensive' });
    expect((await h.outbox.list()).map((e) => e.outcome.result)).toEqual(['accepted', 'declined']);
  });
});

/**
 * The outbox over the real delivery (postOutcome) and a backend double that answers each POST
 * from a script: how the backend's idempotency answers end up in the outbox.
 */
describe('Outbox with the backend answers of POST /v1/outcomes', () => {
  const problem = (status: number, title: string, detail: string, headers = {}) =>
    new Response(
      JSON.stringify({ type: `https://loopdesk.dev/problems/${status}`, title, status, detail }),
      { status, headers: { 'content-type': 'application/problem+json', ...headers } },
    );
  const created = () =>
    new Response(JSON.stringify({ id: 'o-1', decisionId: 'dec-1', duplicate: false }), {
      status: 201,
      headers: { 'content-type': 'application/json' },
    });
  function backendHarness(answers: Response[]) {
    const h = harness();
    const keys: (string | null)[] = [];
    const fetchImpl = (async (_url: URL | string, init?: RequestInit) => {
      keys.push(new Headers(init?.headers).get('idempotency-key'));
      return answers.shift() ?? created();
    }) as typeof fetch;
    const outbox = new Outbox({
      store: h.store,
      deliver: (entry) =>
        postOutcome({ baseUrl: 'http://127.0.0.1:4000', token: 'tok-123456' }, entry, fetchImpl),
      scheduleWake: async (at) => {
        h.wakes.push(at);
      },
      exclusive: (run) => run(),
      now: h.now,
      random: () => 0.5,
      newKey: () => 'key-1',
    });
    return { ...h, outbox, keys };
  }

  it('retries a 409 (the same key still being stored) later with the same key', async () => {
    const h = backendHarness([
      problem(
        409,
        'Outcome in flight',
        'An outcome sent with Idempotency-Key "key-1" is still being stored',
        {
          'retry-after': '1',
        },
      ),
    ]);
    const entry = await h.outbox.enqueue(outcome);
    expect(entry).toMatchObject({ status: 'pending', attempts: 1 });
    expect(entry.lastError).toMatch(/^409 /);
    expect(entry.nextAttemptAt).not.toBeNull();
    expect(h.wakes.at(-1)).toBe(entry.nextAttemptAt);

    h.advance(retryDelayMs(1, 0.5));
    await h.outbox.flush();
    expect(h.keys).toEqual(['key-1', 'key-1']);
    expect((await h.store.all())[0]).toMatchObject({ status: 'sent', lastError: null });
  });

  it('keeps a 422 (the key already used for another outcome) as a visible failure, never dropped', async () => {
    const detail = 'Idempotency-Key "key-1" was already used for a different outcome';
    const h = backendHarness([problem(422, 'Idempotency-Key reused', detail)]);
    const entry = await h.outbox.enqueue(outcome);
    expect(entry).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(entry.lastError).toContain(detail);

    h.advance(keepSentMs * 4);
    await h.outbox.flush({ force: true });
    expect(h.keys).toEqual(['key-1']);
    expect(await h.outbox.list()).toEqual([
      expect.objectContaining({ idempotencyKey: 'key-1', status: 'failed', outcome }),
    ]);
  });
});
