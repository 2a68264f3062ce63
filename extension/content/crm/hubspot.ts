import type { CrmAdapter } from './types.ts';
import { first, makeRef, readPerson, requesterRef } from './read.ts';

// HubSpot CRM on its regional hosts (app, app-eu1, app-na2, ...). Record pages name the object
// type by id: 0-1 contact, 0-2 company, 0-5 ticket; older links use /contact/<id>. The ticket's
// contacts are rendered lazily in the right sidebar's association cards.
const HOST = /^app(?:-[a-z]{2,4}\d{1,2})?\.hubspot\.com$/i;
const RECORD_PATH = /^\/contacts\/(\d{1,12})\/record\/(0-[125])\/(\d{1,20})\/?(?:$|\/)/;
const LEGACY_PATH = /^\/contacts\/(\d{1,12})\/(contact|company|ticket)\/(\d{1,20})\/?(?:$|\/)/;
const OBJECT_TYPES: Record<string, string> = {
  '0-1': 'contact',
  '0-2': 'company',
  '0-5': 'ticket',
};
const CONTACT_LINK = /\/contacts\/\d{1,12}\/(?:record\/0-1|contact)\/(\d{1,20})(?:\/|$)/;

const selectors = {
  associatedContacts: ['[data-test-id="associations-card-contacts"]'],
  contactLink: 'a[href*="/record/0-1/"], a[href*="/contact/"]',
  contact: {
    email: ['[data-test-id="association-email"]', 'a[href^="mailto:"]'],
    phone: ['[data-test-id="association-phone"]', 'a[href^="tel:"]'],
    name: ['a[href*="/record/0-1/"]', 'a[href*="/contact/"]'],
  },
} as const;

function recordAddress(path: string): { objectType: string; id: string } | null {
  const modern = RECORD_PATH.exec(path);
  if (modern) return { objectType: OBJECT_TYPES[modern[2] ?? ''] ?? '', id: modern[3] ?? '' };
  const legacy = LEGACY_PATH.exec(path);
  if (legacy) return { objectType: legacy[2] ?? '', id: legacy[3] ?? '' };
  return null;
}

export const hubspot: CrmAdapter<'hubspot'> = {
  id: 'hubspot',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  detect(url, doc) {
    const record = recordAddress(url.pathname);
    if (!record) return null;
    if (record.objectType !== 'ticket') {
      return makeRef('hubspot', record.objectType, { recordId: record.id });
    }
    const card = first(doc, selectors.associatedContacts);
    if (!card) return null;
    const link = card.querySelector(selectors.contactLink);
    const contactId = CONTACT_LINK.exec(link?.getAttribute('href') ?? '')?.[1];
    return requesterRef('hubspot', contactId ? 'contact' : 'ticket', {
      recordId: contactId,
      ...readPerson(card, selectors.contact),
      contextId: record.id,
    });
  },
};
