import type { CrmAdapter, CustomerRef } from './types.ts';
import { conversationRef } from './read.ts';

// Front's web app on app.frontapp.com (regional hosts: none found). URL only: no public code
// reads Front's DOM for the customer, and no public code calls a Front endpoint with the agent's
// session (Kenchi reads Front's in-page Redux store instead; the REST API api2.frontapp.com takes
// a bearer token). So every conversation is reported by its id alone (the panel says the
// conversation shows no email or phone).
//
// URL forms (each with a unit test):
// - /open/cnv_<base36>: the permalink, the API's `conversation.link` (public code, found by code
//   search: `"link": "https://app.frontapp.com/open/cnv_55c8c149"`; Zulip's Front docs, linkifier
//   `cnv_(?P<id>[0-9a-z]+)` → https://app.frontapp.com/open/cnv_{id}).
// - /inboxes/…/<status>/<conversation>: public code, found by code search:
//   /inboxes/teams/folders/<n>/unassigned/<conv>, /inboxes/teams/views/<n>/open/<conv>,
//   /inboxes/teammates/<n>/inbox/all/<conv>, /inboxes/shared/<slug>/open/<conv>; the last
//   segment is the open conversation (Kenchi's `getConversationIds`: last segment split on ','),
//   `0` when none is selected (a Kenchi test: /inboxes/teams/assigned/<n>/inbox/open/0).
//   The segment before it is a status word: open/unassigned/all evidenced as above;
//   archived/snoozed/trashed/spam: guess (no public evidence). Requiring it keeps a folder or
//   view number (/inboxes/teams/views/<n>) from being read as a conversation.
// - In-app ids are decimal; the API id is `cnv_` + the number in base 36 (public code, found by
//   code search: `inb_` + (7256583).toString(36) for inboxes, the same rule for `cnv_`). Reported
//   so, the context matches Front's API ids and the /open/ permalink's id.
const HOST = 'app.frontapp.com';
const PERMALINK_PATH = /^\/open\/(cnv_[0-9a-z]{1,20})\/?$/;
const INBOX_PATH =
  /^\/inboxes(?:\/[^/]{1,200}){1,8}\/(?:open|unassigned|all|archived|snoozed|trashed|spam)\/([0-9,]{1,400})\/?$/;
const DECIMAL_ID = /^[1-9][0-9]{0,24}$/;

/** `cnv_` + base 36 of a decimal in-app id (BigInt: ids may pass 2^53). */
export function apiConversationId(decimal: string): string | undefined {
  if (!DECIMAL_ID.test(decimal)) return undefined;
  return `cnv_${BigInt(decimal).toString(36)}`;
}

/** The one conversation the address opens; none for lists, `0`, or several selected. */
function conversationId(url: URL): string | undefined {
  const permalink = PERMALINK_PATH.exec(url.pathname)?.[1];
  if (permalink) return permalink;
  const last = INBOX_PATH.exec(url.pathname)?.[1];
  // `0`: no conversation selected; `a,b`: several selected, not one conversation.
  return last ? apiConversationId(last) : undefined;
}

export const front: CrmAdapter<'front'> = {
  id: 'front',
  matches: (url) => url.protocol === 'https:' && url.hostname === HOST,
  pageKind: (url) => (conversationId(url) ? 'conversation' : null),
  detect(url): CustomerRef | null {
    const context = conversationId(url);
    // Nothing on the page names the customer (no public evidence of any selector).
    return context ? conversationRef('front', 'conversation', { context }) : null;
  },
};
