import type { ApiLookup, CrmAdapter, CustomerRef } from './types.ts';
import {
  boundedEmail,
  boundedName,
  boundedPhone,
  deepQuery,
  elementValue,
  isHidden,
  isJsonObject,
  type JsonObject,
  makeRef,
  requesterRef,
} from './read.ts';

// ServiceNow Customer Service Management on <instance>.service-now.com, or on a domain of the
// customer's own (custom URL): then the admin enters the origin and the address alone decides,
// which is why nothing below looks at the host.
//
// Tables (ServiceNow docs, Case API, "Response body parameters": a case's `contact` is a
// Contact [customer_contact] for business-to-business cases, its `consumer` a Consumer
// [csm_consumer] for business-to-consumer cases, its `account` an Account [customer_account];
// github.com/ServiceNow/ServiceNowDocs markdown/api-reference/rest-apis/case-api.md).
const HOST = /^[a-z0-9][a-z0-9-]*\.service-now\.com$/i;
const CASE_TABLE = 'sn_customerservice_case';
const CONTACT_TABLE = 'customer_contact';
const CONSUMER_TABLE = 'csm_consumer';
const ACCOUNT_TABLE = 'customer_account';
const TABLE = /^[a-z0-9_]{1,80}$/;
const SYS_ID = /^[0-9a-f]{32}$/;

/** The page kind of each table whose record is a customer, or the case naming one. */
const PAGE_KINDS: ReadonlyMap<string, string> = new Map([
  [CASE_TABLE, 'case'],
  [CONTACT_TABLE, 'contact'],
  [CONSUMER_TABLE, 'consumer'],
  [ACCOUNT_TABLE, 'account'],
]);

interface RecordAddress {
  table: string;
  sysId: string;
  /** The case whose workspace tab a sub-record is open in. */
  parentCase?: string;
}

// URL forms, each with a unit test:
//
// 1. Workspace records: /now/<workspace>/record/<table>/<sys_id>[/params/...]. ServiceNow docs,
//    "Links to records in email notifications" (platform-administration/
//    c_EnablingLinksToServiceNowRecords.md): "https://<instance_name>/now/workspace/
//    <workspace_name>/record/<table_name>/<sys_id>", with /now/workspace/agent/record/ as the
//    example. The CSM Configurable Workspace lives under /now/cwf/agent/ (public slash command
//    "/csmrec": /now/cwf/agent/record/$table/$sysid/params/selected-tab-index/0,
//    TWalkerVeracity/SlashcommandArchive README.md); the Service Operations Workspace under
//    /now/sow/ (ServiceNow's WorkArena benchmark reads `sow/record/<table>/<sys_id>` from the
//    address: ServiceNow/WorkArena src/browsergym/workarena/tasks/form_workspace.py).
// 2. A sub-record opened inside a record's tab: .../record/<table>/<sys_id>/params/
//    selected-tab-index/<n>/sub/record/<table>/<sys_id>[/params/...]. ServiceNow's own UX router
//    utility (generateRoutePathForSubURL, importing @devsnc/snowdash) documents exactly
//    "/now/cwf/agent/record/sn_customerservice_case/<sys_id>/params/selected-tab-index/0/sub/
//    record/csm_consumer/<sys_id>/params/selected-tab-index/2" (found in the public code index,
//    which does not name its repository); a SOW referrer of the same shape
//    (/now/sow/record/interaction/<id>/params/.../sub/record/incident/<id>) is in public code too.
const WORKSPACE_RECORD =
  /^\/now\/(?:cwf\/agent|workspace\/[a-z0-9_-]{1,60}|sow)\/record\/([a-z0-9_]{1,80})\/([0-9a-fA-F]{32})(\/.*)?$/;
const SUB_RECORD = /\/sub\/record\/([a-z0-9_]{1,80})\/([0-9a-fA-F]{32})(?:\/|$)/;
// 3. Classic forms: /<table>.do?sys_id=<sys_id>. ServiceNow docs, "Examples of navigating by URL"
//    (platform-user-interface/r_NavigatingByURLExamples.md): "https://<instance name>.service-now.com/
//    incident.do?sys_id=966c9a414f5593001f6eac118110c75c".
const CLASSIC_FORM = /^\/([a-z0-9_]{1,80})\.do$/;
// 4. The classic frame: /nav_to.do?uri=<table>.do?sys_id=<sys_id> (same docs page: "Schema:
//    https://<baseURL>/nav_to.do?uri=<table name>.do?sys_id=<sys_id>"); the uri may come encoded
//    (uri=%2Fsn_customerservice_case.do%3Fsys_id%3D..., in public code).
const NAV_TO = /^\/nav_to\.do$/;
// 5. Next Experience's Unified Navigation wrapping a classic page:
//    /now/nav/ui/classic/params/target/<encodeURIComponent(path + search)>. ServiceNow docs,
//    "Next Experience client-side scripting global variables": `top.window.location.href =
//    "/now/nav/ui/classic/params/target/" + encodeURIComponent(currentPath)`; WorkArena's
//    extract_sys_id unquotes such targets up to three times ("some SN URLs are doubly-encoded").
const CLASSIC_TARGET = /^\/now\/nav\/ui\/classic\/params\/target\/(.+)$/;

