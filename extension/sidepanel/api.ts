import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { InsightsQuery } from '../../src/contract/insights.ts';
import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import { sendMessage } from '../messaging/client.ts';
import { isChatConversation } from '../shared/crm-catalogue.ts';
import type {
  BackendCheck,
  CurrentCall,
  ExtensionStatus,
  InsightsResult,
  OutboxEntryView,
  TabCustomer,
} from '../messaging/protocol.ts';
import { createPageListener } from '../messaging/router.ts';

/** Everything the panel needs from the browser and the worker; tests pass a fake. */
export interface PanelApi {
  /** The tab this panel shows, and a way to follow changes (tab switches). */
  followedTab(onChange: (tabId: number | null) => void): () => void;
  getTabCustomer(tabId: number): Promise<TabCustomer | null>;
  onTabCustomerChanged(listener: (tabId: number, customer: TabCustomer | null) => void): () => void;
  getStatus(): Promise<ExtensionStatus>;
  /** The call going on (softphone or telephony platform), and a way to follow it. */
  getCurrentCall(): Promise<CurrentCall | null>;
  onCallChanged(listener: (call: CurrentCall | null) => void): () => void;
  getInsights(query: InsightsQuery): Promise<InsightsResult>;
  recordOutcome(outcome: OutcomeRequest): Promise<OutboxEntryView>;
  /** Undo: the worker queues a retraction of this outcome (never a delete) and answers the entry. */
  retractOutcome(idempotencyKey: string): Promise<OutboxEntryView>;
  getOutbox(decisionIds: string[]): Promise<OutboxEntryView[]>;
  flushOutbox(): Promise<OutboxEntryView[]>;
  onOutboxChanged(listener: () => void): () => void;
  openOptions(): void;
  /** Who the stored token belongs to (the worker asks /v1/whoami; the token stays there). */
  checkBackend(): Promise<BackendCheck>;
  /** The full-page supervisor workspace (offered to supervisor and admin tokens only). */
  openSupervisorWorkspace(): void;
}

/**
 * What the page showed, as an insights query (the ref already has the query's field names; the
 * display name stays in the panel); null when it identifies nobody.
 */
export function queryForRef({
  crm,
  type,
  id,
  email,
  phone,
  context,
}: CustomerRef): InsightsQuery | null {
  const query: InsightsQuery = id ? { crm, type, id } : {};
  if (email) query.email = email;
  if (phone) query.phone = phone;
  if (context) query.context = context;
  // A chat console's conversation keeps its one decision while the CSR switches away and back.
  if (context && /^\S+$/.test(context) && isChatConversation(crm, context)) {
    query.conversation = `${crm}:${context}`;
  }
  return (query.crm && query.id) || query.email || query.phone ? query : null;
}

function listenToBroadcasts(handlers: Parameters<typeof createPageListener>[0]): () => void {
  const listener = createPageListener(handlers, chrome.runtime.id);
  chrome.runtime.onMessage.addListener(listener);
  return () => chrome.runtime.onMessage.removeListener(listener);
}

/**
 * The real panel. Design: one window-wide panel (manifest side_panel.default_path) that follows
 * the window's active tab. It stays open while the CSR moves between CRM tabs, and each switch
 * shows that tab's customer (or the calm "no customer" state), so nothing stale is shown;
 * per-tab panels would close and reopen on every switch. `?tabId=N` pins the panel to a tab and
 * `?windowId=N` follows another window, for the panel page opened in a tab (tests, debugging).
 */
export function chromePanelApi(location: Location = window.location): PanelApi {
  const params = new URLSearchParams(location.search);
  const pinnedTab = params.get('tabId');
  const followedWindow = params.get('windowId');
  return {
    followedTab(onChange) {
      if (pinnedTab !== null) {
        onChange(Number(pinnedTab));
        return () => {};
      }
      let windowId: number | undefined =
        followedWindow === null ? undefined : Number(followedWindow);
      const onActivated = (info: chrome.tabs.OnActivatedInfo) => {
        if (info.windowId === windowId) onChange(info.tabId);
      };
      chrome.tabs.onActivated.addListener(onActivated);
      void (async () => {
        windowId ??= (await chrome.windows.getCurrent()).id;
        const [active] = await chrome.tabs.query({ active: true, windowId });
        onChange(active?.id ?? null);
      })();
      return () => chrome.tabs.onActivated.removeListener(onActivated);
    },
    getTabCustomer: (tabId) => sendMessage('get-tab-customer', { tabId }),
    onTabCustomerChanged: (listener) =>
      listenToBroadcasts({
        'tab-customer-changed': ({ tabId, customer }) => listener(tabId, customer),
      }),
    getStatus: () => sendMessage('get-status', {}),
    getCurrentCall: () => sendMessage('get-current-call', {}),
    onCallChanged: (listener) =>
      listenToBroadcasts({ 'call-changed': ({ call }) => listener(call) }),
    checkBackend: () => sendMessage('check-backend', {}),
    getInsights: (query) => sendMessage('get-insights', { query }),
    recordOutcome: (outcome) => sendMessage('record-outcome', { outcome }),
    retractOutcome: (idempotencyKey) => sendMessage('retract-outcome', { idempotencyKey }),
    getOutbox: (decisionIds) => sendMessage('get-outbox', { decisionIds }),
    flushOutbox: () => sendMessage('flush-outbox', {}),
    onOutboxChanged: (listener) => listenToBroadcasts({ 'outbox-changed': () => listener() }),
    openOptions: () => void chrome.runtime.openOptionsPage(),
    openSupervisorWorkspace: () =>
      void chrome.tabs.create({ url: chrome.runtime.getURL('extension/supervisor/index.html') }),
  };
}
