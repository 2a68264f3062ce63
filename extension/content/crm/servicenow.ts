import type { CrmAdapter } from './types.ts';
import {
  boundedEmail,
  boundedName,
  boundedPhone,
  deepQuery,
  elementValue,
  makeRef,
  requesterRef,
} from './read.ts';

// ServiceNow CSM Configurable Workspace: /now/cwf/agent/record/<table>/<sys_id> (older
// workspaces: /now/workspace/agent/record/...). Each workspace tab renders its record form
// inside open shadow roots; the form host carries the table and sys_id, so a case reads the
// contact from its own form and not from another tab's.
const HOST = /^[a-z0-9][a-z0-9-]*\.service-now\.com$/i;
const RECORD_PATH =
  /^\/now\/(?:cwf|workspace)\/agent\/record\/([a-z0-9_]{1,80})\/([0-9a-f]{32})(?:\/|$)/;
const CUSTOMER_TABLES = new Set(['customer_contact', 'csm_consumer']);
const CASE_TABLE = 'sn_customerservice_case';

const selectors = {
  recordForm: (table: string, sysId: string) => `[data-table="${table}"][data-sys-id="${sysId}"]`,
  contactReference:
    '[data-field-name="contact"] [data-sys-id], [data-field-name="consumer"] [data-sys-id]',
  contactEmail: '[data-field-name="contact.email"] input, [data-field-name="consumer.email"] input',
  contactPhone: '[data-field-name="contact.phone"] input, [data-field-name="consumer.phone"] input',
} as const;

const SYS_ID = /^[0-9a-f]{32}$/;

export const servicenow: CrmAdapter<'servicenow'> = {
  id: 'servicenow',
  matches: (url) => url.protocol === 'https:' && HOST.test(url.hostname),
  detect(url, doc) {
    const match = RECORD_PATH.exec(url.pathname);
    if (!match) return null;
    const [, table = '', sysId = ''] = match;
    if (CUSTOMER_TABLES.has(table)) return makeRef('servicenow', table, { recordId: sysId });
    if (table !== CASE_TABLE) return null;
    const form = deepQuery(doc, selectors.recordForm(table, sysId));
    if (!form) return null;
    const scope = form.shadowRoot ?? form;
    const reference = deepQuery(scope, selectors.contactReference);
    const contactSysId = reference?.getAttribute('data-sys-id') ?? '';
    const isConsumer = Boolean(reference?.closest('[data-field-name="consumer"]'));
    const hasContact = SYS_ID.test(contactSysId);
    return requesterRef(
      'servicenow',
      hasContact ? (isConsumer ? 'csm_consumer' : 'customer_contact') : CASE_TABLE,
      {
        recordId: hasContact ? contactSysId : undefined,
        email: boundedEmail(elementValue(deepQuery(scope, selectors.contactEmail))),
        phone: boundedPhone(elementValue(deepQuery(scope, selectors.contactPhone))),
        displayName: boundedName(elementValue(reference)),
        contextId: sysId,
      },
    );
  },
};