function decodeRepeatedly(value: string): string | undefined {
  let current = value;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

function address(table: string, sysId: string): RecordAddress | null {
  const id = sysId.toLowerCase();
  return TABLE.test(table) && SYS_ID.test(id) ? { table, sysId: id } : null;
}

/** A classic `<table>.do?sys_id=...` address (also inside nav_to.do and Next Experience). */
function classicRecord(target: string, depth: number): RecordAddress | null {
  let url: URL;
  try {
    // Targets are written with or without a leading slash; resolve them on a dummy origin.
    url = new URL(target.startsWith('/') ? target : `/${target}`, 'https://servicenow.invalid');
  } catch {
    return null;
  }
  if (NAV_TO.test(url.pathname)) {
    const uri = url.searchParams.get('uri');
    return uri && depth < 2 ? classicRecord(uri, depth + 1) : null;
  }
  const table = CLASSIC_FORM.exec(url.pathname)?.[1];
  const sysId = url.searchParams.get('sys_id');
  return table && sysId ? address(table, sysId) : null;
}

/** The record the address names, from the path alone (custom domains have no known host). */
export function recordFromUrl(url: URL): RecordAddress | null {
  const workspace = WORKSPACE_RECORD.exec(url.pathname);
  if (workspace) {
    const [, table = '', sysId = '', rest = ''] = workspace;
    const record = address(table, sysId);
    const sub = SUB_RECORD.exec(rest);
    if (!record || !sub) return record;
    const subRecord = address(sub[1] ?? '', sub[2] ?? '');
    if (!subRecord) return record;
    return record.table === CASE_TABLE ? { ...subRecord, parentCase: record.sysId } : subRecord;
  }
  const target = CLASSIC_TARGET.exec(url.pathname)?.[1];
  if (target) {
    const decoded = decodeRepeatedly(target);
    return decoded ? classicRecord(decoded, 0) : null;
  }
  if (NAV_TO.test(url.pathname) || CLASSIC_FORM.test(url.pathname)) {
    return classicRecord(url.pathname + url.search, 0);
  }
  return null;
}

/**
 * The record whose customer the page shows: a customer record itself, or a case (a case's own
 * tab, or a sub-record other than a customer opened inside a case's tab: then the case is the
 * context the agent works in).
 */
function customerPage(url: URL): RecordAddress | null {
  const record = recordFromUrl(url);
  if (!record) return null;
  if (PAGE_KINDS.has(record.table)) return record;
  return record.parentCase ? { table: CASE_TABLE, sysId: record.parentCase } : null;
}

// ---------------------------------------------------------------------------------------------
// Table API (ServiceNow docs, "Table API", GET /now/table/{tableName}/{sys_id}: api-reference/
// rest-apis/c_TableAPI.md). The answer is `{"result": {<field>: <value>}}`; a reference field is
// `{"link": ..., "value": <sys_id>}` (or a bare sys_id with sysparm_exclude_reference_link=true),
// and with sysparm_display_value=true/all a field is `{"display_value", "value"}`.
// `sysparm_fields` takes dot-walked fields (contact.email): ServiceNow's WorkArena validates
// records with `"sysparm_fields": "... transfer_order.from_stockroom, ..."` against the Table API
// (tasks/form_workspace.py).
// Called from the page with the agent's session and the page's `g_ck` as X-UserToken (see
// extension/background/crm-api-request.ts; ServiceNow community "Get user details in SDK custom UI
// page": fetch requests to tables "using the token retrieved from g_ck for authentication").
// The worker runs only paths of the form /api/now/table/<table>/<sys_id>?<query>.
// Fields a table lacks (consumer.* where B2C is not installed) cost nothing: "Invalid fields are
// ignored" (sysparm_fields, same docs page).

const CASE_FIELDS = [
  'sys_id',
  'contact',
  'consumer',
  'account',
  'contact.name',
  'contact.email',
  'contact.phone',
  'contact.mobile_phone',
  'consumer.name',
  'consumer.email',
  'consumer.mobile_phone',
  'consumer.business_phone',
  'consumer.home_phone',
  'account.name',
  'account.phone',
];
// Field names per table: Case API's contact.* (customer_contact: name, email, phone = business
// phone, mobile_phone), consumer.* (csm_consumer: name, email, mobile_phone, business_phone,
// home_phone), account.* (customer_account: name, phone; no email field).
const RECORD_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  [CONTACT_TABLE, ['sys_id', 'name', 'email', 'phone', 'mobile_phone']],
  [CONSUMER_TABLE, ['sys_id', 'name', 'email', 'mobile_phone', 'business_phone', 'home_phone']],
  [ACCOUNT_TABLE, ['sys_id', 'name', 'phone']],
]);
const PHONE_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  [CONTACT_TABLE, ['phone', 'mobile_phone']],
  [CONSUMER_TABLE, ['mobile_phone', 'business_phone', 'home_phone']],
  [ACCOUNT_TABLE, ['phone']],
]);

