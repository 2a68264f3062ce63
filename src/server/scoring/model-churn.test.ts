import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purchaseHistoryFeatures, type ChurnRow } from '../../scoring/index.ts';
import type { Db } from '../db/db.ts';
import { importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { trainAndStoreChurnModel } from './churn.ts';
import { runScoring } from './run.ts';

/** Labelled history: long silences churn, more so on a month-to-month contract. */
function trainingRows(): ChurnRow[] {
  let state = 17;
  const random = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
  return Array.from({ length: 300 }, (_, i) => {
    const purchases = 1 + Math.floor(random() * 10);
    const sinceLast = Math.floor(random() * 400);
    const monthly = random() < 0.5;
    const risk = -2 + sinceLast / 80 + (monthly ? 1 : -1);
    return {
      customer_id: `T${i}`,
      contract: monthly ? 'month-to-month' : 'two-year',
      ...purchaseHistoryFeatures({
        purchaseDays: purchases,
        daysSinceLastPurchase: sinceLast,
        firstPurchase: '2023-01-01',
        lastPurchase: new Date(Date.UTC(2023, 0, 1 + purchases * 15)).toISOString().slice(0, 10),
      }),
      churned: random() < 1 / (1 + Math.exp(-risk)) ? 'yes' : 'no',
    };
  });
}

describe.each(testDatabases())('churn from a history-reading model on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
    await importText(
      db,
      'customers',
      [
        'customer_id,contract',
        'REGULAR,two-year',
        'GONE,month-to-month',
        'NO-PURCHASES,month-to-month',
        'NO-CONTRACT,',
      ].join('\n'),
    );
    // NO-CONTRACT's empty cell is a stored attribute; take it away so the customer lacks it.
    await db.query(
      `UPDATE customers SET attributes = attributes - 'contract' WHERE customer_id = 'NO-CONTRACT'`,
    );
    const purchases = [
      ...['2025-01-10', '2025-02-12', '2025-03-15', '2025-04-20', '2025-05-25'].map(
        (day) => `REGULAR,${day}T10:00:00Z,40`,
      ),
      'GONE,2024-07-01T10:00:00Z,25',
      'NO-CONTRACT,2024-09-01T10:00:00Z,30',
      'NO-CONTRACT,2025-05-01T10:00:00Z,30',
    ];
    await importText(
      db,
      'transactions',
      ['customer_id,occurred_at,amount', ...purchases].join('\n'),
    );
    await trainAndStoreChurnModel(db, trainingRows(), {
      idColumn: 'customer_id',
      labelColumn: 'churned',
      historyColumns: ['purchases', 'days_since_last_purchase', 'log_days_since_last_purchase'],
      ignoreColumns: [
        'days_since_first_purchase',
        'log_purchases',
        'log_days_since_first_purchase',
        'gaps_since_last_purchase',
      ],
      actor: 'test',
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reads the history as of the scoring day; others get 1 - P(alive), with reasons too', async () => {
    const run = await runScoring(db, { asOf: '2025-06-01' });
    expect(run.modelChurnCustomers).toBe(2);
    const { rows } = await db.query<{
      customer_id: string;
      source: string;
      churn: number;
      reasons: string[];
      p_alive: number | null;
    }>(
      `SELECT c.customer_id, s.churn_source AS source, s.churn_probability AS churn,
         s.churn_reasons AS reasons, s.p_alive
       FROM score_snapshots s JOIN customers c ON c.id = s.customer_id ORDER BY c.customer_id`,
    );
    const byId = Object.fromEntries(rows.map((row) => [row.customer_id, row]));
    // A history-reading model has nothing to read for a customer who never bought.
    expect(Object.keys(byId)).toEqual(['GONE', 'NO-CONTRACT', 'REGULAR']);
    expect(byId.GONE).toMatchObject({ source: 'model' });
    expect(byId.GONE!.reasons[0]).toBe('one purchase, 47 weeks ago');
    expect(byId.GONE!.reasons).toContain('month-to-month contract');
    expect(byId.REGULAR).toMatchObject({ source: 'model' });
    expect(byId.REGULAR!.reasons).toContain('5 purchases, the last a week ago');
    expect(byId.GONE!.churn).toBeGreaterThan(0.7);
    expect(byId.REGULAR!.churn).toBeLessThan(0.3);
    expect(byId['NO-CONTRACT']).toMatchObject({
      source: 'bgnbd',
      reasons: ['2 purchases, the last 4 weeks ago'],
    });
    expect(byId['NO-CONTRACT']!.churn).toBeCloseTo(1 - byId['NO-CONTRACT']!.p_alive!, 12);
  });
});
