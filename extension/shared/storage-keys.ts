// Every name the extension stores data under, in one place. Each is persisted in users'
// browsers: renaming one loses what was stored under the old name (storage-keys.test.ts pins
// them). Who may read and write each area is the reason it was chosen; see the comments.

// chrome.storage.local: content scripts can read and write it, so nothing here is secret or
// decides where data goes.

/** The settings (extension/shared/settings.ts ExtensionConfig): CRMs enabled, self-hosted origins. */
export const configStorageKey = 'loopdesk.config';

/**
 * The admin's rule adapters (RuleAdapterConfig[] from ./rules.ts, non-secret): written by the
 * options page, read by the content script and the worker.
 */
export const ruleAdaptersStorageKey = 'ruleAdapters';

// chrome.storage.session, open to trusted extension contexts only (the worker restricts it at
// start): the live copies of what the worker keeps in IndexedDB, and the customer per tab.

/** The backend token; the supervisor workspace reads it here, only the worker writes it. */
export const tokenSessionKey = 'loopdesk.token';
export const backendUrlSessionKey = 'loopdesk.backendUrl';

/** The customer detected in a tab, one key per tab id. */
export function tabCustomerSessionKey(tabId: number): string {
  return `loopdesk.tab.${tabId}`;
}

/** The calls going on, by source (a softphone's tab, or the backend's call key). */
export const callsSessionKey = 'loopdesk.calls';
/** The backend event stream's Last-Event-ID, so a restarted worker resumes where it left. */
export const eventStreamSessionKey = 'loopdesk.eventStream';
/** Softphone call states waiting to be reported to the backend (they become contacts). */
export const callReportsSessionKey = 'loopdesk.callReports';

// The worker's IndexedDB (the extension origin's: pages and content scripts cannot open it).

export const databaseName = 'loopdesk';
export const idbStores = {
  /** The lasting copies of the token and the backend URL, under `idbSecretKeys`. */
  secrets: 'secrets',
  /** Recorded outcomes waiting to be delivered, by idempotency key. */
  outbox: 'outbox',
  /** Detection counts waiting to be sent, one record per (day, crm, page kind, result). */
  detectionCounts: 'detectionCounts',
  /** The detection batch being delivered and when counts were last sent, under `detectionStateKeys`. */
  detectionState: 'detectionState',
} as const;
export const idbSecretKeys = { token: 'token', backendUrl: 'backendUrl' } as const;
export const detectionStateKeys = { batch: 'batch', meta: 'meta' } as const;
