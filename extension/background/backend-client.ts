import { z } from 'zod';
import type { DetectionReport } from '../../src/contract/detection-health.ts';
import { insightsSchema, type InsightsQuery } from '../../src/contract/insights.ts';
import type { OutcomeRetractionRequest } from '../../src/contract/outcome.ts';
import { problemSchema, type Problem } from '../../src/contract/problem.ts';
import type { BackendCheck, InsightsResult } from '../messaging/protocol.ts';
import type { DeliveryResult, OutboxEntry } from './outbox.ts';

export interface BackendAccess {
  baseUrl: string;
  token: string;
}

const requestTimeoutMs = 10_000;

function endpoint(baseUrl: string, path: string): URL {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

async function readProblem(response: Response): Promise<Problem | null> {
  try {
    const parsed = problemSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function fetchInsights(
  access: BackendAccess,
  query: InsightsQuery,
  fetchImpl: typeof fetch = fetch,
  now: () => Date = () => new Date(),
): Promise<InsightsResult> {
  const url = endpoint(access.baseUrl, 'v1/insights');
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'string' && value) url.searchParams.set(name, value);
  }
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { authorization: `Bearer ${access.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    return { kind: 'unreachable', message: error instanceof Error ? error.message : String(error) };
  }
  if (response.ok) {
    const parsed = insightsSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) {
      return {
        kind: 'error',
        status: response.status,
        problem: {
          type: 'about:blank',
          title: 'The backend sent insights in an unexpected shape',
          status: response.status,
        },
      };
    }
    return { kind: 'insights', insights: parsed.data, fetchedAt: now().toISOString() };
  }
  const problem = await readProblem(response);
  if (response.status === 404) {
    return {
      kind: 'unknown',
      detail: problem?.detail ?? problem?.title ?? 'No customer matches this record.',
    };
  }
  if (response.status === 409) {
    return {
      kind: 'ambiguous',
      candidates: problem?.candidates ?? [],
      detail: problem?.detail ?? problem?.title ?? 'Several customers match this record.',
    };
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    return { kind: 'unreachable', message: `backend answered ${response.status}` };
  }
  return { kind: 'error', status: response.status, problem };
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
  let response: Response;
  try {
    response = await fetchImpl(endpoint(backendUrl, 'v1/whoami'), {
      headers: { authorization: `Bearer ${access.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'unreachable', backendUrl, message };
  }
  if (response.ok) {
    const parsed = whoamiSchema.safeParse(await response.json().catch(() => null));
    return parsed.success
      ? { kind: 'connected', backendUrl, ...parsed.data }
      : { kind: 'not-loopdesk', backendUrl, status: response.status };
  }
  const problem = await readProblem(response);
  // Anything but LoopDesk's problem+json (a 404 page, a proxy's HTML) is some other server.
  if (!problem) return { kind: 'not-loopdesk', backendUrl, status: response.status };
  const detail = problem.detail ?? problem.title;
  if (response.status === 401) return { kind: 'token-refused', backendUrl, detail };
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    return {
      kind: 'unreachable',
      backendUrl,
      message: `it answered ${response.status}: ${detail}`,
    };
  }
  return { kind: 'error', backendUrl, status: response.status, detail };
}

/** Whether a failed delivery is worth retrying (409: the same outcome is still being stored). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A POST's answer, or why it never got one (a transient failure). */
type PostAnswer =
  { response: Response; error: string } | { response: null; failure: DeliveryResult };

/** POSTs JSON with the token; the error line names the status and the problem's detail. */
async function postJson(
  access: BackendAccess | null,
  path: string,
  body: unknown,
  fetchImpl: typeof fetch,
  headers: Record<string, string> = {},
): Promise<PostAnswer> {
  if (!access) {
    return {
      response: null,
      failure: { kind: 'transient', error: 'backend URL or token not set yet' },
    };
  }
  let response: Response;
  try {
    response = await fetchImpl(endpoint(access.baseUrl, path), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${access.token}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { response: null, failure: { kind: 'transient', error: message } };
  }
  if (response.ok) return { response, error: '' };
  const problem = await readProblem(response);
  const error =
    `${response.status} ${problem?.detail ?? problem?.title ?? response.statusText}`.trim();
  return { response, error };
}

export async function postOutcome(
  access: BackendAccess | null,
  entry: OutboxEntry,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  const answer = await postJson(access, 'v1/outcomes', entry.outcome, fetchImpl, {
    'idempotency-key': entry.idempotencyKey,
  });
  if (!answer.response) return answer.failure;
  const { response, error } = answer;
  // 2xx: stored now, or already stored under this key earlier; either way stored once.
  if (response.ok) return { kind: 'delivered' };
  if (response.status === 401) {
    // A revoked or mistyped token: the outcome waits, as it does while no token is set, and
    // setting a new token sends it at once.
    return { kind: 'transient', error: `${error} Set a new token on the options page.` };
  }
  return isTransientStatus(response.status)
    ? { kind: 'transient', error }
    : { kind: 'permanent', error };
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
  if (!answer.response) return answer.failure;
  const { response, error } = answer;
  // 201 retracted now, 200 retracted before: taken back once either way.
  if (response.ok) return { kind: 'delivered' };
  if (response.status === 401) {
    return { kind: 'transient', error: `${error} Set a new token on the options page.` };
  }
  if (response.status === 404) {
    return {
      kind: 'transient',
      error:
        `${error} The outcome went to this backend under another token: the Undo waits ` +
        'for the token it was recorded with.',
    };
  }
  return isTransientStatus(response.status)
    ? { kind: 'transient', error }
    : { kind: 'permanent', error };
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
  if (!answer.response) return answer.failure;
  const { response, error } = answer;
  // 201 counted now, 200 counted before under this batch id: counted once either way.
  if (response.ok) return { kind: 'delivered' };
  return [400, 413, 422].includes(response.status)
    ? { kind: 'permanent', error }
    : { kind: 'transient', error };
}
