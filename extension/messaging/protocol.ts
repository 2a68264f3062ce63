import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { Candidate, Insights, InsightsQuery } from '../../src/contract/insights.ts';
import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import type { Problem } from '../../src/contract/problem.ts';
import type { DetectionResult } from '../../src/contract/detection-health.ts';
import type { Call } from '../../src/contract/calls.ts';
import type { SoftphoneCall } from '../../src/contract/softphone-call.ts';

/** What the worker knows about one tab's customer (kept in storage.session). */
export interface TabCustomer {
  tabId: number;
  ref: CustomerRef | null;
  url: string;
  detectedAt: string;
  /** Which signals (CRM API, address, page) found what, for the options page's "try on this tab". */
  signals?: DetectionSignals;
}

/** Which signal named the customer on a CRM page: the CRM's API, the address, or the page markup. */
/**
 * Whose page session a CRM API request needs (run in the page's own world by the worker):
 * ServiceNow's anti-CSRF token `g_ck`, Chatwoot's sign-in headers kept in `cw_d_session_info`.
 */
export type PageSessionToken = 'servicenow-g_ck' | 'chatwoot-session-cookie';

export type DetectionSignal = 'api' | 'url' | 'page';

/**
 * How each signal fared on the page the adapter claimed, for the options page's "try on this
 * tab" (no personal data: which signal found a customer, not who).
 */
export interface DetectionSignals {
  crm: string;
  /** The kind of page the adapter claims (`ticket`, `case`, `contact`...); null: no customer page. */
  pageKind: string | null;
  api: 'found' | 'none' | 'failed' | 'pending' | 'not-offered';
  url: 'found' | 'none';
  page: 'found' | 'none';
  /** The signal whose customer was reported, or null when none found one. */
  chosen: DetectionSignal | null;
}

/**
 * One visit to a claimed CRM page, counted for detection health: found by a signal, or missed
 * (the page kind was claimed but no customer was found before the agent left or gave up).
 */
export interface DetectionObservation {
  crm: string;
  pageKind: string;
  result: DetectionResult;
}

/** The worker's answer to an insights request: every state the panel shows. */
export type InsightsResult =
  | { kind: 'insights'; insights: Insights; fetchedAt: string }
  | { kind: 'unknown'; detail: string }
  | { kind: 'ambiguous'; candidates: Candidate[]; detail: string }
  | { kind: 'not-configured' }
  /** A backend URL is stored but must not be contacted (not granted, or not https). */
  | { kind: 'backend-refused'; reason: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'error'; status: number; problem: Problem | null };

/**
 * The call the panel follows: from a softphone tab or a page embedding a softphone, or from the
 * backend's event stream (a telephony platform's webhook). While one is going on it outranks the
 * tab's customer.
 */
