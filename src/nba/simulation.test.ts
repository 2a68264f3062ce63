import { describe, expect, it } from 'vitest';
import type { segmentNames } from '../contract/insights.ts';
import { decideNextBestActions } from './arbitration.ts';
import { indexTallies, lookupPosterior, type OutcomeTally } from './propensity.ts';
import { seededRng } from './rng.ts';
import { compileRuleSet } from './rule-set.ts';
import { NOW, makeFacts, makeRule, makeTreatment } from './test-helpers.ts';
import { estimateUplift } from './uplift.ts';

/*
 * A closed-loop simulation with known ground truth. Customers in three segments accept each
 * treatment at a TRUE rate that differs by segment; the best treatment is different in every
 * segment. The engine starts from the same uninformative prior for all treatments, the CSR
 * offers the top suggestion, and the outcome feeds back. Business value, lever and context
 * weight are equal, so the learned ranking is a ranking of learned propensities.
 *
 * Conversion (the business outcome uplift is measured on): a customer converts if they accept
 * the offer, or on their own at a small baseline rate, which is all the control group gets.
 */

type Segment = (typeof segmentNames)[number];
const segments: Segment[] = ['Champions', 'At risk', 'New'];
const treatmentIds = ['loyalty-discount', 'annual-plan', 'add-on', 'upgrade'] as const;
type TreatmentId = (typeof treatmentIds)[number];

const trueAcceptance: Record<Segment, Record<TreatmentId, number>> = {
  Champions: { 'loyalty-discount': 0.12, 'annual-plan': 0.1, 'add-on': 0.18, upgrade: 0.3 },
  'At risk': { 'loyalty-discount': 0.34, 'annual-plan': 0.2, 'add-on': 0.06, upgrade: 0.05 },
  New: { 'loyalty-discount': 0.08, 'annual-plan': 0.14, 'add-on': 0.28, upgrade: 0.12 },
} as Record<Segment, Record<TreatmentId, number>>;
const baselineConversion: Partial<Record<Segment, number>> = {
  Champions: 0.08,
  'At risk': 0.03,
  New: 0.05,
};
const bestTreatment = (segment: Segment): TreatmentId =>
  [...treatmentIds].sort((a, b) => trueAcceptance[segment][b] - trueAcceptance[segment][a])[0]!;

const DECISIONS = 12_000;
const CONTROL_SHARE = 0.05;
/*
 * Measured uplift = treated conversion rate - control conversion rate. With ~600 control and
 * ~11,400 treated decisions its standard error is about 0.011; the tolerance is 3 standard errors.
 */
const UPLIFT_TOLERANCE = 0.033;

describe('closed-loop simulation (fixed seed)', () => {
  it('learns the best treatment per segment and measures uplift close to the truth', () => {
    const ruleSet = compileRuleSet({
      treatments: treatmentIds.map((id) =>
        makeTreatment({ id, businessValue: 100, prior: { propensity: 0.2, evidenceWeight: 2 } }),
      ),
      rules: treatmentIds.map((id) => makeRule({ id: `${id}-all`, treatmentId: id })),
    });
    const policyRng = seededRng(20261125);
    const worldRng = seededRng(777);
    const counts = new Map<string, OutcomeTally>();
    let tallies = indexTallies([]);

    let treated = 0;
    let treatedConversions = 0;
    let trueUpliftSum = 0;
    let control = 0;
    let controlConversions = 0;

    for (let i = 0; i < DECISIONS; i++) {
      const segment = segments[Math.floor(worldRng() * segments.length)]!;
      const baseline = baselineConversion[segment]!;
      const decision = decideNextBestActions({
        ruleSet,
        facts: makeFacts({ customerId: `c-${i}`, segment }),
        tallies,
        now: NOW,
        rng: policyRng,
        policy: { controlShare: CONTROL_SHARE },
      });
      const convertsAnyway = worldRng() < baseline;
      if (decision.controlGroup) {
        control++;
        if (convertsAnyway) controlConversions++;
        continue;
      }
      const offered = decision.actions[0]!.treatmentId as TreatmentId;
      const pAccept = trueAcceptance[segment][offered];
      const accepted = worldRng() < pAccept;
      treated++;
      if (accepted || convertsAnyway) treatedConversions++;
      trueUpliftSum += pAccept * (1 - baseline);

      const key = `${offered}|${segment}`;
      const tally = counts.get(key) ?? { treatmentId: offered, segment, accepted: 0, declined: 0 };
      if (accepted) tally.accepted++;
      else tally.declined++;
      counts.set(key, tally);
      // Outcomes arrive in batches, as the server would re-aggregate them.
      if (i % 50 === 49) tallies = indexTallies([...counts.values()]);
    }
    tallies = indexTallies([...counts.values()]);

    for (const segment of segments) {
      const learned = ruleSet.treatments
        .map((t) => ({ id: t.id, mean: lookupPosterior(tallies, t, segment).mean }))
        .sort((a, b) => b.mean - a.mean);
      expect(learned[0]!.id, `best treatment for ${segment}`).toBe(bestTreatment(segment));
      // The posterior of the winner sits near its true rate: it was offered most.
      expect(
        Math.abs(learned[0]!.mean - trueAcceptance[segment][bestTreatment(segment)]),
      ).toBeLessThan(0.03);
    }

    expect(control / DECISIONS).toBeGreaterThan(0.04);
    expect(control / DECISIONS).toBeLessThan(0.06);
    const measured = estimateUplift(
      { n: treated, successes: treatedConversions },
      { n: control, successes: controlConversions },
    )!;
    const trueUplift = trueUpliftSum / treated;
    expect(trueUplift).toBeGreaterThan(0.2);
    expect(measured.standardError).toBeLessThan(UPLIFT_TOLERANCE / 2.5);
    expect(Math.abs(measured.uplift - trueUplift)).toBeLessThan(UPLIFT_TOLERANCE);
  });
});
