import { describe, expect, it } from 'vitest';
import { decisionSchema } from '../contract/insights.ts';
import { decideNextBestActions, toDecisionPayload } from './arbitration.ts';
import { demoRuleSet } from './demo-catalogue.ts';
import { treatmentHistoryFromOffers } from './facts.ts';
import { tallyOutcomes } from './propensity.ts';
import { seededRng } from './rng.ts';
import { compileRuleSet } from './rule-set.ts';
import { NOW, daysAgo, makeFacts } from './test-helpers.ts';
import { estimateUplift } from './uplift.ts';

describe('helpers around the loop', () => {
  it('tallies only accepted and declined outcomes, per treatment and segment', () => {
    const tallies = tallyOutcomes([
      { treatmentId: 'a', segment: 'Loyal', result: 'accepted' },
      { treatmentId: 'a', segment: 'Loyal', result: 'declined' },
      { treatmentId: 'a', segment: 'Loyal', result: 'offered' },
      { treatmentId: 'a', segment: 'Lost', result: 'declined' },
      { treatmentId: 'b', segment: null, result: 'not_offered' },
    ]);
    expect(tallies).toEqual([
      { treatmentId: 'a', segment: 'Loyal', accepted: 1, declined: 1 },
      { treatmentId: 'a', segment: 'Lost', accepted: 0, declined: 1 },
    ]);
  });

  it('builds treatment history: last offer and offers in the last 30 days', () => {
    const history = treatmentHistoryFromOffers(
      [
        { treatmentId: 'a', offeredAt: daysAgo(40) },
        { treatmentId: 'a', offeredAt: daysAgo(3) },
        { treatmentId: 'a', offeredAt: daysAgo(20) },
        { treatmentId: 'b', offeredAt: daysAgo(45) },
        { treatmentId: 'c', offeredAt: 'not a date' },
      ],
      NOW,
    );
    expect(history).toEqual({
      a: { lastOfferedAt: daysAgo(3), offersLast30Days: 2 },
      b: { lastOfferedAt: daysAgo(45), offersLast30Days: 0 },
    });
  });

  it('turns a decision into the insights `decision` block', () => {
    const ruleSet = compileRuleSet(demoRuleSet);
    const run = (controlShare: number) =>
      decideNextBestActions({
        ruleSet,
        facts: makeFacts({ tenureDays: 10 }),
        tallies: [],
        now: NOW,
        rng: seededRng(4),
        policy: { controlShare },
      });
    const control = toDecisionPayload(run(1), 'dec-1');
    expect(decisionSchema.parse(control)).toEqual({
      id: 'dec-1',
      controlGroup: true,
      noActionReason:
        'Control group: no suggestion for this contact, so we can measure what suggestions add.',
    });
    expect(toDecisionPayload(run(0), 'dec-2')).toEqual({
      id: 'dec-2',
      controlGroup: false,
      noActionReason: null,
    });
  });

  it('estimates uplift with its standard error', () => {
    const estimate = estimateUplift({ n: 1000, successes: 300 }, { n: 500, successes: 50 })!;
    expect(estimate.uplift).toBeCloseTo(0.2);
    expect(estimate.standardError).toBeCloseTo(Math.sqrt((0.3 * 0.7) / 1000 + (0.1 * 0.9) / 500));
    expect(estimate.ci95[0]).toBeLessThan(0.2);
    expect(estimate.ci95[1]).toBeGreaterThan(0.2);
    expect(estimateUplift({ n: 0, successes: 0 }, { n: 10, successes: 1 })).toBeNull();
  });
});
