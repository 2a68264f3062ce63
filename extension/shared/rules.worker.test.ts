// No DOM here, as in the service worker, which validates stored rules before registering origins.
import { describe, expect, it } from 'vitest';
import { ruleMatchPattern, validateRule } from './rules.ts';

describe('validateRule without a DOM (service worker)', () => {
  it('validates everything but selectors instead of throwing', () => {
    const rule = {
      id: 'acme-crm',
      label: 'Acme',
      origin: 'https://crm.acme.example',
      urlPattern: '^/clients/(?<recordId>\\d+)$',
      emailSelector: '.email',
    };
    expect(typeof document).toBe('undefined');
    const result = validateRule(rule);
    expect(result.ok).toBe(true);
    if (result.ok) expect(ruleMatchPattern(result.rule)).toBe('https://crm.acme.example/*');
    expect(validateRule({ ...rule, origin: 'crm.acme.example' }).ok).toBe(false);
  });
});
