/** Unit in which the buy-till-you-die models measure recency, age and horizons. */
export type TimeUnit = 'weeks' | 'days';

export const DAYS_PER_UNIT: Record<TimeUnit, number> = { weeks: 7, days: 1 };
/** Average month length, so a 12-month horizon is exactly one year of 365.25 days. */
export const DAYS_PER_MONTH = 365.25 / 12;

/** One purchase. `at` is an ISO 8601 date or date-time (the UTC calendar day is used) or a Date. */
export interface Transaction {
  customerId: string;
  at: string | Date;
  amount: number;
}

/** The three numbers BG/NBD needs, in the model's time unit. */
export interface RepeatPurchaseHistory {
  /** Repeat purchase days: distinct purchase days minus the first one. */
  frequency: number;
  /** Time from the first purchase to the last one. */
  recency: number;
  /** Age: time from the first purchase to the as-of date. */
  T: number;
}

/** The two numbers the Gamma-Gamma spend model needs. */
export interface SpendHistory {
  frequency: number;
  /** Mean value of the repeat purchase days (0 when there are none). */
  monetaryValue: number;
}

export interface CustomerSummary extends RepeatPurchaseHistory, SpendHistory {
  customerId: string;
  /** First and last purchase day, YYYY-MM-DD. */
  firstPurchase: string;
  lastPurchase: string;
  /** Distinct purchase days up to the as-of date (frequency + 1). */
  purchaseDays: number;
  /** Sum of all purchases up to the as-of date. */
  totalSpend: number;
  /** Whole days from the last purchase to the as-of date. */
  daysSinceLastPurchase: number;
}
