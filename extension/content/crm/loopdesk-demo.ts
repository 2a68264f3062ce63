import type { CrmAdapter } from './types.ts';
import { boundedId, makeRef, pathSegment, readPerson, requesterRef } from './read.ts';

// The backend's demo CRM, served at /demo/... on whatever origin the backend runs.
const CUSTOMER_PATH = /^\/demo\/customers\/([^/?#]{1,200})\/?$/;
const TICKET_PATH = /^\/demo\/tickets\/(\d{1,12})\/?$/;

const selectors = {
  customerPage: 'main[data-demo-page="customer"][data-customer-id]',
  requester: 'section.requester',
  person: {
    name: ['[data-field="name"]'],
    email: ['[data-field="email"]'],
    phone: ['[data-field="phone"]'],
  },
} as const;

export const loopdeskDemo: CrmAdapter<'demo'> = {
  id: 'demo',
  matches: (url) =>
    /^https?:$/.test(url.protocol) &&
    (CUSTOMER_PATH.test(url.pathname) || TICKET_PATH.test(url.pathname)),
  pageKind: (url) =>
    TICKET_PATH.test(url.pathname)
      ? 'ticket'
      : CUSTOMER_PATH.test(url.pathname)
        ? 'customer'
        : null,
  detect(url, doc) {
    const ticketId = TICKET_PATH.exec(url.pathname)?.[1];
    if (ticketId) {
      const requester = doc.querySelector(selectors.requester);
      if (!requester) return null;
      return requesterRef('demo', 'ticket', {
        ...readPerson(requester, selectors.person),
        context: ticketId,
      });
    }
    const customerId = boundedId(pathSegment(CUSTOMER_PATH.exec(url.pathname)?.[1]));
    if (!customerId) return null;
    // The page may still show the previous customer during client-side navigation.
    const page = doc.querySelector(selectors.customerPage);
    const pageIsThisCustomer = page?.getAttribute('data-customer-id') === customerId;
    return makeRef('demo', 'customer', {
      id: customerId,
      ...(page && pageIsThisCustomer ? readPerson(page, selectors.person) : {}),
    });
  },
};
