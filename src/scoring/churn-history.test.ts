import { describe, expect, test } from 'vitest';
import { churnSchema } from '../contract/insights.ts';
import { describeCategory } from './churn/explain.ts';
import {
  churnFromPAlive,
  labelledHistoryRows,
  predictChurn,
  purchaseHistoryFeatures,
  purchaseHistoryPhrase,
  purchaseRhythmPhrase,
  trainChurnModel,
  type ChurnRow,
  type Transaction,
} from './index.ts';

describe('purchase history in words', () => {
  test('count and recency, as a CSR would say them', () => {
    expect(purchaseHistoryPhrase(1, 238)).toBe('one purchase, 34 weeks ago');
    expect(purchaseHistoryPhrase(26, 7)).toBe('26 purchases, the last a week ago');
    expect(purchaseHistoryPhrase(2, 0)).toBe('2 purchases, the last today');
    expect(purchaseHistoryPhrase(3, 1)).toBe('3 purchases, the last yesterday');
    expect(purchaseHistoryPhrase(1, 6)).toBe('one purchase, 6 days ago');
    expect(purchaseHistoryPhrase(1, 13)).toBe('one purchase, a week ago');
    expect(purchaseHistoryPhrase(1, 729)).toBe('one purchase, 104 weeks ago');
    expect(purchaseHistoryPhrase(4, 1100)).toBe('4 purchases, the last 3 years ago');
  });

  test("the demo's attributes in words", () => {
    expect(describeCategory('plan', 'premium')).toBe('premium plan');
    expect(describeCategory('contract', 'month-to-month')).toBe('month-to-month contract');
    expect(describeCategory('paperless_billing', 'no')).toBe('paper billing');
  });

  test('the usual rhythm needs three purchase days', () => {
    const base = { daysSinceLastPurchase: 10, firstPurchase: '2024-01-01' };
    expect(
      purchaseRhythmPhrase({ ...base, purchaseDays: 2, lastPurchase: '2024-03-01' }),
    ).toBeNull();
    expect(purchaseRhythmPhrase({ ...base, purchaseDays: 5, lastPurchase: '2024-03-25' })).toBe(
      'usually one every 3 weeks',
    );
    expect(purchaseRhythmPhrase({ ...base, purchaseDays: 4, lastPurchase: '2024-01-04' })).toBe(
      'usually buys daily',
    );
  });

  test('features measured from the first and last purchase days', () => {
    expect(
      purchaseHistoryFeatures({
        purchaseDays: 3,
        daysSinceLastPurchase: 9,
        firstPurchase: '2024-01-01',
        lastPurchase: '2024-01-31',
      }),
    ).toEqual({
      purchases: 3,
      days_since_last_purchase: 9,
      days_since_first_purchase: 39,
      log_purchases: Math.log(3),
      log_days_since_last_purchase: Math.log(10),
      log_days_since_first_purchase: Math.log(40),
      gaps_since_last_purchase: 27 / 40,
    });
  });
});

describe('churn as 1 - P(alive)', () => {
  test('always explained by the purchase history the model reads', () => {
    const oneOff = churnFromPAlive(0.35, {
      purchaseDays: 1,
      daysSinceLastPurchase: 238,
      firstPurchase: '2024-01-01',
      lastPurchase: '2024-01-01',
    });
    expect(oneOff).toEqual({
      probability: 0.65,
      band: 'high',
      source: 'bgnbd',
      modelVersion: null,
      reasons: ['one purchase, 34 weeks ago'],
    });
    expect(churnSchema.parse(oneOff)).toEqual(oneOff);
    const regular = churnFromPAlive(0.97, {
      purchaseDays: 26,
      daysSinceLastPurchase: 7,
      firstPurchase: '2023-06-01',
      lastPurchase: '2024-05-25',
    });
    expect(regular.band).toBe('low');
    expect(regular.probability).toBeCloseTo(0.03, 12);
    expect(regular.reasons).toEqual([
      '26 purchases, the last a week ago',
      'usually one every 2 weeks',
    ]);
    expect(() => churnFromPAlive(1.2, { ...regular, purchaseDays: 1 } as never)).toThrow(
      /P\(alive\)/,
    );
  });
});

