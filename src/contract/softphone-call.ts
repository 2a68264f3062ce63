// Imports nothing: the softphone content scripts load it, and they stay small.

/**
 * A call as a softphone shows it. `ringing`, `connected` and `held` are a call going on;
 * `ended` is shown by softphones that keep the finished call on screen (wrap-up).
 */
export type CallPhase = 'ringing' | 'connected' | 'held' | 'ended';

export interface SoftphoneCall {
  /** The adapter's id (the softphone catalogue's). */
  softphone: string;
  phase: CallPhase;
  /**
   * The other party's number as the softphone shows it (bounded, digits and + ( ) - . space
   * only), or null when withheld or not shown.
   */
  remote: string | null;
  /** The softphone says the number is withheld (anonymous, restricted, private). */
  withheld: boolean;
  /** The softphone's own id of the call, where it shows one (bounded). */
  callId?: string;
}
