import { segmentNames } from '../contract/insights.ts';
import type { CustomerSummary } from './types.ts';

export type SegmentName = (typeof segmentNames)[number];

export interface RfmInput {
  customerId: string;
  /** Days since the last purchase: fewer days score higher. */
  daysSinceLastPurchase: number;
  /** Purchase days: more score higher. */
  frequency: number;
  /** Total spend: more scores higher. */
  monetary: number;
}

export interface RfmScore {
  customerId: string;
  recency: number;
  frequency: number;
  monetary: number;
  segment: SegmentName;
}

/** RFM uses all purchase days and total spend, unlike BG/NBD's repeat-only counts. */
export function rfmInputFromSummary(summary: CustomerSummary): RfmInput {
  return {
    customerId: summary.customerId,
    daysSinceLastPurchase: summary.daysSinceLastPurchase,
    frequency: summary.purchaseDays,
    monetary: summary.totalSpend,
  };
}

/**
 * Quintile scores 1..5 where higher values score higher. Each value is placed by its mid-rank
 * percentile (values below it plus half of its ties, over n), so equal values always get the same
 * score whatever the input order, and distinct values split into five equal groups.
 */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  const order = values
    .map((_, index) => index)
    .sort((i, j) => (values[i] as number) - (values[j] as number));
  const scores = new Array<number>(n);
  let start = 0;
  while (start < n) {
    let end = start;
    const value = values[order[start] as number] as number;
    while (end + 1 < n && values[order[end + 1] as number] === value) end += 1;
    const tieCount = end - start + 1;
    const percentile = (start + tieCount / 2) / n;
    const score = Math.min(5, Math.floor(percentile * 5) + 1);
    for (let k = start; k <= end; k += 1) scores[order[k] as number] = score;
    start = end + 1;
  }
  return scores;
}

/**
 * Segment by recency score (rows) and the frequency-monetary score FM = round-half-up of
 * (F + M) / 2 (columns). Every cell is named, so each customer gets exactly one segment:
 *
 *   R \ FM |  1               2                   3                   4                5
 *   -------+-----------------------------------------------------------------------------------
 *     5    |  New             Potential loyalist  Potential loyalist  Champions        Champions
 *     4    |  Promising       Potential loyalist  Potential loyalist  Loyal            Champions
 *     3    |  About to sleep  About to sleep      Need attention      Loyal            Loyal
 *     2    |  Hibernating     Hibernating         At risk             At risk          Can't lose them
 *     1    |  Lost            Lost                At risk             At risk          Can't lose them
 */
const SEGMENT_GRID: readonly (readonly SegmentName[])[] = [
  ['Lost', 'Lost', 'At risk', 'At risk', "Can't lose them"],
  ['Hibernating', 'Hibernating', 'At risk', 'At risk', "Can't lose them"],
  ['About to sleep', 'About to sleep', 'Need attention', 'Loyal', 'Loyal'],
  ['Promising', 'Potential loyalist', 'Potential loyalist', 'Loyal', 'Champions'],
  ['New', 'Potential loyalist', 'Potential loyalist', 'Champions', 'Champions'],
];

function checkScore(name: string, score: number): void {
  if (!Number.isInteger(score) || score < 1 || score > 5) {
    throw new Error(`${name} score must be a whole number 1..5, got ${score}`);
  }
}

export function rfmSegment(recency: number, frequency: number, monetary: number): SegmentName {
  checkScore('recency', recency);
  checkScore('frequency', frequency);
  checkScore('monetary', monetary);
  const frequencyMonetary = Math.floor((frequency + monetary) / 2 + 0.5);
  return (SEGMENT_GRID[recency - 1] as readonly SegmentName[])[
    frequencyMonetary - 1
  ] as SegmentName;
}

/** Scores a whole population at once (quintiles are relative to it) and names each segment. */
export function scoreRfm(customers: readonly RfmInput[]): RfmScore[] {
  customers.forEach((customer, index) => {
    for (const field of ['daysSinceLastPurchase', 'frequency', 'monetary'] as const) {
      if (!Number.isFinite(customer[field])) {
        throw new Error(`customer ${index + 1} (${customer.customerId}): ${field} is not a number`);
      }
    }
  });
  // Negated so that fewer days since the last purchase rank higher.
  const recency = quintileScores(customers.map((customer) => -customer.daysSinceLastPurchase));
  const frequency = quintileScores(customers.map((customer) => customer.frequency));
  const monetary = quintileScores(customers.map((customer) => customer.monetary));
  return customers.map((customer, index) => {
    const r = recency[index] as number;
    const f = frequency[index] as number;
    const m = monetary[index] as number;
    return {
      customerId: customer.customerId,
      recency: r,
      frequency: f,
      monetary: m,
      segment: rfmSegment(r, f, m),
    };
  });
}
