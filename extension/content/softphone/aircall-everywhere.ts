import type { SoftphoneMessageAdapter } from './types.ts';
import {
  advanceCall,
  exactOrigins,
  isObject,
  makeCall,
  readCallId,
  readRemote,
  replaceCall,
} from './read.ts';

// Aircall Everywhere: Aircall's SDK loads Aircall Workspace in an iframe on the integrating page
// (a CRM) and the iframe posts call events to that page.
//
// Origins: the current SDK class (AircallWorkspace) loads `https://workspace.aircall.io`
// (aircall/aircall-everywhere src/javascripts/aircallWorkspace.js@3e376ff4,
// `'https://workspace.aircall.io'`, and `${this.workspaceUrl}?integration=generic`); the older
// one (AircallPhone) `https://phone.aircall.io` (aircallPhone.js@069175d2). The SDK itself never
// checks the origin; this adapter does.
const ORIGINS = ['https://workspace.aircall.io', 'https://phone.aircall.io'] as const;

// Envelope: `{ name: 'apm_phone_<event>', value }`: the SDK's listener accepts only names
// matching /^apm_phone_/ and hands `value` to the callback of `name.replace('apm_phone_', '')`
// (same code in both classes).
const NAME_PREFIX = 'apm_phone_';

const ID = 'aircall-everywhere';

// Payloads (README @dabab667): "All numbers are sent in the e.164 format"; "call_id parameter
// is a number per call"; the older README (@0830d5ea) names the call `communication_id`
// ("a hash unique per call").
function callIdOf(value: Record<string, unknown>): string | undefined {
  return readCallId(value.call_id) ?? readCallId(value.communication_id);
}

export const aircallEverywhere: SoftphoneMessageAdapter = {
  id: ID,
  acceptsOrigin: exactOrigins(ORIGINS),
  readMessage(data, current) {
    if (!isObject(data) || typeof data.name !== 'string') return undefined;
    if (!data.name.startsWith(NAME_PREFIX)) return undefined;
    const event = data.name.slice(NAME_PREFIX.length);
    // `apm_phone_logout` carries no value: a call going on is over for this page.
    if (event === 'logout') return null;
    const value = data.value;
    if (!isObject(value)) return undefined;
    const callId = callIdOf(value);
    switch (event) {
      // "there is an incoming call, ringing": `{ from, to, call_id }`, the caller is `from`.
      case 'incoming_call':
        return replaceCall(current, makeCall(ID, 'ringing', readRemote(value.from), callId));
      // The agent dials out: `{ from, to, call_id }`, the other party is `to`.
      case 'outgoing_call':
        return replaceCall(current, makeCall(ID, 'ringing', readRemote(value.to), callId));
      // "only triggered for incoming calls": `{ answer_status: 'answered' | 'disconnected' |
      // 'refused', call_id }`.
      case 'call_end_ringtone':
        if (value.answer_status === 'answered') {
          return advanceCall(ID, current, callId, 'connected');
        }
        if (value.answer_status === 'disconnected' || value.answer_status === 'refused') {
          return advanceCall(ID, current, callId, 'ended');
        }
        return undefined;
      // `{ call_id }`
      case 'outgoing_answered':
        return advanceCall(ID, current, callId, 'connected');
      // `{ duration, call_id }`
      case 'call_ended':
        return advanceCall(ID, current, callId, 'ended');
      // No hold event is documented; comments, dial requests, redirects are not about the call.
      default:
        return undefined;
    }
  },
};
