import { describe, expect, test } from 'vitest';
import {
  bgnbdConditionalExpectedTransactions,
  churnBand,
  churnFromBgNbd,
  customerValue,
  DAYS_PER_MONTH,
  gammaGammaConditionalExpectedSpend,
  valueTier,
  valueTierThresholds,
  type BgNbdModel,
} from './index.ts';
import { churnFromModel } from './churn/assessment.ts';
import { churnSchema } from '../contract/insights.ts';

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
const gammaGamma = { p: 6.25, q: 3.74, gamma: 15.44 };
const customer = { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };

describe('customerValue (CLV)', () => {
  test('without discounting it is expected purchases x expected spend x margin', () => {
    const value = customerValue(bgnbd, gammaGamma, customer, {
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
    const plain = customerValue(bgnbd, gammaGamma, customer, { annualDiscountRate: 0 }).clv;
    const discounted = customerValue(bgnbd, gammaGamma, customer, { annualDiscountRate: 0.2 }).clv;
    const longer = customerValue(bgnbd, gammaGamma, customer, { horizonMonths: 24 }).clv;
    const standard = customerValue(bgnbd, gammaGamma, customer).clv;
    expect(discounted).toBeLessThan(plain);
    expect(longer).toBeGreaterThan(standard);
  });

  test('a day-based model gives the same CLV as a week-based one for the same customer', () => {
    const daily: BgNbdModel = { ...bgnbd, alpha: bgnbd.alpha * 7, timeUnit: 'days' };
    const inDays = { ...customer, recency: customer.recency * 7, T: customer.T * 7 };
    expect(customerValue(daily, gammaGamma, inDays).clv).toBeCloseTo(
      customerValue(bgnbd, gammaGamma, customer).clv,
      8,
    );
  });

  test('rejects a broken horizon', () => {
    expect(() => customerValue(bgnbd, gammaGamma, customer, { horizonMonths: 0 })).toThrow(
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
    const silent = { frequency: 6, recency: 5, T: 39, daysSinceLastPurchase: 238 };
    const assessment = churnFromBgNbd(bgnbd, silent);
    expect(assessment.source).toBe('bgnbd');
    expect(assessment.modelVersion).toBeNull();
    expect(assessment.probability).toBeGreaterThan(0.6);
    expect(assessment.band).toBe('high');
    expect(assessment.reasons).toEqual(['no purchase in 238 days']);
    expect(churnSchema.parse(assessment)).toEqual(assessment);
    const active = churnFromBgNbd(bgnbd, { frequency: 6, recency: 38.5, T: 39 });
    expect(active.band).toBe('low');
    expect(active.reasons).toEqual([]);
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
