import { readConfig, readRules } from '../shared/settings.ts';
import { configStorageKey } from '../shared/storage-keys.ts';
import { ruleAdaptersStorageKey } from '../shared/storage-keys.ts';
import { markCustomerPath } from '../shared/timing-marks.ts';
import { broadcast, createWorkerListener } from '../messaging/router.ts';
import { servePort } from '../messaging/port.ts';
import type { ExtensionStatus } from '../messaging/protocol.ts';
import { checkBackend, readBackendState, saveBackendUrl } from './backend-access.ts';
import { openPanelFromNotification } from './call-alerts.ts';
import {
  ensureEventStream,
  eventStreamAlarm,
  forgetSoftphoneTab,
  sendWaitingCallReports,
  takeSoftphoneCall,
  workerCalls,
  workerInsights,
} from './call-runtime.ts';
import { injectIntoOpenTabs, syncContentScripts } from './content-scripts.ts';
import { runInPage } from './crm-api-request.ts';
import { workerDetectionReporter } from './detection-health-runtime.ts';
import { toView } from './outbox.ts';
import { outboxAlarm, workerOutbox } from './outbox-runtime.ts';
import { openOptionsOnInstall } from './installed.ts';
import { TabCustomers } from './tab-customers.ts';
import { clearToken, restrictSessionStorage, writeToken } from './token-store.ts';

// Named service-worker.ts, not index.ts: crxjs names chunks by file name, and a second
// index.ts (the content script, imported with ?script) made the worker loader load the wrong one.
// MV3 workers stop when idle: every listener is registered here at the top level, and all state
// lives in storage.session / IndexedDB; module variables hold at most a copy of it (tab-customers.ts).

const tabCustomers = new TabCustomers(chrome.storage.session);

/** Registration follows config and grants; serialized so two changes never register twice. */
async function resyncContentScripts(): Promise<void> {
  await navigator.locks
    .request('loopdesk-content-scripts', async (): Promise<void> => {
      const [config, rules] = await Promise.all([readConfig(), readRules()]);
      const matches = await syncContentScripts(config, rules);
      await injectIntoOpenTabs(matches);
    })
    .catch((error: unknown) =>
      console.error('LoopDesk: content script registration failed', error),
    );
}

async function status(): Promise<ExtensionStatus> {
  const backend = await readBackendState();
  return {
    configured: Boolean(backend.backendUrl && backend.hasToken),
    backendUrl: backend.backendUrl,
    hasToken: backend.hasToken,
    backendRefused: backend.refusal,
  };
}

