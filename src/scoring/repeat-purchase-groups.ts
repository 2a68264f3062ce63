/**
 * Input checks and grouping shared by the BG/NBD, MBG/NBD and Pareto/NBD fits. The likelihoods' gamma
 * terms depend on the parameters and the frequency only, and many customers share a recency and
 * an age (every one-time buyer has recency 0, and ages fall on whole days), so the fits work on
 * distinct histories with a count instead of on customers.
 */
import type { RepeatPurchaseHistory } from './types.ts';

/** log(e^x + e^y) without overflow; -Infinity when both are. */
export function logAddExp(x: number, y: number): number {
  const max = Math.max(x, y);
  if (max === Number.NEGATIVE_INFINITY) return max;
  return max + Math.log1p(Math.exp(Math.min(x, y) - max));
}

function checkHistory(history: RepeatPurchaseHistory, index: number): void {
  const { frequency, recency, T } = history;
  if (!Number.isInteger(frequency) || frequency < 0) {
    throw new Error(`customer ${index}: frequency must be a whole number >= 0, got ${frequency}`);
  }
  if (!(recency >= 0) || !(T >= recency) || !Number.isFinite(T)) {
    throw new Error(`customer ${index}: need 0 <= recency <= T, got recency ${recency}, T ${T}`);
  }
  if (frequency > 0 && !(recency > 0)) {
    throw new Error(`customer ${index}: repeat buyer with recency 0`);
  }
}

/** Distinct (recency, T) histories of one frequency, with how many customers have each. */
export interface HistoryGroup {
  frequency: number;
  recencies: Float64Array;
  ages: Float64Array;
  counts: Float64Array;
}

export interface GroupedHistories {
  groups: HistoryGroup[];
  customers: number;
  /** Sums over customers, for starting values. */
  totalFrequency: number;
  totalAge: number;
}

/** Checks every history (1-based customer numbers in errors) and groups them by frequency. */
export function groupHistories(data: readonly RepeatPurchaseHistory[]): GroupedHistories {
  const byFrequency = new Map<number, Map<string, { recency: number; T: number; count: number }>>();
  let totalFrequency = 0;
  let totalAge = 0;
  data.forEach((history, index) => {
    checkHistory(history, index + 1);
    totalFrequency += history.frequency;
    totalAge += history.T;
    let histories = byFrequency.get(history.frequency);
    if (!histories) {
      histories = new Map();
      byFrequency.set(history.frequency, histories);
    }
    const key = `${history.recency}/${history.T}`;
    const seen = histories.get(key);
    if (seen) seen.count += 1;
    else histories.set(key, { recency: history.recency, T: history.T, count: 1 });
  });
  const groups = [...byFrequency.entries()]
    .sort(([x], [y]) => x - y)
    .map(([frequency, histories]) => {
      const list = [...histories.values()];
      return {
        frequency,
        recencies: Float64Array.from(list, (h) => h.recency),
        ages: Float64Array.from(list, (h) => h.T),
        counts: Float64Array.from(list, (h) => h.count),
      };
    });
  return { groups, customers: data.length, totalFrequency, totalAge };
}
