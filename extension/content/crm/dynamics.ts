import type { CrmAdapter } from './types.ts';
import { isHidden, makeRef, readPerson, requesterRef } from './read.ts';

// Dynamics 365 (model-driven apps, Unified Interface). The record is in the query string:
// main.aspx?appid=…&pagetype=entityrecord&etn=contact&id=%7B<guid>%7D. In multisession apps
// (Customer Service workspace) each session keeps a form in the DOM; only the focused is visible.
const HOST = /^[a-z0-9][a-z0-9-]*\.crm\d{0,2}\.dynamics\.com$/i;
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const CUSTOMER_ENTITIES = new Set(['contact', 'account']);

const selectors = {
  form: '[data-id="editFormRoot"], [data-id="form-root"]',
  customer: {
    name: ['[data-id^="customerid"][data-id$="_selected_tag_text"]'],
    email: ['input[data-id$="emailaddress1.fieldControl-mail-text-input"]', 'a[href^="mailto:"]'],
    phone: ['input[data-id$="telephone1.fieldControl-phone-text-input"]', 'a[href^="tel:"]'],
  },
} as const;

/** Lower-case bare GUID from `{GUID}` (URLSearchParams has already decoded %7B/%7D). */
export function normaliseGuid(value: string | null): string | undefined {
  const match = value ? GUID.exec(value.trim()) : null;
  return match?.[1]?.toLowerCase();
}

function visibleForm(doc: Document): ParentNode {
  const forms = [...doc.querySelectorAll(selectors.form)].filter((form) => !isHidden(form));
  return forms.length === 1 && forms[0] ? forms[0] : doc;
}

export const dynamics: CrmAdapter<'dynamics'> = {
  id: 'dynamics',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  detect(url, doc) {
    if (!/^\/main\.aspx$/i.test(url.pathname)) return null;
    const params = url.searchParams;
    if (params.get('pagetype') !== 'entityrecord') return null;
    const entity = params.get('etn')?.toLowerCase();
    const id = normaliseGuid(params.get('id'));
    if (!entity || !id) return null;
    if (CUSTOMER_ENTITIES.has(entity)) return makeRef('dynamics', entity, { recordId: id });
    if (entity !== 'incident') return null;
    // A case's customer lookup shows a name only; the contact quick view adds email and phone.
    const form = visibleForm(doc);
    return requesterRef('dynamics', 'incident', {
      ...readPerson(form, selectors.customer),
      contextId: id,
    });
  },
};
