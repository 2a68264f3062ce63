import type { CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedName,
  boundedPhone,
  cleanText,
  elementValue,
  first,
  makeRef,
  requesterRef,
} from './read.ts';

// HubSpot CRM and Help Desk: the address first, the page only for a ticket's contact.
//
// No API lookup (no `apiLookup`), on purpose. HubSpot's documented CRM API lives on another
// origin (api.hubapi.com) and "there are two ways to authenticate calls to HubSpot's APIs: OAuth,
// and private app access tokens", sent as `Authorization: Bearer` (developers.hubspot.com/docs/
// apps/legacy-apps/authentication/intro-to-auth). The agent's app.hubspot.com session cookie is
// neither; what the HubSpot UI itself calls on its own origin is undocumented. So: page + URL.

// Hosts: app.hubspot.com and the regional app-<region>.hubspot.com. app.hubspot.com: userscripts
// match https://app.hubspot.com/contacts/* and /help-desk/* (StephenShawBepoz/browserscripts
// hubspot/status-prompt.user.js); app-eu1: FlowFuse's handbook links its Help Desk at
// https://app-eu1.hubspot.com/help-desk/<portal>/view/<view>/list-view (FlowFuse/website
// src/handbook/customer/customer-success.md); app-na2: public link builders write
// https://app-na2.hubspot.com/contacts/<portal>/record/0-1/<id> (found by code search, repository
// not named). Other regions (ap1, …) follow the same app-<letters><digits> shape: guess.
const HOST = /^app(?:-[a-z]{2,4}\d{1,2})?\.hubspot\.com$/i;

// Addresses. Evidence for each form:
// - /contacts/<portal>/record/<type>/<id>, 0-1 contact, 0-2 company, 0-5 ticket: HubSpot's object
//   type ids; live-tenant code reads `/record/0-5/(\d+)` for the ticket (status-prompt.user.js)
//   and `a[href*="/record/0-1/"]` for a contact (LorenzoBerto-Eduzz/Ticket-Helper content.js).
// - /contacts/<portal>/contact/<id>: the older contact address, as HubSpot's v1 contacts API
//   returned it in `profile-url` (Cognigy/Extensions extensions/hubspot/README.md example:
//   https://app.hubspot.com/contacts/2761836/contact/123445).
// - /help-desk/<portal>/view/<view>/ticket/<id>/: Help Desk tickets. Ticket-Helper opens tickets
//   at https://app.hubspot.com/help-desk/<portal>/view/search/ticket/<id> (its handoff notes) and
//   reads the id as `/ticket/(\d+)` on /help-desk/ pages (content.js), as does
//   status-prompt.user.js; views are also numbered (FlowFuse's `/view/233410279/list-view`).
const RECORD_PATH = /^\/contacts\/(\d{1,12})\/record\/(0-[125])\/(\d{1,20})\/?(?:$|\/)/;
const LEGACY_CONTACT_PATH = /^\/contacts\/(\d{1,12})\/contact\/(\d{1,20})\/?$/;
const HELP_DESK_TICKET_PATH =
  /^\/help-desk\/(\d{1,12})\/view\/([A-Za-z0-9_-]{1,40})\/ticket\/(\d{1,20})\/?(?:$|\/)/;
