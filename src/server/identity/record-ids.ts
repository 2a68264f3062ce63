import { canonicalSalesforceId } from '../../contract/salesforce-id.ts';

// Some CRMs write one record's id in more than one form. Identities are stored and looked up in
// one canonical form per CRM so that an import and a page that spell the id differently meet.

const canonicalForms: Record<string, (id: string) => string> = {
  salesforce: canonicalSalesforceId,
};

/** `crm` is already normalised (lower-case); `id` already trimmed. */
export function canonicalRecordId(crm: string, id: string): string {
  return canonicalForms[crm]?.(id) ?? id;
}
