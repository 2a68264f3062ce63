import type { CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  boundedPhone,
  elementValue,
  isHidden,
  makeRef,
  pathSegment,
} from './read.ts';
import { salesforceIdChecksum } from '../../../src/contract/salesforce-id.ts';

// Salesforce Lightning Experience: the address first, the page only for a case's contact.
//
// No API lookup (no `apiLookup`), on purpose. REST and UI API calls (/services/data/...) need an
// `Authorization: Bearer` access token ("Using REST API requires an access token":
// developer.salesforce.com/docs/atlas.en-us.234.0.api_rest.meta/api/quickstart_oauth.htm), and the
// session a Lightning page runs on is not one: "By security policy, sessions created by Lightning
// components aren't enabled for API access" (developer.salesforce.com/docs/platform/lwc/guide/
// data-api-calls-apex.html), and session ids differ per domain, *.lightning.force.com being its
// own context (help.salesforce.com customize_functions_getsessionid.htm). Tools that do call the
// API from a tab read the `sid` cookie of *.my.salesforce.com with the `cookies` permission and
// send it as a bearer token (Salesforce Inspector: tprouvot/Salesforce-Inspector-reloaded
// addon/background.js, whose comment notes the page-domain session "does not have API access").
// LoopDesk does not ask for the cookies permission or handle session tokens (least privilege),
// so a same-origin cookie request from the Lightning page would only be refused.

// Record addresses. Evidence for each form:
// - /lightning/r/<SObject>/<Id>/view: Salesforce's own UTAM recipes build record pages so
//   (salesforce/utam-js-recipes force-app/test/utilities/record-type.js).
// - /lightning/r/<Id>/view, no object name: lookup links on a real tenant's page are written so
//   (faaizhipa/forceUp .reference/extension_v3.3/.hrml/case-details_tab.html: an observed
//   related-list grid with href="/lightning/r/005…/view"); the object comes from the key prefix.
// - /lightning/r/<SObject>/<Id>/related/<Rel>/view: UNiXMIT/UNiXSF SFExt/js/SFExt.js builds
//   `…/related/Entitlements/view` and `…/related/AccountTeamMembers/view` from an account link
//   (the same without the object name, `/lightning/r/<Id>/related/Contacts/view`, is built by
//   public Aura code found by code search).
// - /lightning/r/<SObject>/<Id>/edit: the record page with actionName 'edit' (trailheadapps/
//   lwc-recipes navToRecord, standard__recordPage); Salesforce Inspector reads the record id from
//   any /lightning/r/<SObject>/<Id>/… path whatever follows (addon/popup.js getRecordId).
// - `?ws=<record path>` in console apps names the enclosing workspace tab while the path is the
//   focused subtab (console URLs built by public Aura/LWC code, e.g. `/lightning/r/Case/<id>/view
//   ?ws=%2Flightning%2Fr%2FAccount%2F<id>%2Fview`; found by code search, repository not named).
// Hosts: *.lightning.force.com, sandboxes included (acme--uat.sandbox.lightning.force.com); the
// Salesforce Inspector checks the same suffix (addon/popup.js).
const HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:lightning\.force\.com|my\.salesforce\.com)$/i;
const SF_ID = '[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?';
const RECORD_PATH = new RegExp(
  `^/lightning/r/(?:([A-Za-z][A-Za-z0-9_]{0,79})/)?(${SF_ID})` +
    `/(?:view|edit|related/[A-Za-z][A-Za-z0-9_]{0,79}/view)/?$`,
);

// Key prefixes (first three characters of an id, case-sensitive): Salesforce Help's key prefix
// table (help.salesforce.com/s/articleView?id=000385203: 001 Account, 003 Contact, 00Q Lead);
// 500 Case as in Classic's case list address /500/o (salesforceconcepts.blogspot.com/2014/03/
// salesforces-url-structure.html).
const KEY_PREFIX: Readonly<Record<string, string>> = {
  Account: '001',
  Contact: '003',
  Lead: '00Q',
  Case: '500',
};
const OBJECT_BY_PREFIX: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(KEY_PREFIX).map(([sObject, prefix]) => [prefix, sObject]),
);
/** Records that are themselves the customer (the CSR looks at the person or company). */
const CUSTOMER_OBJECTS = new Set(['Account', 'Contact', 'Lead']);
const PAGE_KINDS: Readonly<Record<string, string>> = {
  Account: 'account',
  Contact: 'contact',
  Lead: 'lead',
  Case: 'case',
};

