import type { SoftphoneMessageAdapter } from './types.ts';
import { exactOrigins, isObject, makeCall, readCallId, readRemote } from './read.ts';

// Dialpad CTI (Mini Dialer): the integrating page loads `https://dialpad.com/apps/<ClientID>` in
// an iframe ("This ID will be used to load the CTI at the URL https://dialpad.com/apps/<ClientID>",
// developers.dialpad.com/docs/dialpad-mini-dialer), which posts to its parent.
const ORIGINS = ['https://dialpad.com'] as const;

// Envelope: `{ api: 'opencti_dialpad', version: '1.0', method, payload }` (the docs' field table
// for window.postMessage, developers.dialpad.com/v1.0-archive/docs/dialpad-mini-dialer; public
// integrations check `message.api !== 'opencti_dialpad' || message.version !== '1.0'`).
const API = 'opencti_dialpad';
const VERSION = '1.0';

const ID = 'dialpad-cti';

export const dialpadCti: SoftphoneMessageAdapter = {
  id: ID,
  acceptsOrigin: exactOrigins(ORIGINS),
  readMessage(data, current) {
    if (!isObject(data) || data.api !== API || data.version !== VERSION) return undefined;
    // The CTI posts `user_authentication` and `call_ringing` only (public integrations
    // summarising the docs: "there is no outbound call-state message"); connected, held and
    // ended calls are not told.
    if (data.method !== 'call_ringing' || !isObject(data.payload)) return undefined;
    const payload = data.payload;
    // `id` is Dialpad's 64-bit call id: a JSON number above 2^53 has lost digits and names no
    // call any more (readCallId drops it); a digit string is kept as is.
    const callId = readCallId(payload.id);
    if (payload.state === 'on') {
      // `external_number` is the caller (public code: `const phoneNumber =
      // message.payload.external_number`); `internal_number` the Dialpad line called.
      return makeCall(ID, 'ringing', readRemote(payload.external_number), callId);
    }
    if (payload.state === 'off') {
      // Ringing stopped: answered, missed or declined, the CTI does not say which (and posts
      // nothing more about the call). Reported as no call from this source: keeping it
      // "connected" would leave a missed call outranking the page's customer until the next
      // call; the backend's Dialpad webhook has the call's whole course.
      if (!current || current.callId === callId) return null;
      return undefined;
    }
    return undefined;
  },
};
