import type { CrmAdapter } from './types.ts';
import {
  boundedId,
  conversationRef,
  makeRef,
  pathSegment,
  readPerson,
  requesterRef,
} from './read.ts';

// The backend's demo CRM, served at /demo/... on whatever origin the backend runs.
const CUSTOMER_PATH = /^\/demo\/customers\/([^/?#]{1,200})\/?$/;
const TICKET_PATH = /^\/demo\/tickets\/(\d{1,12})\/?$/;
// The demo chat console: one conversation focused among several (its context: `chat-<id>`, which
// the catalogue's `chatContextPrefix` marks as a conversation).
const CHAT_PATH = /^\/demo\/chats\/(\d{1,6})\/?$/;

const selectors = {
  customerPage: 'main[data-demo-page="customer"][data-customer-id]',
  chatPage: 'main[data-demo-page="chat"][data-conversation-id]',
  requester: 'section.requester',
  person: {
    name: ['[data-field="name"]'],
    email: ['[data-field="email"]'],
    phone: ['[data-field="phone"]'],
  },
} as const;

export const loopdeskDemo: CrmAdapter<'demo'> = {
  id: 'demo',
  conversationInAddress: true,
  matches: (url) =>
    /^https?:$/.test(url.protocol) &&
    [CUSTOMER_PATH, TICKET_PATH, CHAT_PATH].some((path) => path.test(url.pathname)),
  pageKind: (url) =>
    TICKET_PATH.test(url.pathname)
      ? 'ticket'
      : CUSTOMER_PATH.test(url.pathname)
        ? 'customer'
        : CHAT_PATH.test(url.pathname)
          ? 'chat'
          : null,
  detect(url, doc) {
    const conversationId = CHAT_PATH.exec(url.pathname)?.[1];
    if (conversationId) {
      // Read only once the console shows this conversation (it swaps the page after the address).
      const page = doc.querySelector(selectors.chatPage);
      if (page?.getAttribute('data-conversation-id') !== conversationId) return null;
      const contact = page.querySelector(selectors.requester);
      return conversationRef('demo', 'customer', {
        ...(contact ? readPerson(contact, selectors.person) : {}),
        context: `chat-${conversationId}`,
      });
    }
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
