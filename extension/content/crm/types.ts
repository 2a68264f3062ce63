import type { CustomerRef } from '../../../src/contract/customer-ref.ts';

export type { CustomerRef };

/** One CRM the content script knows how to read. Adapters are pure: URL and DOM in, ref out. */
export interface CrmAdapter<Id extends string = string> {
  /** Stable id, also the `crm` field of the refs it produces (built-ins: the catalogue's id). */
  readonly id: Id;
  matches(url: URL): boolean;
  /** The customer on this page, or null when the page shows none (or not yet: lazy DOM). */
  detect(url: URL, doc: Document): CustomerRef | null;
}
