import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiName } from '../../contract/supervisor.ts';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { searchNotes } from '../supervisor/notes.ts';
import { drillDecisions } from '../supervisor/drill.ts';
import { parsePeriod } from './periods.ts';
import { testDatabases } from '../testing/databases.ts';
import { decisionUuid, fixturePeriod, seedKpiFixture } from '../testing/kpi-fixture.ts';
import type { PeriodFilter } from './period-filters.ts';
import { computeKpiRows } from '../kpis/report.ts';

/*
 * Contacts, shown suggestions and offer status carry their customer's current segment
 * (customer_segment, migration 050), kept by trigger from customer_segments so the KPIs group
 * by segment without a join. After every change the copies must equal the definition: the
 * segment of the customer's latest score snapshot (ties: newest id), derived here from scratch.
 * Fixture segments: K1 At risk, K2 Champions, K3 At risk, K4 none. Each test puts back what it
 * changed.
 */
const customer = (param: string) => `(SELECT id FROM customers WHERE customer_id = ${param})`;

async function bySegment(db: Db, kpi: KpiName, extra: Partial<PeriodFilter> = {}) {
  const rows = await computeKpiRows(db, {
    period: parsePeriod(fixturePeriod),
    teamIds: null,
    groupBy: 'segment',
    ...extra,
  });
  return Object.fromEntries(
    rows.map((r) => [r.group ?? '(none)', [r.kpis[kpi].numerator, r.kpis[kpi].denominator]]),
  );
}

