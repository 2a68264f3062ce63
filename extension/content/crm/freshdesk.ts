import type { ApiLookup, CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  boundedPhone,
  cleanText,
  elementValue,
  first,
  isJsonObject,
  jsonNumericId,
  jsonText,
  makeRef,
  requesterRef,
  sameOriginPath,
} from './read.ts';

// Freshdesk's agent portal, on <account>.freshdesk.com or on the account's own domain (a CNAME
// the admin sets up: Freshdesk "custom domain"); on a custom domain the adapter runs on the
// origin the admin entered, so everything below works from the path alone.
//
// URL forms (each with a unit test):
// - /a/tickets/<id>: the agent portal's ticket page (userscripts matching it:
//   LauraSWP/scripts fd-quicktool.js `@match *://*.freshdesk.com/a/tickets/*`;
//   Pepperoni-mc/viewlift-userscripts scripts/better-viewlift.user.js `^\/a\/tickets\/(\d+)`).
// - /helpdesk/tickets/<id>: the ticket address Freshdesk itself sends in its webhook payloads
//   (zulip/zulip zerver/webhooks/freshdesk/tests.py, from a Freshdesk payload's ticket URL:
//   "created [ticket #11](http://test1234zzz.freshdesk.com/helpdesk/tickets/11)"); fd-quicktool.js
//   reads the id from either form (`(?:\/a)?\/tickets\/(\d+)`).
// - /a/contacts/<id>: a contact's page (Freshdesk's own "Contacts" view; public code links
//   contacts as https://<account>.freshdesk.com/a/contacts/<id>, found by code search).
const HOST = /^[a-z0-9][a-z0-9-]*\.freshdesk\.com$/i;
const TICKET_PATH = /^\/(?:a|helpdesk)\/tickets\/(\d{1,19})\/?$/;
const CONTACT_PATH = /^\/a\/contacts\/(\d{1,19})\/?$/;

// The requester's card in the ticket's right sidebar.
const selectors = {
  // Freshdesk Add Info Links userscript (bubbleupdotnet/freshdesk add_info_links.user.js):
  // `div[data-test-id="requester-info-contact-email"] .info-details-content`, its text.
  email: ['div[data-test-id="requester-info-contact-email"] .info-details-content'],
  // guess (no public evidence): the phone row, named like the evidenced email row and the
  // custom-field rows Kodex reads (`[data-test-id="requester-info-contact-<field>"]
  // .info-details-content`, SilverSix311/kodex extensions/chrome/content_freshdesk.js).
  phone: ['div[data-test-id="requester-info-contact-phone"] .info-details-content'],
  // Kodex (same file): the requester's name as `.requester-wrap [data-test-id="user-name"]`.
  name: ['.requester-wrap [data-test-id="user-name"]'],
  // The card's "View more info" link (bubbleupdotnet/freshdesk add_info_links.user.js:
  // `.info-details-widget .contacts__view_more_info a[data-test-id="view-more-info"]`).
  // guess (no public evidence): that its href is the contact's /a/contacts/<id> page.
  contactLink: ['.contacts__view_more_info a[data-test-id="view-more-info"]'],
} as const;

// Freshdesk API v2, "View a Ticket" (developers.freshdesk.com/api/#view_a_ticket):
// GET /api/v2/tickets/[id]?include=requester embeds the requester (its email, id, mobile, name
// and phone) beside the ticket's `requester_id`.
// The agent's browser session is enough for these GETs from the helpdesk origin: a public
// userscript reads tickets this way with no API key ("Reads work on the Freshdesk session alone
// (measured)", Pepperoni-mc/viewlift-userscripts scripts/better-viewlift.user.js,
// bvFetchTicketRecord: fetch(`/api/v2/tickets/${id}`, { credentials: 'same-origin' })).
// Not on a custom domain: Freshdesk's API v2 "Works only via Freshdesk domains and not via
// custom CNAMEs" (developers.freshdesk.com/api, "What's New"), so there the page is read.
/** The requester of the "View a Ticket" answer for `ticketId` (with `include=requester`). */
export function parseViewTicket(body: unknown, ticketId: string): CustomerRef | null {
  if (!isJsonObject(body)) return null;
  // An answer about another ticket names no requester of this one.
  if (jsonNumericId(body.id) !== ticketId) return null;
  const requester = isJsonObject(body.requester) ? body.requester : {};
  const requesterId = jsonNumericId(requester.id) ?? jsonNumericId(body.requester_id);
  // The embedded requester must be the ticket's requester when both are given.
  const ticketRequester = jsonNumericId(body.requester_id);
  if (ticketRequester && requesterId !== ticketRequester) return null;
  return requesterRef('freshdesk', 'contact', {
    id: boundedId(requesterId),
    email: boundedEmail(jsonText(requester.email)),
    phone: boundedPhone(jsonText(requester.phone)) ?? boundedPhone(jsonText(requester.mobile)),
    displayName: boundedName(jsonText(requester.name)),
    context: ticketId,
  });
}

export const freshdesk: CrmAdapter<'freshdesk'> = {
  id: 'freshdesk',
  customDomains: true,
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind(url) {
    if (TICKET_PATH.test(url.pathname)) return 'ticket';
    return CONTACT_PATH.test(url.pathname) ? 'contact' : null;
  },
  apiLookup(url): ApiLookup | null {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId || !HOST.test(url.hostname)) return null;
    return {
      key: `ticket:${ticketId}`,
      path: `/api/v2/tickets/${ticketId}?include=requester`,
      headers: { Accept: 'application/json' },
      parse: (body) => parseViewTicket(body, ticketId),
    };
  },
  detect(url, doc) {
    const contactId = boundedId(CONTACT_PATH.exec(url.pathname)?.[1]);
    if (contactId) return makeRef('freshdesk', 'contact', { id: contactId });
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    const link = first(doc, selectors.contactLink)?.getAttribute('href') ?? '';
    const linkedId = CONTACT_PATH.exec(sameOriginPath(link, url))?.[1];
    return requesterRef('freshdesk', 'contact', {
      id: boundedId(linkedId),
      email: boundedEmail(elementValue(first(doc, selectors.email))),
      phone: boundedPhone(elementValue(first(doc, selectors.phone))),
      displayName: boundedName(cleanText(first(doc, selectors.name)?.textContent)),
      context: ticketId,
    });
  },
};