// Page markup. Record fields carry `data-target-selection-name="sfdc:RecordField.<Object>.<Field>"`
// on the div inside `records-record-layout-item` / `record_flexipage-record-field` (Salesforce
// Inspector reads `records-record-layout-item > div` and splits that attribute for the field's API
// name: tprouvot/Salesforce-Inspector-reloaded addon/button.js). The Case contact field is read by
// live-tenant code as `div[data-target-selection-name="sfdc:RecordField.Case.ContactId"]`
// (faaizhipa/forceUp modules/caseDetailExtractor.js). Case's ContactEmail and ContactPhone fields
// are in the Case field reference (developer.salesforce.com/docs/atlas.en-us.228.0.sfFieldRef.meta/
// sfFieldRef/salesforce_field_reference_Case.htm).
const selectors = {
  caseContact: '[data-target-selection-name="sfdc:RecordField.Case.ContactId"]',
  // guess (no public evidence of these two exact attribute values): the evidenced
  // sfdc:RecordField.<Object>.<Field> pattern with the Case field names above.
  caseContactEmail: '[data-target-selection-name="sfdc:RecordField.Case.ContactEmail"]',
  caseContactPhone: '[data-target-selection-name="sfdc:RecordField.Case.ContactPhone"]',
  /**
   * The lookup link: a record link (observed as href="/lightning/r/<Id>/view" with
   * data-recordid in faaizhipa/forceUp's recorded page).
   */
  contactLink: 'a[href*="/lightning/r/"], a[data-recordid]',
  // A field's shown value is the element in `[slot="outputField"]` (UTAM's recordLayoutItem
  // template has `<slot name="outputField">`: salesforce/utam-js-recipes utam-generator/src/lwc/
  // recordLayoutItem.html; forceUp reads `lightning-formatted-text[slot="outputField"]`). The
  // mailto:/tel: links come first: guess (no public evidence that lightning-formatted-email and
  // -phone render such links on a tenant; the text of the output slot is the fallback).
  emailValue: ['a[href^="mailto:"]', '[slot="outputField"]'],
  phoneValue: ['a[href^="tel:"]', '[slot="outputField"]'],
  /**
   * Containers Lightning keeps in the DOM for tabs and pages that are not on screen; the one on
   * screen has class `active`. Console workspace and subtab panels: `.oneWorkspace.active`,
   * `section.tabContent.active.oneConsoleTab` (UNiXMIT/UNiXSF SFExt/js/SFExt.js reads the active
   * case as `div.split-right > .tabContent.active.oneConsoleTab`; other extensions read
   * `.active.oneWorkspace .active.oneConsoleTab`, found by code search). Page hosts:
   * `div.windowViewMode-normal.active` in standard navigation and
   * `section.oneConsoleTab div.windowViewMode-maximized.active.lafPageHost` in the console
   * (Salesforce Inspector, addon/button.js openPopup); public Selenium page objects address the
   * standard one as `div.windowViewMode-normal.oneContent.active.lafPageHost` (code search).
   */
  viewContainer: '.oneWorkspace, section.oneConsoleTab, .lafPageHost, .oneContent',
} as const;

export interface RecordAddress {
  /** The object the address names, or the one its key prefix stands for; undefined if unknown. */
  sObject: string | undefined;
  id: string;
}

/** A 15-character id has no checksum; an 18-character one must carry the right one. */
function hasValidChecksum(id: string): boolean {
  return id.length === 15 || id.slice(15) === salesforceIdChecksum(id.slice(0, 15));
}

/** A record path's object and id, checked against the id's checksum and key prefix. */
export function parseRecordPath(path: string): RecordAddress | null {
  const match = RECORD_PATH.exec(path);
  if (!match) return null;
  const [, named, id = ''] = match;
  if (!hasValidChecksum(id)) return null;
  const byPrefix = OBJECT_BY_PREFIX[id.slice(0, 3)];
  if (!named) return { sObject: byPrefix, id };
  // A known object whose id has another object's prefix is no real address.
  const prefix = KEY_PREFIX[named];
  if (prefix && !id.startsWith(prefix)) return null;
  return { sObject: named, id };
}

function focusedRecord(url: URL): RecordAddress | null {
  const path = pathSegment(url.pathname);
  return path ? parseRecordPath(path) : null;
}

function workspaceRecord(url: URL): RecordAddress | null {
  const workspace = url.searchParams.get('ws');
  return workspace ? parseRecordPath(workspace.split('?')[0] ?? '') : null;
}

