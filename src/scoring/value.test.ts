import { describe, expect, test } from 'vitest';
import {
  bgnbdConditionalExpectedTransactions,
  churnBand,
  churnFromBgNbd,
  customerValue,
  DAYS_PER_MONTH,
  fitValueModels,
  gammaGammaConditionalExpectedSpend,
  scoreCustomers,
  valueTier,
  valueTierThresholds,
  type BgNbdModel,
} from './index.ts';
import { churnFromModel } from './churn/assessment.ts';
import { churnSchema, segmentSchema, valueSchema } from '../contract/insights.ts';

const bgnbd: BgNbdModel = {
  r: 0.2426,
  alpha: 4.4137,
  a: 0.793,
  b: 2.4262,
  logLikelihood: -9582.43,
  customers: 2357,
  timeUnit: 'weeks',
  converged: true,
};
const bg = { kind: 'bgnbd', model: bgnbd } as const;
const gammaGamma = { p: 6.25, q: 3.74, gamma: 15.44 };
const customer = { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };

describe('customerValue (CLV)', () => {
  test('without discounting it is expected purchases x expected spend x margin', () => {
    const value = customerValue(bg, gammaGamma, customer, {
      horizonMonths: 12,
      annualDiscountRate: 0,
      margin: 0.3,
    });
    const weeks = (12 * DAYS_PER_MONTH) / 7;
    const purchases = bgnbdConditionalExpectedTransactions(bgnbd, weeks, customer);
    const spend = gammaGammaConditionalExpectedSpend(gammaGamma, customer);
    expect(value.expectedPurchases).toBeCloseTo(purchases, 10);
    expect(value.expectedSpend).toBeCloseTo(spend, 10);
    expect(value.clv).toBeCloseTo(purchases * spend * 0.3, 8);
    expect(value.pAlive).toBeCloseTo(0.7266, 4);
  });

  test('discounting lowers CLV, a longer horizon raises it', () => {
    const plain = customerValue(bg, gammaGamma, customer, { annualDiscountRate: 0 }).clv;
    const discounted = customerValue(bg, gammaGamma, customer, { annualDiscountRate: 0.2 }).clv;
    const longer = customerValue(bg, gammaGamma, customer, { horizonMonths: 24 }).clv;
    const standard = customerValue(bg, gammaGamma, customer).clv;
    expect(discounted).toBeLessThan(plain);
    expect(longer).toBeGreaterThan(standard);
  });

  test('a day-based model gives the same CLV as a week-based one for the same customer', () => {
    const daily: BgNbdModel = { ...bgnbd, alpha: bgnbd.alpha * 7, timeUnit: 'days' };
    const inDays = { ...customer, recency: customer.recency * 7, T: customer.T * 7 };
    expect(customerValue({ kind: 'bgnbd', model: daily }, gammaGamma, inDays).clv).toBeCloseTo(
      customerValue(bg, gammaGamma, customer).clv,
      8,
    );
  });

  test('rejects a broken horizon', () => {
    expect(() => customerValue(bg, gammaGamma, customer, { horizonMonths: 0 })).toThrow(
      /horizonMonths/,
    );
  });
});

describe('value tiers', () => {
  test('split the population at the 50 / 80 / 95 % CLV quantiles', () => {
    const clvs = Array.from({ length: 1000 }, (_, i) => i * 3.5);
    const thresholds = valueTierThresholds(clvs);
    const counts = { bronze: 0, silver: 0, gold: 0, platinum: 0 };
    for (const clv of clvs) counts[valueTier(clv, thresholds)] += 1;
    expect(counts).toEqual({ bronze: 500, silver: 300, gold: 150, platinum: 50 });
    expect(JSON.parse(JSON.stringify(thresholds))).toEqual(thresholds);
  });

  test('reject empty input and quantiles out of order', () => {
    expect(() => valueTierThresholds([])).toThrow(/no CLVs/);
    expect(() => valueTierThresholds([1, 2], { silver: 0.9, gold: 0.5, platinum: 0.95 })).toThrow(
      /quantiles must rise/,
    );
  });
});

