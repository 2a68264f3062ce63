import { describe, expect, it } from 'vitest';
import type { Condition } from './conditions-schema.ts';
import { evaluateTreatment } from './eligibility.ts';
import { evaluateCondition, evaluateConditions, prepareFacts } from './evaluate-conditions.ts';
import type { CustomerFacts } from './facts.ts';
import { NOW, daysAgo, makeFacts, makeRule, makeTreatment } from './test-helpers.ts';

const check = (condition: Condition, facts: CustomerFacts = makeFacts()) =>
  evaluateCondition(condition, prepareFacts(facts, NOW));

describe('conditions', () => {
  it('segment, value tier and churn band match by list, with phrases for the reason', () => {
    const facts = makeFacts({
      segment: 'At risk',
      valueTier: 'platinum',
      churnBand: 'high',
      churnProbability: 0.72,
    });
    expect(check({ field: 'segment', in: ['At risk', 'Lost'] }, facts)).toEqual({
      field: 'segment',
      matched: true,
      phrase: 'At risk segment',
    });
    expect(check({ field: 'valueTier', in: ['gold', 'platinum'] }, facts).phrase).toBe(
      'high value',
    );
    expect(check({ field: 'churnBand', in: ['high'] }, facts).phrase).toBe('churn risk 72%');
    expect(check({ field: 'segment', in: ['Champions'] }, facts)).toMatchObject({
      matched: false,
      phrase: 'segment At risk not listed',
    });
  });

  it('ranges are inclusive and unknown facts never match', () => {
    const facts = makeFacts({ churnProbability: 0.5, pAlive: null, tenureDays: 90 });
    expect(check({ field: 'churnProbability', min: 0.5 }, facts).matched).toBe(true);
    expect(check({ field: 'churnProbability', min: 0.51 }, facts)).toMatchObject({
      matched: false,
      phrase: 'churn risk 50% not at least 51%',
    });
    expect(check({ field: 'tenureDays', min: 30, max: 90 }, facts).matched).toBe(true);
    expect(check({ field: 'pAlive', max: 0.3 }, facts)).toMatchObject({
      matched: false,
      phrase: 'P(alive) unknown',
    });
    expect(check({ field: 'clv', min: 1000 }, makeFacts({ clv: 1500 })).phrase).toBe(
      'lifetime value 1500',
    );
  });

  it('counts recent contacts by reason inside the window only', () => {
    const facts = makeFacts({
      recentContacts: [
        { reason: 'Complaint', at: daysAgo(3), csat: 2 },
        { reason: 'billing', at: daysAgo(5), csat: null },
        { reason: 'complaint', at: daysAgo(40), csat: 1 },
        { reason: null, at: daysAgo(10), csat: 4 },
      ],
    });
    expect(
      check(
        { field: 'recentContacts', withinDays: 30, reasons: ['complaint'], minCount: 1 },
        facts,
      ),
    ).toEqual({
      field: 'recentContacts',
      matched: true,
      phrase: 'complaint 3 days ago',
    });
    expect(check({ field: 'recentContacts', withinDays: 14, minCount: 3 }, facts)).toMatchObject({
      matched: true,
      phrase: '3 contacts in 14 days',
    });
    expect(check({ field: 'recentContacts', withinDays: 7, minCount: 3 }, facts)).toMatchObject({
      matched: false,
      phrase: '2 contacts in 7 days, needs at least 3',
    });
    // "no complaint lately" matches silently: nothing to say in the reason.
    expect(
      check({ field: 'recentContacts', withinDays: 30, reasons: ['outage'], maxCount: 0 }, facts),
    ).toEqual({
      field: 'recentContacts',
      matched: true,
      phrase: null,
    });
  });

  it('tests CSAT of surveyed contacts in the window by average or lowest', () => {
    const facts = makeFacts({
      recentContacts: [
        { reason: 'billing', at: daysAgo(2), csat: 2 },
        { reason: 'billing', at: daysAgo(6), csat: 4 },
        { reason: 'billing', at: daysAgo(8), csat: null },
        { reason: 'billing', at: daysAgo(90), csat: 1 },
      ],
    });
    expect(
      check({ field: 'recentCsat', withinDays: 30, stat: 'avg', max: 3 }, facts),
    ).toMatchObject({
      matched: true,
      phrase: 'low satisfaction (average CSAT 3.0)',
    });
    expect(
      check({ field: 'recentCsat', withinDays: 30, stat: 'min', max: 1 }, facts),
    ).toMatchObject({
      matched: false,
      phrase: 'lowest CSAT 2 not at most 1',
    });
    expect(
      check({ field: 'recentCsat', withinDays: 30, stat: 'avg', max: 3 }, makeFacts()),
    ).toMatchObject({
      matched: false,
      phrase: 'no surveyed contacts in 30 days',
    });
  });

  it('tests attributes by equals (case-insensitive), in, notIn and numeric range', () => {
    const facts = makeFacts({
      attributes: { Contract: 'Month-to-month', MonthlyCharges: '89.5', Senior: true },
    });
    expect(
      check({ field: 'attribute', name: 'Contract', equals: 'month-to-month' }, facts).matched,
    ).toBe(true);
    expect(
      check({ field: 'attribute', name: 'Contract', in: ['One year', 'Two year'] }, facts),
    ).toMatchObject({
      matched: false,
      phrase: 'Contract is Month-to-month',
    });
    expect(
      check({ field: 'attribute', name: 'Contract', notIn: ['Two year'] }, facts).matched,
    ).toBe(true);
    expect(check({ field: 'attribute', name: 'MonthlyCharges', min: 70 }, facts).matched).toBe(
      true,
    );
    expect(check({ field: 'attribute', name: 'Senior', equals: true }, facts).matched).toBe(true);
    expect(check({ field: 'attribute', name: 'Missing', notIn: ['x'] }, facts).matched).toBe(false);
    expect(
      check(
        {
          field: 'attribute',
          name: 'Contract',
          in: ['Month-to-month'],
          label: 'month-to-month contract',
        },
        facts,
      ).phrase,
    ).toBe('month-to-month contract');
  });

  it('AND stops at the first failing condition, which explains why not', () => {
    const result = evaluateConditions(
      [
        { field: 'valueTier', in: ['gold'] },
        { field: 'churnBand', in: ['high'] },
        { field: 'segment', in: ['Loyal'] },
      ],
      prepareFacts(makeFacts(), NOW),
    );
    expect(result.matched).toBe(false);
    expect(result.results.map((r) => r.matched)).toEqual([true, false]);
  });
});

