import { describe, expect, it } from 'vitest';
import { nextBestActionSchema } from '../contract/insights.ts';
import { decideNextBestActions, drawControlGroup, type DecideInput } from './arbitration.ts';
import { demoRuleSet } from './demo-catalogue.ts';
import { indexTallies, lookupPosterior, posteriorFor } from './propensity.ts';
import { seededRng } from './rng.ts';
import { compileRuleSet } from './rule-set.ts';
import { NOW, daysAgo, makeFacts, makeRule, makeTreatment } from './test-helpers.ts';

const treatments = [
  makeTreatment({
    id: 'cheap-likely',
    businessValue: 50,
    prior: { propensity: 0.5, evidenceWeight: 10 },
  }),
  makeTreatment({
    id: 'valuable-rare',
    businessValue: 1000,
    prior: { propensity: 0.1, evidenceWeight: 10 },
  }),
  makeTreatment({
    id: 'middle',
    businessValue: 200,
    prior: { propensity: 0.3, evidenceWeight: 10 },
  }),
  makeTreatment({
    id: 'levered-down',
    businessValue: 200,
    lever: 0.5,
    prior: { propensity: 0.3, evidenceWeight: 10 },
  }),
  makeTreatment({
    id: 'weighted-up',
    businessValue: 50,
    prior: { propensity: 0.5, evidenceWeight: 10 },
  }),
];
const everyone = (treatmentId: string, contextWeight?: number) =>
  makeRule({
    id: `${treatmentId}-rule`,
    treatmentId,
    conditions: [],
    ...(contextWeight ? { contextWeight } : {}),
  });
const ruleSet = compileRuleSet({
  treatments,
  rules: [
    everyone('cheap-likely'),
    everyone('valuable-rare'),
    everyone('middle'),
    everyone('levered-down'),
    everyone('weighted-up', 4),
  ],
});

const decide = (overrides: Partial<DecideInput> = {}) =>
  decideNextBestActions({
    ruleSet,
    facts: makeFacts(),
    tallies: [],
    now: NOW,
    rng: seededRng(11),
    policy: { controlShare: 0, explore: false },
    ...overrides,
  });

describe('posterior', () => {
  it('starts at the admin prior and moves with accepted and declined counts', () => {
    const prior = { propensity: 0.2, evidenceWeight: 10 };
    expect(posteriorFor(prior, undefined)).toEqual({
      alpha: 2,
      beta: 8,
      mean: 0.2,
      accepted: 0,
      declined: 0,
    });
    const updated = posteriorFor(prior, { accepted: 30, declined: 10 });
    expect(updated.alpha).toBeCloseTo(32);
    expect(updated.beta).toBeCloseTo(18);
    expect(updated.mean).toBeCloseTo(32 / 50);
  });

  it('keeps tallies per treatment and segment, summing duplicate rows', () => {
    const index = indexTallies([
      { treatmentId: 'a', segment: 'Loyal', accepted: 5, declined: 5 },
      { treatmentId: 'a', segment: 'Loyal', accepted: 1, declined: 0 },
      { treatmentId: 'a', segment: 'Lost', accepted: 0, declined: 9 },
      { treatmentId: 'a', segment: null, accepted: 4, declined: 0 },
    ]);
    const treatment = { id: 'a', prior: { propensity: 0.5, evidenceWeight: 2 } };
    expect(lookupPosterior(index, treatment, 'Loyal')).toMatchObject({ accepted: 6, declined: 5 });
    expect(lookupPosterior(index, treatment, 'Lost').mean).toBeCloseTo(1 / 11);
    expect(lookupPosterior(index, treatment, null).mean).toBeCloseTo(5 / 6);
    expect(lookupPosterior(index, treatment, 'Champions').mean).toBe(0.5);
  });
});

