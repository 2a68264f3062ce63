import { describe, expect, test } from 'vitest';
import {
  conditionalExpectedPurchases,
  customerValue,
  fittedPurchaseModels,
  fitValueModels,
  mbgnbdConditionalExpectedTransactions,
  paretoNbdProbabilityAlive,
  probabilityAlive,
  type CustomerSummary,
  type PurchaseModel,
} from './index.ts';

/** Published CDNOW fits (weeks): FHL 2005, BTYDplus, FHL's Pareto/NBD MATLAB note. */
const base = { logLikelihood: 0, customers: 2357, timeUnit: 'weeks' as const, converged: true };
const models: PurchaseModel[] = [
  { kind: 'bgnbd', model: { ...base, r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4262 } },
  { kind: 'mbgnbd', model: { ...base, r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } },
  { kind: 'pareto-nbd', model: { ...base, r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } },
];

describe('the purchase models behind one interface', () => {
  const oneTimeBuyer = { frequency: 0, recency: 0, T: 38.86 };

  test('only BG/NBD calls a one-time buyer certainly alive', () => {
    const [bgnbd, mbgnbd, pareto] = models.map((model) => probabilityAlive(model, oneTimeBuyer));
    expect(bgnbd).toBe(1);
    expect(mbgnbd).toBeLessThan(0.5);
    expect(pareto).toBeLessThan(0.5);
    expect(pareto).toBe(paretoNbdProbabilityAlive(models[2]!.model as never, oneTimeBuyer));
  });

  test('dispatches the conditional expectation to the model', () => {
    const history = { frequency: 2, recency: 30.43, T: 38.86 };
    expect(conditionalExpectedPurchases(models[1]!, 39, history)).toBe(
      mbgnbdConditionalExpectedTransactions(models[1]!.model as never, 39, history),
    );
  });

  test('CLV follows the model: a one-time buyer is worth less where P(alive) < 1', () => {
    const customer = { ...oneTimeBuyer, monetaryValue: 0, totalSpend: 30, purchaseDays: 1 };
    const [bgnbd, mbgnbd] = models.map((model) =>
      customerValue(model, null, customer, { annualDiscountRate: 0 }),
    );
    expect(bgnbd!.pAlive).toBe(1);
    expect(mbgnbd!.pAlive).toBeLessThan(1);
    expect(mbgnbd!.clv).toBeGreaterThan(0);
    expect(mbgnbd!.clv).toBeCloseTo(mbgnbd!.expectedPurchases * 30, 8);
  });
});

describe('fitValueModels', () => {
  const summary = (id: number, frequency: number, recency: number): CustomerSummary => ({
    customerId: String(id),
    frequency,
    recency,
    T: 30,
    monetaryValue: frequency > 0 ? 20 + (id % 7) : 0,
    firstPurchase: '2024-01-01',
    lastPurchase: '2024-01-01',
    purchaseDays: frequency + 1,
    totalSpend: 20 * (frequency + 1),
    daysSinceLastPurchase: 0,
  });

  test('fits all three purchase models on the same customers', () => {
    const customers = Array.from({ length: 300 }, (_, i) =>
      summary(i, i % 5 === 0 ? 0 : i % 6, i % 5 === 0 ? 0 : 5 + (i % 25)),
    );
    const fitted = fitValueModels(customers, { asOf: '2024-07-28' });
    expect(fitted.fitErrors).toEqual({});
    expect(fittedPurchaseModels(fitted).map((model) => model.kind)).toEqual([
      'bgnbd',
      'mbgnbd',
      'pareto-nbd',
    ]);
    for (const { model } of fittedPurchaseModels(fitted)) expect(model.customers).toBe(300);
  });

  test('with no repeat purchase at all nothing fits, and it says why', () => {
    const customers = Array.from({ length: 10 }, (_, i) => summary(i, 0, 0));
    expect(() => fitValueModels(customers, { asOf: '2024-07-28' })).toThrow(
      /MBG\/NBD: no repeat purchases/,
    );
  });
});
