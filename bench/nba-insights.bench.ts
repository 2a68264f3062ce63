/**
 * The arbitration step's share of a whole insights request, at 50 treatments and 200 rules, on
 * PGlite (in memory) through app.inject:
 *   npx tsx bench/nba-insights.bench.ts
 * Prints `nba.insights_share ...` lines with medians: the whole request, the decide seam (its
 * one read query plus the engine), and the engine alone (arbitration + routing, no I/O); beside
 * them GET /v1/routing for the same customers (`nba.routing.request`).
 */
import { segmentNames, treatmentKinds, valueTiers } from '../src/contract/insights.ts';
import {
  demoRoutingConfig,
  seededRng,
  type Condition,
  type EligibilityRule,
  type Treatment,
} from '../src/nba/index.ts';
import { buildApp } from '../src/server/app.ts';
import { createToken } from '../src/server/tokens/store.ts';
import { readConfig } from '../src/server/config.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { openPglite } from '../src/server/db/pglite.ts';
import { changeCatalogue } from '../src/server/nba/catalogue-store.ts';
import { saveRouting, saveSettings } from '../src/server/nba/config-store.ts';
import { NbaEngine, createNbaDecisionMaker } from '../src/server/nba/decide.ts';
import { loadCustomerProfile } from '../src/server/insights/customer-profile.ts';

const TREATMENTS = 50;
const RULES = 200;
const CUSTOMERS = 200;
const WARMUP = 100;
const REQUESTS = 600;

const setup = seededRng(515151);
const pick = <T>(items: readonly T[]): T => items[Math.floor(setup() * items.length)]!;

const treatments: Treatment[] = Array.from({ length: TREATMENTS }, (_, i) => ({
  id: `t-${i}`,
  kind: treatmentKinds[i % treatmentKinds.length]!,
  name: `Treatment ${i}`,
  script: `Script for treatment ${i}, read aloud by the CSR.`,
  businessValue: 50 + Math.round(setup() * 950),
  lever: 1,
  active: true,
  cooldownDays: 30,
  maxContactsPer30Days: 2,
  prior: { propensity: 0.05 + setup() * 0.4, evidenceWeight: 10 },
}));

function randomCondition(): Condition {
  switch (Math.floor(setup() * 7)) {
    case 0:
      return { field: 'segment', in: [pick(segmentNames), pick(segmentNames), pick(segmentNames)] };
    case 1:
      return { field: 'valueTier', in: [pick(valueTiers), pick(valueTiers)] };
    case 2:
      return { field: 'churnProbability', min: Math.round(setup() * 50) / 100 };
    case 3:
      return { field: 'tenureDays', min: Math.round(setup() * 200) };
    case 4:
      return { field: 'recentContacts', withinDays: 30, reasons: ['complaint'], maxCount: 2 };
    case 5:
      return { field: 'recentCsat', withinDays: 60, stat: 'avg', min: 1, max: 4 };
    default:
      return { field: 'attribute', name: 'Contract', in: ['Month-to-month', 'One year'] };
  }
}

const rules: EligibilityRule[] = Array.from({ length: RULES }, (_, i) => ({
  id: `r-${i}`,
  treatmentId: `t-${i % TREATMENTS}`,
  name: `Rule ${i}`,
  active: true,
  contextWeight: 0.5 + setup() * 2,
  conditions: Array.from({ length: 1 + Math.floor(setup() * 3) }, randomCondition),
}));

const db = await openPglite();
await migrate(db);
await changeCatalogue(db, 'bench', () => ({
  ruleSet: { treatments, rules },
  changes: [
    ...treatments.map((t) => ({ kind: 'treatment' as const, id: t.id, change: 'create' })),
    ...rules.map((r) => ({ kind: 'rule' as const, id: r.id, change: 'create' })),
  ],
}));
await saveRouting(db, demoRoutingConfig, 'bench');
await saveSettings(db, { controlShare: 0.05 }, 'bench');

