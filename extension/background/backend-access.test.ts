import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import { insightsFor, readBackendState, saveBackendUrl } from './backend-access.ts';
import { workerOutbox } from './outbox-runtime.ts';
import { writeBackendUrl, writeToken } from './token-store.ts';
import { configStorageKey } from '../shared/storage-keys.ts';

const token = 'tok-secret-123';
const outcome: OutcomeRequest = {
  decisionId: 'd1',
  result: 'offered',
  occurredAt: '2026-11-25T10:00:00.000Z',
};

function storageArea(data: Record<string, unknown>) {
  return {
    get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(data, items),
    remove: async (key: string) => void delete data[key],
  };
}

/**
 * The worker's Chrome as far as these paths use it: storage.local (which content scripts can
 * write), storage.session, host permissions (the manifest grants the loopback hosts), alarms.
 * IndexedDB, Web Locks and fetch are stubbed alongside.
 */
function fakeWorkerEnvironment() {
  const local: Record<string, unknown> = {};
  const granted = new Set(['http://localhost/*', 'http://127.0.0.1/*']);
  const fetchCalls: { url: string; authorization: string | null }[] = [];
  vi.stubGlobal('chrome', {
    storage: { local: storageArea(local), session: storageArea({}) },
    permissions: {
      contains: async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o)),
    },
    alarms: { create: async () => {}, clear: async () => true },
    runtime: { sendMessage: async () => undefined },
  });
  vi.stubGlobal('indexedDB', new IDBFactory());
  vi.stubGlobal('navigator', {
    locks: { request: (_name: string, run: () => Promise<unknown>) => run() },
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: URL | string, init?: RequestInit) => {
      fetchCalls.push({
        url: String(url),
        authorization: new Headers(init?.headers).get('authorization'),
      });
      return String(url).includes('/v1/outcomes')
        ? new Response('{}', { status: 201 })
        : new Response(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404 }), {
            status: 404,
          });
    }),
  );
  return { local, granted, fetchCalls };
}

let env: ReturnType<typeof fakeWorkerEnvironment>;
beforeEach(async () => {
  env = fakeWorkerEnvironment();
  await writeToken(token);
});
afterEach(() => vi.unstubAllGlobals());

describe('the backend the worker talks to', () => {
  it('is never one written to storage.local: no request, no token, the outcome waits', async () => {
    // What a compromised CRM page's content script can do: write the config, and pick an origin
    // the user granted (a CRM's own, for instance).
    env.local[configStorageKey] = {
      backendUrl: 'https://attacker.example',
      enabledCrms: [],
      selfHostedOrigins: {},
    };
    env.granted.add('https://attacker.example/*');

    expect((await readBackendState()).access).toBeNull();
    expect(await insightsFor({ email: 'ana@example.com' })).toEqual({ kind: 'not-configured' });
    const entry = await workerOutbox().enqueue(outcome);
    expect(entry.status).toBe('pending');
    expect(env.fetchCalls).toEqual([]);
  });

  it('is not contacted once its origin is no longer granted; outcomes wait and go on a new grant', async () => {
    env.granted.add('https://loopdesk.example.com/*');
    await saveBackendUrl('https://loopdesk.example.com');
    env.granted.delete('https://loopdesk.example.com/*');

    const refused = await insightsFor({ email: 'ana@example.com' });
    expect(refused).toMatchObject({
      kind: 'backend-refused',
      reason: expect.stringMatching(/https:\/\/loopdesk\.example\.com.*not granted/),
    });
    const waiting = await workerOutbox().enqueue(outcome);
    expect(waiting).toMatchObject({
      status: 'pending',
      lastError: expect.stringMatching(/not granted/),
    });
    expect(env.fetchCalls).toEqual([]);

    env.granted.add('https://loopdesk.example.com/*');
    const [sent] = await workerOutbox().flush({ force: true });
    expect(sent).toMatchObject({ idempotencyKey: waiting.idempotencyKey, status: 'sent' });
    expect(env.fetchCalls).toEqual([
      { url: 'https://loopdesk.example.com/v1/outcomes', authorization: `Bearer ${token}` },
    ]);
  });

  it('refuses plain http:// to another computer, even when its origin is granted', async () => {
    env.granted.add('http://crm.example.net/*');
    await expect(saveBackendUrl('http://crm.example.net:8787')).rejects.toThrow(
      /use https:\/\/crm\.example\.net:8787/,
    );
    expect((await readBackendState()).backendUrl).toBeNull();

    // One that got into the worker's store anyway (an earlier version accepted it) is not used.
    await writeBackendUrl('http://crm.example.net:8787');
    expect(await insightsFor({ email: 'ana@example.com' })).toMatchObject({
      kind: 'backend-refused',
    });
    expect((await workerOutbox().enqueue(outcome)).status).toBe('pending');
    expect(env.fetchCalls).toEqual([]);
  });

  it('refuses to save an https origin the user did not grant', async () => {
    await expect(saveBackendUrl('https://loopdesk.example.com')).rejects.toThrow(/not granted/);
    expect((await readBackendState()).backendUrl).toBeNull();
  });

  it('talks to a backend on this computer over plain http', async () => {
    await saveBackendUrl('http://localhost:8787/');
    await insightsFor({ email: 'ana@example.com' });
    expect(env.fetchCalls).toEqual([
      {
        url: 'http://localhost:8787/v1/insights?email=ana%40example.com',
        authorization: `Bearer ${token}`,
      },
    ]);
  });

  it('talks to a granted https backend', async () => {
    env.granted.add('https://loopdesk.example.com/*');
    await saveBackendUrl('https://loopdesk.example.com/base/');
    expect(await insightsFor({ email: 'ana@example.com' })).toMatchObject({ kind: 'unknown' });
    expect((await workerOutbox().enqueue(outcome)).status).toBe('sent');
    expect(env.fetchCalls).toEqual([
      {
        url: 'https://loopdesk.example.com/base/v1/insights?email=ana%40example.com',
        authorization: `Bearer ${token}`,
      },
      { url: 'https://loopdesk.example.com/base/v1/outcomes', authorization: `Bearer ${token}` },
    ]);
  });
});
