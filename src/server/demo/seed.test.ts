import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coachingReportSchema,
  kpiNames,
  kpiReportSchema,
  noteRowSchema,
  treatmentReviewSchema,
} from '../../contract/supervisor.ts';
import type { Db } from '../db/db.ts';
import { openPglite } from '../db/pglite.ts';
import { migrate } from '../db/migrate.ts';
import { detectionHealth } from '../detection-health/store.ts';
import { createNbaDecisionMaker } from '../nba/decide.ts';
import { lookupCustomerProfile } from '../insights/customer-lookup.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { seededRng } from '../../nba/index.ts';
import { demoCustomerId, seedDemo, sharedPhoneCustomers } from './seed.ts';
import { demoStartTokens } from './start-tokens.ts';

const asOf = new Date('2025-06-01T00:00:00Z');

async function freshDb(): Promise<Db> {
  const db = await openPglite();
  await migrate(db);
  return db;
}

describe('demo seed', () => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('generates customers with record identities, purchases and contacts, once', async () => {
    const result = await seedDemo(db, { customers: 200, asOf });
    expect(result.seeded).toBe(true);
    expect(result.customers).toBe(200);
    expect(result.transactions).toBeGreaterThan(200);
    expect(result.contacts).toBeGreaterThan(100);
    const records = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM identities WHERE kind = 'record' AND crm = 'demo' AND object_type = 'customer'",
    );
    expect(records.rows[0]!.n).toBe(200);
    const latest = await db.query<{ latest: Date }>(
      'SELECT max(occurred_at) AS latest FROM transactions',
    );
    expect(new Date(latest.rows[0]!.latest).getTime()).toBeLessThanOrEqual(asOf.getTime());
    expect((await seedDemo(db, { customers: 200, asOf })).seeded).toBe(false);
  });

  it('includes customers who share a phone', async () => {
    const { rows } = await db.query<{ customer_id: string }>(
      `SELECT c.customer_id FROM identities i JOIN customers c ON c.id = i.customer_id
       WHERE i.kind = 'phone' AND i.value IN (
         SELECT value FROM identities WHERE kind = 'phone' GROUP BY value HAVING count(*) > 1)
       ORDER BY c.customer_id`,
    );
    expect(rows.map((r) => r.customer_id)).toEqual([...sharedPhoneCustomers]);
  });

  it('seeds 30 days of detection health: demo CRM pages, Zendesk, Salesforce, one failing page kind', async () => {
    const rows = await detectionHealth(db, { from: '2025-05-03', to: '2025-06-02' });
    expect(rows.map((r) => `${r.crm} ${r.pageKind}`).sort()).toEqual([
      'demo customer',
      'demo ticket',
      'salesforce case',
      'salesforce contact',
      'zendesk ticket',
    ]);
    const [worst, next] = rows;
    expect(worst).toMatchObject({ crm: 'salesforce', pageKind: 'case' });
    expect(worst!.missRate).toBeGreaterThan(0.1);
    expect(next!.missRate).toBeLessThan(0.06);
    expect(rows.every((r) => r.visited > 100 && r.agents >= 3)).toBe(true);
    expect((await detectionHealth(db, { from: '2025-01-01', to: '2025-05-03' })).length).toBe(0);
  });

  it('trains its churn model from its own history, so churn agrees with the segments and says why', async () => {
    const models = await db.query<{
      version: string;
      params: { historyColumns: string[]; crossValidation: { rocAuc: number } };
    }>(`SELECT version, params FROM models WHERE kind = 'churn'`);
    expect(models.rows).toHaveLength(1);
    const model = models.rows[0]!;
    expect(model.params.historyColumns).toContain('days_since_last_purchase');
    expect(model.params.crossValidation.rocAuc).toBeGreaterThan(0.75);
    const trained = await db.query(
      `SELECT actor FROM audit_log WHERE action = 'churn_model.train' AND target = $1`,
      [model.version],
    );
    expect(trained.rows).toEqual([{ actor: 'loopdesk-demo' }]);

    const { rows } = await db.query<{
      segment: string | null;
      churn: number;
      source: string;
      version: string;
      reasons: string[];
    }>(
      `SELECT segment, churn_probability AS churn, churn_source AS source,
         model_version AS version, churn_reasons AS reasons
       FROM score_snapshots`,
    );
    expect(rows.length).toBeGreaterThan(150);
    for (const row of rows) {
      expect(row.source).toBe('model');
      expect(row.version).toBe(`churn:${model.version}`);
      expect(row.reasons.some((reason) => /^(one purchase|\d+ purchases), /.test(reason))).toBe(
        true,
      );
    }
    const meanChurn = (segments: string[]) => {
      const churn = rows.filter((row) => segments.includes(row.segment!)).map((row) => row.churn);
      expect(churn.length).toBeGreaterThan(10);
      return churn.reduce((sum, value) => sum + value, 0) / churn.length;
    };
    const lapsed = meanChurn(['Lost', 'Hibernating']);
    const best = meanChurn(['Champions', 'Loyal']);
    expect(lapsed).toBeGreaterThan(best + 0.2);
    expect(lapsed).toBeGreaterThan(0.8);
  });

  it("is deterministic for a seed, with the team's work through the engine", async () => {
    const other = await freshDb();
    await seedDemo(other, { customers: 200, asOf });
    const snapshot = (target: Db) =>
      target.query(
        `SELECT c.customer_id, c.name, c.attributes, count(t.id)::int AS purchases, sum(t.amount)::text AS spend
         FROM customers c LEFT JOIN transactions t ON t.customer_id = c.id
         GROUP BY c.id ORDER BY c.customer_id`,
      );
    const work = (target: Db) =>
      target.query(
        `SELECT d.agent, d.created_at, d.control_group, d.suggestions, o.treatment_key, o.result,
           o.reason, o.note
         FROM decisions d LEFT JOIN outcomes o ON o.decision_id = d.id
         ORDER BY d.created_at, d.agent, o.treatment_key`,
      );
    expect((await snapshot(other)).rows).toEqual((await snapshot(db)).rows);
    const decisions = (await work(db)).rows;
    expect(decisions.length).toBeGreaterThan(20);
    expect((await work(other)).rows).toEqual(decisions);
    await other.close();
  });
});

