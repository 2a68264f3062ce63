import { describe, expect, it } from 'vitest';
import { canonicalRecordId } from './record-ids.ts';

// 0015g00000AbCdE is a made-up Account id; its checksum is worked out by Salesforce's rule: per
// chunk of five characters, bit i is set when character i is an upper-case letter, and the sum
// indexes A-Z0-5.
//   "0015g" -> no capitals -> 0 -> "A"
//   "00000" -> no capitals -> 0 -> "A"
//   "AbCdE" -> A (bit 0), C (bit 2), E (bit 4) = 1 + 4 + 16 = 21 -> "V"
const id15 = '0015g00000AbCdE';
const id18 = '0015g00000AbCdEAAV';

describe('canonicalRecordId', () => {
  it('turns a Salesforce 15-character id into its 18-character form', () => {
    expect(canonicalRecordId('salesforce', id15)).toBe(id18);
  });

  it('keeps a correct 18-character Salesforce id and restores one whose case was changed', () => {
    expect(canonicalRecordId('salesforce', id18)).toBe(id18);
    expect(canonicalRecordId('salesforce', id18.toUpperCase())).toBe(id18);
    expect(canonicalRecordId('salesforce', id18.toLowerCase())).toBe(id18);
  });

  it('tells apart 15-character ids that differ only in case', () => {
    const other = canonicalRecordId('salesforce', '0015g00000abcde');
    expect(other).toBe('0015g00000abcdeAAA');
    expect(other).not.toBe(canonicalRecordId('salesforce', id15));
  });

  it('leaves what is not a Salesforce id shape, and other CRMs, as given', () => {
    expect(canonicalRecordId('salesforce', 'not-an-id')).toBe('not-an-id');
    expect(canonicalRecordId('salesforce', '0015g00000AbCdEAA9')).toBe('0015g00000AbCdEAA9');
    expect(canonicalRecordId('zendesk', '0015g00000AbCdE')).toBe('0015g00000AbCdE');
  });
});
