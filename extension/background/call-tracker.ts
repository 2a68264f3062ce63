import { callKey, type Call } from '../../src/contract/calls.ts';
import type { SoftphoneCall } from '../../src/contract/softphone-call.ts';
import type { CurrentCall } from '../messaging/protocol.ts';
import { callsSessionKey } from '../shared/storage-keys.ts';
import {
  currentCallOf,
  sameView,
  serverCall,
  serverSource,
  softphoneSource,
  softphoneUpdate,
} from './calls.ts';
import type { SessionArea } from './tab-customers.ts';

/** What a report changed: the source's call (to report to the backend) and the panel's call. */
export interface CallChange {
  /** The reporting source's call after the report (ended included); null when it has none. */
  sourceCall: CurrentCall | null;
  /** The source's previous call, ended because another took its place (a softphone moved on). */
  replaced: CurrentCall | null;
  /** The call the panel follows now, and the one it followed before. */
  current: CurrentCall | null;
  previous: CurrentCall | null;
  /** Whether the panel's call changed in anything it shows. */
  currentChanged: boolean;
}

type Calls = Record<string, CurrentCall>;

/**
 * The calls going on, by source, in storage.session (the worker may stop between two rings).
 * Every change is one read-modify-write under a Web Lock, so a softphone's report and the
 * backend's event arriving together never overwrite each other.
 */
export class CallTracker {
  readonly #area: SessionArea;
  readonly #exclusive: <T>(run: () => Promise<T>) => Promise<T>;

  constructor(area: SessionArea, exclusive: <T>(run: () => Promise<T>) => Promise<T>) {
    this.#area = area;
    this.#exclusive = exclusive;
  }

  async #read(): Promise<Calls> {
    return ((await this.#area.get(callsSessionKey))[callsSessionKey] as Calls | undefined) ?? {};
  }

  async current(): Promise<CurrentCall | null> {
    return currentCallOf(Object.values(await this.#read()));
  }

  #change(source: string, next: (previous: CurrentCall | undefined) => CurrentCall | null) {
    return this.#exclusive(async (): Promise<CallChange> => {
      const calls = await this.#read();
      const before = currentCallOf(Object.values(calls));
      const previousCall = calls[source];
      const sourceCall = next(previousCall);
      const replaced =
        previousCall && previousCall.phase !== 'ended' && sourceCall?.key !== previousCall.key
          ? { ...previousCall, phase: 'ended' as const, updatedAt: new Date().toISOString() }
          : null;
      const after: Calls = { ...calls };
      // An ended call is reported once and then forgotten: the panel follows the tab again.
      if (sourceCall && sourceCall.phase !== 'ended') after[source] = sourceCall;
      else delete after[source];
      await this.#area.set({ [callsSessionKey]: after });
      const current = currentCallOf(Object.values(after));
      return {
        sourceCall,
        replaced,
        current,
        previous: before,
        currentChanged: !sameView(before, current),
      };
    });
  }

  fromSoftphone(tabId: number, reported: SoftphoneCall | null, now = new Date()) {
    return this.#change(softphoneSource(tabId), (previous) =>
      softphoneUpdate(previous, reported, tabId, now),
    );
  }

  fromServer(call: Call, now = new Date()) {
    return this.#change(serverSource(callKey(call.platform, call.callId)), (previous) =>
      serverCall(call, previous, now),
    );
  }

  /** A closed softphone tab ends its call. */
  forgetTab(tabId: number, now = new Date()) {
    return this.fromSoftphone(tabId, null, now);
  }
}
