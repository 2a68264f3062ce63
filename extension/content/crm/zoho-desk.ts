import type { CrmAdapter } from './types.ts';
import { first, makeRef, readPerson, requesterRef } from './read.ts';
import { zohoDeskDomains } from '../../shared/crm-catalogue.ts';

// Zoho Desk on its regional domains: /agent/<portal>/<department>/tickets/details/<id> and
// /agent/<portal>/<department>/contacts/details/<id>. The ticket's contact is in the
// ticket's left property panel.
// The regions are the catalogue's (and manifest.json's optional_host_permissions).
const HOST = new RegExp(
  `^desk\\.zoho\\.(?:${zohoDeskDomains.map((d) => d.replace('.', '\\.')).join('|')})$`,
  'i',
);
const DETAILS_PATH =
  /^\/agent\/([^/]{1,100})\/([^/]{1,100})\/(tickets|contacts)\/details\/(\d{1,25})\/?$/;

const selectors = {
  contact: ['[data-id="ticketContactInfo"]'],
  name: ['[data-id="contactName"]'],
  email: ['[data-id="contactEmail"]', 'a[href^="mailto:"]'],
  phone: ['[data-id="contactPhone"]', 'a[href^="tel:"]'],
} as const;

export const zohoDesk: CrmAdapter<'zoho-desk'> = {
  id: 'zoho-desk',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  detect(url, doc) {
    const match = DETAILS_PATH.exec(url.pathname);
    if (!match) return null;
    const [, , , kind, id = ''] = match;
    if (kind === 'contacts') return makeRef('zoho-desk', 'contact', { recordId: id });
    const contact = first(doc, selectors.contact);
    if (!contact) return null;
    const nameElement = first(contact, selectors.name);
    const linked = DETAILS_PATH.exec(nameElement?.getAttribute('href') ?? '');
    const contactId = linked?.[3] === 'contacts' ? linked[4] : undefined;
    return requesterRef('zoho-desk', contactId ? 'contact' : 'ticket', {
      recordId: contactId,
      ...readPerson(contact, selectors),
      contextId: id,
    });
  },
};
