import type { ApiLookup, CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  boundedPhone,
  cleanText,
  conversationRef,
  isJsonObject,
  jsonNumericId,
  jsonText,
} from './read.ts';

// Chatwoot (open source, self-hosted at any origin): matched by path alone, on the origin the
// admin entered. Every fact below is read from Chatwoot's own source (chatwoot/chatwoot).
//
// URL forms (each with a unit test): the dashboard's conversation pages, all under
// /app/accounts/<account>/, built by conversationUrl() in app/javascript/dashboard/helper/
// URLHelper.js and routed in app/javascript/dashboard/routes/dashboard/conversation/
// conversation.routes.js: conversations/<id>, and the same after inbox/<inbox>, label/<label>,
// team/<team>, custom_view/<folder>, mentions, participating or unattended. The id is the
// conversation's per-account display id (api/v1/conversations/partials/_conversation.json.jbuilder
// renders `id` as display_id).
const CONVERSATION_PATH =
  /^\/app\/accounts\/(\d{1,10})\/(?:(?:inbox|team|custom_view)\/\d{1,10}\/|label\/[^/]{1,100}\/|mentions\/|participating\/|unattended\/)?conversations\/(\d{1,12})\/?$/;

function conversationOf(url: URL): { account: string; conversationId: string } | null {
  const match = CONVERSATION_PATH.exec(url.pathname);
  return match?.[1] && match[2] ? { account: match[1], conversationId: match[2] } : null;
}

/** One conversation across the installation's accounts: `<account>/<display id>`. */
const contextOf = (account: string, conversationId: string) => `${account}/${conversationId}`;

// The conversation's contact panel (routes/dashboard/conversation/ContactPanel.vue →
// contact/ContactInfo.vue → contact/ContactInfoRow.vue). The panel has no id or data attribute
// of its own, and messages may hold mailto: links too, so the panel is found from its contact
// link and the rows are read inside the nearest ancestor that holds them:
// - the contact's profile link, `a[href="/app/accounts/<n>/contacts/<id>"][target="_blank"]`
//   (ContactInfo.vue, contactProfileLink);
// - email and phone rows: an `<a href="mailto:…">` / `<a href="tel:…">` whose value is a
//   `span[title]` (ContactInfoRow.vue; an empty value renders a div without a link);
// - the name: the `h3` beside the profile link (ContactInfo.vue).
// Nothing in the panel names the conversation, so a panel still showing the previous
// conversation's contact right after a switch cannot be told apart here; the API lookup below,
// asked by the address's conversation, wins as soon as it answers.
const selectors = {
  contactLink: 'a[href*="/contacts/"][target="_blank"]',
  email: 'a[href^="mailto:"] > span[title]',
  phone: 'a[href^="tel:"] > span[title]',
  name: 'h3',
} as const;
const PANEL_DEPTH = 8;

function contactPanel(
  doc: Document,
  account: string,
): { panel: Element; contactId?: string } | null {
  const profilePath = new RegExp(`^/app/accounts/${account}/contacts/(\\d{1,12})$`);
  for (const link of doc.querySelectorAll(selectors.contactLink)) {
    const contactId = profilePath.exec(link.getAttribute('href') ?? '')?.[1];
    if (!contactId) continue;
    let node: Element | null = link.parentElement;
    for (let depth = 0; node && depth < PANEL_DEPTH; depth++, node = node.parentElement) {
      if (node.querySelector(selectors.email) || node.querySelector(selectors.phone)) {
        return { panel: node, contactId };
      }
    }
    return { panel: link.parentElement ?? link, contactId };
  }
  return null;
}

// The dashboard's own read of one conversation: GET /api/v1/accounts/<n>/conversations/<id>
// (ConversationApi.show through ApiClient, app/javascript/dashboard/api/ApiClient.js; the store's
// getConversation takes `meta.sender` as the contact: store/modules/conversations/actions.js).
// `meta.sender` carries id, name, email, phone_number and identifier
// (app/views/api/v1/models/_contact.json.jbuilder). It takes the sign-in headers, not the
// cookie, hence `pageSessionToken` (background/crm-api-request.ts says where they are).
/** The contact of the conversation answer for `conversationId` of `account`. */
export function parseConversation(
  body: unknown,
  account: string,
  conversationId: string,
): CustomerRef | null {
  if (!isJsonObject(body)) return null;
  if (jsonNumericId(body.id) !== conversationId) return null;
  if (body.account_id !== undefined && jsonNumericId(body.account_id) !== account) return null;
  const meta = isJsonObject(body.meta) ? body.meta : {};
  const sender = isJsonObject(meta.sender) ? meta.sender : {};
  const ref = conversationRef('chatwoot', 'contact', {
    id: boundedId(jsonNumericId(sender.id)),
    email: boundedEmail(jsonText(sender.email)),
    phone: boundedPhone(jsonText(sender.phone_number)),
    displayName: boundedName(jsonText(sender.name)),
    context: contextOf(account, conversationId),
  });
  return ref.type === 'contact' ? ref : null;
}

export const chatwoot: CrmAdapter<'chatwoot'> = {
  id: 'chatwoot',
  conversationInAddress: true,
  matches: (url) => CONVERSATION_PATH.test(url.pathname),
  pageKind: (url) => (conversationOf(url) ? 'conversation' : null),
  apiLookup(url): ApiLookup | null {
    const conversation = conversationOf(url);
    if (!conversation) return null;
    const { account, conversationId } = conversation;
    return {
      key: `conversation:${account}/${conversationId}`,
      path: `/api/v1/accounts/${account}/conversations/${conversationId}`,
      pageSessionToken: 'chatwoot-session-cookie',
      parse: (body) => parseConversation(body, account, conversationId),
    };
  },
  detect(url, doc) {
    const conversation = conversationOf(url);
    if (!conversation) return null;
    const { account, conversationId } = conversation;
    const found = contactPanel(doc, account);
    const panel = found?.panel;
    return conversationRef('chatwoot', 'contact', {
      id: boundedId(found?.contactId),
      email: boundedEmail(panel?.querySelector(selectors.email)?.getAttribute('title')),
      phone: boundedPhone(panel?.querySelector(selectors.phone)?.getAttribute('title')),
      displayName: boundedName(cleanText(panel?.querySelector(selectors.name)?.textContent)),
      context: contextOf(account, conversationId),
    });
  },
};
