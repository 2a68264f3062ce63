import { builtInAdapters } from './crm/index.ts';
import { ruleAdaptersFrom } from './rules-adapter.ts';
import { ruleAdaptersStorageKey } from '../shared/storage-keys.ts';
import { startDetector, type Detector } from './detector.ts';
import type { CrmAdapter } from './crm/types.ts';
import { portSender } from '../messaging/port.ts';

// Content script entry. The worker registers it for granted origins and also injects it into
// open tabs on install/update, so it may run twice in one page: a flag on window keeps one
// live instance. After an extension reload the old instance is orphaned (its context is
// invalidated) and the new one takes over.
const INSTANCE_FLAG = '__loopdeskContentScript';

interface Instance {
  isAlive(): boolean;
  stop(): void;
}

type FlaggedWindow = Window & { [INSTANCE_FLAG]?: Instance };

/** Whether this instance's own extension context still exists (`runtime.id` goes when it dies). */
function contextAlive(runtime: typeof chrome.runtime | undefined): boolean {
  try {
    return Boolean(runtime?.id);
  } catch {
    return false;
  }
}

async function loadRules(): Promise<CrmAdapter[]> {
  try {
    const stored = await chrome.storage.local.get(ruleAdaptersStorageKey);
    return ruleAdaptersFrom(stored[ruleAdaptersStorageKey]);
  } catch {
    return []; // storage unavailable: built-ins still work
  }
}

function start() {
  const flagged = window as FlaggedWindow;
  const existing = flagged[INSTANCE_FLAG];
  if (existing?.isAlive()) return;
  existing?.stop();

  // Captured now: after a reload the global may belong to the new context, not this one.
  const runtime = chrome.runtime;
  let detector: Detector | undefined;
  let stopped = false;
  let ruleAdapters: CrmAdapter[] = [];

  const onStorageChanged = (
    changes: Record<string, chrome.storage.StorageChange>,
    area: string,
  ) => {
    if (area !== 'local' || !(ruleAdaptersStorageKey in changes)) return;
    ruleAdapters = ruleAdaptersFrom(changes[ruleAdaptersStorageKey]?.newValue);
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

  // Claim the page before the first await so a second injection sees this instance.
  flagged[INSTANCE_FLAG] = { isAlive: () => !stopped && contextAlive(runtime), stop: detach };
  try {
    chrome.storage.onChanged.addListener(onStorageChanged);
  } catch {
    // as above
  }

  // Rules load first so a rule-matched page does not first report "no customer".
  void loadRules().then((loaded) => {
    if (stopped) return;
    ruleAdapters = loaded;
    detector = startDetector({
      adapters: () =>
        ruleAdapters.length ? [...builtInAdapters, ...ruleAdapters] : builtInAdapters,
      send: portSender(runtime),
      onInvalidated: detach,
    });
  });
}

start();
