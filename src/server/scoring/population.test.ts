import { describe, expect, it } from 'vitest';
import {
  customerValue,
  fittedPurchaseModels,
  fitValueModels,
  scoreCustomers,
  type CustomerSummary,
} from '../../scoring/index.ts';
import { scorePopulation, summaryAt } from './population.ts';
import type { PurchaseColumns } from './read-summaries.ts';
import { sampleIndices } from './run.ts';

/** A small seeded population with repeat and one-off buyers, some sharing first days. */
function population(n: number): PurchaseColumns {
  const columns: PurchaseColumns = {
    keys: [],
    firstDay: [],
    lastDay: [],
    days: [],
    totalSpend: [],
    firstDaySpend: [],
  };
  let state = 7;
  const random = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
  for (let i = 0; i < n; i += 1) {
    const first = 10_000 + Math.floor(random() * 300);
    const days = 1 + Math.floor(random() * random() * 8);
    const last = days > 1 ? first + 1 + Math.floor(random() * (10_400 - first - 1)) : first;
    const firstSpend = 5 + Math.round(random() * 5_000) / 100;
    columns.keys.push(String(i + 1));
    columns.firstDay.push(first);
    columns.lastDay.push(last);
    columns.days.push(days);
    columns.firstDaySpend.push(firstSpend);
    columns.totalSpend.push(firstSpend + (days - 1) * (10 + Math.round(random() * 4_000) / 100));
  }
  return columns;
}

describe('population scoring', () => {
  const asOfDay = 10_400;
  const columns = population(600);
  const summaries: CustomerSummary[] = columns.keys.map((_, index) =>
    summaryAt(columns, index, asOfDay, 'weeks'),
  );
  const models = fitValueModels(summaries, { asOf: '1998-06-22', timeUnit: 'weeks' });
  const options = { horizonMonths: 18, annualDiscountRate: 0.12, margin: 0.3 };

  const purchases = fittedPurchaseModels(models);
  const mbgnbd = purchases.find((purchase) => purchase.kind === 'mbgnbd')!;

  it('fits all three purchase models', () => {
    expect(purchases.map((purchase) => purchase.kind)).toEqual(['bgnbd', 'mbgnbd', 'pareto-nbd']);
  });

  it.each(purchases.map((purchase) => [purchase.kind, purchase] as const))(
    'gives the same segments, values, tiers and churn as the library with %s',
    (_, purchase) => {
      const valueModels = { purchase, gammaGamma: models.gammaGamma };
      const fast = scorePopulation(columns, valueModels, {
        ...options,
        asOfDay,
        timeUnit: 'weeks',
      });
      const reference = scoreCustomers(summaries, valueModels, options);
      reference.scores.forEach((score, index) => {
        expect(fast.segment[index]).toBe(score.segment.name);
        expect(fast.recencyScore[index]).toBe(score.segment.recency);
        expect(fast.frequencyScore[index]).toBe(score.segment.frequency);
        expect(fast.monetaryScore[index]).toBe(score.segment.monetary);
        expect(fast.clv[index]).toBeCloseTo(score.value.clv, 8);
        expect(fast.expectedPurchases[index]).toBeCloseTo(score.value.expectedPurchases, 10);
        expect(fast.pAlive[index]).toBeCloseTo(score.value.pAlive, 12);
        expect(fast.tier[index]).toBe(score.value.tier);
        expect(fast.churn[index]).toEqual(score.churn);
      });
      expect(fast.horizonMonths).toBe(18);
    },
  );

  it('values a customer as customerValue does without a spend model', () => {
    const fast = scorePopulation(
      columns,
      { purchase: mbgnbd, gammaGamma: null },
      { asOfDay, timeUnit: 'weeks' },
    );
    const summary = summaries[3]!;
    expect(fast.clv[3]).toBeCloseTo(customerValue(mbgnbd, null, summary).clv, 8);
  });

  it('uses the trained model churn where given', () => {
    const modelChurn = new Map([
      [
        '2',
        {
          probability: 0.9,
          band: 'high' as const,
          source: 'model' as const,
          modelVersion: 'churn:1',
          reasons: ['month-to-month contract'],
        },
      ],
    ]);
    const fast = scorePopulation(
      columns,
      { purchase: mbgnbd, gammaGamma: models.gammaGamma },
      { asOfDay, timeUnit: 'weeks', modelChurn },
    );
    expect(fast.churn[1]!.source).toBe('model');
    expect(fast.churn[0]!.source).toBe('bgnbd');
  });

  it('samples deterministically, in order, without repeats', () => {
    const sample = sampleIndices(1_000, 100);
    expect(sample).toHaveLength(100);
    expect(new Set(sample).size).toBe(100);
    expect([...sample].sort((x, y) => x - y)).toEqual(sample);
    expect(sampleIndices(1_000, 100)).toEqual(sample);
    expect(sampleIndices(10, 100)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
