import { churnBands } from '../contract/insights.ts';
import { bgnbdProbabilityAlive, type BgNbdParams } from './bgnbd.ts';
import {
  purchaseHistoryPhrase,
  purchaseRhythmPhrase,
  type PurchaseHistory,
} from './churn/history.ts';
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

/** What a buy-till-you-die churn figure is explained with: the customer's purchase history. */
export type PAliveHistory = PurchaseHistory;

/**
 * Churn risk for a customer with transactions and no trained churn model: 1 - P(alive) from the
 * scoring run's buy-till-you-die model (BG/NBD or a sibling), labelled source 'bgnbd'. The
 * reasons are what that model reads: how many purchases, how long ago the last, and the
 * customer's usual rhythm ("usually one every 3 weeks").
 */
export function churnFromPAlive(
  pAlive: number,
  history: PAliveHistory,
  thresholds: ChurnBandThresholds = DEFAULT_CHURN_BAND_THRESHOLDS,
): ChurnAssessment {
  if (!(pAlive >= 0 && pAlive <= 1)) throw new Error(`P(alive) must be within 0..1, got ${pAlive}`);
  const probability = 1 - pAlive;
  const reasons = [purchaseHistoryPhrase(history.purchaseDays, history.daysSinceLastPurchase)];
  const rhythm = purchaseRhythmPhrase(history);
  if (rhythm) reasons.push(rhythm);
  return {
    probability,
    band: churnBand(probability, thresholds),
    source: 'bgnbd',
    modelVersion: null,
    reasons,
  };
}

/** churnFromPAlive with BG/NBD's P(alive). */
export function churnFromBgNbd(
  params: BgNbdParams,
  history: RepeatPurchaseHistory & PAliveHistory,
  thresholds: ChurnBandThresholds = DEFAULT_CHURN_BAND_THRESHOLDS,
): ChurnAssessment {
  return churnFromPAlive(bgnbdProbabilityAlive(params, history), history, thresholds);
}
