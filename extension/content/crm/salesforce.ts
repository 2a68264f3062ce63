import type { CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedName,
  boundedPhone,
  deepQuery,
  elementValue,
  makeRef,
  pathSegment,
} from './read.ts';

// Salesforce Lightning. Record pages: /lightning/r/<SObject>/<Id>/view. In console apps the URL
// path is the focused subtab and `?ws=` the enclosing workspace tab. LWC renders the record in
// (open) shadow roots, so the URL is primary and the DOM is read only for a case's contact.
const HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:lightning\.force\.com|my\.salesforce\.com)$/i;
const RECORD_PATH = /^\/lightning\/r\/([A-Za-z0-9_]+)\/([A-Za-z0-9]{15}|[A-Za-z0-9]{18})\/view\/?$/;
const KEY_PREFIX: Record<string, string> = { Account: '001', Contact: '003', Case: '500' };
const CUSTOMER_OBJECTS = new Set(['Account', 'Contact']);

const selectors = {
  /** The visible record view; Lightning keeps earlier tabs' views in the DOM, hidden. */
  activeView: ['.oneWorkspace.active', '.oneContent.active'],
  caseContact: '[data-target-selection-name="sfdc:RecordField.Case.ContactId"]',
  caseContactEmail: '[data-target-selection-name="sfdc:RecordField.Case.ContactEmail"]',
  caseContactPhone: '[data-target-selection-name="sfdc:RecordField.Case.ContactPhone"]',
  contactLink: 'a[href*="/lightning/r/"]',
  // Formatted values render their text inside their own shadow roots: read the links.
  emailValue: ['a[href^="mailto:"]', '.test-id__field-value'],
  phoneValue: ['a[href^="tel:"]', '.test-id__field-value'],
} as const;

interface RecordAddress {
  sObject: string;
  id: string;
}

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** An 18-char id ends in a checksum of the 15-char id's letter case; a 15-char id has none. */
function hasValidChecksum(id: string): boolean {
  if (id.length === 15) return true;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const char = id.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits);
  }
  return id.slice(15) === suffix;
}

export function parseRecordPath(path: string): RecordAddress | null {
  const match = RECORD_PATH.exec(path);
  if (!match) return null;
  const [, sObject = '', id = ''] = match;
  if (!hasValidChecksum(id)) return null;
  const prefix = KEY_PREFIX[sObject];
  if (prefix && !id.startsWith(prefix)) return null;
  return { sObject, id };
}

function activeView(doc: Document): ParentNode {
  for (const selector of selectors.activeView) {
    const view = doc.querySelector(selector);
    if (view) return view;
  }
  return doc;
}

function fieldValue(root: ParentNode, fieldSelector: string, valueSelectors: readonly string[]) {
  const field = deepQuery(root, fieldSelector);
  if (!field) return undefined;
  const scope = field.shadowRoot ?? field;
  for (const selector of valueSelectors) {
    const value = elementValue(deepQuery(scope, selector));
    if (value) return value;
  }
  return undefined;
}

/** The contact shown on a case page, if Lightning has rendered it yet. */
function caseContact(doc: Document, caseId: string): CustomerRef | null {
  const root = activeView(doc);
  const field = deepQuery(root, selectors.caseContact);
  const link = field ? deepQuery(field.shadowRoot ?? field, selectors.contactLink) : null;
  const linked = link
    ? parseRecordPath(new URL(link.getAttribute('href') ?? '', 'https://x').pathname)
    : null;
  const contactId = linked?.sObject === 'Contact' ? linked.id : undefined;
  const email = boundedEmail(fieldValue(root, selectors.caseContactEmail, selectors.emailValue));
  const phone = boundedPhone(fieldValue(root, selectors.caseContactPhone, selectors.phoneValue));
  if (!contactId && !email && !phone) return null;
  return makeRef('salesforce', 'Contact', {
    recordId: contactId,
    email,
    phone,
    displayName: boundedName(elementValue(link)),
    contextId: caseId,
  });
}

function workspaceRecord(url: URL): RecordAddress | null {
  const workspace = url.searchParams.get('ws');
  return workspace ? parseRecordPath(workspace.split('?')[0] ?? '') : null;
}

export const salesforce: CrmAdapter<'salesforce'> = {
  id: 'salesforce',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  detect(url, doc) {
    const path = pathSegment(url.pathname);
    const focused = path ? parseRecordPath(path) : null;
    const workspace = workspaceRecord(url);
    // The focused subtab is what the CSR looks at; if it is a customer, it is the customer.
    if (focused && CUSTOMER_OBJECTS.has(focused.sObject)) {
      return makeRef('salesforce', focused.sObject, { recordId: focused.id });
    }
    const contextId = focused?.sObject === 'Case' ? focused.id : undefined;
    if (contextId) {
      const contact = caseContact(doc, contextId);
      if (contact) return contact;
    }
    // A case or other record opened under a customer's workspace tab belongs to that customer.
    if (workspace && CUSTOMER_OBJECTS.has(workspace.sObject)) {
      return makeRef('salesforce', workspace.sObject, { recordId: workspace.id, contextId });
    }
    return null;
  },
};