describe('arbitration', () => {
  it('ranks by propensity x context weight x business value x lever and shows the top three', () => {
    const decision = decide();
    // 0.1*1000 = 100; 0.5*50*4 = 100 (tie: id order); 0.3*200 = 60; 0.3*200*0.5 = 30; 0.5*50 = 25
    expect(decision.ranked.map((c) => [c.treatmentId, Number(c.priority.toFixed(6))])).toEqual([
      ['valuable-rare', 100],
      ['weighted-up', 100],
      ['middle', 60],
      ['levered-down', 30],
      ['cheap-likely', 25],
    ]);
    expect(decision.actions.map((a) => a.treatmentId)).toEqual([
      'valuable-rare',
      'weighted-up',
      'middle',
    ]);
    expect(decision.noAction).toBeNull();
    for (const action of decision.actions)
      expect(nextBestActionSchema.parse(action)).toEqual(action);
  });

  it('learned outcomes change the order', () => {
    const decision = decide({
      tallies: [{ treatmentId: 'valuable-rare', segment: 'Loyal', accepted: 0, declined: 90 }],
    });
    // valuable-rare mean = 1 / 100 → priority 10
    expect(decision.ranked.at(-1)?.treatmentId).toBe('valuable-rare');
    expect(decision.ranked.at(-1)?.priority).toBeCloseTo(10);
  });

  it('honours maxActions and records arbitration inputs and the rule version', () => {
    const decision = decide({ policy: { controlShare: 0, explore: false, maxActions: 1 } });
    expect(decision.actions).toHaveLength(1);
    expect(decision.ruleVersion).toBe(ruleSet.version);
    expect(decision.decidedAt).toBe(NOW.toISOString());
    expect(decision.ranked[0]).toMatchObject({
      rank: 1,
      treatmentId: 'valuable-rare',
      ruleId: 'valuable-rare-rule',
      contextWeight: 1,
      businessValue: 1000,
      lever: 1,
      alpha: 1,
      beta: 9,
      propensityMean: 0.1,
      propensityUsed: 0.1,
    });
    expect(JSON.parse(JSON.stringify(decision))).toEqual(decision);
  });

  it('Thompson sampling explores: with a weak prior the top pick varies across draws', () => {
    const rng = seededRng(5);
    const tops = new Set<string>();
    for (let i = 0; i < 200; i++) {
      tops.add(decide({ rng, policy: { controlShare: 0 } }).actions[0]!.treatmentId);
    }
    expect(tops.size).toBeGreaterThanOrEqual(3);
    // The panel still shows the posterior mean, not the draw.
    const shown = decide({ rng, policy: { controlShare: 0 } }).actions;
    for (const action of shown) {
      const prior = treatments.find((t) => t.id === action.treatmentId)!.prior.propensity;
      expect(action.propensity).toBe(prior);
    }
  });

  it('the same seed gives the same decision', () => {
    const a = decide({ rng: seededRng(99), policy: {} });
    const b = decide({ rng: seededRng(99), policy: {} });
    expect(a).toEqual(b);
  });
});

