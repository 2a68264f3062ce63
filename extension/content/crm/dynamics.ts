import type { ApiLookup, CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedName,
  boundedPhone,
  elementValue,
  first,
  isHidden,
  isJsonObject,
  type JsonObject,
  jsonText,
  makeRef,
  requesterRef,
} from './read.ts';

// Dynamics 365 model-driven apps (Unified Interface, Customer Service workspace).
//
// Hosts: <org>.crm[N].dynamics.com (commercial regions; GCC is crm9), <org>.crm.microsoftdynamics.us
// (GCC High / "USG"), <org>.crm.appsplatform.us (DoD) and <org>.crm.dynamics.cn (China, 21Vianet):
// the five clouds of Microsoft's Global Discovery Service docs ("Discover user organizations",
// learn.microsoft.com/power-apps/developer/data-platform/discovery-service: globaldisco.crm.dynamics.com,
// .crm9.dynamics.com, .crm.microsoftdynamics.us, .crm.appsplatform.us, .crm.dynamics.cn).
const HOST =
  /^[a-z0-9][a-z0-9-]*\.(?:crm\d{0,2}\.dynamics\.com|crm\.microsoftdynamics\.us|crm\.appsplatform\.us|crm\.dynamics\.cn)$/i;

// URL forms (each with a unit test). Every record form is main.aspx with query parameters
// (Microsoft docs "Open forms, views, dialogs, and reports with a URL",
// MicrosoftDocs/powerapps-docs powerapps-docs/developer/model-driven-apps/
// open-forms-views-dialogs-reports-url.md):
// - etn=<logical name>&pagetype=entityrecord&id=%7B<GUID>%7D ("http://myorg.crm.dynamics.com/
//   main.aspx?etn=account&pagetype=entityrecord&id=%7B91330924-...%7D"); `id` is "the encoded GUID"
//   with braces as %7B/%7D.
// - The same with appid=<app> first and a bare GUID, parameters in any order, extra flags after:
//   Microsoft EasyRepro opens records as "main.aspx?appid={appId}&etn={entityName}&pagetype=
//   entityrecord&id={id}" (+ "&flags=testmode=true", "&perf=true"), its comment showing
//   "main.aspx?appid=...&pagetype=entityrecord&etn=lead&id=..." (microsoft/EasyRepro
//   Microsoft.Dynamics365.UIAutomation.Api.UCI/WebClient.cs, OpenEntity); EasyRepro reads the query
//   lower-cased (`uri.Query.ToLower()`), so parameter names are read here without regard to case.
// - Legacy links with the entity type code: "main.aspx?etc=4&id=%7b899D...%7d&pagetype=entityrecord"
//   (the docs' "Send a Link" example; they warn the code "varies for custom entities", so only
//   the fixed system codes are read: Account 1, Contact 2, Lead 4, Incident 112, Microsoft
//   "ObjectTypeCode Values", learn.microsoft.com/en-us/previous-versions/ms955729(v=msdn.10)).
// - `extraqs`, which "contains encoded parameters within this parameter" (same docs page): legacy
//   grid links put the record there, e.g. main.aspx?etc=2&extraqs=%3f_gridType%3d2%26etc%3d2%26id
//   %3d%257b...%257d&pagetype=entityrecord (found in public code).
const MAIN_PAGE = /^\/main\.aspx$/i;
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const ENTITY_TYPE_CODES: ReadonlyMap<string, string> = new Map([
  ['1', 'account'],
  ['2', 'contact'],
  ['4', 'lead'],
  ['112', 'incident'],
]);
/**
 * The customer tables and the page kind each claims. A lead is a person who is not (yet) a
 * customer: it is reported as a lead, and the backend recognises it only if it knows that record
 * or the lead's email.
 */
const PAGE_KINDS: ReadonlyMap<string, string> = new Map([
  ['contact', 'contact'],
  ['account', 'account'],
  ['lead', 'lead'],
  ['incident', 'case'],
]);

/** Lower-case bare GUID from `{GUID}` (URLSearchParams has already decoded %7B/%7D). */
export function normaliseGuid(value: string | null | undefined): string | undefined {
  const match = value ? GUID.exec(value.trim()) : null;
  return match?.[1]?.toLowerCase();
}

/** Query parameters by lower-cased name (the first of each). */
function lowerParams(params: URLSearchParams): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of params) {
    const key = name.toLowerCase();
    if (!map.has(key)) map.set(key, value);
  }
  return map;
}

export interface DynamicsRecord {
  entity: string;
  id: string;
}

