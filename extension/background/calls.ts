import { callKey, type Call } from '../../src/contract/calls.ts';
import type { SoftphoneCall } from '../../src/contract/softphone-call.ts';
import type { CurrentCall } from '../messaging/protocol.ts';

// Which call the panel follows, from what the softphones and the backend's stream say. Pure:
// the worker keeps the calls by source in storage.session (call-tracker.ts).

/** A softphone's report is filed under its tab; the backend's under its call key. */
export const softphoneSource = (tabId: number) => `tab:${tabId}`;
export const serverSource = (key: string) => `server:${key}`;

/** The same call as before: the softphone's own id agrees, or (without ids) the number does. */
function sameCall(previous: CurrentCall, reported: SoftphoneCall): boolean {
  if (previous.phase === 'ended' || previous.platform !== reported.softphone) return false;
  const previousId = previous.key.slice(previous.key.indexOf(':') + 1);
  if (reported.callId) return previousId === reported.callId;
  return previous.remote === reported.remote && previous.withheld === reported.withheld;
}

/**
 * The call a tab's softphone shows after its report: a new call, the same one further on, or
 * the one it showed now ended (the report says none). Null when there was no call and is none.
 */
export function softphoneUpdate(
  previous: CurrentCall | undefined,
  reported: SoftphoneCall | null,
  tabId: number,
  now: Date,
): CurrentCall | null {
  const at = now.toISOString();
  if (!reported) {
    return previous && previous.phase !== 'ended'
      ? { ...previous, phase: 'ended', updatedAt: at }
      : null;
  }
  if (previous && sameCall(previous, reported)) {
    return { ...previous, phase: reported.phase, updatedAt: at };
  }
  // A softphone that shows no id of its call: the tab and the moment it was first seen are one.
  const id = reported.callId ?? `tab${tabId}-${now.getTime()}`;
  return {
    key: `${reported.softphone}:${id}`,
    source: 'softphone',
    platform: reported.softphone,
    phase: reported.phase,
    remote: reported.withheld ? null : reported.remote,
    withheld: reported.withheld,
    startedAt: at,
    updatedAt: at,
  };
}

/** A call from the backend's event stream, as the panel follows it. */
export function serverCall(call: Call, previous: CurrentCall | undefined, now: Date): CurrentCall {
  return {
    key: callKey(call.platform, call.callId),
    source: 'server',
    platform: call.platform,
    phase: call.state,
    remote: call.caller.phone ?? (call.caller.withheld ? null : call.caller.raw || null),
    withheld: call.caller.withheld,
    customer: call.customer,
    startedAt: previous?.startedAt ?? call.at,
    updatedAt: now.toISOString(),
  };
}

/** The last 9 digits: enough to tell two numbers apart, whatever prefix each side wrote. */
function numberTail(remote: string | null): string | null {
  const digits = remote?.replace(/\D/g, '') ?? '';
  return digits.length >= 7 ? digits.slice(-9) : null;
}

/**
 * The call the panel follows: of the calls going on, the one that rang last. A softphone's
 * call that the backend also reports (same number, both going on) is the backend's, which
 * knows the caller already.
 */
export function currentCallOf(calls: readonly CurrentCall[]): CurrentCall | null {
  const going = calls.filter((call) => call.phase !== 'ended');
  const serverNumbers = new Set(
    going.filter((call) => call.source === 'server').map((call) => numberTail(call.remote)),
  );
  const candidates = going.filter(
    (call) =>
      call.source === 'server' ||
      numberTail(call.remote) === null ||
      !serverNumbers.has(numberTail(call.remote)),
  );
  candidates.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.key.localeCompare(b.key));
  return candidates[0] ?? null;
}

/** Whether two views of the current call differ in anything the panel shows. */
export function sameView(a: CurrentCall | null, b: CurrentCall | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.key === b.key &&
    a.phase === b.phase &&
    a.remote === b.remote &&
    JSON.stringify(a.customer) === JSON.stringify(b.customer)
  );
}

/** A softphone's call as `POST /v1/agents/me/calls` takes it (held is still connected). */
export function callReportOf(call: CurrentCall): {
  callId: string;
  platform: string;
  from: string;
  state: Call['state'];
  occurredAt: string;
} {
  return {
    callId: call.key.slice(call.key.indexOf(':') + 1),
    platform: call.platform,
    from: call.remote ?? (call.withheld ? 'anonymous' : ''),
    state: call.phase === 'held' ? 'connected' : call.phase,
    occurredAt: call.updatedAt,
  };
}
