import type { CustomerRef } from '../../../src/contract/customer-ref.ts';

export type { CustomerRef };
import type { PageSessionToken } from '../../messaging/protocol.ts';

/**
 * A request to the CRM's own documented REST API that names the customer of the page's ticket
 * or case. The content script sends it to the page's own origin with the agent's signed-in
 * session (no stored credentials: the agent's own permissions apply), once per `key` per tab.
 * The answer is page content like any other: `parse` trusts none of it.
 */
export interface ApiLookup {
  /** One request per key per tab (e.g. `ticket:4821`); also what a cached answer is filed under. */
  readonly key: string;
  /** Same-origin path and query, starting with `/`. */
  readonly path: string;
  /** Extra request headers (Accept, OData versions). Never credentials. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The API wants the page's own session credentials in headers: ServiceNow's per-session
   * anti-CSRF token `X-UserToken` (the page's `g_ck`), Chatwoot's sign-in headers (the
   * `cw_d_session_info` cookie its dashboard keeps them in). The worker runs such a request in
   * the page's own world and hands back the answer; the credentials never reach the content
   * script.
   */
  readonly pageSessionToken?: PageSessionToken;
  /** The customer in the answer, or null when it names none. */
  parse(body: unknown): CustomerRef | null;
}

/** One CRM the content script knows how to read. Adapters are pure: URL and DOM in, ref out. */
export interface CrmAdapter<Id extends string = string> {
  /** Stable id, also the `crm` field of the refs it produces (built-ins: the catalogue's id). */
  readonly id: Id;
  /**
   * The CRM also runs on domains of the customer's own (entered on the options page): there its
   * file is registered for that origin only, and the address alone decides.
   */
  readonly customDomains?: true;
  /**
   * A chat console: the address names the conversation (the ref's context), and right after the
   * CSR switches conversation the page may still show the previous one's customer. A customer
   * read from the page that differs from the one reported before is the new conversation's, and
   * is reported at once; the same customer waits for the page to settle.
   */
  readonly conversationInAddress?: true;
  /** Whether this adapter owns the page's host (built-ins: the catalogue's hosts). */
  matches(url: URL): boolean;
  /**
   * The kind of customer page the address claims to be (`ticket`, `case`, `contact`, ...), or
   * null when it is no page a customer is shown on (lists, home, settings). A claimed page
   * where no customer is found is counted in detection health: that is how a CRM's UI change
   * shows up as a number.
   */
  pageKind(url: URL): string | null;
  /** The documented API request naming this page's customer, where the CRM has one. */
  apiLookup?(url: URL): ApiLookup | null;
  /** The customer on this page, or null when the page shows none (or not yet: lazy DOM). */
  detect(url: URL, doc: Document): CustomerRef | null;
}
