import type { z } from 'zod';
import { problemSchema } from '../../src/contract/problem.ts';
import { sendMessage } from '../messaging/client.ts';

export interface BackendAccess {
  baseUrl: string;
  token: string;
}

/** Thrown for any failed call; `message` is the backend's problem detail when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The backend URL and token, the way the side panel's worker has them: the URL as the worker
 * keeps and checks it (never storage.local, which content scripts can write), the token from
 * storage.session, which only trusted extension contexts (this page, the worker, the panel) can
 * read. Asking the worker for its status first makes it restore the session copies from
 * IndexedDB after a browser restart.
 */
export async function extensionAccess(): Promise<BackendAccess> {
  const status = await sendMessage('get-status', {});
  if (status.backendRefused) throw new ApiError(status.backendRefused, 0);
  const stored = (await chrome.storage.session.get('loopdesk.token'))['loopdesk.token'];
  if (!status.configured || !status.backendUrl || typeof stored !== 'string' || !stored) {
    throw new ApiError(
      'LoopDesk is not configured: set the backend URL and a supervisor token in the options page.',
      0,
    );
  }
  return { baseUrl: status.backendUrl, token: stored };
}

export type Query = Record<string, string | number | undefined | null>;

/** A typed JSON client over fetch; every answer is checked against its zod schema. */
export class SupervisorClient {
  constructor(
    private readonly access: () => Promise<BackendAccess>,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async request<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const { baseUrl, token } = await this.access();
    const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null && value !== '')
        url.searchParams.set(name, String(value));
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ApiError(`The backend cannot be reached: ${(error as Error).message}`, 0);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const problem = problemSchema.safeParse(body);
      const detail = problem.success ? (problem.data.detail ?? problem.data.title) : undefined;
      throw new ApiError(detail ?? `The backend answered ${response.status}`, response.status);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiError(`Unexpected answer from ${path}`, response.status);
    return parsed.data;
  }

  get<T>(schema: z.ZodType<T>, path: string, query?: Query): Promise<T> {
    return this.request(schema, 'GET', path, { query });
  }
}
