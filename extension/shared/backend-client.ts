import { problemSchema, type Problem } from '../../src/contract/problem.ts';

/**
 * The one HTTP client to the LoopDesk backend, for the worker (background/backend-calls.ts) and
 * the supervisor workspace (supervisor/api.ts): how a request is addressed and authorised, and
 * how an answer and its problem+json are read. What an answer means is the caller's business.
 */

/** Where the backend is and the token to call it with. */
export interface BackendAccess {
  baseUrl: string;
  token: string;
}

export type BackendQuery = Record<string, string | number | null | undefined>;

export interface BackendRequest {
  method?: 'GET' | 'POST' | 'PATCH';
  /** Relative to the backend URL (`v1/insights`; a leading `/` is ignored). */
  path: string;
  /** Empty, null and undefined values are left out. */
  query?: BackendQuery;
  /** Sent as JSON when given. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
}

export type BackendAnswer =
  /** No answer at all: the network failed or the time ran out. */
  | { answered: false; message: string }
  | {
      answered: true;
      ok: boolean;
      status: number;
      statusText: string;
      /** The JSON body, or null when there was none or it was not JSON. */
      body: unknown;
      /** The problem+json of a failed request, or null when it sent none (another server). */
      problem: Problem | null;
    };

/** The backend URL of `path`, whether or not the saved backend URL ends with a `/`. */
export function backendEndpoint(baseUrl: string, path: string, query: BackendQuery = {}): URL {
  const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(name, String(value));
    }
  }
  return url;
}

/** What a problem says in words: its detail, else its title; undefined without a problem. */
export function problemText(problem: Problem | null): string | undefined {
  return problem?.detail ?? problem?.title;
}

/** Sends one request with the token and reads the answer; it never throws. */
export async function callBackend(
  access: BackendAccess,
  request: BackendRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<BackendAnswer> {
  const hasBody = request.body !== undefined;
  let response: Response;
  try {
    response = await fetchImpl(backendEndpoint(access.baseUrl, request.path, request.query), {
      method: request.method ?? 'GET',
      headers: {
        authorization: `Bearer ${access.token}`,
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      body: hasBody ? JSON.stringify(request.body) : undefined,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    return { answered: false, message: error instanceof Error ? error.message : String(error) };
  }
  const body: unknown = await response.json().catch(() => null);
  const parsedProblem = response.ok ? null : problemSchema.safeParse(body);
  return {
    answered: true,
    ok: response.ok,
    status: response.status,
    statusText: response.statusText,
    body,
    problem: parsedProblem?.success ? parsedProblem.data : null,
  };
}
