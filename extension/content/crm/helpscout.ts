import type { CrmAdapter } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  cleanText,
  conversationRef,
  sameOriginPath,
} from './read.ts';

// Help Scout's agent web app on secure.helpscout.net (no API the page's session can use: the
// Mailbox API 2.0 is on api.helpscout.net with OAuth2, developer.helpscout.com/mailbox-api; no
// public code calls a cookie-authenticated endpoint on secure.helpscout.net). So no apiLookup.
//
// URL form (unit-tested): /conversation/<id>/<number>, query (?folderId=, ?viewId=) and fragment
// (#thread-<n>) ignored. id = the internal conversation id, number = the number shown in the UI
// (developer.helpscout.com/webhooks/objects/conversation, field `number`); the pathname regex
// `^/conversation/(\d+)/(\d+)/?$` is GuestGuru/linear-clockify shared.js (parseHsUrl).
// Mailbox lists (/inboxes/<hex>/views/<n>, .../chats, .../conversation/new/) are no conversation
// (agent notes found by code search, listing Help Scout's "Known URLs").
const HOST = /^secure\.helpscout\.net$/i;
const CONVERSATION_PATH = /^\/conversation\/(\d{1,19})\/(\d{1,19})\/?$/;

// The customer's email links in the sidebar, their text in `.c-Truncate__content`:
// GuestGuru/linear-clockify shared.js (HS_EMAIL_SELECTOR, parseHsEmailsFromDom), tests/shared.test.js.
const EMAIL_LINKS = '[data-cy="Sidebar.CustomerEmails"] [data-testid="EmailList.EmailLink"]';
const EMAIL_TEXT = '.c-Truncate__content';
// The customer id in that link's href, `/customer/(\d+)`: GuestGuru/linear-clockify shared.js
// (parseHsCustomerIdFromDom). guess (no public evidence): that the href is a same-origin path
// starting with /customer/<id> (only such links are read).
const CUSTOMER_PATH = /^\/customer\/(\d{1,19})(?:\/|$)/;
// document.title `#<number> <subject> - <customer name>`, split at the last " - ":
// GuestGuru/linear-clockify shared.js (parseHsTitle) and hs-content.js (getConversationContext).
const TITLE = /^#(\d{1,19}) (.*) - (.+)$/;
// The customer has a handful of emails at most; a page listing more is not read past this.
const MAX_EMAIL_LINKS = 20;

/** The customer's id and first email in the sidebar's email list. */
function sidebarCustomer(doc: Document, page: URL): { id?: string; email?: string } {
  const links = [...doc.querySelectorAll(EMAIL_LINKS)].slice(0, MAX_EMAIL_LINKS);
  let id: string | undefined;
  let email: string | undefined;
  for (const link of links) {
    email ??= boundedEmail(cleanText((link.querySelector(EMAIL_TEXT) ?? link).textContent));
    id ??= boundedId(CUSTOMER_PATH.exec(sameOriginPath(link.getAttribute('href'), page))?.[1]);
  }
  return { id, email };
}

export const helpScout: CrmAdapter<'helpscout'> = {
  id: 'helpscout',
  conversationInAddress: true,
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind: (url) => (CONVERSATION_PATH.test(url.pathname) ? 'conversation' : null),
  detect(url, doc) {
    const address = CONVERSATION_PATH.exec(url.pathname);
    if (!address) return null;
    const [, conversationId, number] = address;
    // Stale DOM guard: the SPA re-renders on navigation (GuestGuru/linear-clockify hs-content.js
    // watches location.href), so the sidebar may still show the previous conversation's customer.
    // The page title carries the conversation's number (`#<number> ...`, parseHsTitle above):
    // the sidebar and the title's name are read only when that number is the address's.
    const title = TITLE.exec(cleanText(doc.title) ?? '');
    if (!title || title[1] !== number) {
      return conversationRef('helpscout', 'customer', { context: conversationId });
    }
    return conversationRef('helpscout', 'customer', {
      ...sidebarCustomer(doc, url),
      displayName: boundedName(title[3]),
      context: conversationId,
    });
  },
};
