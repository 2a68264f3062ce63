import type { ApiLookup, CustomerRef } from './crm/types.ts';

/** Where one record's API lookup stands in this tab. */
type ApiState =
  | { status: 'pending' }
  | { status: 'found'; ref: CustomerRef }
  | { status: 'none' }
  | { status: 'failed' };

/** An answer the worker got by running the request in the page's own world. */
export type PageWorldAnswer = { status: number; body: unknown } | null;

export interface ApiLookupOptions {
  /** The page's origin: every request goes there and nowhere else. */
  origin: string;
  fetch?: typeof fetch;
  /** For lookups that need the page's session token (the worker runs those in the page). */
  runInPage: (lookup: ApiLookup) => Promise<PageWorldAnswer>;
  /** Called when a lookup settles, so the detector checks again with its answer. */
  onSettled: () => void;
  timeoutMs?: number;
}

export interface ApiLookups {
  /** The lookup's state; the first ask for a key starts its one request. */
  state(lookup: ApiLookup): ApiState;
}

const MAX_KEYS = 200;
const MAX_BODY_CHARS = 1_000_000;
const API_TIMEOUT_MS = 8_000;

/**
 * One request per record per tab (the content script lives as long as the tab's page), never
 * awaited by the detector: until it answers, and if it fails, the page is read instead.
 */
export function createApiLookups(options: ApiLookupOptions): ApiLookups {
  const states = new Map<string, ApiState>();
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? API_TIMEOUT_MS;

  async function requestBody(lookup: ApiLookup): Promise<unknown> {
    if (lookup.pageSessionToken) {
      const answer = await options.runInPage(lookup);
      if (!answer || answer.status < 200 || answer.status > 299) throw new Error('refused');
      return answer.body;
    }
    const url = new URL(lookup.path, options.origin);
    if (!lookup.path.startsWith('/') || url.origin !== options.origin) {
      throw new Error('not same-origin');
    }
    const response = await doFetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...lookup.headers },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_BODY_CHARS) throw new Error('too large');
    return JSON.parse(text) as unknown;
  }

  async function run(lookup: ApiLookup): Promise<ApiState> {
    try {
      const ref = lookup.parse(await requestBody(lookup));
      return ref ? { status: 'found', ref } : { status: 'none' };
    } catch {
      return { status: 'failed' };
    }
  }

  return {
    state(lookup) {
      const known = states.get(lookup.key);
      if (known) return known;
      if (states.size >= MAX_KEYS) {
        const oldest = states.keys().next().value;
        if (oldest !== undefined) states.delete(oldest);
      }
      const pending: ApiState = { status: 'pending' };
      states.set(lookup.key, pending);
      void run(lookup).then((settled) => {
        if (states.get(lookup.key) === pending) states.set(lookup.key, settled);
        options.onSettled();
      });
      return pending;
    },
  };
}
