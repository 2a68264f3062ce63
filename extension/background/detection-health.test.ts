import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  detectionReportSchema,
  maxDetectionCount,
  type DetectionReport,
} from '../../src/contract/detection-health.ts';
import type { DetectionObservation } from '../messaging/protocol.ts';
import { saveBackendUrl } from './backend-access.ts';
import { postDetectionReport } from './backend-calls.ts';
import { workerDetectionReporter } from './detection-health-runtime.ts';
import {
  DetectionCountStore,
  DetectionReporter,
  detectionLimits,
  utcDay,
  type DetectionCountRecord,
} from './detection-health.ts';
import { idbPut, openDatabase } from './idb.ts';
import { idbStores } from '../shared/storage-keys.ts';
import { IdbOutboxStore } from './idb-outbox-store.ts';
import { MemoryOutboxStore, Outbox, type DeliveryResult, type FlushSummary } from './outbox.ts';
import { workerOutbox } from './outbox-runtime.ts';
import { writeToken } from './token-store.ts';

// The backend's schema checks days against the real clock: the test's clock starts today.
const start = Date.parse(`${new Date().toISOString().slice(0, 10)}T09:00:00Z`);
const hour = 60 * 60_000;
const day = 24 * hour;

const visit = (
  result: DetectionObservation['result'] = 'url',
  crm = 'zendesk',
  pageKind = 'ticket',
): DetectionObservation => ({ crm, pageKind, result });

/**
 * A backend double that counts batches the way the server does (once per batch id) and can
 * lose its answer after storing, as a dropped connection would.
 */
function fakeBackend() {
  const seen = new Set<string>();
  const totals = new Map<string, number>();
  const requests: DetectionReport[] = [];
  const script: ('ok' | 'down' | 'lose-answer' | 'refuse')[] = [];
  return {
    requests,
    script,
    totals,
    deliver: async (report: DetectionReport): Promise<DeliveryResult> => {
      requests.push(structuredClone(report));
      // What is sent is always a report the backend's schema accepts.
      expect(detectionReportSchema.safeParse(report).success).toBe(true);
      const step = script.shift() ?? 'ok';
      if (step === 'down') return { kind: 'transient', error: 'fetch failed' };
      if (step === 'refuse') return { kind: 'permanent', error: '400 body.rows.0.day' };
      if (!seen.has(report.batchId)) {
        seen.add(report.batchId);
        for (const row of report.rows) {
          const key = `${row.day} ${row.crm} ${row.pageKind} ${row.result}`;
          totals.set(key, (totals.get(key) ?? 0) + row.count);
        }
      }
      if (step === 'lose-answer') throw new Error('connection reset');
      return { kind: 'delivered' };
    },
  };
}

function harness() {
  const factory = new IDBFactory();
  const backend = fakeBackend();
  let now = start;
  let ids = 0;
  const warnings: string[] = [];
  // A new store and reporter per call, as the worker makes them (nothing kept in memory).
  const reporter = (deliver = backend.deliver) =>
    new DetectionReporter({
      store: new DetectionCountStore(factory),
      deliver,
      now: () => now,
      newBatchId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
      warn: (message) => warnings.push(message),
    });
  const store = () => new DetectionCountStore(factory);
  const pending = async () =>
    Object.fromEntries(
      (await store().pending()).map((r) => [
        `${r.day} ${r.crm} ${r.pageKind} ${r.result}`,
        r.count,
      ]),
    );
  return {
    factory,
    backend,
    reporter,
    store,
    pending,
    warnings,
    advance: (ms: number) => (now += ms),
  };
}

const today = utcDay(start);

