import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { DetectionSignals } from '../messaging/protocol.ts';
import type { TabCustomer } from '../messaging/protocol.ts';
import { tabCustomerSessionKey } from '../shared/storage-keys.ts';

/** The parts of a `chrome.storage` area the tab customers use (tests pass a memory double). */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

/** A tab's new customer, and its write to storage (already under way). */
export interface TabCustomerChange {
  customer: TabCustomer;
  stored: Promise<void>;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    const origin = new URL(a).origin;
    return origin !== 'null' && origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * Active customer per tab. storage.session keeps it across worker stops (not browser restarts);
 * a copy in memory, valid while this worker lives because it is the only writer, spares a
 * storage read per detection, so a change can be pushed to the panel while it is being stored.
 */
export class TabCustomers {
  readonly #area: SessionArea;
  readonly #known = new Map<number, TabCustomer | null>();

  constructor(area: SessionArea) {
    this.#area = area;
  }

  async get(tabId: number): Promise<TabCustomer | null> {
    if (!this.#known.has(tabId)) {
      const key = tabCustomerSessionKey(tabId);
      const stored = ((await this.#area.get(key))[key] as TabCustomer | undefined) ?? null;
      // A change made while the read was under way is newer than what was read.
      if (!this.#known.has(tabId)) this.#known.set(tabId, stored);
    }
    return this.#known.get(tabId) ?? null;
  }

  /** What the tab shows now; undefined when it shows what it showed before. */
  async set(
    tabId: number,
    ref: CustomerRef | null,
    url: string,
    now: Date = new Date(),
    signals?: DetectionSignals,
  ): Promise<TabCustomerChange | undefined> {
    if (!this.#known.has(tabId)) await this.get(tabId);
    // Compared and replaced in one synchronous step, so concurrent detections cannot interleave.
    const previous = this.#known.get(tabId) ?? null;
    if (
      previous &&
      JSON.stringify(previous.ref) === JSON.stringify(ref) &&
      previous.url === url &&
      JSON.stringify(previous.signals) === JSON.stringify(signals)
    ) {
      return undefined;
    }
    const customer: TabCustomer = {
      tabId,
      ref,
      url,
      detectedAt: now.toISOString(),
      ...(signals ? { signals } : {}),
    };
    this.#known.set(tabId, customer);
    const stored = this.#area
      .set({ [tabCustomerSessionKey(tabId)]: customer })
      .catch((error: unknown) => {
        // Not stored: let the next read go to storage rather than trust this copy.
        if (this.#known.get(tabId) === customer) this.#known.delete(tabId);
        throw error;
      });
    return { customer, stored };
  }

  /**
   * The tab started loading `url` (undefined: a page this extension may not see). A full load or
   * a same-document (SPA) navigation alike: Chrome reports both as 'loading'. On the origin the
   * customer was read from, the content script is there (old or new page) and reports what the
   * page shows, so the customer stays until it does; anywhere else it is forgotten at once.
   * True when a customer was forgotten.
   */
  async leave(tabId: number, url: string | undefined): Promise<boolean> {
    if (!this.#known.has(tabId)) await this.get(tabId);
    const current = this.#known.get(tabId);
    if (current && url !== undefined && sameOrigin(current.url, url)) return false;
    return this.forget(tabId);
  }

  /** Forgets the tab's customer; true if it had one. */
  async forget(tabId: number): Promise<boolean> {
    if (!this.#known.has(tabId)) await this.get(tabId);
    const existed = (this.#known.get(tabId) ?? null) !== null;
    this.#known.set(tabId, null);
    if (existed) {
      await this.#area.remove(tabCustomerSessionKey(tabId)).catch((error: unknown) => {
        this.#known.delete(tabId);
        throw error;
      });
    }
    return existed;
  }
}
