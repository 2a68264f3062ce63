import { describe, expect, it } from 'vitest';
import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import { IDBFactory } from 'fake-indexeddb';
import { postOutcome, postRetraction } from './backend-calls.ts';
import { IdbOutboxStore } from './idb-outbox-store.ts';
import {
  backoff,
  keepSentMs,
  MemoryOutboxStore,
  Outbox,
  retryDelayMs,
  toView,
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

/** One flush at a time, as Web Locks make it in the worker. */
function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run);
    tail = result.catch(() => {});
    return result;
  };
}

/**
 * A backend double: answers outcomes and retractions from two scripts and logs every delivery
 * in order ("outcome key-1", "retraction key-1").
 */
function harness(
  store: OutboxStore = new MemoryOutboxStore(),
  results: DeliveryResult[] = [],
  retractionResults: DeliveryResult[] = [],
) {
  let now = 1_000_000;
  let keys = 0;
  const sentKeys: string[] = [];
  const log: string[] = [];
  const wakes: (number | null)[] = [];
  const hooks: { beforeOutcomeAnswer?: (entry: OutboxEntry) => Promise<void> } = {};
  const outbox = new Outbox({
    store,
    deliver: async (entry: OutboxEntry) => {
      sentKeys.push(entry.idempotencyKey);
      log.push(`outcome ${entry.idempotencyKey}`);
      await hooks.beforeOutcomeAnswer?.(entry);
      return results.shift() ?? { kind: 'delivered' };
    },
    deliverRetraction: async (entry: OutboxEntry) => {
      log.push(`retraction ${entry.idempotencyKey}`);
      return retractionResults.shift() ?? { kind: 'delivered' };
    },
    scheduleWake: async (at) => {
      wakes.push(at);
    },
    exclusive: mutex(),
    now: () => now,
    random: () => 0.5,
    newKey: () => `key-${++keys}`,
  });
  return {
    outbox,
    store,
    sentKeys,
    log,
    wakes,
    results,
    retractionResults,
    hooks,
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
      deliverRetraction: async () => {
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
    const posts: { path: string; body: unknown }[] = [];
    const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
      keys.push(new Headers(init?.headers).get('idempotency-key'));
      posts.push({ path: new URL(url).pathname, body: JSON.parse(String(init?.body)) });
      return answers.shift() ?? created();
    }) as typeof fetch;
    const access = { baseUrl: 'http://127.0.0.1:4000', token: 'tok-123456' };
    const outbox = new Outbox({
      store: h.store,
      deliver: (entry) => postOutcome(access, entry, fetchImpl),
      deliverRetraction: (entry) => postRetraction(access, entry, fetchImpl),
      scheduleWake: async (at) => {
        h.wakes.push(at);
      },
      exclusive: (run) => run(),
      now: h.now,
      random: () => 0.5,
      newKey: () => 'key-1',
    });
    return { ...h, outbox, keys, posts };
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

describe('Outbox undo: a retraction queued after its outcome', () => {
  const down: DeliveryResult = { kind: 'transient', error: 'fetch failed' };

  it('takes back a delivered outcome once: the entry stays sent, its retraction goes after it', async () => {
    const h = harness();
    await h.outbox.enqueue(outcome);
    h.advance(3_000);
    const undone = await h.outbox.retract('key-1');
    expect(undone).toMatchObject({ status: 'sent', attempts: 1 });
    expect(undone.retraction).toMatchObject({
      requestedAt: h.now(),
      status: 'sent',
      attempts: 1,
      sentAt: h.now(),
      lastError: null,
    });
    expect(h.log).toEqual(['outcome key-1', 'retraction key-1']);
    expect(toView(undone).retraction).toEqual({
      requestedAt: new Date(h.now()).toISOString(),
      status: 'sent',
      lastError: null,
    });

    // Undo again (a double click, a second panel): the same retraction, nothing sent again.
    h.advance(1_000);
    const again = await h.outbox.retract('key-1');
    expect(again.retraction?.requestedAt).toBe(undone.retraction?.requestedAt);
    await h.outbox.flush({ force: true });
    expect(h.log).toEqual(['outcome key-1', 'retraction key-1']);
    expect(h.wakes.at(-1)).toBeNull();
  });

  it('sends an outcome still waiting first and only then its retraction, in one flush', async () => {
    const h = harness(undefined, [down]);
    await h.outbox.enqueue(outcome);
    const undone = await h.outbox.retract('key-1');
    // The outcome is not due again yet, and its retraction does not go before it.
    expect(undone).toMatchObject({ status: 'pending', retraction: { status: 'pending' } });
    expect(h.log).toEqual(['outcome key-1']);
    expect(h.wakes.at(-1)).toBe(undone.nextAttemptAt);

    // Not due yet: nothing goes, however often the worker wakes.
    await h.outbox.flush();
    expect(h.log).toEqual(['outcome key-1']);

    h.advance(backoff.capMs);
    await h.outbox.flush();
    expect(h.log).toEqual(['outcome key-1', 'outcome key-1', 'retraction key-1']);
    expect(await h.outbox.list()).toEqual([
      expect.objectContaining({
        status: 'sent',
        retraction: expect.objectContaining({ status: 'sent' }),
      }),
    ]);
  });

  it('retries a retraction with the same backoff, never dropping it, and wakes for it', async () => {
    const h = harness(undefined, [], [down, { kind: 'transient', error: '503 unavailable' }]);
    await h.outbox.enqueue(outcome);
    const undone = await h.outbox.retract('key-1');
    expect(undone.retraction).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'fetch failed',
      nextAttemptAt: h.now() + retryDelayMs(1, 0.5),
    });
    expect(h.wakes.at(-1)).toBe(undone.retraction?.nextAttemptAt);

    await h.outbox.flush();
    expect(h.log.filter((line) => line.startsWith('retraction'))).toHaveLength(1);
    h.advance(retryDelayMs(1, 0.5));
    await h.outbox.flush();
    const [second] = await h.store.all();
    expect(second?.retraction).toMatchObject({ status: 'pending', attempts: 2 });
    expect((second?.retraction?.nextAttemptAt as number) - h.now()).toBe(retryDelayMs(2, 0.5));

    // A week and more: the delivered outcome stays while its retraction waits.
    h.advance(keepSentMs * 2);
    await h.outbox.flush();
    expect((await h.store.all())[0]).toMatchObject({
      status: 'sent',
      retraction: { status: 'sent', attempts: 3, lastError: null },
    });
    expect(h.log).toEqual([
      'outcome key-1',
      'retraction key-1',
      'retraction key-1',
      'retraction key-1',
    ]);
    // Both done and a week old: now it may go.
    h.advance(keepSentMs + 1);
    await h.outbox.flush();
    expect(await h.store.all()).toEqual([]);
  });

  it('keeps an Undo pressed while its outcome is being delivered', async () => {
    const h = harness();
    let undo: Promise<OutboxEntry> | undefined;
    h.hooks.beforeOutcomeAnswer = async (entry) => {
      h.hooks.beforeOutcomeAnswer = undefined;
      undo = h.outbox.retract(entry.idempotencyKey);
      // The Undo is stored before the delivery's answer is.
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    await h.outbox.enqueue(outcome);
    const undone = await undo!;
    expect(undone).toMatchObject({ status: 'sent', retraction: { status: 'sent' } });
    expect(h.log).toEqual(['outcome key-1', 'retraction key-1']);
  });

  it('survives a restart: a new worker over the same IndexedDB sends the outcome, then the retraction', async () => {
    const factory = new IDBFactory();
    const before = harness(new IdbOutboxStore(factory), [down, down]);
    await before.outbox.enqueue(outcome);
    await before.outbox.enqueue({ ...outcome, result: 'offered' });
    await before.outbox.retract('key-1');
    expect(before.log).toEqual(['outcome key-1', 'outcome key-2']);

    const after = harness(new IdbOutboxStore(factory));
    await after.outbox.flush({ force: true });
    expect(after.log).toEqual(['outcome key-1', 'retraction key-1', 'outcome key-2']);
    const views = (await after.outbox.list()).map(toView);
    expect(views.map((v) => [v.idempotencyKey, v.status, v.retraction?.status ?? null])).toEqual([
      ['key-1', 'sent', 'sent'],
      ['key-2', 'sent', null],
    ]);
  });

  it('refuses to undo a key it does not hold, or an outcome the backend refused', async () => {
    const h = harness(undefined, [{ kind: 'permanent', error: '404 No decision has id "dec-1".' }]);
    await expect(h.outbox.retract('key-9')).rejects.toThrow(
      /No outcome with idempotency key "key-9" is in this browser's outbox/,
    );
    await h.outbox.enqueue(outcome);
    await expect(h.outbox.retract('key-1')).rejects.toThrow(
      /refused this outcome \(404 No decision has id "dec-1"\.\), so nothing was stored/,
    );
    expect((await h.store.all())[0]?.retraction).toBeUndefined();
    expect(h.log).toEqual(['outcome key-1']);
  });

  it('never sends the retraction of an outcome the backend then refuses, and keeps it saying why', async () => {
    const h = harness(undefined, [down, { kind: 'permanent', error: '422 key reused' }]);
    await h.outbox.enqueue(outcome);
    await h.outbox.retract('key-1');
    h.advance(backoff.capMs);
    await h.outbox.flush();
    h.advance(keepSentMs * 2);
    await h.outbox.flush({ force: true });
    expect(h.log).toEqual(['outcome key-1', 'outcome key-1']);
    const [entry] = await h.outbox.list();
    expect(entry).toMatchObject({ status: 'failed', lastError: '422 key reused' });
    expect(toView(entry!).retraction).toMatchObject({
      status: 'failed',
      lastError: 'Not sent: the backend refused the outcome it takes back (422 key reused).',
    });
  });

  it('shows no retraction for entries stored before Undo existed', () => {
    const stored: OutboxEntry = {
      idempotencyKey: 'old-1',
      outcome,
      status: 'sent',
      attempts: 1,
      nextAttemptAt: null,
      lastError: null,
      createdAt: 1,
      sentAt: 2,
    };
    expect(toView(stored).retraction).toBeNull();
  });
});

