import type { CrmAdapter, CustomerRef } from './types.ts';
import { conversationRef } from './read.ts';

// Freshchat's agent inbox on <org>.freshchat.com (and the legacy shared host web.freshchat.com).
// URL only: no public userscript or extension reads the inbox's user-info sidebar, and no public
// code calls a Freshchat endpoint with the agent's session (REST API v2 takes an admin-issued
// bearer key; marketplace apps read the user through the Freshworks app SDK inside their own
// iframe). So every conversation is reported by its id alone.
//
// URL forms (each with a unit test). appId and conversation id: digits (15 in the examples).
// - /a/<appId>/inbox/<folder>/0/conversation/<id>: lukeslab/freshchat-agent-portal README.md
//   @0be53a10 (https://ipostal1.freshchat.com/a/236306003128395/inbox/2/0/conversation/
//   720870712804149). What <folder> and `0` mean: guess (no public evidence); <folder> is a
//   small number or a word (`open`) in public links.
// - /a/<appId>/open/conversation/<id>: freshworks/jaya-lib packages/rule-engine/src/recommended/
//   dynamic-placeholders/conversation-url.ts @1581906e; on web.freshchat.com in an emailed
//   "View conversation in Freshchat" link (public text, found by code search; weak).
// - /a/<appId>/inbox/open/0/<id>: weak evidence: an older variant of the same placeholder,
//   public code found by code search, its revision not identified.
// Hosts: <org>.freshchat.com, org slugs up to ~60 characters (prabhapk/OfficilaGame2.0
// Src/Config/freshchat.ts); regional agent hosts and <org>.myfreshworks.com/crm/messaging are
// not claimed (not in the catalogue; the latter has weak evidence only).
const HOST = /^[a-z0-9][a-z0-9-]{0,100}\.freshchat\.com$/i;
const APP = '/a/\\d{1,20}';
const CONVERSATION = '([1-9]\\d{0,24})';
const CONVERSATION_PATHS = [
  new RegExp(`^${APP}/inbox/[a-z0-9]{1,20}/0/conversation/${CONVERSATION}/?$`),
  new RegExp(`^${APP}/open/conversation/${CONVERSATION}/?$`),
  new RegExp(`^${APP}/inbox/open/0/${CONVERSATION}/?$`),
];

function conversationId(url: URL): string | undefined {
  for (const path of CONVERSATION_PATHS) {
    const id = path.exec(url.pathname)?.[1];
    if (id) return id;
  }
  return undefined;
}

export const freshchat: CrmAdapter<'freshchat'> = {
  id: 'freshchat',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind: (url) => (conversationId(url) ? 'conversation' : null),
  detect(url): CustomerRef | null {
    const context = conversationId(url);
    // Nothing on the page names the customer (no public evidence of any selector).
    return context ? conversationRef('freshchat', 'conversation', { context }) : null;
  },
};
