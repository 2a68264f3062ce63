import {
  churnFromPAlive,
  conditionalExpectedPurchases,
  DAYS_PER_MONTH,
  DAYS_PER_UNIT,
  DEFAULT_TIER_QUANTILES,
  gammaGammaConditionalExpectedSpend,
  isoDay,
  probabilityAlive,
  quintileScores,
  rfmSegment,
  valueTier,
  valueTierThresholds,
  type ChurnAssessment,
  type ChurnBandThresholds,
  type ClvOptions,
  type CustomerSummary,
  type GammaGammaParams,
  type PurchaseModel,
  type SegmentName,
  type TimeUnit,
  type ValueTier,
  type ValueTierThresholds,
} from '../../scoring/index.ts';
import type { PurchaseColumns } from './read-summaries.ts';

/**
 * isoDay per day number, remembered: a million customers share a few thousand purchase days, and
 * formatting a Date was half of scoring's time.
 */
const isoDays = new Map<number, string>();
function isoDayOf(day: number): string {
  let text = isoDays.get(day);
  if (text === undefined) {
    text = isoDay(day);
    if (isoDays.size < 100_000) isoDays.set(day, text);
  }
  return text;
}

/** The library's summary of customer `index`, measured up to `asOfDay`. */
export function summaryAt(
  columns: PurchaseColumns,
  index: number,
  asOfDay: number,
  timeUnit: TimeUnit,
): CustomerSummary {
  const unitDays = DAYS_PER_UNIT[timeUnit];
  const first = columns.firstDay[index] as number;
  const last = columns.lastDay[index] as number;
  const frequency = (columns.days[index] as number) - 1;
  const totalSpend = columns.totalSpend[index] as number;
  return {
    customerId: columns.keys[index] as string,
    frequency,
    recency: (last - first) / unitDays,
    T: (asOfDay - first) / unitDays,
    monetaryValue:
      frequency > 0 ? (totalSpend - (columns.firstDaySpend[index] as number)) / frequency : 0,
    firstPurchase: isoDayOf(first),
    lastPurchase: isoDayOf(last),
    purchaseDays: frequency + 1,
    totalSpend,
    daysSinceLastPurchase: asOfDay - last,
  };
}

export interface PopulationScores {
  segment: SegmentName[];
  recencyScore: number[];
  frequencyScore: number[];
  monetaryScore: number[];
  clv: number[];
  tier: ValueTier[];
  pAlive: number[];
  expectedPurchases: number[];
  churn: ChurnAssessment[];
  horizonMonths: number;
  tierThresholds: ValueTierThresholds;
}

export interface PopulationOptions extends ClvOptions {
  asOfDay: number;
  timeUnit: TimeUnit;
  churnBands?: ChurnBandThresholds;
  tierQuantiles?: { silver: number; gold: number; platinum: number };
  /** Trained-model churn by customer key; customers not in it get 1 - P(alive). */
  modelChurn?: ReadonlyMap<string, ChurnAssessment>;
}

/**
 * Conditional expected purchases divided by P(alive) depends on frequency and age only (in
 * BG/NBD, MBG/NBD and Pareto/NBD alike: the mean given alive at T), so the
 * CLV of a customer factors as P(alive) x expected spend x margin x K(x, T), with
 * K = sum over months of the discounted monthly increments of that ratio. K is computed once per
 * distinct (frequency, first purchase day), which turns a million customers' CLVs into a few
 * thousand hypergeometric evaluations. Same formula as the library's customerValue (a test holds
 * the two together).
 */
function valueFactorCache(purchase: PurchaseModel, options: PopulationOptions) {
  const horizonMonths = options.horizonMonths ?? 12;
  const annualDiscountRate = options.annualDiscountRate ?? 0.1;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1) {
    throw new Error(`horizonMonths must be a whole number >= 1, got ${horizonMonths}`);
  }
  if (!(annualDiscountRate > -1)) throw new Error('annualDiscountRate must be > -1');
  const monthlyDiscount = Math.pow(1 + annualDiscountRate, 1 / 12);
  const unitsPerMonth = DAYS_PER_MONTH / DAYS_PER_UNIT[purchase.model.timeUnit];
  const cache = new Map<string, { discounted: number; horizon: number }>();
  return {
    horizonMonths,
    factors(frequency: number, T: number) {
      const key = `${frequency}:${T}`;
      let found = cache.get(key);
      if (found) return found;
      // Any recency gives the same ratio; recency = T (a purchase today, even for x = 0, which
      // the formulas accept) keeps P(alive) well away from 0 in all three models.
      const history = { frequency, recency: T, T };
      const alive = probabilityAlive(purchase, history);
      let discounted = 0;
      let previous = 0;
      for (let month = 1; month <= horizonMonths; month += 1) {
        const cumulative =
          conditionalExpectedPurchases(purchase, month * unitsPerMonth, history) / alive;
        discounted += (cumulative - previous) / Math.pow(monthlyDiscount, month);
        previous = cumulative;
      }
      found = { discounted, horizon: previous };
      cache.set(key, found);
      return found;
    },
  };
}

/** Segment, value and churn for every customer of the population (quintiles and tiers are relative to it). */
export function scorePopulation(
  columns: PurchaseColumns,
  models: { purchase: PurchaseModel; gammaGamma: GammaGammaParams | null },
  options: PopulationOptions,
): PopulationScores {
  const n = columns.keys.length;
  const margin = options.margin ?? 1;
  const recencyScore = quintileScores(columns.lastDay.map((last) => last - options.asOfDay));
  const frequencyScore = quintileScores(columns.days);
  const monetaryScore = quintileScores(columns.totalSpend);
  const segment = new Array<SegmentName>(n);
  const clv = new Array<number>(n);
  const pAlive = new Array<number>(n);
  const expectedPurchases = new Array<number>(n);
  const churn = new Array<ChurnAssessment>(n);
  const cache = valueFactorCache(models.purchase, options);
  for (let i = 0; i < n; i += 1) {
    segment[i] = rfmSegment(
      recencyScore[i] as number,
      frequencyScore[i] as number,
      monetaryScore[i] as number,
    );
    const summary = summaryAt(columns, i, options.asOfDay, options.timeUnit);
    const alive = probabilityAlive(models.purchase, summary);
    const spend = models.gammaGamma
      ? gammaGammaConditionalExpectedSpend(models.gammaGamma, summary)
      : summary.totalSpend / summary.purchaseDays;
    const factors = cache.factors(summary.frequency, summary.T);
    clv[i] = alive * spend * margin * factors.discounted;
    pAlive[i] = alive;
    expectedPurchases[i] = alive * factors.horizon;
    churn[i] =
      options.modelChurn?.get(summary.customerId) ??
      churnFromPAlive(alive, summary, options.churnBands);
  }
  const tierThresholds =
    n > 0
      ? valueTierThresholds(clv, options.tierQuantiles ?? DEFAULT_TIER_QUANTILES)
      : { silver: 0, gold: 0, platinum: 0 };
  return {
    segment,
    recencyScore,
    frequencyScore,
    monetaryScore,
    clv,
    tier: clv.map((value) => valueTier(value, tierThresholds)),
    pAlive,
    expectedPurchases,
    churn,
    horizonMonths: cache.horizonMonths,
    tierThresholds,
  };
}
