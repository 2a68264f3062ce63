import { describe, expect, it } from 'vitest';
import { backendEndpoint, callBackend, problemText } from './backend-client.ts';

const access = { baseUrl: 'https://loopdesk.example.com/api', token: 'tok-123456' };

function recordingFetch(answer: () => Response) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return answer();
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (body: unknown, status: number, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('backendEndpoint', () => {
  it('puts the path under the backend URL, with or without its trailing slash', () => {
    expect(String(backendEndpoint('https://b.example/api', 'v1/whoami'))).toBe(
      'https://b.example/api/v1/whoami',
    );
    expect(String(backendEndpoint('https://b.example/api/', '/v1/whoami'))).toBe(
      'https://b.example/api/v1/whoami',
    );
  });

  it('leaves empty query values out', () => {
    const url = backendEndpoint('https://b.example', 'v1/kpis', {
      team: 'north',
      agent: '',
      segment: null,
      limit: 50,
      from: undefined,
    });
    expect([...url.searchParams]).toEqual([
      ['team', 'north'],
      ['limit', '50'],
    ]);
  });
});

describe('callBackend', () => {
  it('sends the token, and a JSON body as JSON', async () => {
    const { calls, fetchImpl } = recordingFetch(() => json({ id: 'o-1' }, 201));
    const answer = await callBackend(
      access,
      { method: 'POST', path: 'v1/outcomes', body: { a: 1 }, timeoutMs: 1000 },
      fetchImpl,
    );
    expect(answer).toMatchObject({ answered: true, ok: true, status: 201, body: { id: 'o-1' } });
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get('authorization')).toBe('Bearer tok-123456');
    expect(headers.get('content-type')).toBe('application/json');
    expect(calls[0]?.url).toBe('https://loopdesk.example.com/api/v1/outcomes');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ a: 1 });
  });

  it('reads the problem+json of a refusal', async () => {
    const { fetchImpl } = recordingFetch(() =>
      json(
        { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'token revoked' },
        401,
        'application/problem+json',
      ),
    );
    const answer = await callBackend(access, { path: 'v1/whoami', timeoutMs: 1000 }, fetchImpl);
    expect(answer.answered && answer.problem?.detail).toBe('token revoked');
    expect(answer.answered && problemText(answer.problem)).toBe('token revoked');
  });

  it('finds no problem in another server’s error page', async () => {
    const { fetchImpl } = recordingFetch(
      () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const answer = await callBackend(access, { path: 'v1/whoami', timeoutMs: 1000 }, fetchImpl);
    expect(answer).toMatchObject({ answered: true, ok: false, status: 502, problem: null });
  });

  it('says why when no answer came', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const answer = await callBackend(access, { path: 'v1/whoami', timeoutMs: 1000 }, fetchImpl);
    expect(answer).toEqual({ answered: false, message: 'Failed to fetch' });
  });
});

describe('problemText', () => {
  it('is the detail, else the title', () => {
    expect(problemText({ type: 'about:blank', title: 'Conflict', status: 409 })).toBe('Conflict');
    expect(problemText(null)).toBeUndefined();
  });
});
