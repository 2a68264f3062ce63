import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiName, KpiRow } from '../../contract/supervisor.ts';
import type { Db } from '../db/db.ts';
import { parsePeriod } from '../db/periods.ts';
import { testDatabases } from '../testing/databases.ts';
import { fixturePeriod, seedKpiFixture } from '../testing/kpi-fixture.ts';
import type { PeriodFilter } from '../db/period-filters.ts';
import { computeKpiRows } from './report.ts';

/*
 * The data set is in fixture.ts. Period [2025-03-01, 2025-04-01). Contacts in the period:
 *   c1 K1 ann 03-03 csat 5 resolved, next K1 contact c2 two days later      → repeat, not FCR
 *   c2 K1 ann 03-05 csat 2 resolved, next K1 contact c6 15 days later       → FCR
 *   c3 K2 bob 03-10 csat 4 not resolved, no later K2 contact                → neither
 *   c4 K3 cy  03-12 no csat, resolved, reason "sales inquiry" (not service) → FCR
 *   c5 K4 cy  03-28 csat 3 resolved, next K4 contact c7 on 04-02 (5 days)  → repeat, not FCR
 *   c6 K1 ann 03-20 csat 4 resolved, next K1 contact c8 in July             → FCR
 * (c0 in February, c7 in April and c8 in July are outside the period.)
 * Decisions (shown suggestions): D1 ann K1 [ret, xs], D2 ann K1 [xs], D3 bob K2 [xs, up],
 * D4 cy K3 [ret, up]; control group D5 cy K4 [xs], D6 bob K2 [up].
 * Outcomes: D1 ret offered+accepted, D1 xs not offered, D2 xs offered+declined, D3 xs accepted,
 * D3 up declined, D4 ret offered+declined, D4 up nothing.
 */