// Customers with a score snapshot, contacts and identities; outcome tallies for every pair.
await db.query(
  `INSERT INTO customers (customer_id, name, email, since, attributes)
   SELECT 'C' || n, 'Customer ' || n, 'c' || n || '@example.com', DATE '2023-01-01' + (n % 700),
     jsonb_build_object('Contract', (ARRAY['Month-to-month','One year','Two year'])[1 + n % 3])
   FROM generate_series(1, $1) AS n`,
  [CUSTOMERS],
);
await db.query(
  `INSERT INTO identities (customer_id, kind, value) SELECT id, 'email', email FROM customers`,
);
await db.query(
  `INSERT INTO score_snapshots (customer_id, segment, recency_score, frequency_score,
     monetary_score, clv, currency, value_tier, p_alive, horizon_months, churn_probability,
     churn_band, churn_source, model_version)
   SELECT id, ($1::text[])[1 + id % 11], 1 + id % 5, 1 + (id / 5) % 5, 1 + (id / 25) % 5,
     (id * 37) % 2000, 'USD', (ARRAY['bronze','silver','gold','platinum'])[1 + id % 4],
     0.5, 12, (id % 100) / 100.0,
     CASE WHEN id % 100 >= 60 THEN 'high' WHEN id % 100 >= 30 THEN 'medium' ELSE 'low' END,
     'model', 'bench' FROM customers`,
  [segmentNames],
);
await db.query(
  `INSERT INTO contacts (contact_id, customer_id, channel, started_at, reason, csat)
   SELECT 'K' || c.id || '-' || k, c.id, 'phone', now() - (k * 7 || ' days')::interval,
     (ARRAY['complaint','billing','technical'])[1 + (c.id + k) % 3], 1 + (c.id + k) % 5
   FROM customers c, generate_series(1, 6) AS k`,
);
await db.query(
  `INSERT INTO nba_tallies (segment, treatment_key, accepted, declined)
   SELECT s, 't-' || t, (t * 7) % 100, (t * 13) % 400
   FROM unnest($1::text[]) AS s, generate_series(0, $2 - 1) AS t`,
  [segmentNames, TREATMENTS],
);

const engineTimes: number[] = [];
const decideTimes: number[] = [];
const engine = new NbaEngine({ onEngineTime: (ms) => engineTimes.push(ms) });
const engineDecide = createNbaDecisionMaker(engine);
const app = await buildApp({
  db,
  config: { ...readConfig({}), demoCrm: false },
  decide: async (queryable, request) => {
    const started = performance.now();
    const plan = await engineDecide(queryable, request);
    decideTimes.push(performance.now() - started);
    return plan;
  },
});
const { token } = await createToken(db, { role: 'csr', agentName: 'bench', actor: 'bench' });

const requestTimes: number[] = [];
let actions = 0;
for (let i = 0; i < WARMUP + REQUESTS; i++) {
  const started = performance.now();
  const response = await app.inject({
    method: 'GET',
    url: `/v1/insights?email=c${1 + (i % CUSTOMERS)}@example.com`,
    headers: { authorization: `Bearer ${token}` },
  });
  const elapsed = performance.now() - started;
  if (response.statusCode !== 200) throw new Error(`insights answered ${response.statusCode}`);
  if (i >= WARMUP) {
    requestTimes.push(elapsed);
    actions += (response.json() as { nextBestActions: unknown[] }).nextBestActions.length;
  }
}
const measured = (times: number[]) => times.slice(times.length - REQUESTS);
const median = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const p95 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.95)]!;

const request = measured(requestTimes);
const decide = measured(decideTimes);
const arbitration = measured(engineTimes);
const label = `nba.insights_share.${TREATMENTS}x${RULES}`;
console.log(
  `${label}.request median_ms=${median(request).toFixed(3)} p95_ms=${p95(request).toFixed(3)} requests=${REQUESTS}`,
);
console.log(
  `${label}.decide median_ms=${median(decide).toFixed(3)} p95_ms=${p95(decide).toFixed(3)}`,
);
console.log(
  `${label}.arbitration median_ms=${median(arbitration).toFixed(3)} p95_ms=${p95(arbitration).toFixed(3)}`,
);
console.log(
  `${label} arbitration_share=${((median(arbitration) / median(request)) * 100).toFixed(1)}% ` +
    `decide_share=${((median(decide) / median(request)) * 100).toFixed(1)}% ` +
    `mean_actions=${(actions / REQUESTS).toFixed(2)}`,
);

// GET /v1/routing for the same customers: the lookup and the routing rules, no decision written.
const routingTimes: number[] = [];
for (let i = 0; i < WARMUP + REQUESTS; i++) {
  const started = performance.now();
  const response = await app.inject({
    method: 'GET',
    url: `/v1/routing?email=c${1 + (i % CUSTOMERS)}@example.com`,
    headers: { authorization: `Bearer ${token}` },
  });
  const elapsed = performance.now() - started;
  if (response.statusCode !== 200) throw new Error(`routing answered ${response.statusCode}`);
  if (i >= WARMUP) routingTimes.push(elapsed);
}
console.log(
  `nba.routing.request median_ms=${median(routingTimes).toFixed(3)} p95_ms=${p95(routingTimes).toFixed(3)} requests=${REQUESTS}`,
);

// The decide seam without HTTP, for the same customers (profile already loaded).
const profile = await loadCustomerProfile(db, '1');
if (profile) {
  const seam: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    await engine.run(db, profile);
    seam.push(performance.now() - started);
  }
  console.log(`${label}.engine_run median_ms=${median(seam.slice(100)).toFixed(3)}`);
}
await app.close();
await db.close();
