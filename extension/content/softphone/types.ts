import type { SoftphoneCall } from '../../../src/contract/softphone-call.ts';

export type { CallPhase, SoftphoneCall } from '../../../src/contract/softphone-call.ts';

/**
 * What a softphone's message says of its call, given the call this reader produced last
 * (`current`, null when none): events such as "answered" name the call but not the number.
 * Null when the message says the call is over; undefined when the message is not about a call
 * (or not understood): the current call stays as it is.
 */
export type CallMessageReader = (
  data: unknown,
  current: SoftphoneCall | null,
) => SoftphoneCall | null | undefined;

/**
 * A softphone running in its own tab (Amazon Connect CCP, Twilio Flex, ...). Pure: URL and DOM
 * in, the call on screen out; null when no call is shown.
 */
export interface SoftphonePageAdapter {
  readonly id: string;
  matches(url: URL): boolean;
  /**
   * Whether `detectCall` reads the page at all. False where no public evidence of the markup
   * exists: the adapter then only recognises the address, and the runtime does not watch it.
   */
  readonly readsPage: boolean;
  detectCall(url: URL, doc: Document): SoftphoneCall | null;
  /**
   * For a softphone whose own page posts its call state to itself (Amazon Connect's CCP in a
   * tab of its own): reads such a message. Only messages the page's window posted to itself,
   * from its own origin, reach it.
   */
  readonly readOwnMessage?: CallMessageReader;
}

/**
 * A softphone SDK iframe embedded in another page (a CRM, an in-house tool) that posts call
 * events to its parent window (Aircall Everywhere, Dialpad CTI, RingCentral Embeddable).
 * `acceptsOrigin` is checked before `readMessage` ever sees the data: a message from any other
 * origin is dropped, whatever it says.
 */
export interface SoftphoneMessageAdapter {
  readonly id: string;
  acceptsOrigin(origin: string): boolean;
  readonly readMessage: CallMessageReader;
}