describe.each(testDatabases())('KPIs on $name', (target) => {
  let db: Db;
  const filter = (extra: Partial<PeriodFilter> = {}): PeriodFilter => ({
    period: parsePeriod(fixturePeriod),
    teamIds: null,
    ...extra,
  });
  const overall = async (extra: Partial<PeriodFilter> = {}) =>
    (await computeKpiRows(db, filter(extra)))[0]!.kpis;
  const byGroup = (rows: KpiRow[], name: KpiName) =>
    Object.fromEntries(
      rows.map((row) => [
        row.group ?? '(none)',
        [row.kpis[name].numerator, row.kpis[name].denominator],
      ]),
    );

  beforeAll(async () => {
    db = await target.open();
    await seedKpiFixture(db);
    // A loaded machine can take a while to start PGlite and migrate.
  }, 180_000);
  afterAll(async () => db?.close());

  it('CSAT: surveyed contacts rated 4-5 (c1 5, c2 2, c3 4, c5 3, c6 4: 3 of 5)', async () => {
    const kpis = await overall();
    expect(kpis.csat).toMatchObject({ numerator: 3, denominator: 5, value: 0.6 });
    // Wilson 95% interval for 3/5.
    expect(kpis.csat.ci95![0]).toBeCloseTo(0.2307, 3);
    expect(kpis.csat.ci95![1]).toBeCloseTo(0.8824, 3);
  });

  it('first-contact resolution: c2, c4, c6 of six contacts', async () => {
    expect((await overall()).firstContactResolution).toMatchObject({
      numerator: 3,
      denominator: 6,
      value: 0.5,
    });
  });

  it('repeat-contact rate: c1 (c2 two days later) and c5 (c7 five days later, after the period) of six', async () => {
    expect((await overall()).repeatContactRate).toMatchObject({ numerator: 2, denominator: 6 });
  });

  it('service-to-sales: D3 xs accepted 5 min after c3 started; five service contacts (c4 is sales)', async () => {
    expect((await overall()).serviceToSales).toMatchObject({
      numerator: 1,
      denominator: 5,
      value: 0.2,
    });
  });

  it('offer rate: 5 of 7 shown suggestions offered (D1 xs and D4 up were not; control excluded)', async () => {
    expect((await overall()).offerRate).toMatchObject({ numerator: 5, denominator: 7 });
  });

  it('cross/up-sell ratio: offered D2 xs (declined), D3 xs (accepted), D3 up (declined): 1 of 3', async () => {
    expect((await overall()).crossUpSellRatio).toMatchObject({ numerator: 1, denominator: 3 });
  });

  it('defection saves: at-risk K1 (high) accepted ret and had contact c8 >= 60 days later; K3 (medium) declined: 1 of 2', async () => {
    expect((await overall()).defectionSaves).toMatchObject({
      numerator: 1,
      denominator: 2,
      value: 0.5,
    });
  });

  it('uplift: treated D1 (K1 bought 03-10), D3 (K2 03-25), D4 (K3 03-20) convert, D2 not: 3/4; control D6 converts, D5 not: 1/2; uplift 0.25', async () => {
    const { uplift } = await overall();
    expect(uplift.value).toBeCloseTo(0.25, 10);
    expect(uplift).toMatchObject({ numerator: 4, denominator: 6 });
    // se = sqrt(.75*.25/4 + .5*.5/2) = 0.41458; 0.25 - 1.96 se = -0.5626; upper clamped to 1.
    expect(uplift.ci95![0]).toBeCloseTo(-0.5626, 3);
    expect(uplift.ci95![1]).toBe(1);
  });

  it('groups by agent, team, segment and week', async () => {
    // ann: c1 5, c2 2, c6 4 → 2/3; bob: c3 4 → 1/1; cy: c5 3 → 0/1 (c4 not surveyed).
    const byAgent = await computeKpiRows(db, filter({ groupBy: 'agent' }));
    expect(byAgent.map((r) => r.group)).toEqual(['ann', 'bob', 'cy']);
    expect(byGroup(byAgent, 'csat')).toEqual({ ann: [2, 3], bob: [1, 1], cy: [0, 1] });
    // Alpha suggestions: D1 ret, D1 xs, D2 xs, D3 xs, D3 up (4 offered); Beta: D4 ret, D4 up (1).
    const byTeam = await computeKpiRows(db, filter({ groupBy: 'team' }));
    expect(byGroup(byTeam, 'offerRate')).toEqual({ Alpha: [4, 5], Beta: [1, 2] });
    // At risk: K1's c1, c2, c6 (2 of 3 rated 4-5); Champions: c3; no scores: K4's c5.
    const bySegment = await computeKpiRows(db, filter({ groupBy: 'segment' }));
    expect(byGroup(bySegment, 'csat')).toEqual({
      '(none)': [0, 1],
      'At risk': [2, 3],
      Champions: [1, 1],
    });
    // Weeks start Monday: 03-03 (c1, c2), 03-10 (c3, c4), 03-17 (c6), 03-24 (c5).
    const byWeek = await computeKpiRows(db, filter({ groupBy: 'week' }));
    expect(byGroup(byWeek, 'firstContactResolution')).toEqual({
      '2025-03-03': [1, 2],
      '2025-03-10': [1, 2],
      '2025-03-17': [1, 1],
      '2025-03-24': [0, 1],
    });
  });

  it('narrows to teams and segments', async () => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id::text FROM teams WHERE name = 'Alpha'`,
    );
    // Alpha contacts c1, c2, c3, c6: csat 5, 2, 4, 4 → 3 of 4.
    const alpha = await overall({ teamIds: [rows[0]!.id] });
    expect(alpha.csat).toMatchObject({ numerator: 3, denominator: 4 });
    // Champions (K2): c3 only, unresolved → FCR 0 of 1; D3 xs, up both offered → 2 of 2.
    const champions = await overall({ segment: 'Champions' });
    expect(champions.firstContactResolution).toMatchObject({ numerator: 0, denominator: 1 });
    expect(champions.offerRate).toMatchObject({ numerator: 2, denominator: 2 });
  });

  it('keeps the next contact up to date when contacts arrive out of order or move', async () => {
    // A K2 contact on 03-14 makes c3 (03-10) a repeat contact: 3 of 7 now.
    await db.query(
      `INSERT INTO contacts (contact_id, customer_id, channel, started_at)
       SELECT 'late', id, 'chat', '2025-03-14T09:00:00Z' FROM customers WHERE customer_id = 'K2'`,
    );
    expect((await overall()).repeatContactRate).toMatchObject({ numerator: 3, denominator: 7 });
    // Moving it to May: c3 is no repeat again, and it leaves the period.
    await db.query(
      `UPDATE contacts SET started_at = '2025-05-14T09:00:00Z' WHERE contact_id = 'late'`,
    );
    expect((await overall()).repeatContactRate).toMatchObject({ numerator: 2, denominator: 6 });
    // Deleting c2 makes c1's next contact c6 (17 days later): c1 is no repeat any more.
    await db.query(
      `UPDATE contacts SET started_at = '2025-03-12T09:00:00Z' WHERE contact_id = 'late'`,
    );
    await db.query(`DELETE FROM contacts WHERE contact_id = 'late'`);
    await db.query(`DELETE FROM contacts WHERE contact_id = 'c2'`);
    expect((await overall()).repeatContactRate).toMatchObject({ numerator: 1, denominator: 5 });
  });
});
