/**
 * Purchase history as churn-model features, and history in words for a CSR. A churn model may
 * read these columns besides a customer's attributes: they are computed from the customer's
 * transactions as of the scoring day (never imported), so they are fresh at every scoring run.
 */
import { dayNumber } from '../dates.ts';
import { summariseTransactions } from '../summary.ts';
import type { CustomerSummary, Transaction } from '../types.ts';
import type { ChurnRow } from './features.ts';

export const PURCHASE_HISTORY_COLUMNS = [
  'purchases',
  'days_since_last_purchase',
  'days_since_first_purchase',
  'log_purchases',
  'log_days_since_last_purchase',
  'log_days_since_first_purchase',
  'gaps_since_last_purchase',
] as const;
export type PurchaseHistoryColumn = (typeof PURCHASE_HISTORY_COLUMNS)[number];

export function isPurchaseHistoryColumn(column: string): column is PurchaseHistoryColumn {
  return (PURCHASE_HISTORY_COLUMNS as readonly string[]).includes(column);
}

export type PurchaseHistory = Pick<
  CustomerSummary,
  'purchaseDays' | 'daysSinceLastPurchase' | 'firstPurchase' | 'lastPurchase'
>;

/**
 * The history columns of one customer (purchase days, not orders: same-day orders are one).
 * The logarithms let a linear model see that the first purchases and the first weeks of silence
 * say more than later ones; the gaps column measures the silence in the customer's own rhythm
 * (days as a customer per purchase), which is what buy-till-you-die models react to.
 */
export function purchaseHistoryFeatures(
  history: PurchaseHistory,
): Record<PurchaseHistoryColumn, number> {
  const purchases = history.purchaseDays;
  const sinceLast = history.daysSinceLastPurchase;
  const sinceFirst = sinceLast + dayNumber(history.lastPurchase) - dayNumber(history.firstPurchase);
  return {
    purchases,
    days_since_last_purchase: sinceLast,
    days_since_first_purchase: sinceFirst,
    log_purchases: Math.log(purchases),
    log_days_since_last_purchase: Math.log1p(sinceLast),
    log_days_since_first_purchase: Math.log1p(sinceFirst),
    gaps_since_last_purchase: (sinceLast * purchases) / (sinceFirst + 1),
  };
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** A stretch of days in words: "5 days", "a week", "34 weeks", "2 years". */
function spanWords(days: number): string {
  if (days < 7) return plural(days, 'day');
  if (days < 14) return 'a week';
  if (days < 2 * 365) return `${Math.floor(days / 7)} weeks`;
  return plural(Math.floor(days / 365.25), 'year');
}

function ago(days: number): string {
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${spanWords(days)} ago`;
}

/** "one purchase, 34 weeks ago"; "26 purchases, the last a week ago". */
export function purchaseHistoryPhrase(purchases: number, daysSinceLastPurchase: number): string {
  if (purchases <= 0) return 'no purchases yet';
  if (purchases === 1) return `one purchase, ${ago(daysSinceLastPurchase)}`;
  return `${purchases} purchases, the last ${ago(daysSinceLastPurchase)}`;
}

/** "usually one every 3 weeks", for customers with at least three purchase days; else null. */
export function purchaseRhythmPhrase(history: PurchaseHistory): string | null {
  if (history.purchaseDays < 3) return null;
  const span = dayNumber(history.lastPurchase) - dayNumber(history.firstPurchase);
  const gap = Math.max(1, Math.round(span / (history.purchaseDays - 1)));
  return gap === 1 ? 'usually buys daily' : `usually one every ${spanWords(gap)}`;
}

export interface LabelledHistoryOptions {
  /** The cut-off day, YYYY-MM-DD: features are measured up to it. */
  cutoff: string;
  /** A customer is labelled churned when they bought nothing in this many days after the cut-off. */
  horizonDays: number;
  idColumn?: string;
  labelColumn?: string;
}

/**
 * Training rows for a churn model from a business's own history, with no churn label on file:
 * each customer who had bought by the cut-off becomes one row of their attributes and purchase
 * history as of the cut-off, labelled "yes" when they bought nothing in the following
 * `horizonDays`. The data must reach at least to the end of that window.
 */
export function labelledHistoryRows(
  transactions: readonly Transaction[],
  attributes: ReadonlyMap<string, ChurnRow>,
  options: LabelledHistoryOptions,
): ChurnRow[] {
  if (!(options.horizonDays >= 1)) throw new Error('horizonDays must be at least 1');
  const idColumn = options.idColumn ?? 'customer_id';
  const labelColumn = options.labelColumn ?? 'churned';
  const cutoffDay = dayNumber(options.cutoff);
  const boughtAfter = new Set<string>();
  for (const transaction of transactions) {
    const day = dayNumber(transaction.at);
    if (day > cutoffDay && day <= cutoffDay + options.horizonDays) {
      boughtAfter.add(transaction.customerId);
    }
  }
  return summariseTransactions(transactions, { asOf: options.cutoff, timeUnit: 'days' }).map(
    (summary) => ({
      ...attributes.get(summary.customerId),
      ...purchaseHistoryFeatures(summary),
      [idColumn]: summary.customerId,
      [labelColumn]: boughtAfter.has(summary.customerId) ? 'no' : 'yes',
    }),
  );
}
