import type { ApiLookup, CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  cleanText,
  conversationRef,
  first,
  isJsonObject,
  jsonNumericId,
  jsonText,
} from './read.ts';

// Intercom's inbox, on app.intercom.com and its regional hosts app.eu.intercom.com and
// app.au.intercom.com (the workspace's region shows in the address: nango.dev docs
// "api-integrations/intercom/connect"; speakeasy.com docs, "guides/intercom").
const HOST = /^app\.(?:eu\.|au\.)?intercom\.com$/i;

// URL forms (each with a unit test):
// - /a/inbox/<app>/inbox/<view...>/conversation/<id>: the inbox's conversation page; Kenchi's
//   Intercom extractor matches any view segments between the app id and `conversation/<digits>`
//   (michaelschade/kenchi packages/frontend/src/pageContext/pageData/variableExtractors/
//   intercom.ts, CONVERSATION_REGEX; intercom.test.ts visits
//   /a/inbox/<app>/inbox/shared/all/conversation/26964863026). Public code also links
//   /a/inbox/<app>/inbox/conversation/<id> (found by code search).
// - /a/apps/<app>/inbox/inbox/<all|unassigned|admin id>/conversations/<id>: the earlier inbox
//   (kenchi intercom.test.ts "old Intercom UI"; a Greasy Fork userscript, found by code search).
// Conversation ids are digits; app ids short lower-case letters and digits (the same tests).
const CONVERSATION_PATH =
  /^\/a\/(?:inbox|apps)\/([a-z0-9]{1,40})\/(?:[A-Za-z0-9_-]{1,60}\/){0,6}conversations?\/(\d{1,20})\/?$/;

function conversationOf(url: URL): { app: string; conversationId: string } | null {
  const match = CONVERSATION_PATH.exec(url.pathname);
  return match?.[1] && match[2] ? { app: match[1], conversationId: match[2] } : null;
}

// The contact's name in the conversation header: `span[data-conversation-title]` (a public
// extension for the Intercom inbox reads it there, found by code search). No public code reads
// an email, phone or user id from the page, so the page alone never names the customer.
const selectors = {
  name: ['span[data-conversation-title]'],
} as const;

// The inbox's own JSON endpoint for one conversation, on the inbox's origin with the agent's
// session: GET /ember/inbox/conversations/<id>?app_id=<app> (Kenchi fetches it from the inbox
// page; its test's answer carries the conversation `id` and `user_summary` {id, name, email,
// user_id}: kenchi intercom.ts and intercom.test.ts buildConversationResponse). Undocumented:
// when Intercom changes it the lookup fails quietly and the panel says the conversation shows
// no email or phone.
/** The customer of the /ember conversation answer for `conversationId`. */
export function parseEmberConversation(body: unknown, conversationId: string): CustomerRef | null {
  if (!isJsonObject(body)) return null;
  // An answer about another conversation names nobody in this one.
  if (jsonNumericId(body.id) !== conversationId) return null;
  const user = isJsonObject(body.user_summary) ? body.user_summary : {};
  const ref = conversationRef('intercom', 'user', {
    id: boundedId(jsonText(user.id)),
    email: boundedEmail(jsonText(user.email)),
    displayName: boundedName(jsonText(user.name)),
    context: conversationId,
  });
  return ref.type === 'user' ? ref : null;
}

export const intercom: CrmAdapter<'intercom'> = {
  id: 'intercom',
  conversationInAddress: true,
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind: (url) => (conversationOf(url) ? 'conversation' : null),
  apiLookup(url): ApiLookup | null {
    const conversation = conversationOf(url);
    if (!conversation) return null;
    const { app, conversationId } = conversation;
    return {
      key: `conversation:${conversationId}`,
      path: `/ember/inbox/conversations/${conversationId}?app_id=${encodeURIComponent(app)}`,
      headers: { Accept: 'application/json' },
      parse: (body) => parseEmberConversation(body, conversationId),
    };
  },
  detect(url, doc) {
    const conversation = conversationOf(url);
    if (!conversation) return null;
    return conversationRef('intercom', 'user', {
      displayName: boundedName(cleanText(first(doc, selectors.name)?.textContent)),
      context: conversation.conversationId,
    });
  },
};
