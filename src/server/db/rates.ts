import { estimateUplift } from '../../nba/uplift.ts';

/** Wilson score interval for a binomial share; null when there is nothing to measure. */
export function wilsonInterval(
  successes: number,
  n: number,
  z = 1.959964,
): [number, number] | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function share(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

export interface UpliftCounts {
  treatedN: number;
  treatedSuccesses: number;
  controlN: number;
  controlSuccesses: number;
}

/** Uplift with a 95% normal-approximation interval, clamped to [-1, 1]; null without both arms. */
export function upliftOf(counts: UpliftCounts): { value: number; ci95: [number, number] } | null {
  const estimate = estimateUplift(
    { n: counts.treatedN, successes: counts.treatedSuccesses },
    { n: counts.controlN, successes: counts.controlSuccesses },
  );
  if (!estimate) return null;
  const [low, high] = estimate.ci95;
  return { value: estimate.uplift, ci95: [Math.max(-1, low), Math.min(1, high)] };
}
