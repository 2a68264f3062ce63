import type { CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedName,
  boundedPhone,
  cleanText,
  conversationRef,
  isHidden,
} from './read.ts';

// LiveChat's agent app on my.livechatinc.com (closed source; nothing was observed live).
//
// URL forms (each with a unit test). Chat and thread ids: uppercase alphanumerics, 10 in every
// public example (`NY0U96PIT4`, `OU0V0U3IMN`: livechat/livechat-public-docs
// agent-app-extension/_js-api.md, site/content@next/customer-sdk/key_concepts.md); 6-16 allowed.
// - /chats/<id>: an extension opens a chat so (Praveenmahar/translation js/functions.js,
//   'https://my.livechatinc.com/chats/'+windowId).
// - /chats/<chat_id>/<thread_id>: public code, found by code search (an Agent App widget:
//   "LiveChat's URL is /chats/{chat_id}/{thread_id}"; an extension content script reads
//   /\/chats\/(?:[A-Z0-9]+)\/([A-Z0-9]+)/ and calls the second segment the active chat id).
// - /archives/<id>: public code, found by code search (the same widget: an ended chat's link
//   becomes /archives/{thread_id}; `livechatArchiveUrl` builds /archives/${threadId}).
const HOST = 'my.livechatinc.com';
const ID = '[A-Z0-9]{6,16}';
const CHAT_PATH = new RegExp(`^/chats/(${ID})(?:/(${ID}))?/?$`);
const ARCHIVE_PATH = new RegExp(`^/archives/(${ID})/?$`);

/** The address's ids in path order (chat, then thread), or null for any other page. */
function pathIds(url: URL): string[] | null {
  const chat = CHAT_PATH.exec(url.pathname);
  if (chat) return chat.slice(1).filter((id): id is string => Boolean(id));
  const archive = ARCHIVE_PATH.exec(url.pathname);
  return archive ? [archive[1] as string] : null;
}

// The customer details card: `div[data-testid="general-info"]` (public code, found by code
// search: an extension content script for *livechatinc.com; a LiveChat restyling script also
// targets `[data-testid="general-info"]`).
const CARD = '[data-testid="general-info"]';
// Its email field `p.css-w2ducz` (same content script, which checks the text has an `@`); the
// "Enhanced LiveChat Linker" userscript (public code, found by code search) reads `.css-w2ducz`
// in the /chats pane as the email, or a phone when the text starts with `+`. An emotion build
// hash: fragile.
const EMAIL_FIELD = 'p.css-w2ducz';
// Fallback: any `p` in the card whose text is an email. Relies only on the evidenced card;
// which `p` holds the email there is a guess (no public evidence).
const ANY_PARAGRAPH = 'p';
// The customer's name `.css-ensz22 > span` in the card (the same content script; a build hash).
const CARD_NAME = '.css-ensz22 > span';
// The chat list: `li[data-testid="chat-item-<id>"] [data-testid="visitor-name"]` (the same
// content script, with the id from the address); Ridikxs/tampermonkey-scripts
// LiveChatHelper.user.js reads `li[data-testid^="chat-item"]` and `[data-testid="visitor-name"]`.
const CHAT_ITEM_PREFIX = 'chat-item-';
const CHAT_ITEMS = `li[data-testid^="${CHAT_ITEM_PREFIX}"]`;
const VISITOR_NAME = '[data-testid="visitor-name"]';
// The active chat item: `li.css-19u39ph` (Ridikxs/tampermonkey-scripts TransferChattoVIP.user.js;
// a build hash). `aria-selected` / `aria-current`: guess (no public evidence).
const ACTIVE_ITEM = ['.css-19u39ph', '[aria-selected="true"]', '[aria-current]']
  .map((marker) => `${CHAT_ITEMS}${marker}`)
  .join(', ');

const chatItem = (doc: Document, id: string) =>
  doc.querySelector(`li[data-testid="${CHAT_ITEM_PREFIX}${id}"]`);

/**
 * Stale-DOM guard. Right after a switch the address names the new chat while the details card
 * may still show the last one. The card carries no chat id (none in public code); the chat
 * list's active item does (`data-testid="chat-item-<id>"`). When an active item is marked it
 * must be the address's chat (either path id: which segment the list uses is not proven).
 * With no list or no marked item (archives, a changed build hash) no guard is possible.
 */
function cardIsCurrent(doc: Document, ids: readonly string[]): boolean {
  const active = [...doc.querySelectorAll(ACTIVE_ITEM)];
  if (active.length === 0) return true;
  const wanted = new Set(ids.map((id) => `${CHAT_ITEM_PREFIX}${id}`));
  return active.some((item) => wanted.has(item.getAttribute('data-testid') ?? ''));
}

/** The one visible details card; none when absent or when two visible cards disagree. */
function visibleCard(doc: Document): Element | null {
  const cards = [...doc.querySelectorAll(CARD)].filter((card) => !isHidden(card));
  return cards.length === 1 ? (cards[0] as Element) : null;
}

interface CardFields {
  email?: string;
  phone?: string;
  displayName?: string;
}

function readCard(card: Element): CardFields {
  const fields = [...card.querySelectorAll(EMAIL_FIELD)].map((field) =>
    cleanText(field.textContent),
  );
  const email =
    fields.map((text) => boundedEmail(text)).find(Boolean) ??
    [...card.querySelectorAll(ANY_PARAGRAPH)].map((p) => boundedEmail(p.textContent)).find(Boolean);
  const phone = fields
    .filter((text) => text?.startsWith('+'))
    .map((text) => boundedPhone(text))
    .find(Boolean);
  const displayName = boundedName(card.querySelector(CARD_NAME)?.textContent);
  return { email, phone, displayName };
}

export const liveChat: CrmAdapter<'livechat'> = {
  id: 'livechat',
  conversationInAddress: true,
  matches: (url) => url.protocol === 'https:' && url.hostname === HOST,
  pageKind: (url) => (pathIds(url) ? 'conversation' : null),
  // No apiLookup: the Agent Chat API (api.livechatinc.com) takes an agent access token
  // (npmjs.com/package/@livechat/chat-sdk); no public code calls a my.livechatinc.com endpoint
  // with the agent's session cookie.
  detect(url, doc): CustomerRef | null {
    const ids = pathIds(url);
    if (!ids) return null;
    const context = ids.join('/');
    const card = visibleCard(doc);
    const fromCard: CardFields = card && cardIsCurrent(doc, ids) ? readCard(card) : {};
    // The list item named by the address's own id is never stale; last path id first (the
    // content script's "active chat id").
    const listName = [...ids]
      .reverse()
      .map((id) => boundedName(chatItem(doc, id)?.querySelector(VISITOR_NAME)?.textContent))
      .find(Boolean);
    return conversationRef('livechat', 'customer', {
      email: fromCard.email,
      phone: fromCard.phone,
      displayName: fromCard.displayName ?? listName,
      context,
    });
  },
};
