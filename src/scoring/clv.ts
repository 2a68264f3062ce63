import { gammaGammaConditionalExpectedSpend, type GammaGammaParams } from './gamma-gamma.ts';
import {
  conditionalExpectedPurchases,
  probabilityAlive,
  type PurchaseModel,
} from './purchase-models.ts';
import { DAYS_PER_MONTH, DAYS_PER_UNIT, type CustomerSummary } from './types.ts';

export interface ClvOptions {
  /** Months ahead; default 12. */
  horizonMonths?: number;
  /** Yearly discount rate, e.g. 0.1 for 10 %; default 0.1. Applied monthly, compounded. */
  annualDiscountRate?: number;
  /** Share of spend kept as margin, 0..1; default 1 (CLV in revenue). */
  margin?: number;
}

export interface CustomerValue {
  clv: number;
  /** Expected purchases over the horizon (undiscounted). */
  expectedPurchases: number;
  /** Expected spend per purchase (Gamma-Gamma). */
  expectedSpend: number;
  pAlive: number;
  horizonMonths: number;
}

/** Without a spend model (too few repeat buyers to fit one), the customer's own mean spend. */
function ownMeanSpend(
  customer: Partial<Pick<CustomerSummary, 'totalSpend' | 'purchaseDays'>> & {
    monetaryValue: number;
  },
): number {
  if (customer.totalSpend !== undefined && customer.purchaseDays) {
    return customer.totalSpend / customer.purchaseDays;
  }
  return customer.monetaryValue;
}

/**
 * CLV = sum over months m = 1..H of E[purchases in month m] * E[spend] * margin / (1 + d)^m,
 * with d the monthly rate equivalent to the yearly one. Purchases per month come from the purchase
 * model's conditional expectation (BG/NBD, MBG/NBD or Pareto/NBD), spend from the Gamma-Gamma conditional mean (or, with no spend model,
 * the customer's own mean spend).
 */
export function customerValue(
  purchase: PurchaseModel,
  gammaGamma: GammaGammaParams | null,
  customer: Pick<CustomerSummary, 'frequency' | 'recency' | 'T' | 'monetaryValue'> &
    Partial<Pick<CustomerSummary, 'totalSpend' | 'purchaseDays'>>,
  options: ClvOptions = {},
): CustomerValue {
  const horizonMonths = options.horizonMonths ?? 12;
  const annualDiscountRate = options.annualDiscountRate ?? 0.1;
  const margin = options.margin ?? 1;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1) {
    throw new Error(`horizonMonths must be a whole number >= 1, got ${horizonMonths}`);
  }
  if (!(annualDiscountRate > -1)) throw new Error('annualDiscountRate must be > -1');
  const monthlyDiscount = Math.pow(1 + annualDiscountRate, 1 / 12);
  const unitsPerMonth = DAYS_PER_MONTH / DAYS_PER_UNIT[purchase.model.timeUnit];
  const expectedSpend = gammaGamma
    ? gammaGammaConditionalExpectedSpend(gammaGamma, customer)
    : ownMeanSpend(customer);
  let clv = 0;
  let previous = 0;
  for (let month = 1; month <= horizonMonths; month += 1) {
    const cumulative = conditionalExpectedPurchases(purchase, month * unitsPerMonth, customer);
    clv += ((cumulative - previous) * expectedSpend * margin) / Math.pow(monthlyDiscount, month);
    previous = cumulative;
  }
  return {
    clv,
    expectedPurchases: previous,
    expectedSpend,
    pAlive: probabilityAlive(purchase, customer),
    horizonMonths,
  };
}