/** A field's database value: a string, or the `value` of `{value, link}`/`{value, display_value}`. */
function fieldValue(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  return isJsonObject(raw) && typeof raw.value === 'string' ? raw.value : undefined;
}

/** A field's shown value: `display_value` where the answer has one, else its value. */
function fieldDisplay(raw: unknown): string | undefined {
  if (isJsonObject(raw) && typeof raw.display_value === 'string') return raw.display_value;
  return fieldValue(raw);
}

function sysIdOf(raw: unknown): string | undefined {
  const value = fieldValue(raw)?.trim().toLowerCase();
  return value && SYS_ID.test(value) ? value : undefined;
}

/** The first well-formed phone among `names` (prefix `contact.` for dot-walked fields). */
function firstPhone(result: JsonObject, names: readonly string[], prefix = ''): string | undefined {
  for (const name of names) {
    const phone = boundedPhone(fieldValue(result[`${prefix}${name}`]));
    if (phone) return phone;
  }
  return undefined;
}

function tableResult(body: unknown, sysId: string): JsonObject | null {
  if (!isJsonObject(body) || !isJsonObject(body.result)) return null;
  const result = body.result;
  // An answer about another record (sys_id asked for, so present) names no customer of this one.
  return result.sys_id === undefined || sysIdOf(result.sys_id) === sysId ? result : null;
}

/** A case's customer fields, in the order they are read: a case has a contact or a consumer. */
const CASE_CUSTOMERS = [
  ['contact', CONTACT_TABLE],
  ['consumer', CONSUMER_TABLE],
  ['account', ACCOUNT_TABLE],
] as const;

/** The customer of a case in a Table API answer: its contact, else consumer, else account. */
export function parseCaseRecord(body: unknown, caseId: string): CustomerRef | null {
  const result = tableResult(body, caseId);
  if (!result) return null;
  for (const [field, table] of CASE_CUSTOMERS) {
    const recordId = sysIdOf(result[field]);
    if (!recordId) continue;
    return makeRef('servicenow', table, {
      id: recordId,
      email: boundedEmail(fieldValue(result[`${field}.email`])),
      phone: firstPhone(result, PHONE_FIELDS.get(table) ?? [], `${field}.`),
      displayName:
        boundedName(fieldValue(result[`${field}.name`])) ??
        boundedName(fieldDisplay(result[field])),
      context: caseId,
    });
  }
  return null;
}

/** A contact, consumer or account record in a Table API answer. */
export function parseCustomerRecord(
  body: unknown,
  table: string,
  sysId: string,
  contextId?: string,
): CustomerRef | null {
  const result = tableResult(body, sysId);
  if (!result || !RECORD_FIELDS.has(table)) return null;
  return makeRef('servicenow', table, {
    id: sysId,
    email: boundedEmail(fieldValue(result.email)),
    phone: firstPhone(result, PHONE_FIELDS.get(table) ?? []),
    displayName: boundedName(fieldValue(result.name)),
    context: contextId,
  });
}

function tablePath(table: string, sysId: string, fields: readonly string[], extra = ''): string {
  return `/api/now/table/${table}/${sysId}?sysparm_fields=${fields.join(',')}${extra}`;
}

