import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.ts';
import { parsePeriod } from './periods.ts';
import { reviewTreatments } from '../supervisor/treatment-review.ts';
import { testDatabases } from '../testing/databases.ts';
import { decisionUuid, fixturePeriod, seedKpiFixture } from '../testing/kpi-fixture.ts';
import type { PeriodFilter } from './period-filters.ts';
import { computeKpiRows } from '../kpis/report.ts';

/*
 * The KPIs read tables that triggers keep in step (migration 040): offer status per decision and
 * treatment, the 30-day purchase flag per decision, the customer's current segment. Rows that
 * arrive late, move or go away must show in the KPIs as if computed from scratch. The starting
 * figures are the ones worked out in kpis.test.ts; each test puts the data back as it found it.
 */
describe.each(testDatabases())('KPI facts kept in step on $name', (target) => {
  let db: Db;
  const filter = (extra: Partial<PeriodFilter> = {}): PeriodFilter => ({
    period: parsePeriod(fixturePeriod),
    teamIds: null,
    ...extra,
  });
  const overall = async () => (await computeKpiRows(db, filter()))[0]!.kpis;
  const customer = `(SELECT id FROM customers WHERE customer_id = $1)`;

  beforeAll(async () => {
    db = await target.open();
    await seedKpiFixture(db);
  }, 180_000);
  afterAll(async () => db?.close());

  it('counts an outcome recorded late, and forgets it when it is changed or deleted', async () => {
    // D4 up had nothing recorded: offer rate 5 of 7, cross/up-sell 1 of 3 (D2 xs, D3 xs, D3 up).
    await db.query(
      `INSERT INTO outcomes (decision_id, treatment_key, agent, result, idempotency_key, occurred_at)
       VALUES ($1, 'up', 'cy', 'accepted', 'late-1', '2025-06-01T09:00:00Z')`,
      [decisionUuid('D4')],
    );
    let kpis = await overall();
    expect(kpis.offerRate).toMatchObject({ numerator: 6, denominator: 7 });
    expect(kpis.crossUpSellRatio).toMatchObject({ numerator: 2, denominator: 4 });
    const review = await reviewTreatments(db, filter());
    expect(review.find((r) => r.treatmentKey === 'up')).toMatchObject({ offered: 2, accepted: 1 });

    // Corrected to a decline with a reason: offered still, accepted no more.
    await db.query(
      `UPDATE outcomes SET result = 'declined', reason = 'not_now' WHERE idempotency_key = 'late-1'`,
    );
    kpis = await overall();
    expect(kpis.crossUpSellRatio).toMatchObject({ numerator: 1, denominator: 4 });
    const declined = await reviewTreatments(db, filter());
    expect(declined.find((r) => r.treatmentKey === 'up')!.declinedByReason).toEqual({
      not_interested: 1,
      not_now: 1,
    });

    await db.query(`DELETE FROM outcomes WHERE idempotency_key = 'late-1'`);
    kpis = await overall();
    expect(kpis.offerRate).toMatchObject({ numerator: 5, denominator: 7 });
    expect(kpis.crossUpSellRatio).toMatchObject({ numerator: 1, denominator: 3 });
  });

  it('counts a purchase imported late for uplift, and follows it when it moves or goes', async () => {
    // Treated D1, D3, D4 convert, D2 (K1, 03-20) does not: 3 of 4; control 1 of 2.
    await db.query(
      `INSERT INTO transactions (customer_id, order_id, occurred_at, amount, currency)
       VALUES (${customer}, 'late-o', '2025-04-10T12:00:00Z', 20, 'USD')`,
      ['K1'],
    );
    // 21 days after D2: treated 4 of 4, uplift 1 - 0.5.
    let { uplift } = await overall();
    expect(uplift.value).toBeCloseTo(0.5, 10);

    // Moved past D2's 30 days (04-19): D2 stops converting.
    await db.query(
      `UPDATE transactions SET occurred_at = '2025-04-25T12:00:00Z' WHERE order_id = 'late-o'`,
    );
    ({ uplift } = await overall());
    expect(uplift.value).toBeCloseTo(0.25, 10);

    // Moved back inside, then deleted: D2 converts, then no longer.
    await db.query(
      `UPDATE transactions SET occurred_at = '2025-03-21T12:00:00Z' WHERE order_id = 'late-o'`,
    );
    ({ uplift } = await overall());
    expect(uplift.value).toBeCloseTo(0.5, 10);
    await db.query(`DELETE FROM transactions WHERE order_id = 'late-o'`);
    ({ uplift } = await overall());
    expect(uplift.value).toBeCloseTo(0.25, 10);
  });

  it('counts a decision recorded after the purchase that followed it', async () => {
    // D7 (K3, 03-15, xs) is stored after K3's purchase on 03-20: treated 4 of 5 convert.
    await db.query(
      `INSERT INTO decisions (id, customer_id, agent, control_group, suggestions, created_at)
       VALUES ($1, ${customer.replace('$1', '$2')}, 'cy', false, $3, '2025-03-15T10:00:00Z')`,
      [decisionUuid('D7'), 'K3', JSON.stringify([{ rank: 1, treatmentId: 'xs' }])],
    );
    const { uplift } = await overall();
    // 4/5 - 1/2.
    expect(uplift.value).toBeCloseTo(0.3, 10);
    expect(uplift).toMatchObject({ numerator: 5, denominator: 7 });

    // Its time moves to after the purchase: no longer converted (2025-03-25 + 30 days has none).
    await db.query(`UPDATE decisions SET created_at = '2025-03-25T10:00:00Z' WHERE id = $1`, [
      decisionUuid('D7'),
    ]);
    expect((await overall()).uplift.value).toBeCloseTo(3 / 5 - 1 / 2, 10);
    await db.query(`DELETE FROM decisions WHERE id = $1`, [decisionUuid('D7')]);
    expect((await overall()).uplift.value).toBeCloseTo(0.25, 10);
  });

  it('moves outcomes with their decision when its agent or control flag changes', async () => {
    // D3 (bob, Alpha) moved to cy (Beta): Alpha offers 2 of 3, Beta 3 of 4.
    await db.query(`UPDATE decisions SET agent = 'cy' WHERE id = $1`, [decisionUuid('D3')]);
    const byTeam = await computeKpiRows(db, filter({ groupBy: 'team' }));
    const offerRate = Object.fromEntries(
      byTeam.map((r) => [r.group, [r.kpis.offerRate.numerator, r.kpis.offerRate.denominator]]),
    );
    expect(offerRate).toEqual({ Alpha: [2, 3], Beta: [3, 4] });
    await db.query(`UPDATE decisions SET agent = 'bob' WHERE id = $1`, [decisionUuid('D3')]);
    expect((await overall()).offerRate).toMatchObject({ numerator: 5, denominator: 7 });
  });

  it('groups by the segment of the latest scores, as new scores arrive or are removed', async () => {
    const csatBySegment = async () =>
      Object.fromEntries(
        (await computeKpiRows(db, filter({ groupBy: 'segment' }))).map((r) => [
          r.group ?? '(none)',
          [r.kpis.csat.numerator, r.kpis.csat.denominator],
        ]),
      );
    // K2 (c3, rated 4) rescored Loyal; K4 (c5, rated 3) scored for the first time.
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       VALUES (${customer}, 'Loyal', 'low', '2025-06-01T00:00:00Z'),
              (${customer.replace('$1', '$2')}, 'New', 'low', '2025-06-01T00:00:00Z')`,
      ['K2', 'K4'],
    );
    expect(await csatBySegment()).toEqual({ 'At risk': [2, 3], Loyal: [1, 1], New: [0, 1] });
    // An older snapshot arriving late does not replace the latest one.
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       VALUES (${customer}, 'Lost', 'high', '2025-02-01T00:00:00Z')`,
      ['K2'],
    );
    expect(await csatBySegment()).toEqual({ 'At risk': [2, 3], Loyal: [1, 1], New: [0, 1] });
    await db.query(`DELETE FROM score_snapshots WHERE computed_at <> '2025-01-01T00:00:00Z'`);
    expect(await csatBySegment()).toEqual({
      '(none)': [0, 1],
      'At risk': [2, 3],
      Champions: [1, 1],
    });
  });
});
