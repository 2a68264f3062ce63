import type { CallPhase, SoftphoneCall } from './types.ts';
import {
  type JsonObject,
  addressUser,
  isGoingOn,
  isObject,
  makeCall,
  ownValue,
  readCallId,
  readRemote,
} from './read.ts';

// Amazon Connect Streams' agent snapshot, as the CCP posts it: an internal wire format, not a
// public contract (EXPERIMENTAL).
//
// Envelope: Streams' Conduit sends every message as `{ event, data }`
// (amazon-connect/amazon-connect-streams src/streams.js@125e049a, Conduit.sendUpstream:
// `this.upstream.send({event: eventName, data: data})`), over WindowIOStream's
// `postMessage(message, domain || '*')`. Agent state is event `agent::update` (AgentEvents
// `update`, namespaced `agent::update` by makeNamespacedEnum in src/util.js) with the agent as
// data, `{ snapshot, ... }` (the worker's `conduit.sendDownstream(AgentEvents.UPDATE, data.agent)`;
// AgentDataProvider reads `agentData.snapshot.contacts`).
//
// Snapshot shape: Streams' own test data (test/unit/sample-snapshots.js@2c77c799):
// `contacts[]` of `{ contactId, type: 'voice' | 'queue_callback' | 'chat' | 'task', state: { type },
// connections[] }`, each connection `{ type: 'agent' | 'inbound' | 'outbound' | 'monitoring',
// initial, state: { type }, endpoint: { phoneNumber, type: 'phone_number' } | null }`.
const AGENT_UPDATE = 'agent::update';
const MAX_CONTACTS = 20;
const MAX_CONNECTIONS = 20;
/** Calls; chats and tasks are not. */
const VOICE_CONTACTS = new Set(['voice', 'queue_callback']);
/** The customer's leg (`monitoring` is a supervisor listening in: not the agent's call). */
const CUSTOMER_LEGS = new Set(['inbound', 'outbound']);

// ContactStateType (src/api.js): init, incoming, pending, connecting, connected, missed, error,
// ended. `incoming` / `connecting` ring (an inbound softphone call is `connecting` while it
// rings, sample-snapshots.js inboundVoiceContactSoftphone), `pending` is a queued callback;
// `ended` is after-call work, `missed` / `error` the call that never connected.
const CONTACT_PHASES: Readonly<Record<string, CallPhase>> = {
  init: 'ringing',
  incoming: 'ringing',
  pending: 'ringing',
  connecting: 'ringing',
  connected: 'connected',
  ended: 'ended',
  missed: 'ended',
  error: 'ended',
};

function stateType(value: JsonObject): unknown {
  return isObject(value.state) ? value.state.type : undefined;
}

function customerLeg(contact: JsonObject): JsonObject | undefined {
  const connections = Array.isArray(contact.connections)
    ? contact.connections.slice(0, MAX_CONNECTIONS).filter(isObject)
    : [];
  const legs = connections.filter(
    (connection) => typeof connection.type === 'string' && CUSTOMER_LEGS.has(connection.type),
  );
  return legs.find((leg) => leg.initial === true) ?? legs[0];
}

function contactCall(softphone: string, contact: unknown): SoftphoneCall | null {
  if (!isObject(contact) || typeof contact.type !== 'string') return null;
  if (!VOICE_CONTACTS.has(contact.type)) return null;
  const customer = customerLeg(contact);
  if (!customer) return null;
  const contactPhase = ownValue(CONTACT_PHASES, stateType(contact));
  if (!contactPhase) return null;
  // ConnectionStateType: init, connecting, connected, hold, disconnected
  // (`Connection.isOnHold`: `getStatus().type === ConnectionStateType.HOLD`).
  const legState = stateType(customer);
  const phase: CallPhase =
    legState === 'disconnected'
      ? 'ended'
      : contactPhase === 'connected' && legState === 'hold'
        ? 'held'
        : contactPhase;
  // `Endpoint` sets `phoneNumber = params.phoneNumber || null`, and
  // `Endpoint.stripPhoneNumber` takes the user out of `sip:…@…` (src/api.js@004f6680). A
  // withheld caller's value is not documented: null or empty reads as withheld.
  const endpoint = isObject(customer.endpoint) ? customer.endpoint : undefined;
  const remote = readRemote(addressUser(endpoint?.phoneNumber));
  return makeCall(softphone, phase, remote, readCallId(contact.contactId));
}

/**
 * The agent's call in an `agent::update` message: the first voice contact going on (else the
 * first in after-call work); null when the agent has none. Undefined for any other message.
 */
export function readAgentUpdate(
  softphone: string,
  data: unknown,
): SoftphoneCall | null | undefined {
  if (!isObject(data) || data.event !== AGENT_UPDATE || !isObject(data.data)) return undefined;
  const snapshot = data.data.snapshot;
  if (!isObject(snapshot) || !Array.isArray(snapshot.contacts)) return undefined;
  const calls = snapshot.contacts
    .slice(0, MAX_CONTACTS)
    .map((contact) => contactCall(softphone, contact))
    .filter((call): call is SoftphoneCall => call !== null);
  return calls.find(isGoingOn) ?? calls[0] ?? null;
}
