import { EventSourceParserStream } from 'eventsource-parser/stream';
import { callSchema, type Call } from '../../src/contract/calls.ts';
import { backendEndpoint, type BackendAccess } from '../shared/backend-client.ts';

/** What the stream needs from the worker (Chrome's stores in the extension, fakes in tests). */
export interface EventStreamDeps {
  /** The backend as the worker may use it now; null: not configured or not allowed. */
  access(): Promise<BackendAccess | null>;
  readLastEventId(): Promise<string | null>;
  writeLastEventId(id: string): Promise<void>;
  onCall(call: Call): Promise<void>;
  /**
   * Called on every frame, keep-alive comments included: the worker calls an extension API
   * here, which keeps Chrome from stopping it while the stream is open.
   */
  onActivity(): void;
  fetch: typeof fetch;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
  warn(message: string): void;
}

const streamBackoff = { baseMs: 1_000, capMs: 60_000 } as const;

/** Wait before reconnect `attempt` (1 = after the first failure): exponential, capped, jittered. */
export function reconnectDelayMs(attempt: number, random: number): number {
  const exponential = Math.min(
    streamBackoff.capMs,
    streamBackoff.baseMs * 2 ** Math.max(0, attempt - 1),
  );
  return exponential / 2 + (exponential / 2) * random;
}

type StreamEnd =
  { kind: 'ended' } | { kind: 'refused'; status: number } | { kind: 'failed'; message: string };

/** Reads one connection until it ends; every `call` event goes to `onCall` in order. */
async function readOnce(
  deps: EventStreamDeps,
  access: BackendAccess,
  signal: AbortSignal,
  connected: () => void,
): Promise<StreamEnd> {
  const lastEventId = await deps.readLastEventId();
  let response: Response;
  try {
    response = await deps.fetch(backendEndpoint(access.baseUrl, 'v1/agents/me/events'), {
      headers: {
        authorization: `Bearer ${access.token}`,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal,
    });
  } catch (error) {
    return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    return response.status === 401 || response.status === 403
      ? { kind: 'refused', status: response.status }
      : { kind: 'failed', message: `backend answered ${response.status}` };
  }
  connected();
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(
      new EventSourceParserStream({ onComment: () => deps.onActivity(), onError: 'terminate' }),
    )
    .getReader();
  try {
    for (;;) {
      const { value: message, done } = await reader.read();
      if (done) return { kind: 'ended' };
      deps.onActivity();
      if (message.event !== 'call') continue;
      const parsed = callSchema.safeParse(JSON.parse(message.data));
      if (!parsed.success) {
        deps.warn(`LoopDesk: a call event in an unexpected shape was skipped (${message.id})`);
      } else {
        await deps.onCall(parsed.data);
      }
      // Stored after the call is taken: a worker stopped in between gets the event again.
      if (message.id) await deps.writeLastEventId(message.id);
    }
  } catch (error) {
    return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  } finally {
    reader.releaseLock();
  }
}

/**
 * Keeps the agent's event stream open until `signal` aborts: reconnects with backoff after a
 * failure, resuming from the last event taken (Last-Event-ID). A refused token (401/403) or no
 * backend ends it: the worker starts it again when the settings change.
 */
export async function keepEventStream(deps: EventStreamDeps, signal: AbortSignal): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    const access = await deps.access();
    if (!access) return;
    const end = await readOnce(deps, access, signal, () => {
      attempt = 0;
    });
    if (signal.aborted) return;
    if (end.kind === 'refused') {
      deps.warn(`LoopDesk: the backend refused the event stream (${end.status}); not retrying`);
      return;
    }
    attempt += 1;
    if (end.kind === 'failed') deps.warn(`LoopDesk: event stream lost: ${end.message}`);
    await deps.sleep(reconnectDelayMs(attempt, deps.random()), signal);
  }
}
