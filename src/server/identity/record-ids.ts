// Some CRMs write one record's id in more than one form. Identities are stored and looked up in
// one canonical form per CRM so that an import and a page that spell the id differently meet.

const SALESFORCE_CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?$/;

function salesforceCaseChecksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SALESFORCE_CHECKSUM_ALPHABET.charAt(bits);
  }
  return suffix;
}

/**
 * Salesforce ids come as 15 case-sensitive characters (reports, exports) or as 18 whose last
 * three encode the case of the first 15 (URLs, the API); tools that upper- or lower-case the
 * 18-character form are common. All become the 18-character form with the case the checksum says.
 */
function canonicalSalesforceId(id: string): string {
  if (!SALESFORCE_ID.test(id)) return id;
  if (id.length === 15) return id + salesforceCaseChecksum(id);
  const suffix = id.slice(15).toUpperCase();
  let restored = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SALESFORCE_CHECKSUM_ALPHABET.indexOf(suffix.charAt(chunk));
    for (let i = 0; i < 5; i++) {
      const char = id.charAt(chunk * 5 + i);
      restored += bits & (1 << i) ? char.toUpperCase() : char.toLowerCase();
    }
  }
  // A suffix that does not match its own letters after restoring was not a checksum: keep as given.
  return salesforceCaseChecksum(restored) === suffix ? restored + suffix : id;
}

const canonicalForms: Record<string, (id: string) => string> = {
  salesforce: canonicalSalesforceId,
};

/** `crm` is already normalised (lower-case); `id` already trimmed. */
export function canonicalRecordId(crm: string, id: string): string {
  return canonicalForms[crm]?.(id) ?? id;
}
