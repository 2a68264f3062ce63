import type { InsightsQuery } from '../../src/contract/insights.ts';
import type { BackendCheck, InsightsResult } from '../messaging/protocol.ts';
import { checkBackendUrl, type BackendUrlCheck } from '../shared/backend-url.ts';
import type { DetectionReport } from '../../src/contract/detection-health.ts';
import {
  fetchInsights,
  fetchWhoami,
  postDetectionReport,
  postOutcome,
  postRetraction,
} from './backend-calls.ts';
import type { BackendAccess } from '../shared/backend-client.ts';
import type { DeliveryResult, OutboxEntry } from './outbox.ts';
import { readBackendUrl, readToken, writeBackendUrl } from './token-store.ts';

/** Where the worker gets the backend from; Chrome's stores in the extension, fakes in tests. */
export interface BackendDeps {
  readBackendUrl(): Promise<string | null>;
  readToken(): Promise<string | null>;
  writeBackendUrl(url: string): Promise<void>;
  /** Whether the user granted this host permission (content scripts cannot grant one). */
  isGranted(pattern: string): Promise<boolean>;
}

const chromeBackendDeps: BackendDeps = {
  readBackendUrl,
  readToken,
  writeBackendUrl,
  isGranted: (pattern) => chrome.permissions.contains({ origins: [pattern] }),
};

export interface BackendState {
  backendUrl: string | null;
  hasToken: boolean;
  /** Why the stored backend must not be contacted now; null when it may be (or none is set). */
  refusal: string | null;
  /** Set only when a backend URL and a token are stored and the URL passes every check. */
  access: BackendAccess | null;
}

/** The checks a backend address passes before it may be stored, and again before every use. */
async function checkGrantedBackend(
  raw: string,
  isGranted: BackendDeps['isGranted'],
): Promise<BackendUrlCheck> {
  const checked = checkBackendUrl(raw);
  if (!checked.ok) return checked;
  if (!(await isGranted(checked.pattern))) {
    return {
      ok: false,
      reason:
        `LoopDesk may not reach ${checked.origin}: access to it is not granted (or was removed ` +
        "in Chrome's extension settings). Save the backend URL on the options page to grant it.",
    };
  }
  return checked;
}

/**
 * The backend as the worker may use it right now. The URL comes only from the worker's own
 * store, and a grant the user removed since saving stops every request at once.
 */
export async function readBackendState(
  deps: BackendDeps = chromeBackendDeps,
): Promise<BackendState> {
  const [backendUrl, token] = await Promise.all([deps.readBackendUrl(), deps.readToken()]);
  if (!backendUrl) return { backendUrl, hasToken: Boolean(token), refusal: null, access: null };
  const checked = await checkGrantedBackend(backendUrl, deps.isGranted);
  if (!checked.ok) {
    return { backendUrl, hasToken: Boolean(token), refusal: checked.reason, access: null };
  }
  return {
    backendUrl,
    hasToken: Boolean(token),
    refusal: null,
    access: token ? { baseUrl: checked.url, token } : null,
  };
}

/** Stores a backend URL from the options page, which has already asked for its permission. */
export async function saveBackendUrl(
  raw: string,
  deps: BackendDeps = chromeBackendDeps,
): Promise<void> {
  const checked = await checkGrantedBackend(raw, deps.isGranted);
  if (!checked.ok) throw new Error(checked.reason);
  await deps.writeBackendUrl(checked.url);
}

export async function insightsFor(
  query: InsightsQuery,
  deps: BackendDeps = chromeBackendDeps,
  fetchImpl: typeof fetch = fetch,
): Promise<InsightsResult> {
  const state = await readBackendState(deps);
  if (state.refusal) return { kind: 'backend-refused', reason: state.refusal };
  if (!state.access) return { kind: 'not-configured' };
  return fetchInsights(state.access, query, fetchImpl);
}

/** The saved backend and token, tried with GET /v1/whoami; the token stays in the worker. */
export async function checkBackend(
  deps: BackendDeps = chromeBackendDeps,
  fetchImpl: typeof fetch = fetch,
): Promise<BackendCheck> {
  const state = await readBackendState(deps);
  if (!state.backendUrl) return { kind: 'not-configured', missing: 'backend-url' };
  if (state.refusal) return { kind: 'backend-refused', reason: state.refusal };
  if (!state.access) return { kind: 'not-configured', missing: 'token' };
  return fetchWhoami(state.access, fetchImpl);
}

/**
 * A refused backend is a wait, not a failure: what the outbox holds (an outcome, its Undo,
 * detection counts) is kept until the backend is valid; `waits` says so in the error.
 */
async function deliverWhenAllowed(
  deps: BackendDeps,
  waits: string | null,
  post: (access: BackendAccess | null) => Promise<DeliveryResult>,
): Promise<DeliveryResult> {
  const state = await readBackendState(deps);
  if (state.refusal) {
    return { kind: 'transient', error: waits ? `${state.refusal} ${waits}` : state.refusal };
  }
  return post(state.access);
}

export function deliverOutcome(
  entry: OutboxEntry,
  deps: BackendDeps = chromeBackendDeps,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  return deliverWhenAllowed(deps, 'The outcome waits until then.', (access) =>
    postOutcome(access, entry, fetchImpl),
  );
}

/** An Undo waits for a valid backend as the outcome it takes back does. */
export function deliverRetraction(
  entry: OutboxEntry,
  deps: BackendDeps = chromeBackendDeps,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  return deliverWhenAllowed(deps, 'The Undo waits until then.', (access) =>
    postRetraction(access, entry, fetchImpl),
  );
}

/** Detection counts go only where outcomes may: a refused backend keeps them waiting. */
export function deliverDetectionReport(
  report: DetectionReport,
  deps: BackendDeps = chromeBackendDeps,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  return deliverWhenAllowed(deps, null, (access) => postDetectionReport(access, report, fetchImpl));
}