const workerListener = createWorkerListener(
  {
    'customer-detected': async ({ ref, url, signals }, sender) => {
      const tabId = sender.tab?.id;
      if (tabId === undefined) return;
      markCustomerPath('workerReceived', url);
      const change = await tabCustomers.set(tabId, ref, url, new Date(), signals);
      if (!change) return;
      // Pushed while it is being stored: the panel need not wait for storage.
      markCustomerPath('workerPushed', url);
      await Promise.all([
        broadcast('tab-customer-changed', { tabId, customer: change.customer }),
        change.stored,
      ]);
    },
    'call-detected': async ({ call }, sender) => {
      const tabId = sender.tab?.id;
      if (tabId === undefined) return;
      // Only softphones the admin enabled; a page cannot make up a call from another one.
      const enabled = (await readConfig()).enabledSoftphones ?? [];
      if (call && !enabled.includes(call.softphone)) return;
      await takeSoftphoneCall(tabId, call);
    },
    'get-current-call': () => workerCalls.current(),
    // Counted in IndexedDB; with no outcome delivery for an hour (a CRM where detection fails
    // records no outcomes), the visit itself asks for one so the counts still go.
    'detection-observed': async (observation) => {
      if (await workerDetectionReporter().observe(observation)) void workerOutbox().flush();
    },
    // Content scripts send from the top frame only (messaging/sender.ts).
    'crm-api-request': ({ path, pageSessionToken }, sender) =>
      sender.tab?.id === undefined
        ? null
        : runInPage(chrome.scripting, sender.tab.id, sender.frameId ?? 0, path, pageSessionToken),
    'get-tab-customer': ({ tabId }) => tabCustomers.get(tabId),
    'get-insights': ({ query }) => workerInsights.get(query),
    'record-outcome': async ({ outcome }) => toView(await workerOutbox().enqueue(outcome)),
    'retract-outcome': async ({ idempotencyKey }) =>
      toView(await workerOutbox().retract(idempotencyKey)),
    'get-outbox': async ({ decisionIds }) => {
      const entries = await workerOutbox().list();
      return entries
        .filter((e) => !decisionIds || decisionIds.includes(e.outcome.decisionId))
        .map(toView);
    },
    'flush-outbox': async () => (await workerOutbox().flush({ force: true })).map(toView),
    'get-status': () => status(),
    // Only extension pages may send this (messaging/sender.ts), and it is kept where content
    // scripts cannot write (token-store.ts).
    'set-backend-url': async ({ backendUrl }) => {
      await saveBackendUrl(backendUrl);
      ensureEventStream(true);
      // Outcomes that waited for a valid backend go now; the answer need not wait for them.
      void workerOutbox().flush({ force: true });
      return status();
    },
    'set-token': async ({ token }) => {
      await writeToken(token);
      ensureEventStream(true);
      await workerOutbox().flush({ force: true });
      return status();
    },
    'clear-token': async () => {
      await clearToken();
      ensureEventStream(true);
      return status();
    },
    'check-backend': () => checkBackend(),
  },
  chrome.runtime.id,
  (reason) => console.warn('LoopDesk: message rejected:', reason),
);
chrome.runtime.onMessage.addListener(workerListener);
// Content scripts report over a long-lived port (messaging/port.ts), checked by the same listener.
chrome.runtime.onConnect.addListener((port) => servePort(port, workerListener));

// Install and update (also every start of an unpacked build) re-register and re-inject the
// content script, and deliver outcomes that waited across the update.
chrome.runtime.onInstalled.addListener((details) => {
  void resyncContentScripts();
  void workerOutbox().flush();
  openOptionsOnInstall(details, () => chrome.runtime.openOptionsPage());
});

chrome.runtime.onStartup.addListener(() => {
  void workerOutbox().flush();
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === outboxAlarm) {
    void workerOutbox().flush();
    void sendWaitingCallReports();
  }
  // Wakes a worker Chrome stopped, so the agent's event stream is open again within a minute.
  if (alarm.name === eventStreamAlarm) {
    ensureEventStream();
    void sendWaitingCallReports();
  }
});

// The agent's live events (a call ringing on the telephony platform): open from every start.
ensureEventStream();
void chrome.alarms.create(eventStreamAlarm, { periodInMinutes: 1 }).catch(() => {});
chrome.notifications.onClicked.addListener(openPanelFromNotification);

chrome.permissions.onAdded.addListener(() => {
  void resyncContentScripts();
  // The backend's origin granted again: outcomes that waited for it may go.
  void workerOutbox().flush({ force: true });
});
chrome.permissions.onRemoved.addListener(() => void resyncContentScripts());
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  if (ruleAdaptersStorageKey in changes) void resyncContentScripts();
  if (configStorageKey in changes) void resyncContentScripts();
});

chrome.tabs.onRemoved.addListener((tabId) => {
  void tabCustomers.forget(tabId);
  // A softphone tab closed mid-call: its call is over as far as this browser can tell.
  void forgetSoftphoneTab(tabId);
});

// A page load or an SPA navigation (Chrome reports both as 'loading'): a page on another origin
// (or one this extension may not see) shows nothing stale; on the same origin the content script
// reports what the page shows (tab-customers.ts).
chrome.tabs.onUpdated.addListener((tabId, changeInfo, tab) => {
  if (changeInfo.status !== 'loading') return;
  void (async () => {
    if (await tabCustomers.leave(tabId, tab.url)) {
      // The new page's report may have landed while the old customer was being forgotten
      // (that waits for storage): announce what the tab shows now, not a stale null.
      await broadcast('tab-customer-changed', { tabId, customer: await tabCustomers.get(tabId) });
    }
  })();
});

// One window-wide panel (manifest side_panel.default_path) that follows the active tab; the
// toolbar action and its Alt+Shift+L command open it.
void chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
void restrictSessionStorage().catch(() => {});
