import type { CrmAdapter } from './types.ts';
import { boundedId, conversationRef, makeRef } from './read.ts';

// Kustomer's agent app on <org>.kustomerapp.com (the org name is the sign-in subdomain:
// developer.kustomer.com/docs/get-started/quickstart). The address alone decides: no public code
// reads the customer's name, email or phone from the page (the insight card `[data-kt="card_card"]`,
// ivanovichko/BirdsEye "Scentbird CRM - Toolbar.user.js", shows no evidenced inner markup), so
// nothing is read from the DOM and no stale pane can be read. No apiLookup: the documented API is
// on another host, <org>.api.kustomerapp.com, with a bearer token
// (developer.kustomer.com/docs/get-started/making-requests), not the page's own origin.
//
// URL forms (each with a unit test); ids are 24 lowercase hex (Mongo ObjectId shape; BirdsEye reads
// the customer id with `/\/customers\/([0-9a-f]{24})/`):
// - /app/customers/<customerId>: the customer's timeline (YextSolutions/kustomer-conversations-connector
//   platform/plugin/kustomerConversations/mod.ts builds `https://${orgName}.kustomerapp.com/app/customers/...`).
// - /app/customers/<customerId>/event/<conversationId>: a conversation on that customer's timeline
//   (same repo, km/connector/kustomerConversationsConnector.json: customer id + `/event/` +
//   conversation id; public code, found by code search, links
//   fora.kustomerapp.com/app/customers/<24hex>/event/<24hex>).
// - /app/conversations/<conversationId>: a conversation whose address names no customer (public
//   code, found by code search, links gametime.kustomerapp.com/app/conversations/{convo_id}).
// Hosts: one label before kustomerapp.com, so the API host <org>.api.kustomerapp.com is not claimed.
const HOST = /^[a-z0-9][a-z0-9-]*\.kustomerapp\.com$/i;
const CUSTOMER_PATH = /^\/app\/customers\/([0-9a-f]{24})\/?$/;
const EVENT_PATH = /^\/app\/customers\/([0-9a-f]{24})\/event\/([0-9a-f]{24})\/?$/;
const CONVERSATION_PATH = /^\/app\/conversations\/([0-9a-f]{24})\/?$/;

export const kustomer: CrmAdapter<'kustomer'> = {
  id: 'kustomer',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind(url) {
    if (EVENT_PATH.test(url.pathname) || CONVERSATION_PATH.test(url.pathname)) {
      return 'conversation';
    }
    return CUSTOMER_PATH.test(url.pathname) ? 'customer' : null;
  },
  detect(url) {
    const event = EVENT_PATH.exec(url.pathname);
    if (event) {
      return conversationRef('kustomer', 'customer', {
        id: boundedId(event[1]),
        context: event[2],
      });
    }
    const conversationId = CONVERSATION_PATH.exec(url.pathname)?.[1];
    if (conversationId) return conversationRef('kustomer', 'customer', { context: conversationId });
    const customerId = boundedId(CUSTOMER_PATH.exec(url.pathname)?.[1]);
    return customerId ? makeRef('kustomer', 'customer', { id: customerId }) : null;
  },
};
