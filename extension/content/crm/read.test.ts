// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { boundedEmail, boundedName, boundedPhone, splitNameAndEmail } from './read.ts';

describe('reading and bounding page values', () => {
  it('splits "Real Name <email>"', () => {
    expect(splitNameAndEmail('Farah Haddad <farah@example.org>')).toEqual({
      name: 'Farah Haddad',
      email: 'farah@example.org',
    });
    expect(splitNameAndEmail('farah@example.org')).toEqual({ email: 'farah@example.org' });
  });

  it('drops values that are too long or not the right shape, truncates names', () => {
    expect(boundedEmail(`${'a'.repeat(250)}@example.org`)).toBeUndefined();
    expect(boundedEmail('not an email')).toBeUndefined();
    expect(boundedEmail('  Mixed.Case@Example.ORG ')).toBe('Mixed.Case@Example.ORG');
    expect(boundedPhone('call me')).toBeUndefined();
    expect(boundedPhone('9'.repeat(41))).toBeUndefined();
    expect(boundedName('x'.repeat(500))).toHaveLength(200);
  });
});