/** The record a main.aspx address opens, or null for lists, dashboards and new-record forms. */
export function recordFromUrl(url: URL): DynamicsRecord | null {
  if (!MAIN_PAGE.test(url.pathname)) return null;
  const params = lowerParams(url.searchParams);
  if (params.get('pagetype')?.toLowerCase() !== 'entityrecord') return null;
  const extraqs = params.get('extraqs');
  const extra = lowerParams(new URLSearchParams(extraqs?.replace(/^\?/, '') ?? ''));
  const code = params.get('etc') ?? extra.get('etc');
  const named = params.get('etn') ?? extra.get('etn');
  const entity =
    named !== undefined ? named.trim().toLowerCase() : ENTITY_TYPE_CODES.get(code ?? '');
  const id = normaliseGuid(params.get('id') ?? extra.get('id'));
  return entity && id && PAGE_KINDS.has(entity) ? { entity, id } : null;
}

// ---------------------------------------------------------------------------------------------
// Dataverse Web API. Same-origin GETs from the app's pages carry the user's session: "When you
// use the Web API with JavaScript within HTML web resources, form scripts, or ribbon commands you
// don't need to include any code for authentication ... the user is already authenticated by the
// application" (learn.microsoft.com/power-apps/developer/data-platform/webapi/authenticate-web-api);
// Level Up for Dynamics 365 fetches `${clientUrl}/api/data/v9.2/<set>(<id>)?$select=...` from the
// page with only Accept, OData-MaxVersion: 4.0 and OData-Version: 4.0 (rajyraman/
// Levelup-for-Dynamics-CRM src/content/modules/webapi-client.ts, retrieveRecordWithFetch).
//
// Request and answer: "Retrieve a table row using the Web API" (MicrosoftDocs/powerapps-docs
// powerapps-docs/developer/data-platform/webapi/retrieve-entity-using-web-api.md): GET
// <set>(<id>)?$select=...&$expand=<single-valued navigation property>($select=...), answer a
// JSON object with the selected properties and the expanded record nested under the navigation
// property's name. The case's customer is the polymorphic lookup `customerid`; its navigation
// properties are customerid_contact and customerid_account ("Query data using the Web API",
// "Retrieve data about lookup properties": incidents(<id>)?$select=title,_customerid_value
// &$expand=customerid_contact($select=fullname) answers "customerid_contact": {"fullname",
// "contactid"}; public Xrm.WebApi code expands customerid_account($select=name) beside it).
// Columns: Account Entity Reference (MicrosoftDocs, entities/account.md: accountid, name,
// emailaddress1, telephone1); contact and lead forms show emailaddress1, telephone1 and
// mobilephone (public UI test suites locate `emailaddress1.fieldControl-mail-text-input`,
// `telephone1.fieldControl-phone-text-input`, `mobilephone.fieldControl-phone-text-input`);
// fullname is the contact's name in the docs' examples above.
const API_ROOT = '/api/data/v9.2';
const ODATA_HEADERS = {
  Accept: 'application/json',
  'OData-MaxVersion': '4.0',
  'OData-Version': '4.0',
} as const;
const CONTACT_COLUMNS = 'contactid,fullname,emailaddress1,telephone1,mobilephone';
const ACCOUNT_COLUMNS = 'accountid,name,emailaddress1,telephone1';
const LEAD_COLUMNS = 'leadid,fullname,emailaddress1,telephone1,mobilephone';

const API_PATHS: Readonly<Partial<Record<string, (id: string) => string>>> = {
  incident: (id) =>
    `${API_ROOT}/incidents(${id})?$select=incidentid,_customerid_value` +
    `&$expand=customerid_contact($select=${CONTACT_COLUMNS}),` +
    `customerid_account($select=${ACCOUNT_COLUMNS})`,
  contact: (id) => `${API_ROOT}/contacts(${id})?$select=${CONTACT_COLUMNS}`,
  account: (id) => `${API_ROOT}/accounts(${id})?$select=${ACCOUNT_COLUMNS}`,
  lead: (id) => `${API_ROOT}/leads(${id})?$select=${LEAD_COLUMNS}`,
};

function firstPhone(record: JsonObject, columns: readonly string[]): string | undefined {
  for (const column of columns) {
    const phone = boundedPhone(jsonText(record[column]));
    if (phone) return phone;
  }
  return undefined;
}

/** A contact, account or lead row (its primary key must be `id` when one is expected). */
function personOrCompany(
  entity: 'contact' | 'account' | 'lead',
  record: unknown,
  expectedId: string | undefined,
  contextId: string | undefined,
): CustomerRef | null {
  if (!isJsonObject(record)) return null;
  const recordId = normaliseGuid(jsonText(record[`${entity}id`]));
  if (!recordId || (expectedId && recordId !== expectedId)) return null;
  const isAccount = entity === 'account';
  return makeRef('dynamics', entity, {
    id: recordId,
    email: boundedEmail(jsonText(record.emailaddress1)),
    phone: firstPhone(record, isAccount ? ['telephone1'] : ['telephone1', 'mobilephone']),
    displayName: boundedName(jsonText(isAccount ? record.name : record.fullname)),
    context: contextId,
  });
}

