import { readConfig } from '../messaging/config.ts';
import { broadcast } from '../messaging/router.ts';
import { postOutcome, type BackendAccess } from './backend-client.ts';
import { IdbOutboxStore } from './idb-outbox-store.ts';
import { Outbox } from './outbox.ts';
import { readToken } from './token-store.ts';

export const outboxAlarm = 'loopdesk-outbox-retry';

export async function backendAccess(): Promise<BackendAccess | null> {
  const [config, token] = await Promise.all([readConfig(), readToken()]);
  return config.backendUrl && token ? { baseUrl: config.backendUrl, token } : null;
}

/** A fresh Outbox over the persistent store; the worker keeps no outbox state in memory. */
export function workerOutbox(): Outbox {
  return new Outbox({
    store: new IdbOutboxStore(),
    deliver: async (entry) => {
      const result = await postOutcome(await backendAccess(), entry);
      return result;
    },
    scheduleWake: async (at) => {
      if (at === null) await chrome.alarms.clear(outboxAlarm);
      else await chrome.alarms.create(outboxAlarm, { when: Math.max(at, Date.now() + 1_000) });
      await broadcast('outbox-changed', {});
    },
    // Web Locks: one flush at a time, even when an alarm and a new outcome arrive together.
    exclusive: <T>(run: () => Promise<T>) =>
      navigator.locks.request('loopdesk-outbox', run) as unknown as Promise<T>,
    now: () => Date.now(),
    random: () => Math.random(),
    newKey: () => crypto.randomUUID(),
  });
}
