import { describe, expect, it } from 'vitest';
import { demoRoutingConfig, demoRuleSet } from './demo-catalogue.ts';
import {
  validateEligibilityRule,
  validateRoutingConfig,
  validateRuleSet,
  validateTreatment,
} from './validation.ts';
import { ruleSetVersion, routingConfigVersion } from './version.ts';
import { makeRule, makeTreatment } from './test-helpers.ts';

const baseRule = {
  id: 'retention-high-risk',
  treatmentId: 'retention-offer',
  name: 'High risk retention',
  active: true,
  conditions: [] as unknown[],
};

function issueTexts(input: unknown): string[] {
  const result = validateEligibilityRule(input);
  if (result.ok) throw new Error('expected the rule to be rejected');
  return result.issues.map((issue) => issue.text);
}

describe('eligibility rule validation', () => {
  it('accepts a well-formed rule and keeps its data', () => {
    const rule = {
      ...baseRule,
      conditions: [{ field: 'churnProbability', min: 0.5 }],
      contextWeight: 2,
    };
    const result = validateEligibilityRule(rule);
    expect(result).toEqual({ ok: true, value: rule });
  });

  it('names the rule and the field path for an impossible range', () => {
    const texts = issueTexts({ ...baseRule, conditions: [{ field: 'clv', min: 900, max: 100 }] });
    expect(texts).toEqual([
      'rule "retention-high-risk" ("High risk retention"): conditions[0].min: impossible range: min 900 is greater than max 100',
    ]);
  });

  it('rejects probabilities outside 0..1', () => {
    const texts = issueTexts({ ...baseRule, conditions: [{ field: 'pAlive', max: 1.5 }] });
    expect(texts).toEqual([
      'rule "retention-high-risk" ("High risk retention"): conditions[0].max: must be a probability in 0..1',
    ]);
  });

  it('reports unknown fields at the rule and inside a condition', () => {
    const result = validateEligibilityRule({
      ...baseRule,
      priority: 3,
      conditions: [{ field: 'segment', in: ['Loyal'], weight: 2 }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.id, i.path, i.message])).toEqual(
      expect.arrayContaining([
        ['retention-high-risk', 'priority', 'unknown field'],
        ['retention-high-risk', 'conditions[0].weight', 'unknown field'],
      ]),
    );
  });

  it('reports an unknown condition kind with the allowed ones', () => {
    const [text] = issueTexts({ ...baseRule, conditions: [{ field: 'shoeSize', min: 40 }] });
    expect(text).toContain(
      'conditions[0].field: not a known condition field; expected one of segment, valueTier',
    );
  });

  it('reports type errors and unknown enum values', () => {
    const result = validateEligibilityRule({
      ...baseRule,
      active: 'yes',
      conditions: [
        { field: 'tenureDays', min: 'ninety' },
        { field: 'valueTier', in: ['diamond'] },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
    expect(byPath.active).toMatch(/expected boolean/);
    expect(byPath['conditions[0].min']).toMatch(/expected number/);
    expect(byPath['conditions[1].in[0]']).toBe(
      'must be one of "bronze", "silver", "gold", "platinum"',
    );
  });

  it('checks recent-contact counts and attribute tests', () => {
    const result = validateEligibilityRule({
      ...baseRule,
      conditions: [
        { field: 'recentContacts', withinDays: 14, minCount: 5, maxCount: 2 },
        { field: 'recentContacts', withinDays: 0, minCount: 1 },
        { field: 'attribute', name: 'Contract', equals: 'Two year', in: ['One year'] },
        { field: 'recentCsat', withinDays: 30, stat: 'avg', max: 7 },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'conditions[0].minCount: impossible range: minCount 5 is greater than maxCount 2',
      'conditions[1].withinDays: must be at least 1 day',
      'conditions[2].equals: give exactly one test: equals, in, notIn, or min/max',
      'conditions[3].max: CSAT is 1..5',
    ]);
  });

  it('names a rule without a name by its id, and one without an id plainly', () => {
    expect(issueTexts({ id: 'r-9', treatmentId: 't', active: true, conditions: [] })[0]).toBe(
      'rule "r-9": name: Invalid input: expected string, received undefined',
    );
    expect(
      issueTexts({ name: 'Nameless', treatmentId: 't', active: true, conditions: [] })[0],
    ).toMatch(/^rule \(no id\) \("Nameless"\): id: /);
  });
});

describe('treatment validation', () => {
  it('rejects a prior outside (0, 1) and negative limits, naming the treatment', () => {
    const result = validateTreatment({
      ...makeTreatment({ id: 'loyalty-discount', name: 'Loyalty discount' }),
      prior: { propensity: 1.2, evidenceWeight: 10 },
      cooldownDays: -1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.text)).toEqual([
      'treatment "loyalty-discount" ("Loyalty discount"): cooldownDays: must be 0 or more days',
      'treatment "loyalty-discount" ("Loyalty discount"): prior.propensity: a prior propensity must be below 1',
    ]);
  });
});

describe('rule set validation', () => {
  it('accepts the demo catalogue, rules and routing', () => {
    expect(validateRuleSet(demoRuleSet).ok).toBe(true);
    expect(validateRoutingConfig(demoRoutingConfig).ok).toBe(true);
    expect(demoRuleSet.treatments.length).toBeGreaterThanOrEqual(8);
    const kinds = new Set(demoRuleSet.treatments.map((t) => t.kind));
    expect(kinds.size).toBe(5);
  });

  it('every demo treatment has an active rule and survives a JSON round trip', () => {
    for (const treatment of demoRuleSet.treatments) {
      expect(
        demoRuleSet.rules.some((r) => r.active && r.treatmentId === treatment.id),
        treatment.id,
      ).toBe(true);
    }
    const stored = JSON.parse(JSON.stringify({ ruleSet: demoRuleSet, routing: demoRoutingConfig }));
    expect(validateRuleSet(stored.ruleSet)).toEqual({ ok: true, value: demoRuleSet });
    expect(validateRoutingConfig(stored.routing)).toEqual({ ok: true, value: demoRoutingConfig });
  });

  it('finds rules pointing at unknown treatments and duplicate ids', () => {
    const result = validateRuleSet({
      treatments: [makeTreatment({ id: 'a' }), makeTreatment({ id: 'a' })],
      rules: [
        makeRule({ id: 'r1', treatmentId: 'a' }),
        makeRule({ id: 'r2', treatmentId: 'ghost', name: 'Ghost rule' }),
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.text)).toEqual([
      'treatment "a" ("Treatment a"): id: duplicate id',
      'rule "r2" ("Ghost rule"): treatmentId: unknown treatment "ghost"',
    ]);
  });

  it('reports routing rule problems by routing rule', () => {
    const result = validateRoutingConfig({
      ...demoRoutingConfig,
      rules: [
        { ...demoRoutingConfig.rules[0], hint: { priority: 'asap', skill: 'x', reason: 'y' } },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.text).toBe(
      'routing rule "cancellation-intent" ("Asked to cancel in the last 7 days"): hint.priority: must be one of "normal", "high", "urgent"',
    );
  });
});

describe('rule set version', () => {
  it('is stable under reordering and changes with any edit', () => {
    const version = ruleSetVersion(demoRuleSet);
    expect(version).toMatch(/^rs-[0-9a-f]{16}$/);
    const reordered = {
      treatments: [...demoRuleSet.treatments].reverse(),
      rules: [...demoRuleSet.rules].reverse(),
    };
    expect(ruleSetVersion(reordered)).toBe(version);
    const [first, ...rest] = demoRuleSet.rules;
    const toggled = { ...demoRuleSet, rules: [{ ...first!, active: !first!.active }, ...rest] };
    expect(ruleSetVersion(toggled)).not.toBe(version);
  });

  it('keeps routing rule order in the version, since the first match wins', () => {
    const reversed = { ...demoRoutingConfig, rules: [...demoRoutingConfig.rules].reverse() };
    expect(routingConfigVersion(reversed)).not.toBe(routingConfigVersion(demoRoutingConfig));
  });
});