// ---------------------------------------------------------------------------------------------
// The page (Next Experience workspaces render record forms inside open shadow roots).
//
// - Each workspace tab is an `sn-canvas-screen`; the tabs not in front are `display: none`
//   (public workspace userscript: loops `querySelectorAllDeep('sn-canvas-screen')` and keeps the
//   one whose `style.display !== 'none'`; found in the public code index, repository not named).
// - A reference field is `sn-record-reference-connected` with the field name in `name` and the
//   referenced sys_id in `value`: the same userscript reads
//   `sn-record-reference-connected[name="opened_for"]` and takes `value="..."` from its outerHTML;
//   a public WebdriverIO page object finds fields by `[name="<field>"]` and gets the tag name
//   `sn-record-reference-connected` for reference fields (repository not named by the index); SN
//   Utils lists the tag among workspace field elements (arnoudkooi/ServiceNow-Utils,
//   inject_next.js, SnuNextManager.addTechnicalNames).
// - The shown name is the typeahead's input inside it: `input[name="<field>_input"]` (the same
//   WebdriverIO page object, getReferenceField) in `now-record-typeahead` > `now-typeahead`
//   (`.now-typeahead-native-input`, a public Puppeteer script for a workspace, repository not
//   named by the index).
const CANVAS = 'sn-canvas-screen';
const referenceField = (name: string) => `sn-record-reference-connected[name="${name}"]`;
const referenceInput = (name: string) => `input[name="${name}_input"]`;
const TYPEAHEAD_INPUT = '.now-typeahead-native-input';
const MAX_NODES = 20_000;

/** Every element matching `selector` in the light DOM and open shadow roots under `root`. */
function deepQueryAll(root: ParentNode, selector: string): Element[] {
  const found: Element[] = [];
  const pending: ParentNode[] = [root];
  let visited = 0;
  while (pending.length > 0) {
    const current = pending.pop() as ParentNode;
    found.push(...current.querySelectorAll(selector));
    for (const element of current.querySelectorAll('*')) {
      if (++visited > MAX_NODES) return found;
      if (element.shadowRoot) pending.push(element.shadowRoot);
    }
  }
  return found;
}

/** The workspace tab in front; the whole document where the page has no workspace tabs. */
function frontScopes(doc: Document): ParentNode[] {
  const canvases = deepQueryAll(doc, CANVAS);
  if (canvases.length === 0) return [doc];
  return canvases.filter((canvas) => !isHidden(canvas)).map((c) => c.shadowRoot ?? c);
}

function readReference(scope: ParentNode, field: string) {
  const host = deepQuery(scope, referenceField(field));
  const sysId = host?.getAttribute('value')?.trim().toLowerCase() ?? '';
  if (!host || !SYS_ID.test(sysId)) return null;
  const inner = host.shadowRoot ?? host;
  const input = deepQuery(inner, referenceInput(field)) ?? deepQuery(inner, TYPEAHEAD_INPUT);
  return { sysId, displayName: boundedName(elementValue(input)) };
}

function caseFromPage(doc: Document, caseId: string): CustomerRef | null {
  for (const scope of frontScopes(doc)) {
    // The page shows no account id (no public code reads one), so only people are read here.
    for (const [field, table] of CASE_CUSTOMERS.slice(0, 2)) {
      const reference = readReference(scope, field);
      if (reference) {
        return requesterRef('servicenow', table, {
          id: reference.sysId,
          displayName: reference.displayName,
          context: caseId,
        });
      }
    }
  }
  return null;
}

export const servicenow: CrmAdapter<'servicenow'> = {
  id: 'servicenow',
  customDomains: true,
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  pageKind(url) {
    const page = customerPage(url);
    return page ? (PAGE_KINDS.get(page.table) ?? null) : null;
  },
  apiLookup(url): ApiLookup | null {
    const page = customerPage(url);
    if (!page) return null;
    const { table, sysId } = page;
    if (table === CASE_TABLE) {
      return {
        key: `${CASE_TABLE}:${sysId}`,
        path: tablePath(table, sysId, CASE_FIELDS, '&sysparm_exclude_reference_link=true'),
        headers: { Accept: 'application/json' },
        pageSessionToken: 'servicenow-g_ck',
        parse: (body) => parseCaseRecord(body, sysId),
      };
    }
    const fields = RECORD_FIELDS.get(table);
    if (!fields) return null;
    return {
      // In a case's tab the answer carries that case as context: filed apart from the record's own.
      key: page.parentCase ? `${table}:${sysId}@${page.parentCase}` : `${table}:${sysId}`,
      path: tablePath(table, sysId, fields),
      headers: { Accept: 'application/json' },
      pageSessionToken: 'servicenow-g_ck',
      parse: (body) => parseCustomerRecord(body, table, sysId, page.parentCase),
    };
  },
  detect(url, doc) {
    const page = customerPage(url);
    if (!page) return null;
    if (page.table !== CASE_TABLE) {
      // A customer record: its sys_id is in the address (name, email and phone come from the API).
      return makeRef('servicenow', page.table, {
        id: page.sysId,
        context: page.parentCase,
      });
    }
    return caseFromPage(doc, page.sysId);
  },
};
