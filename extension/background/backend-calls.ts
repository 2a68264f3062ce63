import { z } from 'zod';
import type { DetectionReport } from '../../src/contract/detection-health.ts';
import { insightsSchema, type InsightsQuery } from '../../src/contract/insights.ts';
import type { OutcomeRetractionRequest } from '../../src/contract/outcome.ts';
import { callBackend, problemText, type BackendAccess } from '../shared/backend-client.ts';
import type { BackendCheck, InsightsResult } from '../messaging/protocol.ts';
import type { DeliveryResult, OutboxEntry } from './outbox.ts';

// The worker's calls to the backend, over the extension's one client (shared/backend-client.ts),
// and what each answer means to the panel, the options page and the outbox.

const requestTimeoutMs = 10_000;

export async function fetchInsights(
  access: BackendAccess,
  query: InsightsQuery,
  fetchImpl: typeof fetch = fetch,
  now: () => Date = () => new Date(),
): Promise<InsightsResult> {
  const answer = await callBackend(
    access,
    { path: 'v1/insights', query, timeoutMs: requestTimeoutMs },
    fetchImpl,
  );
  if (!answer.answered) return { kind: 'unreachable', message: answer.message };
  const { status, problem } = answer;
  if (answer.ok) {
    const parsed = insightsSchema.safeParse(answer.body);
    if (!parsed.success) {
      return {
        kind: 'error',
        status,
        problem: {
          type: 'about:blank',
          title: 'The backend sent insights in an unexpected shape',
          status,
        },
      };
    }
    return { kind: 'insights', insights: parsed.data, fetchedAt: now().toISOString() };
  }
  if (status === 404) {
    return { kind: 'unknown', detail: problemText(problem) ?? 'No customer matches this record.' };
  }
  if (status === 409) {
    return {
      kind: 'ambiguous',
      candidates: problem?.candidates ?? [],
      detail: problemText(problem) ?? 'Several customers match this record.',
    };
  }
  if (status === 502 || status === 503 || status === 504) {
    return { kind: 'unreachable', message: `backend answered ${status}` };
  }
  return { kind: 'error', status, problem };
}

const whoamiSchema = z.object({
  agentName: z.string(),
  role: z.enum(['csr', 'supervisor', 'admin']),
});

/** Asks the backend whose token this is: the options page's check after Save. */
export async function fetchWhoami(
  access: BackendAccess,
  fetchImpl: typeof fetch = fetch,
): Promise<BackendCheck> {
  const backendUrl = access.baseUrl;
  const answer = await callBackend(
    access,
    { path: 'v1/whoami', timeoutMs: requestTimeoutMs },
    fetchImpl,
  );
  if (!answer.answered) return { kind: 'unreachable', backendUrl, message: answer.message };
  const { status, problem } = answer;
  if (answer.ok) {
    const parsed = whoamiSchema.safeParse(answer.body);
    return parsed.success
      ? { kind: 'connected', backendUrl, ...parsed.data }
      : { kind: 'not-loopdesk', backendUrl, status };
  }
  // Anything but LoopDesk's problem+json (a 404 page, a proxy's HTML) is some other server.
  if (!problem) return { kind: 'not-loopdesk', backendUrl, status };
  const detail = problem.detail ?? problem.title;
  if (status === 401) return { kind: 'token-refused', backendUrl, detail };
  if (status === 502 || status === 503 || status === 504) {
    return { kind: 'unreachable', backendUrl, message: `it answered ${status}: ${detail}` };
  }
  return { kind: 'error', backendUrl, status, detail };
}

/** Whether a failed delivery is worth retrying (409: the same outcome is still being stored). */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A POST's answer, or why it never got one (a transient failure). */
type PostAnswer = { ok: boolean; status: number; error: string } | { failure: DeliveryResult };

/** POSTs JSON with the token; the error line names the status and the problem's detail. */
async function postJson(
  access: BackendAccess | null,
  path: string,
  body: unknown,
  fetchImpl: typeof fetch,
  headers: Record<string, string> = {},
): Promise<PostAnswer> {
  if (!access) {
    return { failure: { kind: 'transient', error: 'backend URL or token not set yet' } };
  }
  const answer = await callBackend(
    access,
    { method: 'POST', path, body, headers, timeoutMs: requestTimeoutMs },
    fetchImpl,
  );
  if (!answer.answered) {
    return { failure: { kind: 'transient', error: answer.message } };
  }
  const { ok, status } = answer;
  if (ok) return { ok, status, error: '' };
  const error = `${status} ${problemText(answer.problem) ?? answer.statusText}`.trim();
  return { ok, status, error };
}

export async function postOutcome(
  access: BackendAccess | null,
  entry: OutboxEntry,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  const answer = await postJson(access, 'v1/outcomes', entry.outcome, fetchImpl, {
    'idempotency-key': entry.idempotencyKey,
  });
  if ('failure' in answer) return answer.failure;
  const { ok, status, error } = answer;
  // 2xx: stored now, or already stored under this key earlier; either way stored once.
  if (ok) return { kind: 'delivered' };
  if (status === 401) {
    // A revoked or mistyped token: the outcome waits, as it does while no token is set, and
    // setting a new token sends it at once.
    return { kind: 'transient', error: `${error} Set a new token on the options page.` };
  }
  return isTransientStatus(status) ? { kind: 'transient', error } : { kind: 'permanent', error };
}

/**
 * Sends the entry's retraction (Undo), naming the outcome by the key it was delivered with.
 * Same rules as the outcome itself: 401 and the transient statuses wait and retry; a 404 too,
 * since the outcome was delivered before this was sent: the backend or token in use now is not
 * the one it went to (another agent's token, another backend), which the user can put right.
 */
export async function postRetraction(
  access: BackendAccess | null,
  entry: OutboxEntry,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  if (!entry.retraction)
    throw new Error(`Outbox entry "${entry.idempotencyKey}" has no retraction`);
  const body: OutcomeRetractionRequest = {
    idempotencyKey: entry.idempotencyKey,
    retractedAt: new Date(entry.retraction.requestedAt).toISOString(),
  };
  const answer = await postJson(access, 'v1/outcomes/retractions', body, fetchImpl);
  if ('failure' in answer) return answer.failure;
  const { ok, status, error } = answer;
  // 201 retracted now, 200 retracted before: taken back once either way.
  if (ok) return { kind: 'delivered' };
  if (status === 401) {
    return { kind: 'transient', error: `${error} Set a new token on the options page.` };
  }
  if (status === 404) {
    return {
      kind: 'transient',
      error:
        `${error} The outcome went to this backend under another token: the Undo waits ` +
        'for the token it was recorded with.',
    };
  }
  return isTransientStatus(status) ? { kind: 'transient', error } : { kind: 'permanent', error };
}

/**
 * Sends a batch of detection counts. Only a refusal of the batch itself (400, 413, 422) is
 * permanent; anything else (an older backend's 404 included) keeps it for the next delivery.
 */
export async function postDetectionReport(
  access: BackendAccess | null,
  report: DetectionReport,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  const answer = await postJson(access, 'v1/detection-health/reports', report, fetchImpl);
  if ('failure' in answer) return answer.failure;
  const { ok, status, error } = answer;
  // 201 counted now, 200 counted before under this batch id: counted once either way.
  if (ok) return { kind: 'delivered' };
  return [400, 413, 422].includes(status)
    ? { kind: 'permanent', error }
    : { kind: 'transient', error };
}
