/**
 * One call for a scoring run: fit the value models on a customer base, then score every customer
 * (segment, value, churn as 1 - P(alive)). The CLI stores `ValueModels` and the per-customer scores.
 */
import type { BgNbdModel } from './bgnbd.ts';
import { churnFromPAlive, type ChurnAssessment, type ChurnBandThresholds } from './churn-band.ts';
import { customerValue, type ClvOptions } from './clv.ts';
import {
  fitGammaGamma,
  isRepeatBuyer,
  type GammaGammaModel,
  type GammaGammaParams,
} from './gamma-gamma.ts';
import type { MbgNbdModel } from './mbgnbd.ts';
import type { ParetoNbdModel } from './pareto-nbd.ts';
import {
  fitPurchaseModel,
  purchaseModelKinds,
  type PurchaseModel,
  type PurchaseModelKind,
} from './purchase-models.ts';
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
  /** The three purchase models, fitted on the same customers; null where the fit failed. */
  bgnbd: BgNbdModel | null;
  mbgnbd: MbgNbdModel | null;
  paretoNbd: ParetoNbdModel | null;
  /** Why a purchase model is null. */
  fitErrors: Partial<Record<PurchaseModelKind, string>>;
  /** Null when there are fewer than two repeat buyers to learn spend from. */
  gammaGamma: GammaGammaModel | null;
  /** The as-of date the summaries were measured to, YYYY-MM-DD. */
  asOf: string;
}

/** Fits every purchase model and Gamma-Gamma; throws only when no purchase model fits. */
export function fitValueModels(
  summaries: readonly CustomerSummary[],
  options: { asOf: string; timeUnit?: TimeUnit },
): ValueModels {
  const fitted = new Map<PurchaseModelKind, PurchaseModel>();
  const fitErrors: Partial<Record<PurchaseModelKind, string>> = {};
  for (const kind of purchaseModelKinds) {
    try {
      fitted.set(
        kind,
        fitPurchaseModel(kind, summaries, { timeUnit: options.timeUnit ?? 'weeks' }),
      );
    } catch (error) {
      fitErrors[kind] = (error as Error).message;
    }
  }
  if (fitted.size === 0) throw new Error(fitErrors.mbgnbd ?? 'no purchase model could be fitted');
  const repeatBuyers = summaries.filter(isRepeatBuyer).length;
  const gammaGamma = repeatBuyers >= 2 ? fitGammaGamma(summaries) : null;
  return {
    bgnbd: (fitted.get('bgnbd')?.model as BgNbdModel | undefined) ?? null,
    mbgnbd: (fitted.get('mbgnbd')?.model as MbgNbdModel | undefined) ?? null,
    paretoNbd: (fitted.get('pareto-nbd')?.model as ParetoNbdModel | undefined) ?? null,
    fitErrors,
    gammaGamma,
    asOf: options.asOf,
  };
}

/** The fitted models of ValueModels as tagged PurchaseModels, in purchaseModelKinds order. */
export function fittedPurchaseModels(models: ValueModels): PurchaseModel[] {
  const list: PurchaseModel[] = [];
  if (models.bgnbd) list.push({ kind: 'bgnbd', model: models.bgnbd });
  if (models.mbgnbd) list.push({ kind: 'mbgnbd', model: models.mbgnbd });
  if (models.paretoNbd) list.push({ kind: 'pareto-nbd', model: models.paretoNbd });
  return list;
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
  models: { purchase: PurchaseModel; gammaGamma: GammaGammaParams | null },
  options: ScoreOptions = {},
): { scores: CustomerScore[]; tierThresholds: ValueTierThresholds } {
  if (summaries.length === 0) {
    return { scores: [], tierThresholds: { silver: 0, gold: 0, platinum: 0 } };
  }
  const segments = scoreRfm(summaries.map(rfmInputFromSummary));
  const values = summaries.map((summary) =>
    customerValue(models.purchase, models.gammaGamma, summary, options),
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
      churn: churnFromPAlive(value.pAlive, summary, options.churnBands),
    };
  });
  return { scores, tierThresholds };
}
