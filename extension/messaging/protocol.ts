import type { CustomerRef } from '../../src/contract/customer-ref.ts';

/**
 * The one map of messages between extension contexts. Each key is a message type; `request`
 * is what the sender passes, `response` what the receiver answers. Types flow from here; the
 * worker validates every incoming message at runtime before acting on it.
 */
export interface ProtocolMap {
  /** content script → worker: the active customer on this tab changed (null: none on the page). */
  'customer-detected': { request: { ref: CustomerRef | null; url: string }; response: void };
}

export type MessageType = keyof ProtocolMap;
export type Message<T extends MessageType = MessageType> = { type: T } & ProtocolMap[T]['request'];
