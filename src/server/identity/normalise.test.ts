import { describe, expect, it } from 'vitest';
import {
  normaliseCrmName,
  normaliseEmail,
  normalisePhone,
  normaliseRecordId,
} from './normalise.ts';

describe('identity normalisation', () => {
  it('lower-cases and trims emails', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });

  it('turns national and international phone numbers into E.164', () => {
    expect(normalisePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalisePhone('415.555.2671', 'US')).toBe('+14155552671');
    expect(normalisePhone('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('stores a Salesforce record id in its 18-character form whichever form came in', () => {
    expect(normaliseRecordId(' 0015g00000AbCdE ', 'salesforce')).toBe('0015g00000AbCdEAAV');
  });

  it('refuses what is not a phone number', () => {
    expect(normalisePhone('call me maybe', 'US')).toBeNull();
    expect(normalisePhone('123', 'US')).toBeNull();
  });

  it('matches CRM names case-insensitively but keeps record ids as the CRM wrote them', () => {
    expect(normaliseCrmName(' Salesforce ')).toBe('salesforce');
    expect(normaliseRecordId(' 001Ab00000XyZ ', 'zendesk')).toBe('001Ab00000XyZ');
    expect(normaliseRecordId(' 001Ab00000XyZ ', 'zendesk')).not.toBe(
      normaliseRecordId('001ab00000xyz', 'zendesk'),
    );
  });
});
