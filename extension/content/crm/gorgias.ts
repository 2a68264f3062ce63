import type { ApiLookup, CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  cleanText,
  conversationRef,
  isJsonObject,
  jsonNumericId,
  jsonText,
  requesterRef,
  sameOriginPath,
} from './read.ts';

// Gorgias's agent app on <account>.gorgias.com.
//
// URL forms (each with a unit test):
// - /app/views/<viewId>/<ticketId>: the ticket as agents see it in a view
//   (LaurynasBuinauskas/gorgias-ai-assistant extension/src/ticket.ts, regex
//   `^/app/views/\d+/(\d+)`, "Verified against a live account").
// - /app/ticket/<ticketId>: the direct link (same ticket.ts, "defensive fallback for direct
//   links"; a test of LeighAtkins/OpenPaint extensions/gorgias-sofapaint/popup.js, found by code
//   search, uses https://comfort-works.gorgias.com/app/ticket/180507823).
// A view alone (/app/views/<viewId>), settings and the customer page are no conversation.
const HOST = /^[a-z0-9][a-z0-9-]*\.gorgias\.com$/i;
const TICKET_PATH = /^\/app\/(?:ticket|views\/\d{1,19})\/(\d{1,19})\/?$/;
// The customer page /app/customer/<customerId> (LeighAtkins/OpenPaint
// extensions/gorgias-sofapaint/content-gorgias.js reads links `a[href*="/app/customer/"]`).
const CUSTOMER_PATH = /^\/app\/customer\/(\d{1,19})\/?$/;

// The ticket's customer link, first match wins: LeighAtkins/OpenPaint
// extensions/gorgias-sofapaint/content-gorgias.js (extractTicketContext), its text the customer's
// name. Its id is read from the href (/app/customer/<id>, same file's fallback selector); the
// email and phone are shown nowhere public code reads, so the page gives id and name only.
const CUSTOMER_LINKS = [
  '[aria-label="Breadcrumbs"] a[href*="/customer/"]',
  'a[href*="/app/customer/"]',
];
// Stale DOM guard: none. Nothing public ties the breadcrumbs (or any pane) to the address's
// ticket id, so the page is read as it is; the API answer below is checked against the ticket.

/** The first customer link naming a same-origin /app/customer/<id> page: its id and name. */
function pageCustomer(doc: Document, page: URL): { id?: string; displayName?: string } {
  for (const selector of CUSTOMER_LINKS) {
    for (const link of [...doc.querySelectorAll(selector)].slice(0, 20)) {
      const id = boundedId(
        CUSTOMER_PATH.exec(sameOriginPath(link.getAttribute('href'), page))?.[1],
      );
      if (id) return { id, displayName: boundedName(cleanText(link.textContent)) };
    }
  }
  return {};
}

// "Retrieve a ticket": GET /api/tickets/{id} on the account's own host
// (developers.gorgias.com/reference/get-ticket); the ticket object's `id` and `customer`
// {id, email, firstname, ...} (developers.gorgias.com/reference/the-ticket-object), the customer's
// `name`, `firstname`, `lastname`, `email` (developers.gorgias.com/reference/the-customer-object).
// guess (no public evidence): that the agent's session cookie alone authenticates it (documented
// auth is Basic/OAuth; public code shows a cookie-only same-origin GET for attachments only,
// LeighAtkins/OpenPaint extensions/gorgias-sofapaint/page-gorgias.js). If it fails, the page is read.
/** The customer of the "Retrieve a ticket" answer for `ticketId`. */
export function parseTicket(body: unknown, ticketId: string): CustomerRef | null {
  if (!isJsonObject(body)) return null;
  // An answer about another ticket names no customer of this one.
  if (jsonNumericId(body.id) !== ticketId) return null;
  if (!isJsonObject(body.customer)) return null;
  const customer = body.customer;
  const fullName = [jsonText(customer.firstname), jsonText(customer.lastname)]
    .filter(Boolean)
    .join(' ');
  return requesterRef('gorgias', 'customer', {
    id: boundedId(jsonNumericId(customer.id)),
    email: boundedEmail(jsonText(customer.email)),
    displayName: boundedName(jsonText(customer.name)) ?? boundedName(fullName),
    context: ticketId,
  });
}

export const gorgias: CrmAdapter<'gorgias'> = {
  id: 'gorgias',
  conversationInAddress: true,
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind: (url) => (TICKET_PATH.test(url.pathname) ? 'conversation' : null),
  apiLookup(url): ApiLookup | null {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    return {
      key: `ticket:${ticketId}`,
      path: `/api/tickets/${ticketId}`,
      headers: { Accept: 'application/json' },
      parse: (body) => parseTicket(body, ticketId),
    };
  },
  detect(url, doc) {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    return conversationRef('gorgias', 'customer', { ...pageCustomer(doc, url), context: ticketId });
  },
};