describe('Outbox undo with the backend answers of POST /v1/outcomes/retractions', () => {
  const problem = (status: number, detail: string) =>
    new Response(
      JSON.stringify({
        type: `https://loopdesk.dev/problems/${status}`,
        title: 'x',
        status,
        detail,
      }),
      { status, headers: { 'content-type': 'application/problem+json' } },
    );
  const outcomeCreated = () =>
    new Response(JSON.stringify({ id: 'o-1', decisionId: 'dec-1', duplicate: false }), {
      status: 201,
    });
  const retracted = (duplicate: boolean) =>
    new Response(
      JSON.stringify({
        id: 'o-1',
        decisionId: 'dec-1',
        idempotencyKey: 'key-1',
        retractedAt: '2026-11-25T10:00:05.000Z',
        duplicate,
      }),
      { status: duplicate ? 200 : 201 },
    );
  function undoHarness(answers: Response[]) {
    const h = harness();
    const posts: { path: string; body: unknown; key: string | null }[] = [];
    const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
      posts.push({
        path: new URL(url).pathname,
        body: JSON.parse(String(init?.body)),
        key: new Headers(init?.headers).get('idempotency-key'),
      });
      return answers.shift() ?? retracted(false);
    }) as typeof fetch;
    const access = { baseUrl: 'http://127.0.0.1:4000', token: 'tok-123456' };
    const outbox = new Outbox({
      store: h.store,
      deliver: (entry) => postOutcome(access, entry, fetchImpl),
      deliverRetraction: (entry) => postRetraction(access, entry, fetchImpl),
      scheduleWake: async () => {},
      exclusive: (run) => run(),
      now: h.now,
      random: () => 0.5,
      newKey: () => 'key-1',
    });
    return { ...h, outbox, posts };
  }

  it('names the outcome by its key and the time of the Undo', async () => {
    const h = undoHarness([outcomeCreated(), retracted(false)]);
    await h.outbox.enqueue(outcome);
    h.advance(5_000);
    await h.outbox.retract('key-1');
    expect(h.posts).toEqual([
      { path: '/v1/outcomes', body: outcome, key: 'key-1' },
      {
        path: '/v1/outcomes/retractions',
        body: { idempotencyKey: 'key-1', retractedAt: new Date(h.now()).toISOString() },
        key: null,
      },
    ]);
  });

  it('keeps a retraction pending on 401 (a revoked token) and on 404 (sent under another token)', async () => {
    const h = undoHarness([
      outcomeCreated(),
      problem(401, 'Unknown or revoked token.'),
      problem(404, 'You recorded no outcome with Idempotency-Key "key-1"'),
      retracted(true),
    ]);
    await h.outbox.enqueue(outcome);
    const first = await h.outbox.retract('key-1');
    expect(first.retraction).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.retraction?.lastError).toMatch(/^401 .*Set a new token on the options page\.$/);

    await h.outbox.flush({ force: true });
    const [second] = await h.store.all();
    expect(second?.retraction).toMatchObject({ status: 'pending', attempts: 2 });
    expect(second?.retraction?.lastError).toMatch(/^404 .*the Undo waits for the token/);

    // 200: already retracted (an earlier answer was lost): done.
    await h.outbox.flush({ force: true });
    expect((await h.store.all())[0]).toMatchObject({
      status: 'sent',
      retraction: { status: 'sent', lastError: null },
    });
  });

  it('keeps a retraction the backend refuses outright (400) as a visible failure', async () => {
    const h = undoHarness([
      outcomeCreated(),
      problem(400, 'body/retractedAt: Invalid ISO datetime'),
    ]);
    await h.outbox.enqueue(outcome);
    const undone = await h.outbox.retract('key-1');
    expect(undone.retraction).toMatchObject({ status: 'failed', nextAttemptAt: null });
    await h.outbox.flush({ force: true });
    expect(h.posts).toHaveLength(2);
    expect(await h.store.all()).toHaveLength(1);
  });
});
