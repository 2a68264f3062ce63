import { ruleAdaptersStorageKey } from '../shared/storage-keys.ts';
import { startDetector, type Detector } from './detector.ts';
import type { ApiLookup, CrmAdapter } from './crm/types.ts';
import { portSender } from '../messaging/port.ts';
import { contextAlive } from './extension-context.ts';
import { createApiLookups, type PageWorldAnswer } from './api-lookups.ts';

// The content script is one small file per CRM (content/entries/), each registered by the
// worker for that CRM's origins only, so a page loads only its own CRM's adapter. The worker
// also injects them into open tabs on install/update, and a rule adapter's file may land on a
// page beside a CRM's: every file loaded in a page joins one live instance, kept on window
// (content scripts of one extension share their isolated world). After an extension reload
// the old instance is orphaned (its context is invalidated) and the new one takes over.
const INSTANCE_FLAG = '__loopdeskContentScript';

/** What one content script file brings to the page. */
export interface ContentBundle {
  /** The file's name (a CRM id, or `rules`): a file injected twice joins once. */
  name: string;
  adapters: readonly CrmAdapter[];
  /**
   * The admin's rule adapters (stored by the options page), from their stored form: only the
   * rules' file brings this, so CRM files carry no rule code.
   */
  rules?: (stored: unknown) => CrmAdapter[];
}

interface Instance {
  isAlive(): boolean;
  stop(): void;
  join(bundle: ContentBundle): void;
}

type FlaggedWindow = Window & { [INSTANCE_FLAG]?: Instance };

async function loadRules(fromStored: (stored: unknown) => CrmAdapter[]): Promise<CrmAdapter[]> {
  try {
    const stored = await chrome.storage.local.get(ruleAdaptersStorageKey);
    return fromStored(stored[ruleAdaptersStorageKey]);
  } catch {
    return []; // storage unavailable: built-ins still work
  }
}

/**
 * A CRM on the admin's own domain (ServiceNow, Freshdesk): its file is registered for that
 * origin only, so on any https page it is loaded into, the address alone decides.
 */
function onRegisteredOrigins(adapter: CrmAdapter): CrmAdapter {
  if (!adapter.customDomains) return adapter;
  return { ...adapter, matches: (url) => adapter.matches(url) || url.protocol === 'https:' };
}

export function startContentScript(bundle: ContentBundle): void {
  const flagged = window as FlaggedWindow;
  const existing = flagged[INSTANCE_FLAG];
  if (existing?.isAlive()) {
    existing.join(bundle);
    return;
  }
  existing?.stop();

  // Captured now: after a reload the global may belong to the new context, not this one.
  const runtime = chrome.runtime;
  const send = portSender(runtime);
  const bundles = new Map<string, ContentBundle>();
  let detector: Detector | undefined;
  let stopped = false;
  let rulesFromStored: ((stored: unknown) => CrmAdapter[]) | undefined;
  let ruleAdapters: CrmAdapter[] = [];

  const onStorageChanged = (
    changes: Record<string, chrome.storage.StorageChange>,
    area: string,
  ) => {
    if (!rulesFromStored || area !== 'local' || !(ruleAdaptersStorageKey in changes)) return;
    ruleAdapters = rulesFromStored(changes[ruleAdaptersStorageKey]?.newValue);
    detector?.schedule();
  };
  const detach = () => {
    stopped = true;
    detector?.stop();
    try {
      chrome.storage.onChanged.removeListener(onStorageChanged);
    } catch {
      // the context is gone; nothing left to detach from
    }
  };

  /** Built-in adapters first, in the order their files arrived; rule adapters after them. */
  const adapters = () => [
    ...[...bundles.values()].flatMap((b) => b.adapters.map(onRegisteredOrigins)),
    ...ruleAdapters,
  ];

  const runInPage = async (lookup: ApiLookup): Promise<PageWorldAnswer> => {
    if (!lookup.pageSessionToken) return null;
    const reply = await send({
      type: 'crm-api-request',
      path: lookup.path,
      pageSessionToken: lookup.pageSessionToken,
    });
    return reply.ok ? reply.value : null;
  };

  let started: Promise<void> | undefined;
  function join(joining: ContentBundle) {
    if (stopped || bundles.has(joining.name)) return;
    bundles.set(joining.name, joining);
    // Rules load first so a rule-matched page does not first report "no customer".
    const fromStored = joining.rules;
    if (fromStored && !rulesFromStored) {
      rulesFromStored = fromStored;
      started = (started ?? Promise.resolve()).then(async () => {
        const loaded = await loadRules(fromStored);
        if (!stopped) ruleAdapters = loaded;
      });
    }
    started = (started ?? Promise.resolve()).then(() => {
      if (stopped) return;
      if (detector) {
        detector.schedule();
        return;
      }
      detector = startDetector({
        adapters,
        send,
        lookups: createApiLookups({
          origin: window.location.origin,
          runInPage,
          onSettled: () => detector?.schedule(),
        }),
        observe: (observation) => {
          void send({ type: 'detection-observed', ...observation }).catch(() => {});
        },
        onInvalidated: detach,
      });
    });
  }

  // Claim the page before the first await so a second file sees this instance.
  flagged[INSTANCE_FLAG] = {
    isAlive: () => !stopped && contextAlive(runtime),
    stop: detach,
    join,
  };
  try {
    chrome.storage.onChanged.addListener(onStorageChanged);
  } catch {
    // as above
  }
  join(bundle);
}