/** The parent across a shadow boundary too (fields may render inside open shadow roots). */
function parentAcrossShadow(node: Element): Element | null {
  if (node.parentElement) return node.parentElement;
  const root = node.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

/**
 * Whether an element is on screen: no enclosing tab panel or page host lacks `active`, and
 * nothing around it is hidden. Earlier pages and background subtabs stay in the DOM.
 */
function inFocusedView(element: Element): boolean {
  for (let node: Element | null = element; node; node = parentAcrossShadow(node)) {
    if (node.matches(selectors.viewContainer) && !node.classList.contains('active')) return false;
    if (isHidden(node, node.parentElement ?? undefined)) return false;
  }
  return true;
}

/** The innermost tab panel or page host around an element: one record view. */
function viewOf(element: Element): Element | null {
  for (let node = parentAcrossShadow(element); node; node = parentAcrossShadow(node)) {
    if (node.matches(selectors.viewContainer)) return node;
  }
  return null;
}

/** `root` and every open shadow root under it, in one bounded walk. */
function searchRoots(root: ParentNode, maxNodes = 20_000): ParentNode[] {
  const roots: ParentNode[] = [];
  const pending: ParentNode[] = [root];
  // A field element may host the shadow root its value renders in.
  if (root instanceof Element && root.shadowRoot) pending.push(root.shadowRoot);
  let visited = 0;
  while (pending.length > 0) {
    const current = pending.pop() as ParentNode;
    roots.push(current);
    for (const element of current.querySelectorAll('*')) {
      if (++visited > maxNodes) return roots;
      if (element.shadowRoot) pending.push(element.shadowRoot);
    }
  }
  return roots;
}

function queryRoots(roots: readonly ParentNode[], selector: string): Element[] {
  return roots.flatMap((root) => [...root.querySelectorAll(selector)]);
}

/** The first match of a selector inside a field, its own shadow root included. */
function inField(field: Element, selector: string): Element | null {
  return queryRoots(searchRoots(field), selector)[0] ?? null;
}

/** A field's value in the same record view (`view`), read from the page's roots. */
function fieldValue(
  roots: readonly ParentNode[],
  view: Element | null,
  fieldSelector: string,
  valueSelectors: readonly string[],
) {
  const field = queryRoots(roots, fieldSelector).find(
    (candidate) => inFocusedView(candidate) && viewOf(candidate) === view,
  );
  if (!field) return undefined;
  for (const selector of valueSelectors) {
    const value = elementValue(inField(field, selector));
    if (value) return value;
  }
  return undefined;
}

/** The path of a link (relative or absolute), or undefined if it is no URL. */
function hrefPath(href: string | null): string | undefined {
  if (!href) return undefined;
  try {
    return pathSegment(new URL(href, 'https://placeholder.invalid').pathname);
  } catch {
    return undefined;
  }
}

function linkedContactId(link: Element | null): string | undefined {
  if (!link) return undefined;
  const path = hrefPath(link.getAttribute('href'));
  const linked = path ? parseRecordPath(path) : null;
  if (linked) return linked.sObject === 'Contact' ? linked.id : undefined;
  // Some lookup links carry only `data-recordid` (href="javascript:void(0);" in the recording).
  const id = boundedId(link.getAttribute('data-recordid'));
  return id && /^003[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(id) && hasValidChecksum(id)
    ? id
    : undefined;
}

/** The contact a case view shows, or null when it shows none yet. */
function contactInView(
  field: Element,
  caseId: string,
  roots: readonly ParentNode[],
): CustomerRef | null {
  const view = viewOf(field);
  const link = inField(field, selectors.contactLink);
  const contactId = linkedContactId(link);
  const email = boundedEmail(
    fieldValue(roots, view, selectors.caseContactEmail, selectors.emailValue),
  );
  const phone = boundedPhone(
    fieldValue(roots, view, selectors.caseContactPhone, selectors.phoneValue),
  );
  if (!contactId && !email && !phone) return null;
  return makeRef('salesforce', 'Contact', {
    id: contactId,
    email,
    phone,
    displayName: boundedName(elementValue(link)),
    context: caseId,
  });
}

/**
 * The contact of the case on screen. Lightning keeps background subtabs (other cases) in the
 * DOM, so only fields in the focused view count; if the views still on screen disagree, the page
 * cannot say which case is focused and is not read at all (rather than read the wrong customer).
 */
function caseContact(doc: Document, caseId: string): CustomerRef | null {
  // The page's shadow roots are found once per check: walking them is most of a check's time.
  const roots = searchRoots(doc);
  const refs = queryRoots(roots, selectors.caseContact)
    .filter(inFocusedView)
    .map((field) => contactInView(field, caseId, roots))
    .filter((ref): ref is CustomerRef => ref !== null);
  const [ref] = refs;
  if (!ref) return null;
  const key = JSON.stringify(ref);
  return refs.every((other) => JSON.stringify(other) === key) ? ref : null;
}

export const salesforce: CrmAdapter<'salesforce'> = {
  id: 'salesforce',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind(url) {
    const sObject = focusedRecord(url)?.sObject;
    return (sObject && PAGE_KINDS[sObject]) ?? null;
  },
  detect(url, doc) {
    const focused = focusedRecord(url);
    // The focused subtab is what the CSR looks at; if it is a customer, it is the customer.
    if (focused?.sObject && CUSTOMER_OBJECTS.has(focused.sObject)) {
      return makeRef('salesforce', focused.sObject, { id: focused.id });
    }
    const contextId = focused?.sObject === 'Case' ? focused.id : undefined;
    if (contextId) {
      const contact = caseContact(doc, contextId);
      if (contact) return contact;
    }
    // A case or other record opened under a customer's workspace tab belongs to that customer.
    const workspace = workspaceRecord(url);
    if (workspace?.sObject && CUSTOMER_OBJECTS.has(workspace.sObject)) {
      return makeRef('salesforce', workspace.sObject, { id: workspace.id, context: contextId });
    }
    return null;
  },
};