const OBJECT_TYPES: Readonly<Record<string, string>> = {
  '0-1': 'contact',
  '0-2': 'company',
  '0-5': 'ticket',
};
const CONTACT_HREF = /\/contacts\/\d{1,12}\/(?:record\/0-1|contact)\/(\d{1,20})(?:[/?#]|$)/;

// Ticket page markup, all as live-tenant code reads it:
// - the ticket's contacts card `[data-test-id="card-wrapper-ASSOCIATION_V3/0-1"]` in the right
//   sidebar (Ihor-Hanets/rnd_playwright_mcp pages/deal-detail.page.ts, a Playwright suite run
//   against HubSpot, also reads …/0-2 companies and …/0-5 tickets; Ticket-Helper content.js);
// - Help Desk's requester card `[data-sidebar-key="Requester"]` and
//   `[data-sidebar-card-association-object-type-id="0-1"]` (Ticket-Helper content.js);
// - contact tiles ("chicklets") and their title link and email link, and the ticket header's
//   contact name `[data-test-id="ticket-header-contact-detail-link"]` (Ticket-Helper content.js).
const selectors = {
  contactCards: [
    '[data-sidebar-key="Requester"]',
    '[data-sidebar-card-association-object-type-id="0-1"]',
    '[data-test-id="card-wrapper-ASSOCIATION_V3/0-1"]',
  ],
  tile: '[data-test-id^="chiclet-0-1-"], [data-test-id^="chicklet-"], [data-selenium-test="chicklet"]',
  tileName: [
    '[data-selenium-test="contact-chicklet-title-link"]',
    '[data-test-id="contact-chicklet-title-link"]',
    '[data-test-id="contact-chicklet-title"]',
    'a[href*="/record/0-1/"]',
  ],
  contactLink: 'a[href*="/record/0-1/"], a[href*="/contact/"]',
  email: ['a[data-test-id="contact-chicklet-email"][href^="mailto:"]', 'a[href^="mailto:"]'],
  // guess (no public evidence of phone markup in the card): a tel: link, if the layout shows one.
  phone: ['a[href^="tel:"]'],
  headerContact: [
    '[data-test-id="ticket-header-contact-detail-link"] [data-content="true"]',
    '[data-test-id="ticket-header-contact-detail-link"] a',
  ],
} as const;

interface Address {
  objectType: string;
  id: string;
}

function address(url: URL): Address | null {
  const path = url.pathname;
  const record = RECORD_PATH.exec(path);
  if (record) return { objectType: OBJECT_TYPES[record[2] ?? ''] ?? '', id: record[3] ?? '' };
  const legacy = LEGACY_CONTACT_PATH.exec(path);
  if (legacy) return { objectType: 'contact', id: legacy[2] ?? '' };
  const helpDesk = HELP_DESK_TICKET_PATH.exec(path);
  if (helpDesk) return { objectType: 'ticket', id: helpDesk[3] ?? '' };
  return null;
}

interface CardContact {
  id?: string;
  name?: string;
  email?: string;
  phone?: string;
}

function contactId(link: Element | null): string | undefined {
  return CONTACT_HREF.exec(link?.getAttribute('href') ?? '')?.[1];
}

function readContact(scope: Element, link: Element | null): CardContact {
  return {
    id: contactId(link) ?? contactId(scope.querySelector(selectors.contactLink)),
    name: boundedName(elementValue(link)),
    email: boundedEmail(elementValue(first(scope, selectors.email))),
    phone: boundedPhone(elementValue(first(scope, selectors.phone))),
  };
}

/** The contacts a card shows: one per tile, or else one per distinct contact link. */
function cardContacts(card: Element): CardContact[] {
  const tiles = [...card.querySelectorAll(selectors.tile)];
  if (tiles.length > 0) {
    return tiles.map((tile) => readContact(tile, first(tile, selectors.tileName)));
  }
  const links = new Map<string, Element>();
  for (const link of card.querySelectorAll(selectors.contactLink)) {
    const id = contactId(link);
    if (id && !links.has(id)) links.set(id, link);
  }
  if (links.size > 1) {
    return [...links.values()].map((link) => ({
      id: contactId(link),
      name: boundedName(elementValue(link)),
    }));
  }
  const [link = null] = links.values();
  return [readContact(card, link)];
}

const normalised = (text: string | undefined) => cleanText(text)?.toLowerCase();

/**
 * The ticket's customer among the card's contacts: the only one, or the one the ticket header
 * names (Ticket-Helper matches the header's name to a tile the same way). Several and no match:
 * none, rather than a guess.
 */
function ticketContact(doc: Document): CardContact | null {
  for (const selector of selectors.contactCards) {
    const card = doc.querySelector(selector);
    if (!card) continue;
    const contacts = cardContacts(card).filter((c) => c.id || c.email || c.phone);
    if (contacts.length === 1) return contacts[0] ?? null;
    const header = normalised(elementValue(first(doc, selectors.headerContact)));
    const named = header ? contacts.filter((c) => normalised(c.name) === header) : [];
    if (named.length === 1) return named[0] ?? null;
    if (contacts.length > 1) return null;
  }
  return null;
}

export const hubspot: CrmAdapter<'hubspot'> = {
  id: 'hubspot',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind: (url) => address(url)?.objectType ?? null,
  detect(url, doc): CustomerRef | null {
    const record = address(url);
    if (!record) return null;
    if (record.objectType !== 'ticket') {
      return makeRef('hubspot', record.objectType, { id: record.id });
    }
    const contact = ticketContact(doc);
    if (!contact) return null;
    return requesterRef('hubspot', contact.id ? 'contact' : 'ticket', {
      id: contact.id,
      email: contact.email,
      phone: contact.phone,
      displayName: contact.name,
      context: record.id,
    });
  },
};