/** Rows whose copy differs from the latest snapshot's segment, per table (all zero when right). */
async function outOfStep(db: Db) {
  const { rows } = await db.query<{ source: string; wrong: number }>(
    `WITH latest AS (
       SELECT DISTINCT ON (s.customer_id) s.customer_id, s.segment
       FROM score_snapshots s ORDER BY s.customer_id, s.computed_at DESC, s.id DESC)
     SELECT 'contacts' AS source, count(*) FILTER (
         WHERE c.customer_segment IS DISTINCT FROM l.segment)::int AS wrong
     FROM contacts c LEFT JOIN latest l ON l.customer_id = c.customer_id
     UNION ALL
     SELECT 'decision_suggestions', count(*) FILTER (
         WHERE ds.customer_segment IS DISTINCT FROM l.segment)::int
     FROM decision_suggestions ds LEFT JOIN latest l ON l.customer_id = ds.customer_id
     UNION ALL
     SELECT 'offer_status', count(*) FILTER (
         WHERE f.customer_segment IS DISTINCT FROM l.segment)::int
     FROM offer_status f LEFT JOIN latest l ON l.customer_id = f.customer_id
     ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.source, r.wrong]));
}
const inStep = { contacts: 0, decision_suggestions: 0, offer_status: 0 };

describe.each(testDatabases())('customer segment copies kept in step on $name', (target) => {
  let db: Db;

  beforeAll(async () => {
    db = await target.open();
    await seedKpiFixture(db);
  }, 180_000);
  afterAll(async () => db?.close());

  it('copies the segment onto the seeded rows', async () => {
    expect(await outOfStep(db)).toEqual(inStep);
    const { rows } = await db.query<{ contact_id: string; customer_segment: string | null }>(
      `SELECT contact_id, customer_segment FROM contacts ORDER BY contact_id`,
    );
    expect(rows.map((r) => r.customer_segment)).toEqual([
      'Champions', // c0 K2
      'At risk', // c1 K1
      'At risk', // c2 K1
      'Champions', // c3 K2
      'At risk', // c4 K3
      null, // c5 K4 (never scored)
      'At risk', // c6 K1
      null, // c7 K4
      'At risk', // c8 K1
    ]);
  });

  it('re-groups contacts and decisions when a late score changes the segment', async () => {
    // Offer rate by segment: At risk = K1's D1 ret (offered), D1 xs (not), D2 xs (offered) and
    // K3's D4 ret (offered), D4 up (nothing): 3 of 5; Champions = K2's D3 xs, D3 up: 2 of 2.
    expect(await bySegment(db, 'offerRate')).toMatchObject({
      'At risk': [3, 5],
      Champions: [2, 2],
    });
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       VALUES (${customer('$1')}, 'Loyal', 'low', '2025-06-01T00:00:00Z')`,
      ['K1'],
    );
    expect(await outOfStep(db)).toEqual(inStep);
    // K1 now Loyal: its c1 5, c2 2, c6 4 rate 2 of 3 there; At risk keeps K3's unrated c4.
    expect(await bySegment(db, 'csat')).toEqual({
      '(none)': [0, 1],
      'At risk': [0, 0],
      Champions: [1, 1],
      Loyal: [2, 3],
    });
    // K1's D1 ret, D1 xs, D2 xs move to Loyal (2 of 3); At risk keeps D4 ret, D4 up (1 of 2).
    expect(await bySegment(db, 'offerRate')).toMatchObject({
      'At risk': [1, 2],
      Champions: [2, 2],
      Loyal: [2, 3],
    });
    // Narrowing by segment reads the same copy: Loyal has K1's 3 surveyed contacts.
    const loyal = await computeKpiRows(db, {
      period: parsePeriod(fixturePeriod),
      teamIds: null,
      segment: 'Loyal',
    });
    expect(loyal[0]!.kpis.csat).toMatchObject({ numerator: 2, denominator: 3 });
    const drill = await drillDecisions(
      db,
      { period: parsePeriod(fixturePeriod), teamIds: null },
      { treatment: 'ret', limit: 50 },
    );
    expect(Object.fromEntries(drill.map((r) => [r.customerId, r.segment]))).toEqual({
      K1: 'Loyal',
      K3: 'At risk',
    });

    // The new snapshot corrected (segment edited), then removed: back to At risk.
    await db.query(`UPDATE score_snapshots SET segment = 'Promising' WHERE segment = 'Loyal'`);
    expect(await outOfStep(db)).toEqual(inStep);
    expect(await bySegment(db, 'csat')).toMatchObject({ Promising: [2, 3] });
    await db.query(`DELETE FROM score_snapshots WHERE segment = 'Promising'`);
    expect(await outOfStep(db)).toEqual(inStep);
    expect(await bySegment(db, 'offerRate')).toMatchObject({
      'At risk': [3, 5],
      Champions: [2, 2],
    });
  });

  it('does not rewrite rows whose segment a new scoring run leaves as it was', async () => {
    const versions = async () => {
      const { rows } = await db.query<{ contact_id: string; version: string }>(
        `SELECT c.contact_id, c.xmin::text AS version FROM contacts c
         JOIN customers k ON k.id = c.customer_id WHERE k.customer_id IN ('K1', 'K2')
         ORDER BY c.contact_id`,
      );
      return new Map(rows.map((r) => [r.contact_id, r.version]));
    };
    const before = await versions();
    // One statement rescoring both: K2 stays Champions, K1 becomes Hibernating.
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       VALUES (${customer('$1')}, 'Champions', 'low', '2025-07-01T00:00:00Z'),
              (${customer('$2')}, 'Hibernating', 'high', '2025-07-01T00:00:00Z')`,
      ['K2', 'K1'],
    );
    const after = await versions();
    expect(await outOfStep(db)).toEqual(inStep);
    // K2's contacts c0, c3 untouched; K1's c1, c2, c6, c8 rewritten.
    for (const id of ['c0', 'c3']) expect(after.get(id)).toBe(before.get(id));
    for (const id of ['c1', 'c2', 'c6', 'c8']) expect(after.get(id)).not.toBe(before.get(id));
    await db.query(`DELETE FROM score_snapshots WHERE computed_at = '2025-07-01T00:00:00Z'`);
    expect(await outOfStep(db)).toEqual(inStep);
  });

  it('gives new and moved rows their customer’s segment, and follows a first score', async () => {
    // A new contact for K4 (never scored) has no segment; one moved from K4 to K2 takes Champions.
    await db.query(
      `INSERT INTO contacts (contact_id, customer_id, channel, started_at, csat, reason)
       VALUES ('c9', ${customer('$1')}, 'chat', '2025-03-29T10:00:00Z', 5, 'billing')`,
      ['K4'],
    );
    await db.query(`UPDATE contacts SET customer_id = ${customer('$1')} WHERE contact_id = 'c5'`, [
      'K2',
    ]);
    expect(await outOfStep(db)).toEqual(inStep);
    // (none): c9 5 → 1 of 1; Champions: c3 4, c5 3 → 1 of 2.
    expect(await bySegment(db, 'csat')).toMatchObject({ '(none)': [1, 1], Champions: [1, 2] });

    // K4 scored for the first time: c9 (and K4's c7, D5) join New.
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       VALUES (${customer('$1')}, 'New', 'low', '2025-06-01T00:00:00Z')`,
      ['K4'],
    );
    expect(await outOfStep(db)).toEqual(inStep);
    expect(await bySegment(db, 'csat')).toMatchObject({ New: [1, 1], Champions: [1, 2] });

    // A decision moved to another customer takes that customer's segment on its suggestions
    // and offer status: D3 (K2, xs and up both offered) to K4.
    await db.query(`UPDATE decisions SET customer_id = ${customer('$1')} WHERE id = $2`, [
      'K4',
      decisionUuid('D3'),
    ]);
    expect(await outOfStep(db)).toEqual(inStep);
    expect(await bySegment(db, 'offerRate')).toMatchObject({ New: [2, 2], 'At risk': [3, 5] });

    await db.query(`UPDATE decisions SET customer_id = ${customer('$1')} WHERE id = $2`, [
      'K2',
      decisionUuid('D3'),
    ]);
    await db.query(`DELETE FROM score_snapshots WHERE customer_id = ${customer('$1')}`, ['K4']);
    await db.query(`UPDATE contacts SET customer_id = ${customer('$1')} WHERE contact_id = 'c5'`, [
      'K4',
    ]);
    await db.query(`DELETE FROM contacts WHERE contact_id = 'c9'`);
    expect(await outOfStep(db)).toEqual(inStep);
    expect(await bySegment(db, 'csat')).toEqual({
      '(none)': [0, 1],
      'At risk': [2, 3],
      Champions: [1, 1],
    });
  });

  it('lets a scored customer with contacts be deleted', async () => {
    await db.query(`INSERT INTO customers (customer_id, name) VALUES ('K9', 'Kai Nine')`);
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       VALUES (${customer('$1')}, 'Lost', 'high', '2025-01-01T00:00:00Z')`,
      ['K9'],
    );
    await db.query(
      `INSERT INTO contacts (contact_id, customer_id, channel, started_at)
       VALUES ('c10', ${customer('$1')}, 'chat', '2025-03-29T10:00:00Z')`,
      ['K9'],
    );
    const { rows } = await db.query<{ customer_segment: string | null }>(
      `SELECT customer_segment FROM contacts WHERE contact_id = 'c10'`,
    );
    expect(rows[0]!.customer_segment).toBe('Lost');
    await db.query(`DELETE FROM customers WHERE customer_id = 'K9'`);
    const left = await db.query(`SELECT 1 FROM contacts WHERE contact_id = 'c10'`);
    expect(left.rows).toHaveLength(0);
    expect(await outOfStep(db)).toEqual(inStep);
  });
});

/** Databases holding data stored before migration 050: migrated up to 040 only. */
function databasesBefore050() {
  const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
  const before050 = [
    '001_core.sql',
    '010_nba_catalogue.sql',
    '020_scoring_runs.sql',
    '030_supervisor.sql',
    '040_kpi_facts.sql',
  ];
  const migrateTo040 = async (db: Db) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'loopdesk-040-'));
    try {
      for (const file of before050) {
        await copyFile(path.join(migrationsDir, file), path.join(dir, file));
      }
      await migrate(db, dir);
    } finally {
      await rm(dir, { recursive: true });
    }
  };
  return testDatabases(migrateTo040);
}

describe.each(databasesBefore050())('migration 050 on data stored before it, $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
    await seedKpiFixture(db);
    await migrate(db);
  }, 180_000);
  afterAll(async () => db?.close());

  it('fills the segment copies and the stored note vectors of existing rows', async () => {
    expect(await outOfStep(db)).toEqual(inStep);
    // The figures of kpis.test.ts: At risk K1's c1 5, c2 2, c6 4; Champions c3 4; K4's c5 3.
    expect(await bySegment(db, 'csat')).toEqual({
      '(none)': [0, 1],
      'At risk': [2, 3],
      Champions: [1, 1],
    });
    expect(await bySegment(db, 'offerRate')).toMatchObject({
      'At risk': [3, 5],
      Champions: [2, 2],
    });
    // A note stored before the migration is found by full text ("cheaper" stems to "cheaper").
    const notes = await searchNotes(db, { q: 'cheaper plan', teamIds: null, limit: 10 });
    expect(notes.map((n) => n.note)).toEqual(['wants a cheaper plan']);
    // And the copies are kept from then on: K2 rescored.
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       VALUES (${customer('$1')}, 'Loyal', 'low', '2025-06-01T00:00:00Z')`,
      ['K2'],
    );
    expect(await outOfStep(db)).toEqual(inStep);
    expect(await bySegment(db, 'csat')).toMatchObject({ Loyal: [1, 1] });
  });
});
