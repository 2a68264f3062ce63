import { describe, expect, it } from 'vitest';
import { canonicalSalesforceId, salesforceIdChecksum } from './salesforce-id.ts';

// The content script checks address ids with the checksum and the backend stores the canonical
// form (src/server/identity/record-ids.test.ts covers that per CRM); both use this module.
describe('salesforceIdChecksum', () => {
  it('computes the 18-character checksum from the letter case of the 15', () => {
    expect(salesforceIdChecksum('003Dn00000QXbZ1')).toBe('IAL');
    expect(salesforceIdChecksum('00QDn00000RsTuV')).toBe('MAV');
    // Lower-casing a letter changes its chunk's bit, so the suffix changes with it.
    expect(salesforceIdChecksum('003dn00000QXbZ1')).not.toBe('IAL');
  });

  it('is the suffix the canonical form appends to a 15-character id', () => {
    expect(canonicalSalesforceId('003Dn00000QXbZ1')).toBe('003Dn00000QXbZ1IAL');
  });
});