describe('detection counts in IndexedDB', () => {
  it('aggregates visits per day, CRM, page kind and result', async () => {
    const h = harness();
    for (const result of ['url', 'url', 'missed', 'api'] as const)
      await h.reporter().observe(visit(result));
    await h.reporter().observe(visit('missed', 'salesforce', 'case'));
    h.advance(day);
    await h.reporter().observe(visit('url'));
    expect(await h.pending()).toEqual({
      [`${today} zendesk ticket url`]: 2,
      [`${today} zendesk ticket missed`]: 1,
      [`${today} zendesk ticket api`]: 1,
      [`${today} salesforce case missed`]: 1,
      [`${utcDay(start + day)} zendesk ticket url`]: 1,
    });
  });

  it('loses no count when several tabs report at once', async () => {
    const h = harness();
    await Promise.all(Array.from({ length: 40 }, () => h.store().add(visit('missed'), start)));
    expect(await h.pending()).toEqual({ [`${today} zendesk ticket missed`]: 40 });
  });

  it('keeps nothing the backend would refuse: names outside a-z, 0-9, _ and -', async () => {
    const h = harness();
    for (const crm of ['Zendesk', 'ann@example.com', 'https://crm', '']) {
      expect(await h.store().add(visit('url', crm), start)).toBe(false);
    }
    expect(await h.store().add(visit('url', 'zendesk', 'ticket?id=1'), start)).toBe(false);
    expect(await h.pending()).toEqual({});
  });

  it('is bounded: counts saturate, and a full store counts only rows it already has', async () => {
    const h = harness();
    const db = await openDatabase(h.factory);
    const record: DetectionCountRecord = {
      key: `${today}|zendesk|ticket|url`,
      crm: 'zendesk',
      pageKind: 'ticket',
      day: today,
      result: 'url',
      count: maxDetectionCount - 1,
    };
    await idbPut(db, idbStores.detectionCounts, record);
    db.close();
    await h.store().add(visit('url'), start);
    await h.store().add(visit('url'), start);
    expect(await h.pending()).toEqual({ [`${today} zendesk ticket url`]: maxDetectionCount });

    const small = new DetectionCountStore(h.factory, { ...detectionLimits, maxRows: 3 });
    expect(await small.add(visit('missed'), start)).toBe(true);
    expect(await small.add(visit('api'), start)).toBe(true);
    expect(await small.add(visit('page'), start)).toBe(false);
    expect(await small.add(visit('api'), start)).toBe(true);
    expect(Object.keys(await h.pending())).toHaveLength(3);
  });
});

describe('the IndexedDB upgrade', () => {
  it("adds the detection stores to an earlier version's database, keeping its outbox", async () => {
    const factory = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const request = factory.open('loopdesk', 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('secrets');
        request.result.createObjectStore('outbox', { keyPath: 'idempotencyKey' });
      };
      request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction('outbox', 'readwrite');
        tx.objectStore('outbox').put({ idempotencyKey: 'k1' });
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
      };
      request.onerror = () => reject(request.error);
    });
    await new DetectionCountStore(factory).add(visit('missed'), start);
    const db = await openDatabase(factory);
    expect([...db.objectStoreNames].sort()).toEqual([
      'detectionCounts',
      'detectionState',
      'outbox',
      'secrets',
    ]);
    db.close();
    expect(await new IdbOutboxStore(factory).all()).toEqual([{ idempotencyKey: 'k1' }]);
  });
});

