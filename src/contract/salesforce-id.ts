// Salesforce record ids come as 15 case-sensitive characters (reports, exports) or as 18 whose
// last three encode the case of the first 15 (URLs, the API). The content script checks the
// checksum of an id in an address; the backend stores every id in its 18-character form so that
// an import and a page that spell it differently meet. Pure, no imports: the content script
// loads it.

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?$/;

/**
 * The three checksum characters of a 15-character id: one per five characters, each bit saying
 * whether that character is an upper-case letter; the sum indexes A-Z0-5.
 */
export function salesforceIdChecksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits);
  }
  return suffix;
}

/**
 * The 18-character form with the case the checksum says. Tools that upper- or lower-case the
 * 18-character form are common, so its case is restored from the checksum; what is not a
 * Salesforce id shape, or whose suffix is no checksum of its letters, is returned as given.
 */
export function canonicalSalesforceId(id: string): string {
  if (!SALESFORCE_ID.test(id)) return id;
  if (id.length === 15) return id + salesforceIdChecksum(id);
  const suffix = id.slice(15).toUpperCase();
  let restored = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = CHECKSUM_ALPHABET.indexOf(suffix.charAt(chunk));
    for (let i = 0; i < 5; i++) {
      const char = id.charAt(chunk * 5 + i);
      restored += bits & (1 << i) ? char.toUpperCase() : char.toLowerCase();
    }
  }
  // A suffix that does not match its own letters after restoring was not a checksum: keep as given.
  return salesforceIdChecksum(restored) === suffix ? restored + suffix : id;
}