describe('treatment eligibility and contact policy', () => {
  const treatment = makeTreatment({ id: 'discount', cooldownDays: 30, maxContactsPer30Days: 2 });
  const broad = makeRule({
    id: 'broad',
    treatmentId: 'discount',
    conditions: [{ field: 'valueTier', in: ['gold'] }],
  });
  const strong = makeRule({
    id: 'strong',
    treatmentId: 'discount',
    contextWeight: 2.5,
    conditions: [{ field: 'segment', in: ['Loyal'] }],
  });
  const evaluate = (facts: CustomerFacts, rules = [broad, strong], t = treatment) =>
    evaluateTreatment(t, rules, prepareFacts(facts, NOW));

  it('any matching rule makes it eligible and the highest context weight wins', () => {
    const result = evaluate(makeFacts());
    expect(result).toMatchObject({ eligible: true, contextWeight: 2.5 });
    if (result.eligible) expect(result.rule.id).toBe('strong');
    expect(evaluate(makeFacts({ segment: 'Lost' }))).toMatchObject({
      eligible: true,
      contextWeight: 1,
    });
  });

  it('says why not when no rule matches, and when switched off', () => {
    expect(evaluate(makeFacts({ segment: 'Lost', valueTier: 'bronze' }))).toMatchObject({
      eligible: false,
      code: 'no_matching_rule',
      detail: 'Rule broad: value tier bronze not listed',
    });
    expect(evaluate(makeFacts(), [])).toMatchObject({ eligible: false, detail: 'no active rule' });
    expect(evaluate(makeFacts(), [broad], { ...treatment, active: false })).toMatchObject({
      eligible: false,
      code: 'inactive',
    });
  });

  it('blocks during the cooldown and allows again after it', () => {
    const offered = (days: number, count: number) =>
      makeFacts({
        treatmentHistory: { discount: { lastOfferedAt: daysAgo(days), offersLast30Days: count } },
      });
    expect(evaluate(offered(10, 1))).toMatchObject({
      eligible: false,
      code: 'cooldown',
      detail: 'offered 10 days ago; cooldown is 30 days',
    });
    expect(evaluate(offered(29.9, 1))).toMatchObject({ eligible: false, code: 'cooldown' });
    expect(evaluate(offered(30, 1))).toMatchObject({ eligible: true });
  });

  it('blocks at the contact-frequency limit', () => {
    const noCooldown = { ...treatment, cooldownDays: 0 };
    const history = (count: number) =>
      makeFacts({
        treatmentHistory: { discount: { lastOfferedAt: daysAgo(1), offersLast30Days: count } },
      });
    expect(evaluate(history(1), [broad], noCooldown)).toMatchObject({ eligible: true });
    expect(evaluate(history(2), [broad], noCooldown)).toMatchObject({
      eligible: false,
      code: 'contact_limit',
      detail: 'offered 2 times in 30 days; limit is 2',
    });
  });
});
