import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { Candidate, Insights, InsightsQuery } from '../../src/contract/insights.ts';
import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import type { Problem } from '../../src/contract/problem.ts';

/** What the worker knows about one tab's customer (kept in storage.session). */
export interface TabCustomer {
  tabId: number;
  ref: CustomerRef | null;
  url: string;
  detectedAt: string;
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
 * The one map of messages between extension contexts. Each key is a message type; `request`
 * is what the sender passes, `response` what the receiver answers. Types flow from here; the
 * worker validates every incoming message at runtime before acting on it.
 */
export interface ProtocolMap {
  /** content script → worker: the active customer on this tab changed (null: none on the page). */
  'customer-detected': { request: { ref: CustomerRef | null; url: string }; response: void };
  /** panel → worker: the customer last detected on this tab (null: none). */
  'get-tab-customer': { request: { tabId: number }; response: TabCustomer | null };
  /** panel → worker: resolve what a page showed to insights, with the stored token. */
  'get-insights': { request: { query: InsightsQuery }; response: InsightsResult };
  /** panel → worker: put an outcome in the durable outbox and try to send it. */
  'record-outcome': { request: { outcome: OutcomeRequest }; response: OutboxEntryView };
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
  /** worker → pages: a tab's customer changed. */
  'tab-customer-changed': {
    request: { tabId: number; customer: TabCustomer | null };
    response: void;
  };
  /** worker → pages: the outbox changed (something queued, sent or failed). */
  'outbox-changed': { request: Record<string, never>; response: void };
}

export type MessageType = keyof ProtocolMap;
export type Message<T extends MessageType = MessageType> = { type: T } & ProtocolMap[T]['request'];
export type RequestOf<T extends MessageType> = ProtocolMap[T]['request'];
export type ResponseOf<T extends MessageType> = ProtocolMap[T]['response'];

/** Messages that only the content script sends. */
export const contentMessageTypes = ['customer-detected'] as const satisfies readonly MessageType[];
/** Messages that only the worker sends to extension pages. */
export const broadcastMessageTypes = [
  'tab-customer-changed',
  'outbox-changed',
] as const satisfies readonly MessageType[];
export type BroadcastType = (typeof broadcastMessageTypes)[number];
export type WorkerRequestType = Exclude<MessageType, BroadcastType>;

/** How a response travels back over runtime messaging (errors cannot be thrown across). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: string };