describe('sending detection counts', () => {
  it('sends the waiting counts as one batch and forgets them once the backend has them', async () => {
    const h = harness();
    await h.reporter().observe(visit('url'));
    await h.reporter().observe(visit('url'));
    await h.reporter().observe(visit('missed', 'demo', 'customer'));
    expect(await h.reporter().send()).toBe('sent');
    expect(h.backend.requests).toEqual([
      {
        batchId: '00000000-0000-4000-8000-000000000001',
        rows: [
          { crm: 'demo', pageKind: 'customer', day: today, result: 'missed', count: 1 },
          { crm: 'zendesk', pageKind: 'ticket', day: today, result: 'url', count: 2 },
        ],
      },
    ]);
    expect(await h.pending()).toEqual({});
    expect(await h.store().batch()).toBeNull();
    expect(await h.reporter().send()).toBe('nothing');
    expect(h.backend.requests).toHaveLength(1);
  });

  it('keeps counts added while a batch is on its way for the next batch', async () => {
    const h = harness();
    await h.reporter().observe(visit('url'));
    const slow = async (report: DetectionReport) => {
      // Visits counted while the request is out.
      await h.reporter().observe(visit('url'));
      await h.reporter().observe(visit('missed'));
      return h.backend.deliver(report);
    };
    expect(await h.reporter(slow).send()).toBe('sent');
    expect(await h.pending()).toEqual({
      [`${today} zendesk ticket url`]: 1,
      [`${today} zendesk ticket missed`]: 1,
    });
    expect(await h.reporter().send()).toBe('sent');
    expect(h.backend.requests.map((r) => r.batchId)).toEqual([
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
    ]);
    expect(Object.fromEntries(h.backend.totals)).toEqual({
      [`${today} zendesk ticket url`]: 2,
      [`${today} zendesk ticket missed`]: 1,
    });
  });

  it('keeps a failed batch and resends it unchanged, under its id, at a later delivery', async () => {
    const h = harness();
    await h.reporter().observe(visit('missed'));
    h.backend.script.push('down');
    expect(await h.reporter().send()).toBe('kept');
    await h.reporter().observe(visit('missed'));
    await h.reporter().observe(visit('page'));
    // Outcome deliveries right after a failure do not carry the counts again yet.
    expect(await h.reporter().send()).toBe('waiting');
    h.advance(detectionLimits.retryAfterMs);
    expect(await h.reporter().send()).toBe('sent');
    expect(await h.reporter().send()).toBe('sent');
    const [failed, retried, next] = h.backend.requests;
    expect(retried).toEqual(failed);
    expect(next!.batchId).not.toBe(failed!.batchId);
    expect(next!.rows).toEqual([
      { crm: 'zendesk', pageKind: 'ticket', day: today, result: 'missed', count: 1 },
      { crm: 'zendesk', pageKind: 'ticket', day: today, result: 'page', count: 1 },
    ]);
    expect(Object.fromEntries(h.backend.totals)).toEqual({
      [`${today} zendesk ticket missed`]: 2,
      [`${today} zendesk ticket page`]: 1,
    });
  });

  it('counts nothing twice when the answer is lost after the backend stored the batch', async () => {
    const h = harness();
    for (let i = 0; i < 5; i += 1) await h.reporter().observe(visit('api'));
    h.backend.script.push('lose-answer');
    expect(await h.reporter().send()).toBe('kept');
    await h.reporter().observe(visit('api'));
    expect(await h.reporter().send({ force: true })).toBe('sent');
    expect(await h.reporter().send()).toBe('sent');
    expect(h.backend.requests.map((r) => r.batchId)).toEqual([
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000003',
    ]);
    expect(Object.fromEntries(h.backend.totals)).toEqual({ [`${today} zendesk ticket api`]: 6 });
  });

  it('drops a batch the backend refuses for good, and goes on with later counts', async () => {
    const h = harness();
    await h.reporter().observe(visit('url'));
    h.backend.script.push('refuse');
    expect(await h.reporter().send()).toBe('dropped');
    expect(h.warnings).toEqual([expect.stringContaining('400 body.rows.0.day')]);
    await h.reporter().observe(visit('url'));
    expect(await h.reporter().send()).toBe('sent');
    expect(h.backend.requests[1]!.rows).toEqual([expect.objectContaining({ count: 1 })]);
  });

  it('drops counts too old for the backend instead of sending them', async () => {
    const h = harness();
    await h.store().add(visit('missed'), start - (detectionLimits.maxAgeDays + 1) * day);
    await h.store().add(visit('url'), start - detectionLimits.maxAgeDays * day);
    expect(await h.reporter().send()).toBe('sent');
    expect(h.backend.requests[0]!.rows).toEqual([expect.objectContaining({ result: 'url' })]);
    expect(await h.pending()).toEqual({});
  });

  it('asks for a delivery from a visit only when no counts went for an hour', async () => {
    const h = harness();
    expect(await h.reporter().observe(visit())).toBe(true);
    await h.reporter().send();
    expect(await h.reporter().observe(visit())).toBe(false);
    h.advance(detectionLimits.sendEveryMs);
    expect(await h.reporter().observe(visit())).toBe(true);
    h.backend.script.push('down');
    await h.reporter().send();
    h.advance(detectionLimits.retryAfterMs - 1);
    expect(await h.reporter().observe(visit())).toBe(false);
  });
});

describe('the outbox carries detection counts', () => {
  const outcome = {
    decisionId: 'd',
    result: 'offered' as const,
    occurredAt: new Date(start).toISOString(),
  };
  function outbox(results: DeliveryResult[], afterDeliveries: (summary: FlushSummary) => void) {
    return new Outbox({
      store: new MemoryOutboxStore(),
      deliver: async () => results.shift() ?? { kind: 'delivered' },
      deliverRetraction: async () => ({ kind: 'delivered' }),
      scheduleWake: async () => {},
      exclusive: (run) => run(),
      now: () => start,
      random: () => 0.5,
      newKey: () => crypto.randomUUID(),
      afterDeliveries,
    });
  }

  it('calls its hook after each flush with what was delivered, and shrugs off its errors', async () => {
    const summaries: FlushSummary[] = [];
    const box = outbox([{ kind: 'transient', error: 'down' }], (summary) => {
      summaries.push(summary);
      throw new Error('counts broke');
    });
    const entry = await box.enqueue(outcome);
    expect(entry.status).toBe('pending');
    const after = await box.flush({ force: true });
    expect(after[0]!.status).toBe('sent');
    expect(summaries).toEqual([
      { delivered: 0, transient: 1 },
      { delivered: 1, transient: 0 },
    ]);
  });
});

