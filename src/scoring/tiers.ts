import { quantileSorted } from 'simple-statistics';
import { valueTiers } from '../contract/insights.ts';

export type ValueTier = (typeof valueTiers)[number];

/** CLV at or above which a customer reaches each tier; plain JSON so a scoring run can store it. */
export interface ValueTierThresholds {
  silver: number;
  gold: number;
  platinum: number;
}

/** Default shares: bottom 50 % bronze, next 30 % silver, next 15 % gold, top 5 % platinum. */
export const DEFAULT_TIER_QUANTILES = { silver: 0.5, gold: 0.8, platinum: 0.95 } as const;

export function valueTierThresholds(
  clvs: readonly number[],
  quantiles: { silver: number; gold: number; platinum: number } = DEFAULT_TIER_QUANTILES,
): ValueTierThresholds {
  if (clvs.length === 0) throw new Error('value tiers: no CLVs to take quantiles of');
  if (!(quantiles.silver < quantiles.gold && quantiles.gold < quantiles.platinum)) {
    throw new Error('value tiers: quantiles must rise from silver to gold to platinum');
  }
  const sorted = [...clvs].sort((x, y) => x - y);
  return {
    silver: quantileSorted(sorted, quantiles.silver),
    gold: quantileSorted(sorted, quantiles.gold),
    platinum: quantileSorted(sorted, quantiles.platinum),
  };
}

export function valueTier(clv: number, thresholds: ValueTierThresholds): ValueTier {
  // No expected value is never a top tier, even when most customers tie at zero and the
  // quantile thresholds collapse onto it.
  if (!(clv > 0)) return 'bronze';
  if (clv >= thresholds.platinum) return 'platinum';
  if (clv >= thresholds.gold) return 'gold';
  if (clv >= thresholds.silver) return 'silver';
  return 'bronze';
}
