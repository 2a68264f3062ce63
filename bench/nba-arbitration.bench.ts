/**
 * Arbitration time per insights request at 50 treatments and 200 rules:
 *   npx tsx bench/nba-arbitration.bench.ts
 * Prints `nba.arbitration.50x200 median_us=... p95_us=...` (goal: median under 1 ms).
 */
import {
  compileRuleSet,
  decideNextBestActions,
  indexTallies,
  seededRng,
  validateRuleSet,
  type Condition,
  type CustomerFacts,
  type EligibilityRule,
  type OutcomeTally,
  type Treatment,
} from '../src/nba/index.ts';
import { segmentNames, treatmentKinds, valueTiers } from '../src/contract/insights.ts';

const TREATMENTS = 50;
const RULES = 200;
const WARMUP = 2_000;
const ITERATIONS = 5_000;

const setupRng = seededRng(424242);
const pick = <T>(items: readonly T[]): T => items[Math.floor(setupRng() * items.length)]!;

const treatments: Treatment[] = Array.from({ length: TREATMENTS }, (_, i) => ({
  id: `t-${i}`,
  kind: treatmentKinds[i % treatmentKinds.length]!,
  name: `Treatment ${i}`,
  script: `Script for treatment ${i}, read aloud by the CSR.`,
  businessValue: 50 + Math.round(setupRng() * 950),
  lever: 1,
  active: true,
  cooldownDays: 30,
  maxContactsPer30Days: 2,
  prior: { propensity: 0.05 + setupRng() * 0.4, evidenceWeight: 10 },
}));

// A mix of every condition kind, so the timing covers the expensive ones (contact windows, CSAT).
function randomCondition(): Condition {
  switch (Math.floor(setupRng() * 8)) {
    case 0:
      return { field: 'segment', in: [pick(segmentNames), pick(segmentNames), pick(segmentNames)] };
    case 1:
      return { field: 'valueTier', in: [pick(valueTiers), pick(valueTiers)] };
    case 2:
      return { field: 'churnProbability', min: Math.round(setupRng() * 50) / 100 };
    case 3:
      return { field: 'tenureDays', min: Math.round(setupRng() * 200) };
    case 4:
      return {
        field: 'recentContacts',
        withinDays: 30,
        reasons: ['complaint', 'billing'],
        maxCount: 2,
      };
    case 5:
      return { field: 'recentCsat', withinDays: 60, stat: 'avg', min: 1, max: 4 };
    case 6:
      return { field: 'attribute', name: 'Contract', in: ['Month-to-month', 'One year'] };
    default:
      return { field: 'clv', min: Math.round(setupRng() * 500) };
  }
}

const rules: EligibilityRule[] = Array.from({ length: RULES }, (_, i) => ({
  id: `r-${i}`,
  treatmentId: `t-${i % TREATMENTS}`,
  name: `Rule ${i}`,
  active: true,
  contextWeight: 0.5 + setupRng() * 2,
  conditions: Array.from({ length: 1 + Math.floor(setupRng() * 3) }, randomCondition),
}));

const validated = validateRuleSet({ treatments, rules });
if (!validated.ok) throw new Error(validated.issues.map((i) => i.text).join('\n'));
const ruleSet = compileRuleSet(validated.value);

const tallies: OutcomeTally[] = treatments.flatMap((t) =>
  segmentNames.map((segment) => ({
    treatmentId: t.id,
    segment,
    accepted: Math.floor(setupRng() * 100),
    declined: Math.floor(setupRng() * 400),
  })),
);

const now = new Date('2026-11-25T12:00:00Z');
const day = 86_400_000;
const customers: CustomerFacts[] = Array.from({ length: 64 }, (_, i) => ({
  customerId: `c-${i}`,
  segment: pick(segmentNames),
  valueTier: pick(valueTiers),
  clv: setupRng() * 2000,
  churnProbability: setupRng(),
  churnBand: pick(['low', 'medium', 'high'] as const),
  tenureDays: Math.floor(setupRng() * 2000),
  pAlive: setupRng(),
  recentContacts: Array.from({ length: 10 }, () => ({
    reason: pick(['complaint', 'billing', 'technical', null]),
    at: new Date(now.getTime() - setupRng() * 90 * day).toISOString(),
    csat: pick([1, 2, 3, 4, 5, null]),
  })),
  attributes: {
    Contract: pick(['Month-to-month', 'One year', 'Two year']),
    MonthlyCharges: setupRng() * 120,
  },
  treatmentHistory: Object.fromEntries(
    treatments
      .filter(() => setupRng() < 0.2)
      .map((t) => [
        t.id,
        {
          lastOfferedAt: new Date(now.getTime() - setupRng() * 60 * day).toISOString(),
          offersLast30Days: Math.floor(setupRng() * 3),
        },
      ]),
  ),
}));

function measure(label: string, run: (i: number) => void): void {
  for (let i = 0; i < WARMUP; i++) run(i);
  const times = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    run(i);
    times[i] = (performance.now() - start) * 1000;
  }
  times.sort();
  const at = (q: number) => times[Math.min(ITERATIONS - 1, Math.floor(q * ITERATIONS))]!;
  console.log(
    `${label} median_us=${at(0.5).toFixed(1)} p95_us=${at(0.95).toFixed(1)} iterations=${ITERATIONS}`,
  );
}

const rng = seededRng(7);
let eligibleSum = 0;
// As the server would call it per request: tallies indexed once per outcome batch, not per request.
const tallyIndex = indexTallies(tallies);
measure(`nba.arbitration.${TREATMENTS}x${RULES}`, (i) => {
  const decision = decideNextBestActions({
    ruleSet,
    facts: customers[i % customers.length]!,
    tallies: tallyIndex,
    now,
    rng,
  });
  eligibleSum += decision.ranked.length;
});
// Worst case for a naive caller: raw tally rows (50 treatments x 11 segments) indexed on every request.
measure(`nba.arbitration.${TREATMENTS}x${RULES}.raw_tallies`, (i) => {
  decideNextBestActions({ ruleSet, facts: customers[i % customers.length]!, tallies, now, rng });
});
console.log(
  `nba.arbitration.${TREATMENTS}x${RULES} mean_eligible=${(eligibleSum / (WARMUP + ITERATIONS)).toFixed(1)}`,
);