describe('reasons and no-action', () => {
  const demo = compileRuleSet(demoRuleSet);
  const atRisk = makeFacts({
    segment: "Can't lose them",
    valueTier: 'platinum',
    churnProbability: 0.72,
    churnBand: 'high',
    attributes: {
      Contract: 'Month-to-month',
      InternetService: 'Fiber optic',
      OnlineSecurity: 'No',
    },
  });
  const decideDemo = (facts = atRisk, tallies: DecideInput['tallies'] = []) =>
    decideNextBestActions({
      ruleSet: demo,
      facts,
      tallies,
      now: NOW,
      rng: seededRng(3),
      policy: { controlShare: 0, explore: false },
    });

  it('reason lines are built from matched conditions and the propensity evidence', () => {
    const decision = decideDemo(atRisk, [
      {
        treatmentId: 'retention-loyalty-discount',
        segment: "Can't lose them",
        accepted: 34,
        declined: 66,
      },
    ]);
    const discount = decision.actions.find((a) => a.treatmentId === 'retention-loyalty-discount');
    expect(discount?.reason).toBe(
      'high value, churn risk 72%, month-to-month contract: Loyalty discount accepted by 34% of similar customers',
    );
    const plan = decision.actions.find((a) => a.treatmentId === 'retention-annual-plan');
    expect(plan?.reason).toBe(
      'month-to-month contract, churn risk 72%, customer for 13 months: about 15% expected to accept Price-locked annual plan (no outcomes yet)',
    );
  });

  it('answers the gap: a complaint from a high-value customer at risk puts service recovery first', () => {
    const complaining = {
      ...atRisk,
      recentContacts: [{ reason: 'complaint', at: daysAgo(2), csat: 2 }],
    };
    const decision = decideDemo(complaining);
    expect(decision.actions[0]).toMatchObject({
      treatmentId: 'service-recovery-credit',
      kind: 'service-recovery',
    });
    expect(decision.actions[0]?.reason).toMatch(
      /^high value, churn risk 72%, complaint 2 days ago: /,
    );
    expect(decision.ranked[0]?.ruleId).toBe('gap-complaint-high-value-at-risk');
    // Without the complaint, service recovery is not offered at all.
    expect(decideDemo(atRisk).ranked.map((c) => c.treatmentId)).not.toContain(
      'service-recovery-credit',
    );
  });

  it('says "nothing eligible" when no rule fits', () => {
    const decision = decideDemo(
      makeFacts({ churnBand: null, churnProbability: null, segment: null, tenureDays: 500 }),
    );
    expect(decision.actions).toEqual([]);
    expect(decision.noAction).toEqual({
      code: 'nothing_eligible',
      message: 'No action: no treatment fits this customer right now.',
    });
  });

  it('distinguishes all-in-cooldown from contact limit', () => {
    const newCustomer = makeFacts({ churnBand: null, churnProbability: null, tenureDays: 20 });
    const inCooldown = decideDemo({
      ...newCustomer,
      treatmentHistory: {
        'education-self-service-app': { lastOfferedAt: daysAgo(3), offersLast30Days: 0 },
      },
    });
    expect(inCooldown.noAction?.code).toBe('all_in_cooldown');
    expect(
      inCooldown.excluded.find((e) => e.treatmentId === 'education-self-service-app')?.code,
    ).toBe('cooldown');

    const atLimit = decideDemo({
      ...newCustomer,
      treatmentHistory: {
        'education-self-service-app': { lastOfferedAt: daysAgo(200), offersLast30Days: 1 },
      },
    });
    expect(atLimit.noAction?.code).toBe('contact_limit_reached');
  });

  it('a customer-wide contact limit stops all suggestions', () => {
    const decision = decideNextBestActions({
      ruleSet: demo,
      facts: {
        ...atRisk,
        treatmentHistory: {
          'education-autopay': { lastOfferedAt: daysAgo(200), offersLast30Days: 4 },
        },
      },
      tallies: [],
      now: NOW,
      rng: seededRng(3),
      policy: { controlShare: 0, maxOffersPer30Days: 4 },
    });
    expect(decision.actions).toEqual([]);
    expect(decision.noAction?.code).toBe('contact_limit_reached');
  });
});

describe('control group', () => {
  it('holds out the configured share within statistical bounds, with a fixed seed', () => {
    const rng = seededRng(2026);
    const draws = 20_000;
    const share = 0.05;
    let control = 0;
    for (let i = 0; i < draws; i++) if (drawControlGroup(rng, share)) control++;
    // Binomial SD = sqrt(p(1-p)/n) ≈ 0.00154; allow 4 SD either side.
    const sd = Math.sqrt((share * (1 - share)) / draws);
    expect(Math.abs(control / draws - share)).toBeLessThan(4 * sd);
  });

  it('marks control decisions, shows nothing, says why, and keeps what was withheld', () => {
    const rng = seededRng(8);
    let seen = 0;
    for (let i = 0; i < 400; i++) {
      const decision = decide({ rng, policy: { controlShare: 0.5, explore: false } });
      if (!decision.controlGroup) {
        expect(decision.actions).toHaveLength(3);
        continue;
      }
      seen++;
      expect(decision.actions).toEqual([]);
      expect(decision.noAction?.code).toBe('control_group');
      expect(decision.noAction?.message).toMatch(/^Control group/);
      expect(decision.ranked.length).toBe(5);
    }
    expect(seen).toBeGreaterThan(150);
    expect(seen).toBeLessThan(250);
  });

  it('controlShare 0 and 1 are never and always', () => {
    const rng = seededRng(1);
    for (let i = 0; i < 100; i++) {
      expect(drawControlGroup(rng, 0)).toBe(false);
      expect(drawControlGroup(rng, 1)).toBe(true);
    }
  });

  it('rejects an impossible policy', () => {
    expect(() => decide({ policy: { controlShare: 1.5 } })).toThrow(/controlShare must be in 0..1/);
    expect(() => decide({ policy: { maxActions: 4 } })).toThrow(/maxActions must be 1, 2 or 3/);
  });
});
