import { churnBands } from '../contract/insights.ts';
import { bgnbdProbabilityAlive, type BgNbdParams } from './bgnbd.ts';
import type { RepeatPurchaseHistory } from './types.ts';

export type ChurnBand = (typeof churnBands)[number];

/** Probability at or above which risk is medium, and high. Shared by both churn sources. */
export interface ChurnBandThresholds {
  medium: number;
  high: number;
}

export const DEFAULT_CHURN_BAND_THRESHOLDS: ChurnBandThresholds = { medium: 0.3, high: 0.6 };

export function churnBand(
  probability: number,
  thresholds: ChurnBandThresholds = DEFAULT_CHURN_BAND_THRESHOLDS,
): ChurnBand {
  if (!(probability >= 0 && probability <= 1)) {
    throw new Error(`churn probability must be within 0..1, got ${probability}`);
  }
  if (probability >= thresholds.high) return 'high';
  if (probability >= thresholds.medium) return 'medium';
  return 'low';
}

/** Same shape as the contract's churn block (churnSchema). */
export interface ChurnAssessment {
  probability: number;
  band: ChurnBand;
  source: 'model' | 'bgnbd';
  modelVersion: string | null;
  reasons: string[];
}

/**
 * Churn risk for a customer with transactions and no trained churn model: 1 - P(alive) from
 * BG/NBD, labelled source 'bgnbd'. The reason names the silence the model reacts to.
 */
export function churnFromBgNbd(
  params: BgNbdParams,
  history: RepeatPurchaseHistory & { daysSinceLastPurchase?: number },
  thresholds: ChurnBandThresholds = DEFAULT_CHURN_BAND_THRESHOLDS,
): ChurnAssessment {
  const probability = 1 - bgnbdProbabilityAlive(params, history);
  const band = churnBand(probability, thresholds);
  const reasons: string[] = [];
  if (band !== 'low' && history.daysSinceLastPurchase !== undefined) {
    reasons.push(`no purchase in ${history.daysSinceLastPurchase} days`);
  }
  return { probability, band, source: 'bgnbd', modelVersion: null, reasons };
}
