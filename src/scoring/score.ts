/**
 * One call for a scoring run: fit the value models on a customer base, then score every customer
 * (segment, value, BG/NBD churn). The CLI stores `ValueModels` and the per-customer scores.
 */
import { fitBgNbd, type BgNbdModel } from './bgnbd.ts';
import { churnFromBgNbd, type ChurnAssessment, type ChurnBandThresholds } from './churn-band.ts';
import { customerValue, type ClvOptions } from './clv.ts';
import {
  fitGammaGamma,
  isRepeatBuyer,
  type GammaGammaModel,
  type GammaGammaParams,
} from './gamma-gamma.ts';
import { rfmInputFromSummary, scoreRfm, type SegmentName } from './rfm.ts';
import {
  DEFAULT_TIER_QUANTILES,
  valueTier,
  valueTierThresholds,
  type ValueTier,
  type ValueTierThresholds,
} from './tiers.ts';
import type { CustomerSummary, TimeUnit } from './types.ts';

/** What `loopdesk models show --json` prints for the value side (the churn model sits beside). */
export interface ValueModels {
  bgnbd: BgNbdModel;
  /** Null when there are fewer than two repeat buyers to learn spend from. */
  gammaGamma: GammaGammaModel | null;
  /** The as-of date the summaries were measured to, YYYY-MM-DD. */
  asOf: string;
}

export function fitValueModels(
  summaries: readonly CustomerSummary[],
  options: { asOf: string; timeUnit?: TimeUnit },
): ValueModels {
  const bgnbd = fitBgNbd(summaries, { timeUnit: options.timeUnit ?? 'weeks' });
  const repeatBuyers = summaries.filter(isRepeatBuyer).length;
  const gammaGamma = repeatBuyers >= 2 ? fitGammaGamma(summaries) : null;
  return { bgnbd, gammaGamma, asOf: options.asOf };
}

export interface CustomerScore {
  customerId: string;
  segment: { name: SegmentName; recency: number; frequency: number; monetary: number };
  value: {
    clv: number;
    tier: ValueTier;
    expectedPurchases: number;
    pAlive: number;
    horizonMonths: number;
  };
  /** 1 - P(alive); the CLI replaces it with the trained model's churn where one applies. */
  churn: ChurnAssessment;
}

export interface ScoreOptions extends ClvOptions {
  tierQuantiles?: { silver: number; gold: number; platinum: number };
  churnBands?: ChurnBandThresholds;
}

/**
 * Scores a whole customer base (RFM quintiles and value tiers are relative to it). Without a
 * Gamma-Gamma model, spend per purchase is each customer's own mean spend.
 */
export function scoreCustomers(
  summaries: readonly CustomerSummary[],
  models: { bgnbd: BgNbdModel; gammaGamma: GammaGammaParams | null },
  options: ScoreOptions = {},
): { scores: CustomerScore[]; tierThresholds: ValueTierThresholds } {
  if (summaries.length === 0) {
    return { scores: [], tierThresholds: { silver: 0, gold: 0, platinum: 0 } };
  }
  const segments = scoreRfm(summaries.map(rfmInputFromSummary));
  const values = summaries.map((summary) =>
    customerValue(models.bgnbd, models.gammaGamma, summary, options),
  );
  const tierThresholds = valueTierThresholds(
    values.map((value) => value.clv),
    options.tierQuantiles ?? DEFAULT_TIER_QUANTILES,
  );
  const scores = summaries.map((summary, index): CustomerScore => {
    const segment = segments[index] as (typeof segments)[number];
    const value = values[index] as (typeof values)[number];
    return {
      customerId: summary.customerId,
      segment: {
        name: segment.segment,
        recency: segment.recency,
        frequency: segment.frequency,
        monetary: segment.monetary,
      },
      value: {
        clv: value.clv,
        tier: valueTier(value.clv, tierThresholds),
        expectedPurchases: value.expectedPurchases,
        pAlive: value.pAlive,
        horizonMonths: value.horizonMonths,
      },
      churn: churnFromBgNbd(models.bgnbd, summary, options.churnBands),
    };
  });
  return { scores, tierThresholds };
}
