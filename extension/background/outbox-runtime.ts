import { broadcast } from '../messaging/router.ts';
import { deliverOutcome, deliverRetraction } from './backend-access.ts';
import { sendDetectionCounts } from './detection-health-runtime.ts';
import { IdbOutboxStore } from './idb-outbox-store.ts';
import { Outbox } from './outbox.ts';

export const outboxAlarm = 'loopdesk-outbox-retry';

/** A fresh Outbox over the persistent store; the worker keeps no outbox state in memory. */
export function workerOutbox(): Outbox {
  return new Outbox({
    store: new IdbOutboxStore(),
    deliver: (entry) => deliverOutcome(entry),
    deliverRetraction: (entry) => deliverRetraction(entry),
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
    // Detection counts go with each delivery, except when every attempt failed (the backend is
    // away); not awaited, so the panel's answer to an outcome never waits on them.
    afterDeliveries: ({ delivered, transient }) => {
      if (transient > 0 && delivered === 0) return;
      void sendDetectionCounts();
    },
  });
}