describe('churn bands, shared by both churn sources', () => {
  test('cut at the thresholds', () => {
    expect(churnBand(0.1)).toBe('low');
    expect(churnBand(0.3)).toBe('medium');
    expect(churnBand(0.59)).toBe('medium');
    expect(churnBand(0.6)).toBe('high');
    expect(churnBand(0.5, { medium: 0.2, high: 0.4 })).toBe('high');
    expect(() => churnBand(1.2)).toThrow(/within 0..1/);
  });

  test('BG/NBD churn is 1 - P(alive), labelled bgnbd', () => {
    // Seven purchase days over the first five weeks, then 34 weeks of silence.
    const silent = {
      frequency: 6,
      recency: 5,
      T: 39,
      purchaseDays: 7,
      daysSinceLastPurchase: 238,
      firstPurchase: '2024-01-01',
      lastPurchase: '2024-02-05',
    };
    const assessment = churnFromBgNbd(bgnbd, silent);
    expect(assessment.source).toBe('bgnbd');
    expect(assessment.modelVersion).toBeNull();
    expect(assessment.probability).toBeGreaterThan(0.6);
    expect(assessment.band).toBe('high');
    expect(assessment.reasons).toEqual([
      '7 purchases, the last 34 weeks ago',
      'usually one every 6 days',
    ]);
    expect(churnSchema.parse(assessment)).toEqual(assessment);
    const active = churnFromBgNbd(bgnbd, {
      ...silent,
      recency: 38.5,
      daysSinceLastPurchase: 3,
      lastPurchase: '2024-09-27',
    });
    expect(active.band).toBe('low');
    expect(active.reasons).toEqual([
      '7 purchases, the last 3 days ago',
      'usually one every 6 weeks',
    ]);
  });

  test('model churn keeps the prediction, version and reasons', () => {
    const assessment = churnFromModel(
      { id: 'c1', probability: 0.45, reasons: ['month-to-month contract', 'short tenure'] },
      'churn-v3',
    );
    expect(assessment).toEqual({
      probability: 0.45,
      band: 'medium',
      source: 'model',
      modelVersion: 'churn-v3',
      reasons: ['month-to-month contract', 'short tenure'],
    });
    expect(churnSchema.parse(assessment)).toEqual(assessment);
  });
});

describe('scoreCustomers', () => {
  const summaries = Array.from({ length: 40 }, (_, i) => ({
    customerId: `c${String(i).padStart(2, '0')}`,
    frequency: i % 7,
    recency: i % 7 === 0 ? 0 : 20 + (i % 13),
    T: 39,
    monetaryValue: i % 7 === 0 ? 0 : 10 + i,
    firstPurchase: '1997-01-01',
    lastPurchase: '1997-08-01',
    purchaseDays: (i % 7) + 1,
    totalSpend: ((i % 7) + 1) * (10 + i),
    daysSinceLastPurchase: i % 7 === 0 ? 273 : 273 - (20 + (i % 13)) * 7,
  }));

  test('gives every customer a contract-shaped segment, value and churn block', () => {
    const { scores, tierThresholds } = scoreCustomers(summaries, { purchase: bg, gammaGamma });
    expect(scores).toHaveLength(40);
    expect(tierThresholds.silver).toBeLessThanOrEqual(tierThresholds.gold);
    for (const score of scores) {
      segmentSchema.parse(score.segment);
      valueSchema.parse({ ...score.value, currency: 'USD' });
      churnSchema.parse(score.churn);
    }
    const platinum = scores.filter((score) => score.value.tier === 'platinum');
    expect(platinum.length).toBeGreaterThanOrEqual(1);
    expect(platinum.length).toBeLessThanOrEqual(3);
  });

  test("without a spend model, spend per purchase is the customer's own mean", () => {
    const [first] = scoreCustomers([summaries[3] as (typeof summaries)[number]], {
      purchase: bg,
      gammaGamma: null,
    }).scores;
    const customer = summaries[3] as (typeof summaries)[number];
    const purchases = first?.value.expectedPurchases as number;
    const undiscounted = customerValue(bg, null, customer, { annualDiscountRate: 0 });
    expect(undiscounted.expectedSpend).toBeCloseTo(customer.totalSpend / customer.purchaseDays, 10);
    expect(undiscounted.clv).toBeCloseTo(purchases * undiscounted.expectedSpend, 8);
  });

  test('fitValueModels leaves Gamma-Gamma out when there are too few repeat buyers', () => {
    const few = summaries.map((summary, i) =>
      i < 39 ? { ...summary, frequency: 0, recency: 0, monetaryValue: 0 } : summary,
    );
    expect(() => fitValueModels(few, { asOf: '1997-09-30' })).not.toThrow();
    const models = fitValueModels(few, { asOf: '1997-09-30' });
    expect(models.gammaGamma).toBeNull();
    expect(models.asOf).toBe('1997-09-30');
  });

  test('puts customers with no expected value in the bronze tier even when thresholds collapse', () => {
    const thresholds = valueTierThresholds([0, 0, 0, 0, 0, 0, 0, 0, 0, 12]);
    expect(valueTier(0, thresholds)).toBe('bronze');
    expect(valueTier(12, thresholds)).toBe('platinum');
  });
});