describe('training rows from history with no churn labels', () => {
  const at = (day: string): string => `${day}T12:00:00Z`;
  const transactions: Transaction[] = [
    // a: bought before and after the cut-off: stayed
    { customerId: 'a', at: at('2024-01-05'), amount: 10 },
    { customerId: 'a', at: at('2024-03-01'), amount: 10 },
    { customerId: 'a', at: at('2024-07-01'), amount: 10 },
    // b: bought only before: churned
    { customerId: 'b', at: at('2024-02-10'), amount: 10 },
    // c: first bought after the cut-off: not a training row
    { customerId: 'c', at: at('2024-07-02'), amount: 10 },
    // d: bought again only after the window: churned within it
    { customerId: 'd', at: at('2024-05-30'), amount: 10 },
    { customerId: 'd', at: at('2025-02-01'), amount: 10 },
  ];
  const attributes = new Map<string, ChurnRow>([
    ['a', { contract: 'two-year' }],
    ['b', { contract: 'month-to-month' }],
  ]);

  test('features as of the cut-off, labelled by what followed', () => {
    const rows = labelledHistoryRows(transactions, attributes, {
      cutoff: '2024-06-01',
      horizonDays: 182,
    });
    expect(rows.map((row) => [row.customer_id, row.churned, row.contract])).toEqual([
      ['a', 'no', 'two-year'],
      ['b', 'yes', 'month-to-month'],
      ['d', 'yes', undefined],
    ]);
    expect(rows[0]).toMatchObject({
      purchases: 2,
      days_since_last_purchase: 92,
      days_since_first_purchase: 148,
    });
    expect(() =>
      labelledHistoryRows(transactions, attributes, { cutoff: '2024-06-01', horizonDays: 0 }),
    ).toThrow(/horizonDays/);
  });

  test('a model trained on history explains with the history, for high and low risk alike', () => {
    let state = 3;
    const random = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
    const rows: ChurnRow[] = [];
    for (let i = 0; i < 400; i += 1) {
      const purchases = 1 + Math.floor(random() * 12);
      const sinceLast = Math.floor(random() * 300);
      const sinceFirst = sinceLast + purchases * 20;
      const risk = -1 + sinceLast / 60 - purchases / 4;
      rows.push({
        customer_id: `c${i}`,
        plan: random() < 0.5 ? 'basic' : 'premium',
        ...purchaseHistoryFeatures({
          purchaseDays: purchases,
          daysSinceLastPurchase: sinceLast,
          firstPurchase: '2024-01-01',
          lastPurchase: new Date(Date.UTC(2024, 0, 1 + sinceFirst - sinceLast))
            .toISOString()
            .slice(0, 10),
        }),
        churned: random() < 1 / (1 + Math.exp(-risk)) ? 'yes' : 'no',
      });
    }
    const historyColumns = ['purchases', 'days_since_last_purchase', 'log_purchases'];
    const model = trainChurnModel(rows, {
      labelColumn: 'churned',
      idColumn: 'customer_id',
      historyColumns,
      ignoreColumns: [
        'days_since_first_purchase',
        'log_days_since_last_purchase',
        'log_days_since_first_purchase',
        'gaps_since_last_purchase',
      ],
    });
    expect(model.historyColumns).toEqual(historyColumns);
    const [gone, regular] = predictChurn(model, [
      { plan: 'basic', purchases: 1, days_since_last_purchase: 290, log_purchases: 0 },
      { plan: 'basic', purchases: 12, days_since_last_purchase: 3, log_purchases: Math.log(12) },
    ]);
    expect(gone!.probability).toBeGreaterThan(0.8);
    expect(gone!.reasons[0]).toBe('one purchase, 41 weeks ago');
    expect(regular!.probability).toBeLessThan(0.2);
    expect(regular!.reasons).toContain('12 purchases, the last 3 days ago');
    expect(() =>
      trainChurnModel(rows, { labelColumn: 'churned', historyColumns: ['plan'] }),
    ).toThrow(/"plan" is not a purchase-history column/);
  });
});
