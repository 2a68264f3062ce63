import { describe, expect, it, vi } from 'vitest';
import { checkBackend, type BackendDeps } from './backend-access.ts';
import { openOptionsOnInstall } from './installed.ts';

const token = 'ld_csr_secret-token-1';

function deps(stored: { url?: string; token?: string; granted?: string[] }): BackendDeps {
  const granted = new Set(stored.granted ?? ['http://localhost/*', 'http://127.0.0.1/*']);
  return {
    readBackendUrl: async () => stored.url ?? null,
    readToken: async () => stored.token ?? null,
    writeBackendUrl: async () => {},
    isGranted: async (pattern) => granted.has(pattern),
  };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('checking the saved backend and token (GET /v1/whoami, from the worker)', () => {
  it('says who the token belongs to, asking only the saved backend, with the token', async () => {
    const fetchImpl = vi.fn(async (_url: URL | string, _init?: RequestInit) =>
      json(200, { agentName: 'Demo CSR', role: 'csr' }),
    );
    const check = await checkBackend(
      deps({ url: 'http://localhost:8787', token }),
      fetchImpl as typeof fetch,
    );
    expect(check).toEqual({
      kind: 'connected',
      backendUrl: 'http://localhost:8787',
      agentName: 'Demo CSR',
      role: 'csr',
    });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(String(url)).toBe('http://localhost:8787/v1/whoami');
    expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${token}`);
    // Only the name and role go back to the page: never the token.
    expect(JSON.stringify(check)).not.toContain(token);
  });

  it('names what is missing, and asks nothing before both are saved', async () => {
    const fetchImpl = vi.fn();
    expect(await checkBackend(deps({ token }), fetchImpl as typeof fetch)).toEqual({
      kind: 'not-configured',
      missing: 'backend-url',
    });
    expect(
      await checkBackend(deps({ url: 'http://localhost:8787' }), fetchImpl as typeof fetch),
    ).toEqual({ kind: 'not-configured', missing: 'token' });
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('refuses a backend whose origin is no longer granted, without sending the token', async () => {
    const fetchImpl = vi.fn();
    const check = await checkBackend(
      deps({ url: 'https://loopdesk.example.com', token, granted: [] }),
      fetchImpl as typeof fetch,
    );
    expect(check.kind).toBe('backend-refused');
    expect(check.kind === 'backend-refused' && check.reason).toMatch(/not granted/);
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('tells an unreachable backend from a refused token and from some other server', async () => {
    const at = deps({ url: 'http://localhost:8787', token });
    const down = await checkBackend(at, (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch);
    expect(down).toEqual({
      kind: 'unreachable',
      backendUrl: 'http://localhost:8787',
      message: 'Failed to fetch',
    });

    const revoked = await checkBackend(at, (async () =>
      json(
        401,
        {
          type: 'about:blank',
          title: 'Unauthorized',
          status: 401,
          detail: 'The token is unknown or revoked.',
        },
        'application/problem+json',
      )) as typeof fetch);
    expect(revoked).toEqual({
      kind: 'token-refused',
      backendUrl: 'http://localhost:8787',
      detail: 'The token is unknown or revoked.',
    });

    const other = await checkBackend(
      at,
      (async () =>
        new Response('<h1>Not Found</h1>', {
          status: 404,
          headers: { 'content-type': 'text/html' },
        })) as typeof fetch,
    );
    expect(other).toEqual({
      kind: 'not-loopdesk',
      backendUrl: 'http://localhost:8787',
      status: 404,
    });

    const throttled = await checkBackend(at, (async () =>
      json(429, {
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Wait 60 s.',
      })) as typeof fetch);
    expect(throttled).toEqual({
      kind: 'error',
      backendUrl: 'http://localhost:8787',
      status: 429,
      detail: 'Wait 60 s.',
    });
  });
});

describe('opening the options page', () => {
  it('opens it on a first install only, not on updates', async () => {
    const open = vi.fn(async () => {});
    openOptionsOnInstall({ reason: 'update' }, open);
    openOptionsOnInstall({ reason: 'chrome_update' }, open);
    expect(open).not.toHaveBeenCalled();
    openOptionsOnInstall({ reason: 'install' }, open);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('keeps a refusal to open it from becoming an unhandled rejection', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    openOptionsOnInstall({ reason: 'install' }, async () => {
      throw new Error('no window');
    });
    await vi.waitFor(() => expect(warn).toHaveBeenCalled());
    warn.mockRestore();
  });
});
