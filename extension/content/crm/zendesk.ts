import type { ApiLookup, CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  boundedPhone,
  cleanText,
  isHidden,
  isJsonObject,
  jsonNumericId,
  type JsonObject,
  jsonText,
  makeRef,
  requesterRef,
} from './read.ts';

// Zendesk Support's agent interface on <subdomain>.zendesk.com.
//
// URL forms (each with a unit test):
// - /agent/tickets/<id>: the ticket page ("The ID can be found in the URL ...
//   <your_domain>.zendesk.com/agent/tickets/<ticket_ID>", Okta Workflows' Zendesk "Read Ticket"
//   card, help.okta.com); public userscripts read the ticket id there (ShomanDanyloIP-12/
//   zendesk-highlighter; the ALT Copilot script below falls back to `/tickets\/(\d+)/` on tab links).
// - /agent/users/<id> and its tabs (/requested_tickets, /ccd_tickets, /identities, ...): the end
//   user's profile (Zendesk help "Viewing an end user's profile in Zendesk Support":
//   support.zendesk.com/hc/en-us/articles/4408822762650); public code links profiles as
//   /agent/users/<id>/requested_tickets and /agent/users/<id>/identities (found by code search).
const HOST = /^[a-z0-9][a-z0-9-]*\.zendesk\.com$/i;
const TICKET_PATH = /^\/agent\/tickets\/(\d{1,19})\/?$/;
const USER_PATH = /^\/agent\/users\/(\d{1,19})(?:\/[a-z_]{1,40}){0,2}\/?$/;

// Several ticket tabs stay open at once, each with its own layout in the DOM; the URL names the
// ticket the agent is looking at, so everything below is looked up by that ticket's id.
//
// The customer context pane of the ticket, and the requester's email in it: read so by the
// Zendesk Highlighter userscript (ShomanDanyloIP-12/zendesk-highlighter, zendesk-highlighter.user.js,
// getSidebarEmail: `#customer-context-user-panel-<ticketId>` then
// `[data-test-id="email-value-test-id"]`, its `title` or text).
const contextPaneId = (ticketId: string) => `customer-context-user-panel-${ticketId}`;
const EMAIL_VALUE = '[data-test-id="email-value-test-id"]';
// The ticket's own layout, when the pane is not (yet) there: ALT Copilot userscript
// (joaoaguiar264/Automacoes-ALT, "Zendesk - ALT Copilot.user.js", getActiveTicketRoot):
// `[data-test-id="ticket-<id>-standard-layout"]`, else the layout around
// `.conversation-polaris[data-ticket-id="<id>"]`.
const layoutSelector = (ticketId: string) => `[data-test-id="ticket-${ticketId}-standard-layout"]`;
const conversationSelector = (ticketId: string) =>
  `.conversation-polaris[data-ticket-id="${ticketId}"]`;
const ANY_LAYOUT = '[data-test-id^="ticket-"]';

/** Where this ticket's requester is shown: its customer context pane, else its own layout. */
function ticketScope(doc: Document, ticketId: string): Element | null {
  const pane = doc.getElementById(contextPaneId(ticketId));
  if (pane && !isHidden(pane)) return pane;
  const layout =
    doc.querySelector(layoutSelector(ticketId)) ??
    doc.querySelector(conversationSelector(ticketId))?.closest(ANY_LAYOUT) ??
    null;
  return layout && !isHidden(layout) ? layout : null;
}

function requesterEmail(scope: Element): string | undefined {
  const value = scope.querySelector(EMAIL_VALUE);
  if (!value) return undefined;
  // `title` first, then the text, as the Highlighter reads it.
  return boundedEmail(value.getAttribute('title')) ?? boundedEmail(value.textContent);
}

// The Tickets API, "Show Ticket" (developer.zendesk.com/api-reference/ticketing/tickets/tickets/
// #show-ticket): GET /api/v2/tickets/{ticket_id}, with the requester side-loaded by
// `include=users` (developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/side_loading/:
// "/tickets/1.json?include=users,groups" adds a top-level `users` array; the ticket names its
// requester by `requester_id`).
// The agent's signed-in session authenticates same-origin GETs from the agent page: public
// userscripts running on <subdomain>.zendesk.com/agent/* call the API with no credentials of
// their own (holatuwol/liferay-zendesk-userscript src/ticket.ts, checkTicketMetadata: XHR GET
// /api/v2/tickets/<id>?include=organizations and /api/v2/users/<id>, no Authorization header);
// Zendesk documents the same for the help center on that host ("users can authenticate
// client-side Zendesk API requests ... using their browser's Zendesk session cookie ... no
// authentication credentials are required for GET requests", developer.zendesk.com
// "Making secured requests" for help center themes).
const MAX_USERS = 500;

/** The requester of the "Show Ticket" answer for `ticketId`, with the side-loaded user's details. */
export function parseShowTicket(body: unknown, ticketId: string): CustomerRef | null {
  if (!isJsonObject(body) || !isJsonObject(body.ticket)) return null;
  // An answer about another ticket (a redirect, a merged ticket) names no requester of this one.
  if (jsonNumericId(body.ticket.id) !== ticketId) return null;
  const requesterId = jsonNumericId(body.ticket.requester_id);
  if (!requesterId) return null;
  const users = Array.isArray(body.users) ? body.users.slice(0, MAX_USERS) : [];
  const user = users.find(
    (u): u is JsonObject => isJsonObject(u) && jsonNumericId(u.id) === requesterId,
  );
  return requesterRef('zendesk', 'user', {
    id: boundedId(requesterId),
    email: boundedEmail(jsonText(user?.email)),
    phone: boundedPhone(jsonText(user?.phone)),
    displayName: boundedName(jsonText(user?.name)),
    context: ticketId,
  });
}

export const zendesk: CrmAdapter<'zendesk'> = {
  id: 'zendesk',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind(url) {
    if (TICKET_PATH.test(url.pathname)) return 'ticket';
    return USER_PATH.test(url.pathname) ? 'user' : null;
  },
  apiLookup(url): ApiLookup | null {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    return {
      key: `ticket:${ticketId}`,
      path: `/api/v2/tickets/${ticketId}.json?include=users`,
      headers: { Accept: 'application/json' },
      parse: (body) => parseShowTicket(body, ticketId),
    };
  },
  detect(url, doc) {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (ticketId) {
      const scope = ticketScope(doc, ticketId);
      if (!scope) return null;
      // The pane names the requester by email only (no public code reads its id, name or phone
      // there); the Tickets API above gives those.
      return requesterRef('zendesk', 'user', { email: requesterEmail(scope), context: ticketId });
    }
    // A user's profile: the id in the address is the user (the profile page's markup has no
    // public evidence, so nothing is read from it).
    const userId = boundedId(cleanText(USER_PATH.exec(url.pathname)?.[1]));
    return userId ? makeRef('zendesk', 'user', { id: userId }) : null;
  },
};