describe('in the worker', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Chrome, IndexedDB, Web Locks and a backend on this computer, as the worker sees them. */
  async function workerEnvironment(backendUp: () => boolean) {
    const area = (data: Record<string, unknown>) => ({
      get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
      set: async (items: Record<string, unknown>) => void Object.assign(data, items),
      remove: async (key: string) => void delete data[key],
    });
    vi.stubGlobal('chrome', {
      storage: { local: area({}), session: area({}) },
      permissions: { contains: async () => true },
      alarms: { create: async () => {}, clear: async () => true },
      runtime: { sendMessage: async () => undefined },
    });
    vi.stubGlobal('indexedDB', new IDBFactory());
    vi.stubGlobal('navigator', {
      locks: { request: (_name: string, run: () => Promise<unknown>) => run() },
    });
    const posted: { path: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: URL | string, init?: RequestInit) => {
        posted.push({ path: new URL(url).pathname, body: JSON.parse(String(init?.body)) });
        if (!backendUp()) throw new TypeError('Failed to fetch');
        return Response.json({}, { status: 201 });
      }),
    );
    await writeToken('tok-csr-123');
    await saveBackendUrl('http://localhost:8787');
    return posted;
  }
  const outcome = {
    decisionId: 'd1',
    result: 'offered' as const,
    occurredAt: new Date(start).toISOString(),
  };

  it('sends the counts after an outcome delivery, and not while the backend is away', async () => {
    let up = false;
    const posted = await workerEnvironment(() => up);
    // The first visit ever asks for a delivery (the worker then flushes the outbox).
    expect(await workerDetectionReporter().observe(visit('missed', 'demo', 'ticket'))).toBe(true);
    await workerDetectionReporter().observe(visit('page', 'demo', 'ticket'));
    expect((await workerOutbox().enqueue(outcome)).status).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The outcome's attempt failed: the counts did not try after it.
    expect(posted.map((p) => p.path)).toEqual(['/v1/outcomes']);

    up = true;
    await workerOutbox().flush({ force: true });
    await vi.waitFor(() => expect(posted).toHaveLength(3));
    expect(posted[1]!.path).toBe('/v1/outcomes');
    expect(posted[2]).toEqual({
      path: '/v1/detection-health/reports',
      body: {
        batchId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        rows: [
          { crm: 'demo', pageKind: 'ticket', day: utcDay(Date.now()), result: 'missed', count: 1 },
          { crm: 'demo', pageKind: 'ticket', day: utcDay(Date.now()), result: 'page', count: 1 },
        ],
      },
    });
    await vi.waitFor(async () => expect(await new DetectionCountStore().batch()).toBeNull());
    expect(await workerDetectionReporter().observe(visit('page', 'demo', 'ticket'))).toBe(false);
  });
});

describe('postDetectionReport', () => {
  const access = { baseUrl: 'https://backend.example', token: 'secret-token' };
  const report: DetectionReport = {
    batchId: '00000000-0000-4000-8000-000000000001',
    rows: [{ crm: 'demo', pageKind: 'ticket', day: today, result: 'missed', count: 2 }],
  };
  const answering = (status: number) =>
    vi.fn(async () =>
      Response.json(status < 300 ? {} : { type: 'x', title: 'No', status, detail: 'why' }, {
        status,
      }),
    );

  it('posts the batch with the token, and reads 200 and 201 as delivered', async () => {
    const fetchImpl = answering(201);
    expect(await postDetectionReport(access, report, fetchImpl)).toEqual({ kind: 'delivered' });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [URL, RequestInit];
    expect(String(url)).toBe('https://backend.example/v1/detection-health/reports');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ authorization: 'Bearer secret-token' });
    expect(JSON.parse(init.body as string)).toEqual(report);
    expect(await postDetectionReport(access, report, answering(200))).toEqual({
      kind: 'delivered',
    });
  });

  it('drops only what the backend refuses as a bad batch; keeps the rest for later', async () => {
    for (const status of [400, 413, 422]) {
      expect((await postDetectionReport(access, report, answering(status))).kind).toBe('permanent');
    }
    for (const status of [401, 404, 429, 500, 503]) {
      expect((await postDetectionReport(access, report, answering(status))).kind).toBe('transient');
    }
    const offline = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect((await postDetectionReport(access, report, offline)).kind).toBe('transient');
    expect((await postDetectionReport(null, report, offline)).kind).toBe('transient');
    expect(offline).toHaveBeenCalledTimes(1);
  });
});