export interface CurrentCall {
  /** The call's key: `<platform>:<call id>`; also the key its decision is tied to. */
  key: string;
  source: 'softphone' | 'server';
  /** The softphone adapter's id, or the platform the backend named. */
  platform: string;
  phase: SoftphoneCall['phase'];
  /** E.164 when it parses, else the number as shown; null when withheld. */
  remote: string | null;
  withheld: boolean;
  /** Who the backend resolved the caller to (server calls only; softphone calls are looked up). */
  customer?: Call['customer'];
  startedAt: string;
  updatedAt: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** An outcome in the worker's durable outbox, as the panel sees it. */
export interface OutboxEntryView {
  idempotencyKey: string;
  outcome: OutcomeRequest;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /**
   * The CSR took this outcome back (Undo): a retraction queued in the outbox after it, so the
   * backend stores the correction and keeps the history. null: never undone.
   */
  retraction: { requestedAt: string; status: OutboxStatus; lastError: string | null } | null;
}

export interface ExtensionStatus {
  configured: boolean;
  /** The backend URL the worker keeps (never the one in storage.local, which pages can write). */
  backendUrl: string | null;
  hasToken: boolean;
  /** Why the worker will not contact that backend now, for the user; null when it will. */
  backendRefused: string | null;
}

/**
 * Whether the saved backend and token work, from GET /v1/whoami (asked by the worker, which
 * holds the token; only the agent's name and role come back to the page).
 */
export type BackendCheck =
  | {
      kind: 'connected';
      backendUrl: string;
      agentName: string;
      role: 'csr' | 'supervisor' | 'admin';
    }
  | { kind: 'not-configured'; missing: 'backend-url' | 'token' }
  /** A backend URL is stored but must not be contacted (not granted, or not https). */
  | { kind: 'backend-refused'; reason: string }
  | { kind: 'unreachable'; backendUrl: string; message: string }
  /** 401: the token is unknown, revoked or mistyped. */
  | { kind: 'token-refused'; backendUrl: string; detail: string }
  /** An answer that is not LoopDesk's whoami (another server at that address?). */
  | { kind: 'not-loopdesk'; backendUrl: string; status: number }
  | { kind: 'error'; backendUrl: string; status: number; detail: string };

/**
 * The one map of messages between extension contexts. Each key is a message type; `request`
 * is what the sender passes, `response` what the receiver answers. Types flow from here; the
 * worker validates every incoming message at runtime before acting on it.
 */
export interface ProtocolMap {
  /** content script → worker: the active customer on this tab changed (null: none on the page). */
  'customer-detected': {
    request: { ref: CustomerRef | null; url: string; signals?: DetectionSignals };
    response: void;
  };
  /**
   * content script → worker: the call a softphone page (or an embedded softphone's messages)
   * shows now; null when none.
   */
  'call-detected': { request: { call: SoftphoneCall | null; url: string }; response: void };
  /** content script → worker: a claimed page's visit, counted and sent with the next outcomes. */
  'detection-observed': { request: DetectionObservation; response: void };
  /**
   * content script → worker: run a same-origin CRM API GET in the page's own world, where the
   * CRM's session credentials are (ServiceNow's g_ck, Chatwoot's sign-in headers); they never
   * leave that world.
   */
  'crm-api-request': {
    request: { path: string; pageSessionToken: PageSessionToken };
    response: { status: number; body: unknown } | null;
  };
  /** panel → worker: the customer last detected on this tab (null: none). */
  'get-tab-customer': { request: { tabId: number }; response: TabCustomer | null };
  /** panel → worker: the call the panel follows now (null: none going on). */
  'get-current-call': { request: Record<string, never>; response: CurrentCall | null };
  /** panel → worker: resolve what a page showed to insights, with the stored token. */
  'get-insights': { request: { query: InsightsQuery }; response: InsightsResult };
  /** panel → worker: put an outcome in the durable outbox and try to send it. */
  'record-outcome': { request: { outcome: OutcomeRequest }; response: OutboxEntryView };
  /**
   * panel → worker: take back an outcome this browser recorded (Undo), by its idempotency key.
   * Queues a retraction in the outbox (never deletes the entry) and answers the updated entry.
   */
  'retract-outcome': { request: { idempotencyKey: string }; response: OutboxEntryView };
  /** panel → worker: outbox entries for these decisions (all when omitted). */
  'get-outbox': { request: { decisionIds?: string[] }; response: OutboxEntryView[] };
  /** panel/options → worker: try to deliver every pending outcome now. */
  'flush-outbox': { request: Record<string, never>; response: OutboxEntryView[] };
  /** panel/options → worker: whether a backend URL and a token are set. */
  'get-status': { request: Record<string, never>; response: ExtensionStatus };
  /** options → worker: store the backend URL, once it is https (or local) and its origin granted. */
  'set-backend-url': { request: { backendUrl: string }; response: ExtensionStatus };
  /** options → worker: store the token (write-only: it is never sent back to any page). */
  'set-token': { request: { token: string }; response: ExtensionStatus };
  /** options → worker: forget the token. */
  'clear-token': { request: Record<string, never>; response: ExtensionStatus };
  /** options → worker: ask the saved backend who the saved token belongs to. */
  'check-backend': { request: Record<string, never>; response: BackendCheck };
  /** worker → pages: a tab's customer changed. */
  'tab-customer-changed': {
    request: { tabId: number; customer: TabCustomer | null };
    response: void;
  };
  /** worker → pages: the call the panel follows changed (rang, connected, ended). */
  'call-changed': { request: { call: CurrentCall | null }; response: void };
  /** worker → pages: the outbox changed (something queued, sent or failed). */
  'outbox-changed': { request: Record<string, never>; response: void };
}

export type MessageType = keyof ProtocolMap;
export type Message<T extends MessageType = MessageType> = { type: T } & ProtocolMap[T]['request'];
export type RequestOf<T extends MessageType> = ProtocolMap[T]['request'];
export type ResponseOf<T extends MessageType> = ProtocolMap[T]['response'];

/** Messages that only the content script sends. */
export const contentMessageTypes = [
  'customer-detected',
  'call-detected',
  'detection-observed',
  'crm-api-request',
] as const satisfies readonly MessageType[];
export type ContentMessageType = (typeof contentMessageTypes)[number];
/** Messages that only the worker sends to extension pages. */
export const broadcastMessageTypes = [
  'tab-customer-changed',
  'call-changed',
  'outbox-changed',
] as const satisfies readonly MessageType[];
export type BroadcastType = (typeof broadcastMessageTypes)[number];
export type WorkerRequestType = Exclude<MessageType, BroadcastType>;

/** How a response travels back over runtime messaging (errors cannot be thrown across). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: string };