/**
 * The demo as `npm start` seeds it (2,000 customers), as of a fixed day so the figures do not move
 * with the calendar: one business the catalogue fits, and a supervisor workspace with data in
 * every view, read through the API with the supervisor token `npm start` prints.
 */
describe('the demo business and its team at first start', () => {
  const firstStart = new Date('2026-03-02T00:00:00Z');
  const day = 86_400_000;
  const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
  // The workspace opens on the last 90 days.
  const lastNinetyDays = `from=${isoDay(firstStart.getTime() - 89 * day)}&to=${isoDay(firstStart.getTime() + day)}`;
  let db: Db;
  let app: FastifyInstance;
  let dir: string;
  let supervisor: Record<string, string>;
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: supervisor });
    expect(response.statusCode, url).toBe(200);
    return response.json() as unknown;
  };

  beforeAll(async () => {
    db = await freshDb();
    const seeded = await seedDemo(db, { asOf: firstStart });
    expect(seeded).toMatchObject({ seeded: true, customers: 2_000 });
    ({ app } = await appWithTokens(db));
    dir = await mkdtemp(path.join(tmpdir(), 'loopdesk-demo-'));
    const tokens = await demoStartTokens(db, path.join(dir, 'start-tokens.json'));
    supervisor = { authorization: `Bearer ${tokens.supervisor}` };
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is a broadband and phone provider: the attributes, values and reasons the catalogue reads', async () => {
    const { rows: attributes } = await db.query<{ name: string; values: string[] }>(
      `SELECT a.key AS name, array_agg(DISTINCT a.value ORDER BY a.value) AS values
       FROM customers c, jsonb_each_text(c.attributes) a
       WHERE a.key IN ('Contract', 'InternetService', 'OnlineSecurity', 'TechSupport', 'PaymentMethod')
       GROUP BY 1 ORDER BY 1`,
    );
    expect(attributes).toEqual([
      { name: 'Contract', values: ['Month-to-month', 'One year', 'Two year'] },
      { name: 'InternetService', values: ['DSL', 'Fiber optic', 'No'] },
      { name: 'OnlineSecurity', values: ['No', 'No internet service', 'Yes'] },
      {
        name: 'PaymentMethod',
        values: [
          'Bank transfer (automatic)',
          'Credit card (automatic)',
          'Electronic check',
          'Mailed check',
        ],
      },
      { name: 'TechSupport', values: ['No', 'No internet service', 'Yes'] },
    ]);
    const { rows: reasons } = await db.query<{ reason: string }>(
      'SELECT DISTINCT reason FROM contacts ORDER BY reason',
    );
    expect(reasons.map((r) => r.reason)).toEqual([
      'billing',
      'cancellation',
      'complaint',
      'outage',
      'sales',
      'technical',
    ]);
    // Customers still billed are worth hundreds of dollars a year to a telco, not a shop's $13.
    const { rows: values } = await db.query<{ median: number; low: number; high: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s.clv) AS median,
         percentile_cont(0.05) WITHIN GROUP (ORDER BY s.clv) AS low,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY s.clv) AS high
       FROM customer_segments cs JOIN score_snapshots s ON s.id = cs.snapshot_id
       WHERE s.p_alive > 0.5`,
    );
    expect(values[0]!.median).toBeGreaterThan(300);
    expect(values[0]!.median).toBeLessThan(3_000);
    expect(values[0]!.low).toBeGreaterThan(20);
    expect(values[0]!.high).toBeLessThan(5_000);
  });

  it('suggests something in at least 80% of decisions outside the control group', async () => {
    const { rows } = await db.query<{ shown: number; suggesting: number; control: number }>(
      `SELECT count(*) FILTER (WHERE NOT control_group)::int AS shown,
         count(*) FILTER (WHERE NOT control_group AND jsonb_array_length(suggestions) > 0)::int AS suggesting,
         count(*) FILTER (WHERE control_group)::int AS control
       FROM decisions`,
    );
    const { shown, suggesting, control } = rows[0]!;
    expect(shown).toBeGreaterThan(500);
    expect(control).toBeGreaterThan(10);
    expect(suggesting / shown).toBeGreaterThanOrEqual(0.8);
  });

  it('never suggests the deep discount to a bronze customer', async () => {
    // The tier the decision saw: the customer's latest scores at or before it.
    const { rows } = await db.query<{ tier: string | null; n: number }>(
      `SELECT (SELECT s.value_tier FROM score_snapshots s WHERE s.customer_id = d.customer_id
                 AND s.computed_at <= d.created_at ORDER BY s.computed_at DESC LIMIT 1) AS tier,
         count(*)::int AS n
       FROM decisions d
       WHERE d.suggestions @> '[{"treatmentId": "retention-loyalty-discount"}]'
       GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.reduce((sum, row) => sum + row.n, 0)).toBeGreaterThan(5);
    expect(rows.map((row) => row.tier)).not.toContain('bronze');
    expect(rows.map((row) => row.tier)).not.toContain(null);
  });

  it('has a next-best-action for the customer README and npm start point to, and most others', async () => {
    const decide = createNbaDecisionMaker({ rng: seededRng(1), now: () => firstStart });
    const suggestionsFor = async (customerId: string) => {
      const found = await lookupCustomerProfile(
        db,
        { crm: 'demo', type: 'customer', id: customerId },
        'US',
        firstStart,
        decide.lookupColumnsSql,
      );
      if (found.status !== 'found') throw new Error(`${customerId}: ${found.status}`);
      const plan = await decide(db, {
        profile: found.profile,
        agent: 'test',
        context: null,
        lookupRow: found.row,
      });
      // Control-group decisions keep what they withheld: eligibility, not the coin toss.
      return plan.suggestions.length;
    };
    expect(await suggestionsFor('CUST-0001')).toBeGreaterThan(0);
    let withSuggestions = 0;
    for (let index = 0; index < 60; index += 1) {
      if ((await suggestionsFor(demoCustomerId(index))) > 0) withSuggestions += 1;
    }
    expect(withSuggestions).toBeGreaterThanOrEqual(45);
  });

  it('shows the printed supervisor every workspace view with data', async () => {
    const review = treatmentReviewSchema.parse(
      await get(`/v1/supervisor/treatments?${lastNinetyDays}`),
    );
    const measured = review.rows.filter(
      (row) =>
        row.suggested > 0 &&
        row.offered > 0 &&
        row.accepted > 0 &&
        row.uplift !== null &&
        row.upliftCi95 !== null,
    );
    expect(measured.length).toBeGreaterThanOrEqual(3);
    expect(review.rows.some((row) => Object.keys(row.declinedByReason).length >= 2)).toBe(true);

    const kpis = kpiReportSchema.parse(await get(`/v1/kpis?${lastNinetyDays}`));
    for (const name of kpiNames) {
      expect(kpis.overall.kpis[name].value, name).not.toBeNull();
    }
    expect(kpis.overall.kpis.defectionSaves.numerator).toBeGreaterThan(0);
    expect(kpis.overall.kpis.crossUpSellRatio.value).toBeGreaterThan(0);

    const weeks = kpiReportSchema.parse(await get(`/v1/kpis?${lastNinetyDays}&groupBy=week`));
    expect(weeks.rows.length).toBeGreaterThanOrEqual(12);
    expect(weeks.rows.every((row) => row.kpis.offerRate.value !== null)).toBe(true);

    const coaching = coachingReportSchema.parse(
      await get(`/v1/supervisor/coaching?${lastNinetyDays}`),
    );
    const cues = coaching.agents.flatMap((agent) => agent.cues);
    expect(cues.map((cue) => `${cue.agent} ${cue.metric}`)).toContain('Linus Torvalds offerRate');
    expect(new Set(cues.map((cue) => cue.metric)).size).toBeGreaterThanOrEqual(2);

    const notes = noteRowSchema.array().parse(await get('/v1/supervisor/notes'));
    expect(notes.length).toBeGreaterThan(20);
  });
});
