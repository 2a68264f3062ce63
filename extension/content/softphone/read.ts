import type { CallPhase, SoftphoneCall } from './types.ts';

// Bounded readers for what softphones post and show. Everything they get is page content or a
// message from another origin: untrusted, of any type and size. What they return fits the
// worker's `softphoneCallSchema` (extension/messaging/schemas.ts), which checks it again.

/** A number as shown: digits and + ( ) - . space only, a leading + at most, up to 40 chars. */
const PHONE_SHAPE = /^\+?[0-9 ().-]{3,40}$/;
const MAX_PHONE = 40;
const MIN_PHONE_DIGITS = 3;
const CALL_ID_SHAPE = /^[A-Za-z0-9._:-]{1,120}$/;
/** Longer than any number or withheld word: not read at all. */
const MAX_RAW_TEXT = 200;
// What platforms put in place of a withheld number (the backend's `callerOf` knows the same
// words; Twilio documents "ANONYMOUS, RESTRICTED, etc.", the others document nothing).
const WITHHELD_WORDS = new Set([
  'anonymous',
  'restricted',
  'private',
  'unknown',
  'unavailable',
  'withheld',
]);

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `table[key]` for a key the table itself holds (never an inherited `constructor`). */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A string of bounded length, whitespace collapsed; undefined for anything else. */
export function boundedText(value: unknown, max = MAX_RAW_TEXT): string | undefined {
  if (typeof value !== 'string' || value.length > max * 4) return undefined;
  const text = value.replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : undefined;
}

/** The other party of a call: the number as shown, or null with whether it was withheld. */
export interface Remote {
  remote: string | null;
  withheld: boolean;
}

export const withheldRemote: Remote = { remote: null, withheld: true };
/** A value that is neither a number nor a withheld marker: the softphone shows no number. */
export const remoteNotShown: Remote = { remote: null, withheld: false };

/**
 * The number a softphone gives for the other party. Missing, empty and the withheld words mean
 * withheld; a value that is not a number (a name, an extension `main*102`, garbage) is not
 * shown; a number is passed on as shown (the worker normalises it).
 */
export function readRemote(value: unknown): Remote {
  if (value === undefined || value === null) return withheldRemote;
  const text = boundedText(value);
  if (text === undefined) return remoteNotShown;
  if (text === '' || WITHHELD_WORDS.has(text.toLowerCase())) return withheldRemote;
  const digits = text.replace(/[^0-9]/g, '').length;
  return text.length <= MAX_PHONE && PHONE_SHAPE.test(text) && digits >= MIN_PHONE_DIGITS
    ? { remote: text, withheld: false }
    : remoteNotShown;
}

/** `sip:+15551234567@host` and `tel:+15551234567` → the number part; other values unchanged. */
export function addressUser(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const sip = /^sips?:([^@]*)@/i.exec(value);
  if (sip) return sip[1];
  const tel = /^tel:(.*)$/i.exec(value);
  return tel ? tel[1] : value;
}

/**
 * A softphone's own id of a call: a non-negative safe integer (beyond 2^53 a JSON number has
 * lost digits, so it no longer names the call) or a string of letters, digits and . _ : -.
 */
export function readCallId(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  }
  return typeof value === 'string' && CALL_ID_SHAPE.test(value) ? value : undefined;
}

/** A call without undefined fields, so equal calls give equal JSON (the runtime's change key). */
export function makeCall(
  softphone: string,
  phase: CallPhase,
  { remote, withheld }: Remote,
  callId: string | undefined,
): SoftphoneCall {
  const call: SoftphoneCall = { softphone, phase, remote, withheld };
  if (callId !== undefined) call.callId = callId;
  return call;
}

export const isGoingOn = (call: SoftphoneCall | null): boolean =>
  call !== null && call.phase !== 'ended';

/**
 * An event that moves a call on without naming its number (answered, held, ended): the current
 * call's number is kept. An event about another call than the one going on is not this tab's
 * call (a second call's events while the first goes on): undefined, nothing changes. The end of
 * a call never seen is nothing to report either.
 */
export function advanceCall(
  softphone: string,
  current: SoftphoneCall | null,
  callId: string | undefined,
  phase: CallPhase,
): SoftphoneCall | undefined {
  if (current && current.callId === callId) return { ...current, phase };
  if (isGoingOn(current)) return undefined;
  if (phase === 'ended') return undefined;
  return makeCall(softphone, phase, remoteNotShown, callId);
}

/**
 * An event that names the whole call (number included): it replaces the current call, unless
 * it moves on another call than the one going on (see `advanceCall`). A new ringing call always
 * replaces: it is what the agent looks at now.
 */
export function replaceCall(
  current: SoftphoneCall | null,
  next: SoftphoneCall,
): SoftphoneCall | undefined {
  if (next.phase === 'ringing' || !isGoingOn(current) || current?.callId === next.callId) {
    return next;
  }
  return undefined;
}

/** `https://` + exactly one of `origins`; anything else (http, ports, look-alikes, "null") refused. */
export function exactOrigins(origins: readonly string[]): (origin: string) => boolean {
  return (origin) => origins.includes(origin);
}

/**
 * `https://<label>.<domain>`, one DNS label (an instance's alias), no port: Amazon Connect's
 * instance origins. Deeper subdomains, other schemes and look-alike domains are refused.
 */
export function instanceOrigin(domain: string): (origin: string) => boolean {
  const escaped = domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const shape = new RegExp(`^https://[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.${escaped}$`);
  return (origin) => typeof origin === 'string' && shape.test(origin);
}
