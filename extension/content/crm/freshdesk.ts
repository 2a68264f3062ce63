import type { CrmAdapter } from './types.ts';
import { boundedId, first, makeRef, readPerson, requesterRef } from './read.ts';

// Freshdesk agent portal: /a/tickets/<id> shows the requester in the ticket's right sidebar.
const HOST = /^[a-z0-9][a-z0-9-]*\.freshdesk\.com$/i;
const TICKET_PATH = /^\/a\/tickets\/(\d{1,19})\/?$/;
const CONTACT_PATH = /^\/a\/contacts\/(\d{1,19})\/?$/;

const selectors = {
  requester: ['[data-test-id="requester-info"]'],
  name: ['[data-test-id="requester-name"]'],
  email: ['[data-test-id="requester-email"]', 'a[href^="mailto:"]'],
  phone: ['[data-test-id="requester-phone"]', 'a[href^="tel:"]'],
} as const;

export const freshdesk: CrmAdapter<'freshdesk'> = {
  id: 'freshdesk',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  detect(url, doc) {
    const contactId = boundedId(CONTACT_PATH.exec(url.pathname)?.[1]);
    if (contactId) return makeRef('freshdesk', 'contact', { recordId: contactId });
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (!ticketId) return null;
    const requester = first(doc, selectors.requester);
    if (!requester) return null;
    const nameElement = first(requester, selectors.name);
    const linkedId = CONTACT_PATH.exec(nameElement?.getAttribute('href') ?? '')?.[1];
    return requesterRef('freshdesk', linkedId ? 'contact' : 'ticket', {
      recordId: linkedId,
      ...readPerson(requester, selectors),
      contextId: ticketId,
    });
  },
};
