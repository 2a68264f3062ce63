import type { CrmAdapter } from './types.ts';
import { boundedId, isHidden, makeRef, readPerson, requesterRef } from './read.ts';

// Zendesk Support agent workspace. Every open ticket tab keeps its own workspace element in the
// DOM; only the active one is visible, and its requester (which an agent can change) is shown
// in the ticket's user area.
const HOST = /^[a-z0-9][a-z0-9-]*\.zendesk\.com$/i;
const TICKET_PATH = /^\/agent\/tickets\/(\d{1,19})\/?$/;
const USER_PATH = /^\/agent\/users\/(\d{1,19})(?:\/[a-z_]+)?\/?$/;

const selectors = {
  workspace: '[data-test-id="ticket-workspace"]',
  userArea: '[data-test-id="ticket-user-area"]',
  userProfile: '[data-test-id="user-profile"]',
  name: ['[data-test-id="user-name"]'],
  email: ['[data-test-id="user-email"]', 'a[href^="mailto:"]'],
  phone: ['[data-test-id="user-phone"]', 'a[href^="tel:"]'],
} as const;

/** The visible workspace for this ticket; a hidden one is another tab's. */
function activeWorkspace(doc: Document, ticketId: string): Element | null {
  const visible = [...doc.querySelectorAll(selectors.workspace)].filter((ws) => !isHidden(ws));
  const forTicket = visible.find((ws) => ws.getAttribute('data-ticket-id') === ticketId);
  if (forTicket) return forTicket;
  const unlabelled = visible.filter((ws) => !ws.hasAttribute('data-ticket-id'));
  return unlabelled.length === 1 ? (unlabelled[0] ?? null) : null;
}

export const zendesk: CrmAdapter<'zendesk'> = {
  id: 'zendesk',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  detect(url, doc) {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (ticketId) {
      const userArea = activeWorkspace(doc, ticketId)?.querySelector(selectors.userArea);
      if (!userArea) return null;
      return requesterRef('zendesk', 'ticket', {
        ...readPerson(userArea, selectors),
        contextId: ticketId,
      });
    }
    const userId = boundedId(USER_PATH.exec(url.pathname)?.[1]);
    if (!userId) return null;
    const profile = [...doc.querySelectorAll(selectors.userProfile)].find(
      (element) => !isHidden(element) && element.getAttribute('data-user-id') === userId,
    );
    return makeRef('zendesk', 'user', {
      recordId: userId,
      ...(profile ? readPerson(profile, selectors) : {}),
    });
  },
};
