import { describe, expect, it } from 'vitest';
import { fetchInsights, postOutcome } from './backend-calls.ts';
import type { OutboxEntry } from './outbox.ts';

const access = { baseUrl: 'http://127.0.0.1:4000', token: 'tok-123456' };
const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

function recordingFetch(response: Response | Error) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    if (response instanceof Error) throw response;
    return response;
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const entry: OutboxEntry = {
  idempotencyKey: 'key-abc',
  outcome: {
    decisionId: 'd1',
    treatmentId: 't1',
    result: 'accepted',
    occurredAt: '2026-11-25T10:00:00.000Z',
  },
  status: 'pending',
  attempts: 0,
  nextAttemptAt: 0,
  lastError: null,
  createdAt: 0,
  sentAt: null,
};

describe('fetchInsights', () => {
  it('sends the query and the bearer token', async () => {
    const { calls, fetchImpl } = recordingFetch(
      json(404, { type: 'about:blank', title: 'Not found', status: 404 }),
    );
    await fetchInsights(access, { crm: 'zendesk', type: 'user', id: '42' }, fetchImpl);
    expect(calls[0]?.url).toBe('http://127.0.0.1:4000/v1/insights?crm=zendesk&type=user&id=42');
    expect(new Headers(calls[0]?.init?.headers).get('authorization')).toBe('Bearer tok-123456');
  });

  it('maps 404 to unknown and 409 to ambiguous with candidates', async () => {
    const unknown = await fetchInsights(
      access,
      { email: 'x@y.z' },
      recordingFetch(
        json(404, {
          type: 't',
          title: 'Unknown customer',
          status: 404,
          detail: 'No customer has x@y.z',
        }),
      ).fetchImpl,
    );
    expect(unknown).toEqual({ kind: 'unknown', detail: 'No customer has x@y.z' });
    const candidates = [{ customerId: 'c1', name: 'Ana', email: 'ana@x.y', phone: null }];
    const ambiguous = await fetchInsights(
      access,
      { phone: '555 0100' },
      recordingFetch(json(409, { type: 't', title: 'Ambiguous', status: 409, candidates }))
        .fetchImpl,
    );
    expect(ambiguous).toMatchObject({ kind: 'ambiguous', candidates });
  });

  it('reports a network failure as unreachable and a malformed body as an error', async () => {
    expect(
      await fetchInsights(
        access,
        { email: 'a@b.c' },
        recordingFetch(new TypeError('fetch failed')).fetchImpl,
      ),
    ).toEqual({
      kind: 'unreachable',
      message: 'fetch failed',
    });
    expect(
      await fetchInsights(
        access,
        { email: 'a@b.c' },
        recordingFetch(json(200, { customer: 'nope' })).fetchImpl,
      ),
    ).toMatchObject({
      kind: 'error',
      status: 200,
    });
  });
});

describe('postOutcome', () => {
  it('posts the outcome with its idempotency key', async () => {
    const { calls, fetchImpl } = recordingFetch(
      json(201, { id: 'o1', decisionId: 'd1', duplicate: false }),
    );
    expect(await postOutcome(access, entry, fetchImpl)).toEqual({ kind: 'delivered' });
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get('idempotency-key')).toBe('key-abc');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual(entry.outcome);
  });

  it('retries 408, 429, 5xx, network errors and a refused token; gives up on other 4xx', async () => {
    const problem = (status: number) =>
      json(status, { type: 't', title: 'x', status, detail: `status ${status}` });
    for (const status of [408, 429, 500, 503]) {
      expect(
        (await postOutcome(access, entry, recordingFetch(problem(status)).fetchImpl)).kind,
      ).toBe('transient');
    }
    expect(await postOutcome(access, entry, recordingFetch(problem(401)).fetchImpl)).toEqual({
      kind: 'transient',
      error: '401 status 401 Set a new token on the options page.',
    });
    for (const status of [400, 403, 404, 422]) {
      expect(await postOutcome(access, entry, recordingFetch(problem(status)).fetchImpl)).toEqual({
        kind: 'permanent',
        error: `${status} status ${status}`,
      });
    }
    expect(
      (await postOutcome(access, entry, recordingFetch(new TypeError('down')).fetchImpl)).kind,
    ).toBe('transient');
  });

  it('waits (transient) while the backend is not configured', async () => {
    expect(await postOutcome(null, entry)).toEqual({
      kind: 'transient',
      error: 'backend URL or token not set yet',
    });
  });
});
