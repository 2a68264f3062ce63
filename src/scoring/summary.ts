import { dayNumber, isoDay } from './dates.ts';
import { DAYS_PER_UNIT, type CustomerSummary, type TimeUnit, type Transaction } from './types.ts';

export interface SummariseOptions {
  /** Last day of the observation window (inclusive), YYYY-MM-DD or Date. */
  asOf: string | Date;
  timeUnit?: TimeUnit;
}

interface DayTotals {
  /** Purchase day number -> merged amount of that day. */
  days: Map<number, number>;
}

/**
 * Turns transactions into one summary per customer, measured up to `asOf`.
 * Same-day purchases are merged into one purchase (the papers' convention); purchases after
 * `asOf` are ignored, and so are customers whose first purchase is after it.
 * Output is sorted by customer id so results never depend on input order.
 */
export function summariseTransactions(
  transactions: Iterable<Transaction>,
  options: SummariseOptions,
): CustomerSummary[] {
  const asOfDay = dayNumber(options.asOf);
  const unitDays = DAYS_PER_UNIT[options.timeUnit ?? 'weeks'];
  const byCustomer = new Map<string, DayTotals>();
  let index = 0;
  for (const transaction of transactions) {
    index += 1;
    if (!transaction.customerId) throw new Error(`transaction ${index}: customerId is empty`);
    if (!Number.isFinite(transaction.amount)) {
      throw new Error(`transaction ${index}: amount is not a number`);
    }
    let day: number;
    try {
      day = dayNumber(transaction.at);
    } catch (error) {
      throw new Error(`transaction ${index}: at: ${(error as Error).message}`);
    }
    if (day > asOfDay) continue;
    let totals = byCustomer.get(transaction.customerId);
    if (!totals) {
      totals = { days: new Map() };
      byCustomer.set(transaction.customerId, totals);
    }
    totals.days.set(day, (totals.days.get(day) ?? 0) + transaction.amount);
  }

  const summaries: CustomerSummary[] = [];
  for (const [customerId, totals] of byCustomer) {
    const days = [...totals.days.keys()].sort((x, y) => x - y);
    const first = days[0] as number;
    const last = days[days.length - 1] as number;
    let totalSpend = 0;
    for (const amount of totals.days.values()) totalSpend += amount;
    const firstDaySpend = totals.days.get(first) as number;
    const frequency = days.length - 1;
    summaries.push({
      customerId,
      frequency,
      recency: (last - first) / unitDays,
      T: (asOfDay - first) / unitDays,
      monetaryValue: frequency > 0 ? (totalSpend - firstDaySpend) / frequency : 0,
      firstPurchase: isoDay(first),
      lastPurchase: isoDay(last),
      purchaseDays: days.length,
      totalSpend,
      daysSinceLastPurchase: asOfDay - last,
    });
  }
  return summaries.sort((x, y) =>
    x.customerId < y.customerId ? -1 : x.customerId > y.customerId ? 1 : 0,
  );
}
