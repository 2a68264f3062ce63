import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { openPglite } from '../db/pglite.ts';
import { migrate } from '../db/migrate.ts';
import { detectionHealth } from '../detection-health/store.ts';
import { seedDemo, sharedPhoneCustomers } from './seed.ts';

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

  it('is deterministic for a seed', async () => {
    const other = await freshDb();
    await seedDemo(other, { customers: 200, asOf });
    const snapshot = (target: Db) =>
      target.query(
        `SELECT c.customer_id, c.name, c.attributes, count(t.id)::int AS purchases, sum(t.amount)::text AS spend
         FROM customers c LEFT JOIN transactions t ON t.customer_id = c.id
         GROUP BY c.id ORDER BY c.customer_id`,
      );
    expect((await snapshot(other)).rows).toEqual((await snapshot(db)).rows);
    await other.close();
  });
});
