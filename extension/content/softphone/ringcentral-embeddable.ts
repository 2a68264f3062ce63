import type { CallPhase, SoftphoneMessageAdapter } from './types.ts';
import {
  type JsonObject,
  exactOrigins,
  isObject,
  makeCall,
  ownValue,
  readCallId,
  readRemote,
  replaceCall,
} from './read.ts';

// RingCentral Embeddable: the widget iframe, loaded from
// `https://apps.ringcentral.com/integration/ringcentral-embeddable/latest/app.html` (quick start,
// ringcentral.github.io/ringcentral-embeddable) or, in older integrations,
// `https://ringcentral.github.io/ringcentral-embeddable/app.html` (older docs, "Iframe way"),
// posts call events to its parent.
const ORIGINS = ['https://apps.ringcentral.com', 'https://ringcentral.github.io'] as const;

const ID = 'ringcentral-embeddable';

// Envelope `{ type: 'rc-…', call }` (docs/integration/events.md@03ebb565 switches on
// `data.type`). Web-phone events (src/modules/Adapter/index.js@0140dd90: ringCallNotify,
// endCallNotify, holdCallNotify post `{ type, call: { ...session } }`); events.md: ring = "user
// gets a ringing incoming call", init = "create a call from dial pad", start = "accepts a
// ringing call or a outbound call is connected", plus hold / resume / end.
const WEB_PHONE_PHASES: Readonly<Record<string, CallPhase>> = {
  'rc-call-ring-notify': 'ringing',
  'rc-call-init-notify': 'ringing',
  'rc-call-start-notify': 'connected',
  'rc-call-resume-notify': 'connected',
  'rc-call-hold-notify': 'held',
  'rc-call-end-notify': 'ended',
};

// `rc-active-call-notify` (every calling mode, from presence): `call.telephonyStatus` as the
// presence API gives it: `Ringing`, `CallConnected`, `NoCall` (ringcentral-api-docs
// active_call_control_quick_start.md; ringcentral-embeddable#202, #319) and `OnHold` (presence
// payloads in RingCentral SDK tests).
const PRESENCE_PHASES: Readonly<Record<string, CallPhase>> = {
  Ringing: 'ringing',
  CallConnected: 'connected',
  OnHold: 'held',
  NoCall: 'ended',
};

const INBOUND = 'Inbound';

/**
 * A web-phone session (ringcentral-js-widgets webphoneHelper.ts normalizeSession): `from` / `to`
 * are SIP user parts, strings (E.164, bare digits, or `main*ext` for an extension: not a number
 * of the caller's, so not shown). The call's id: `partyData.sessionId`, the telephony session
 * id (maintainer in ringcentral-embeddable#646), else the web-phone session's `id`.
 */
function webPhoneCall(call: JsonObject, phase: CallPhase) {
  const remote = call.direction === INBOUND ? call.from : call.to;
  const partyData = isObject(call.partyData) ? call.partyData : undefined;
  const callId = readCallId(partyData?.sessionId) ?? readCallId(call.id);
  return makeCall(ID, phase, readRemote(remote), callId);
}

/**
 * A presence active call (Adapter/index.js `_sendActiveCallNotification`; ringcentral-embeddable
 * #319): `from` / `to` are objects `{ phoneNumber, name? }`; the id `telephonySessionId`, else
 * `sessionId`.
 */
function activeCall(call: JsonObject) {
  const phase = ownValue(PRESENCE_PHASES, call.telephonyStatus);
  if (!phase) return undefined;
  const party = call.direction === INBOUND ? call.from : call.to;
  const remote = isObject(party) ? readRemote(party.phoneNumber) : readRemote(undefined);
  const callId = readCallId(call.telephonySessionId) ?? readCallId(call.sessionId);
  return makeCall(ID, phase, remote, callId);
}

export const ringcentralEmbeddable: SoftphoneMessageAdapter = {
  id: ID,
  acceptsOrigin: exactOrigins(ORIGINS),
  readMessage(data, current) {
    if (!isObject(data) || typeof data.type !== 'string' || !isObject(data.call)) return undefined;
    const webPhonePhase = ownValue(WEB_PHONE_PHASES, data.type);
    const next = webPhonePhase
      ? webPhoneCall(data.call, webPhonePhase)
      : data.type === 'rc-active-call-notify'
        ? activeCall(data.call)
        : undefined;
    if (!next) return undefined;
    // Both families describe the same call (one from the web phone, one from presence), and
    // the docs warn events fire "in every tab": the runtime reports a call only when it changes.
    // An end or hold without a number keeps the number the ringing call had.
    const sameCall = current !== null && current.callId === next.callId;
    const withNumber =
      sameCall && next.remote === null && !next.withheld
        ? { ...next, remote: current.remote, withheld: current.withheld }
        : next;
    return replaceCall(current, withNumber);
  },
};
