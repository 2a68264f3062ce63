import type { z } from 'zod';
import { sendMessage } from '../messaging/client.ts';
import {
  callBackend,
  problemText,
  type BackendAccess,
  type BackendQuery,
} from '../shared/backend-client.ts';
import { tokenSessionKey } from '../shared/storage-keys.ts';

/** Thrown for any failed call; `message` is the backend's problem detail when it sent one. */
class ApiError extends Error {
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
  const stored = (await chrome.storage.session.get(tokenSessionKey))[tokenSessionKey];
  if (!status.configured || !status.backendUrl || typeof stored !== 'string' || !stored) {
    throw new ApiError(
      'LoopDesk is not configured: set the backend URL and a supervisor token in the options page.',
      0,
    );
  }
  return { baseUrl: status.backendUrl, token: stored };
}

export type Query = BackendQuery;

/** A typed JSON client on the extension's one backend client; every answer is checked by zod. */
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
    const answer = await callBackend(
      await this.access(),
      { method, path, query: options.query, body: options.body, timeoutMs: 30_000 },
      this.fetchImpl,
    );
    if (!answer.answered) {
      throw new ApiError(`The backend cannot be reached: ${answer.message}`, 0);
    }
    if (!answer.ok) {
      throw new ApiError(
        problemText(answer.problem) ?? `The backend answered ${answer.status}`,
        answer.status,
      );
    }
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw new ApiError(`Unexpected answer from ${path}`, answer.status);
    return parsed.data;
  }

  get<T>(schema: z.ZodType<T>, path: string, query?: Query): Promise<T> {
    return this.request(schema, 'GET', path, { query });
  }
}
