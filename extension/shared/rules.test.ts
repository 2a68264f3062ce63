// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { detectWithRule, ruleMatchPattern, testRuleOnDocument, validateRule } from './rules.ts';

const validRule = {
  id: 'acme-crm',
  label: 'Acme in-house CRM',
  origin: 'https://crm.acme.example',
  urlPattern: '^/clients/(?<recordId>\\d+)(?:/(?<objectType>[a-z]+))?$',
  container: '#client-card',
  emailSelector: '.email',
  phoneSelector: '.phone',
  nameSelector: 'h1',
};

const page = new DOMParser().parseFromString(
  `<html><body><h1>Outside</h1><section id="client-card"><h1> Rosa  Díaz </h1>
   <a class="email" href="mailto:rosa.diaz@example.com">Email Rosa</a><span class="phone">+34 91 555 0101</span>
   </section></body></html>`,
  'text/html',
);

function errorsOf(rule: unknown) {
  const result = validateRule(rule);
  return result.ok ? [] : result.errors;
}

describe('validateRule', () => {
  it('accepts a complete rule and trims it', () => {
    const result = validateRule({ ...validRule, label: '  Acme in-house CRM ' });
    expect(result).toEqual({ ok: true, rule: validRule });
  });

  it('names a bad origin', () => {
    for (const origin of [
      'crm.acme.example',
      'https://crm.acme.example/path',
      'ftp://x.example',
      'https://x.example:99999',
    ]) {
      expect(errorsOf({ ...validRule, origin }).map((e) => e.field)).toEqual(['origin']);
    }
    expect(errorsOf({ ...validRule, origin: 'https://*.acme.example' })).toEqual([]);
  });

  it('reports an invalid regex with the parser’s reason', () => {
    const [error] = errorsOf({ ...validRule, urlPattern: '^/clients/(?<recordId>\\d+' });
    expect(error?.field).toBe('urlPattern');
    expect(error?.message).toMatch(/^is not a valid regular expression: /);
  });

  it('requires a recordId group when no email or phone selector is given', () => {
    const rule = {
      ...validRule,
      urlPattern: '^/clients/\\d+$',
      emailSelector: '',
      phoneSelector: undefined,
    };
    expect(errorsOf(rule)).toEqual([
      {
        field: 'urlPattern',
        message: 'needs a named group (?<recordId>...) when no email or phone selector is given',
      },
    ]);
    expect(errorsOf({ ...validRule, urlPattern: '^/clients/\\d+$' })).toEqual([]);
  });

  it('reports each invalid CSS selector by field', () => {
    const errors = errorsOf({ ...validRule, container: 'div[', nameSelector: '>>>' });
    expect(errors.map((e) => e.field)).toEqual(['container', 'nameSelector']);
    expect(errors[0]?.message).toBe('is not a valid CSS selector: div[');
  });

  it('reports over-long strings, missing fields and wrong types', () => {
    expect(errorsOf({ ...validRule, label: 'x'.repeat(81) })).toEqual([
      { field: 'label', message: 'must be at most 80 characters' },
    ]);
    expect(errorsOf({ ...validRule, emailSelector: `.${'a'.repeat(300)}` })[0]?.field).toBe(
      'emailSelector',
    );
    expect(errorsOf({ origin: validRule.origin, urlPattern: validRule.urlPattern, id: 3 })).toEqual(
      [
        { field: 'id', message: 'must be a string' },
        { field: 'label', message: 'is required' },
      ],
    );
    expect(errorsOf({ ...validRule, id: 'Acme CRM' })).toEqual([
      { field: 'id', message: 'must use a-z, 0-9 and -' },
    ]);
    expect(errorsOf(null)).toEqual([{ field: 'rule', message: 'must be an object' }]);
  });
});

describe('detectWithRule and testRuleOnDocument', () => {
  it('reads groups and scoped selectors', () => {
    const ref = detectWithRule(
      validRule,
      new URL('https://crm.acme.example/clients/981/person'),
      page,
    );
    expect(ref).toEqual({
      crm: 'acme-crm',
      type: 'person',
      id: '981',
      email: 'rosa.diaz@example.com',
      phone: '+34 91 555 0101',
      displayName: 'Rosa Díaz',
    });
  });

  it('ignores other origins, schemes and paths', () => {
    expect(
      detectWithRule(validRule, new URL('https://other.example/clients/981'), page),
    ).toBeNull();
    expect(
      detectWithRule(validRule, new URL('http://crm.acme.example/clients/981'), page),
    ).toBeNull();
    expect(
      detectWithRule(validRule, new URL('https://crm.acme.example/clients/'), page),
    ).toBeNull();
  });

  it('matches subdomains for a wildcard origin and builds the match pattern', () => {
    const wildcard = { ...validRule, origin: 'https://*.acme.example' };
    expect(detectWithRule(wildcard, new URL('https://eu.acme.example/clients/5'), page)?.id).toBe(
      '5',
    );
    expect(
      detectWithRule(wildcard, new URL('https://acme.example.evil/clients/5'), page),
    ).toBeNull();
    expect(ruleMatchPattern({ ...validRule, origin: 'http://localhost:8080' })).toBe(
      'http://localhost/*',
    );
  });

  it('explains what it found on this tab', () => {
    const found = testRuleOnDocument(validRule, 'https://crm.acme.example/clients/981', page);
    expect(found.ref?.email).toBe('rosa.diaz@example.com');
    expect(testRuleOnDocument(validRule, 'https://elsewhere.example/', page).explanation).toBe(
      'This page is not on https://crm.acme.example.',
    );
    expect(testRuleOnDocument(validRule, 'https://crm.acme.example/home', page).explanation).toBe(
      'The URL pattern does not match this page.',
    );
    const noContainer = testRuleOnDocument(
      { ...validRule, container: '#missing' },
      'https://crm.acme.example/clients/1',
      page,
    );
    expect(noContainer.explanation).toBe('The container selector finds nothing here.');
    const invalid = testRuleOnDocument(
      { ...validRule, urlPattern: '(' },
      'https://crm.acme.example/clients/1',
      page,
    );
    expect(invalid.validation.ok).toBe(false);
    expect(invalid.ref).toBeNull();
  });
});