/** The customer of a case in a Web API answer: the expanded contact, else the account. */
export function parseIncident(body: unknown, incidentId: string): CustomerRef | null {
  if (!isJsonObject(body)) return null;
  // An answer about another record names no customer of this case.
  if (body.incidentid !== undefined && normaliseGuid(jsonText(body.incidentid)) !== incidentId) {
    return null;
  }
  return (
    personOrCompany('contact', body.customerid_contact, undefined, incidentId) ??
    personOrCompany('account', body.customerid_account, undefined, incidentId)
  );
}

/** A contact, account or lead row in a Web API answer, checked against the page's id. */
export function parseRecord(body: unknown, entity: string, id: string): CustomerRef | null {
  if (entity !== 'contact' && entity !== 'account' && entity !== 'lead') return null;
  return personOrCompany(entity, body, id, undefined);
}

// ---------------------------------------------------------------------------------------------
// The page, for a case only (the other records are named by the address).
// - The form: `[data-id="editFormRoot"]` (EasyRepro Entity_FormContainer "//*[@data-id=
//   'editFormRoot']", microsoft/EasyRepro Microsoft.Dynamics365.UIAutomation.Api.UCI/DTO/
//   AppElementReference.cs). In multisession apps each session keeps its form in the DOM; only
//   the focused one is visible, so a single visible form is the scope.
// - The customer lookup's shown name: EasyRepro Entity_LookupFieldExistingValue ".//*[contains(
//   @data-id, '[NAME].fieldControl-LookupResultsDropdown_[NAME]_selected_tag') and @role='link']"
//   with [NAME] = customerid; public UI test suites read the same value from
//   `[data-id="customerid.fieldControl-LookupResultsDropdown_customerid_selected_tag_text"]`.
// - Email and phone: the `<field>.fieldControl-mail-text-input` / `-phone-text-input` inputs
//   (public UI test suites, on contact and lead forms; EasyRepro Entity_TextFieldValue
//   ".//input[contains(@data-id, '[NAME].fieldControl')]"). Read on the case form by suffix, i.e.
//   from the contact quick view: guess (no public source shows the quick view's data-id prefix).
const FORM = '[data-id="editFormRoot"]';
const caseSelectors = {
  name: [
    '[data-id*="customerid.fieldControl-LookupResultsDropdown_customerid_selected_tag"][role="link"]',
    '[data-id="customerid.fieldControl-LookupResultsDropdown_customerid_selected_tag_text"]',
  ],
  // guess (no public evidence for the case form's quick view): suffixes evidenced on main forms.
  email: ['input[data-id$="emailaddress1.fieldControl-mail-text-input"]'],
  phone: [
    'input[data-id$="telephone1.fieldControl-phone-text-input"]',
    'input[data-id$="mobilephone.fieldControl-phone-text-input"]',
  ],
} as const;

function visibleForm(doc: Document): ParentNode | null {
  const forms = [...doc.querySelectorAll(FORM)].filter((form) => !isHidden(form));
  // No form yet (lazy DOM), or several shown at once: no session can be told apart safely.
  return forms.length === 1 && forms[0] ? forms[0] : null;
}

function caseFromPage(doc: Document, incidentId: string): CustomerRef | null {
  const form = visibleForm(doc);
  if (!form) return null;
  return requesterRef('dynamics', 'incident', {
    email: boundedEmail(elementValue(first(form, caseSelectors.email))),
    phone: boundedPhone(elementValue(first(form, caseSelectors.phone))),
    displayName: boundedName(elementValue(first(form, caseSelectors.name))),
    context: incidentId,
  });
}

export const dynamics: CrmAdapter<'dynamics'> = {
  id: 'dynamics',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind(url) {
    const record = recordFromUrl(url);
    return record ? (PAGE_KINDS.get(record.entity) ?? null) : null;
  },
  apiLookup(url): ApiLookup | null {
    const record = recordFromUrl(url);
    const path =
      record && Object.hasOwn(API_PATHS, record.entity) ? API_PATHS[record.entity] : undefined;
    if (!record || !path) return null;
    const { entity, id } = record;
    return {
      key: `${entity}:${id}`,
      path: path(id),
      headers: ODATA_HEADERS,
      parse: (body) =>
        entity === 'incident' ? parseIncident(body, id) : parseRecord(body, entity, id),
    };
  },
  detect(url, doc) {
    const record = recordFromUrl(url);
    if (!record) return null;
    if (record.entity === 'incident') return caseFromPage(doc, record.id);
    return makeRef('dynamics', record.entity, { id: record.id });
  },
};
