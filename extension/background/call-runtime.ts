import type { Call } from '../../src/contract/calls.ts';
import type { SoftphoneCall } from '../../src/contract/softphone-call.ts';
import { broadcast } from '../messaging/router.ts';
import { eventStreamSessionKey } from '../shared/storage-keys.ts';
import { insightsFor, readBackendState } from './backend-access.ts';
import { announceCall, clearCallNotifications } from './call-alerts.ts';
import { reportCall, sendCallReports, type CallReportDeps } from './call-reports.ts';
import { CallTracker, type CallChange } from './call-tracker.ts';
import { keepEventStream } from './event-stream.ts';
import { SharedInsights } from './shared-insights.ts';

// Requests under way only (never answers): a worker that stops loses nothing by forgetting them.
export const workerInsights = new SharedInsights((query) => insightsFor(query));

export const eventStreamAlarm = 'loopdesk-event-stream';

const locked =
  (name: string) =>
  <T>(run: () => Promise<T>): Promise<T> =>
    navigator.locks.request(name, run) as unknown as Promise<T>;

export const workerCalls = new CallTracker(chrome.storage.session, locked('loopdesk-calls'));

const reportDeps: CallReportDeps = {
  area: chrome.storage.session,
  access: async () => (await readBackendState()).access,
  exclusive: locked('loopdesk-call-reports'),
  fetch: (...args) => fetch(...args),
  warn: (message) => console.warn(message),
};

/** Tells the panel, the toolbar and (for a new ring) a notification what changed. */
async function announce(change: CallChange): Promise<void> {
  if (!change.currentChanged) return;
  const { current, previous } = change;
  const newlyRinging =
    current?.phase === 'ringing' && (previous?.key !== current.key || previous.phase !== 'ringing');
  await Promise.all([
    broadcast('call-changed', { call: current }),
    announceCall(current, newlyRinging).catch((error: unknown) =>
      console.warn('LoopDesk: call not announced', error),
    ),
    clearCallNotifications(current).catch(() => {}),
  ]);
}

/**
 * A new ringing caller is looked up at once (the panel's own request joins it); the backend then
 * hears of the softphone's call (it becomes a contact), a replaced one as ended. The report waits
 * for the lookup: on the embedded database the two would queue behind each other.
 */
function reportChange(change: CallChange): void {
  const call = change.sourceCall;
  const lookup =
    call && call.phase !== 'ended' && call.remote && !call.withheld && change.currentChanged
      ? workerInsights.get({ phone: call.remote, call: call.key }).catch(() => undefined)
      : Promise.resolve(undefined);
  void (async () => {
    await lookup;
    if (change.replaced) await reportCall(reportDeps, change.replaced);
    if (change.sourceCall) await reportCall(reportDeps, change.sourceCall);
  })().catch(() => {});
}

export async function takeSoftphoneCall(tabId: number, call: SoftphoneCall | null): Promise<void> {
  const change = await workerCalls.fromSoftphone(tabId, call);
  await announce(change);
  reportChange(change);
}

export async function forgetSoftphoneTab(tabId: number): Promise<void> {
  const change = await workerCalls.forgetTab(tabId);
  await announce(change);
  reportChange(change);
}

async function takeServerCall(call: Call): Promise<void> {
  const change = await workerCalls.fromServer(call);
  const shown = change.sourceCall;
  // The panel asks for this caller next; the lookup is under way by then.
  if (change.currentChanged && shown?.phase === 'ringing' && shown.remote && !shown.withheld) {
    void workerInsights.get({ phone: shown.remote, call: shown.key }).catch(() => undefined);
  }
  await announce(change);
}

/** Call reports that waited for the backend (sent with the outbox's retries). */
export function sendWaitingCallReports(): Promise<void> {
  return sendCallReports(reportDeps).catch(() => {});
}

// The open stream is a connection, not state: a stopped worker loses it and the alarm or the
// next start opens it again, resuming from the Last-Event-ID kept in storage.session.
let openStream: AbortController | null = null;

/** Opens the agent's event stream unless one is open; `restart` drops the open one first. */
export function ensureEventStream(restart = false): void {
  if (openStream && !restart) return;
  openStream?.abort();
  const controller = new AbortController();
  openStream = controller;
  void keepEventStream(
    {
      access: async () => (await readBackendState()).access,
      readLastEventId: async () =>
        ((await chrome.storage.session.get(eventStreamSessionKey))[eventStreamSessionKey] as
          string | undefined) ?? null,
      writeLastEventId: (id) => chrome.storage.session.set({ [eventStreamSessionKey]: id }),
      onCall: takeServerCall,
      // An extension API call resets the worker's idle timer (Chrome 110+), so an open stream
      // with its keep-alive comments keeps the worker, and the stream, alive.
      onActivity: () => void chrome.runtime.getPlatformInfo().catch(() => {}),
      fetch: (...args) => fetch(...args),
      sleep: (ms, signal) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, ms);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
      random: () => Math.random(),
      warn: (message) => console.warn(message),
    },
    controller.signal,
  ).finally(() => {
    if (openStream === controller) openStream = null;
  });
}
