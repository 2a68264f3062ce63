import type { Db } from '../db/db.ts';

/**
 * Per-customer purchase history up to the as-of day, one entry per customer with transactions,
 * in customer-key order. Columns rather than objects so a million customers stay compact.
 * Same-day purchases are merged in SQL (one row per customer and UTC day) before aggregating.
 */
export interface PurchaseColumns {
  /** customers.id as text (the snapshot's customer key). */
  keys: string[];
  /** Days since 1970-01-01 (UTC) of the first and last purchase day. */
  firstDay: number[];
  lastDay: number[];
  /** Distinct purchase days. */
  days: number[];
  totalSpend: number[];
  /** Merged spend of the first purchase day (repeat spend = total - this). */
  firstDaySpend: number[];
}

const fetchSize = 50_000;

type SummaryRow = {
  key: string;
  first_day: number;
  last_day: number;
  days: number;
  total: number;
  first_amount: number;
};

/** The exclusive end of the as-of day as an ISO instant. */
export function dayAfter(asOf: string): string {
  const end = new Date(`${asOf}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return end.toISOString();
}

/** Streams the aggregated histories through a server-side cursor, `fetchSize` rows at a time. */
export async function readPurchaseColumns(db: Db, asOf: string): Promise<PurchaseColumns> {
  const columns: PurchaseColumns = {
    keys: [],
    firstDay: [],
    lastDay: [],
    days: [],
    totalSpend: [],
    firstDaySpend: [],
  };
  await db.transaction(async (tx) => {
    await tx.query(
      `DECLARE scoring_histories NO SCROLL CURSOR FOR
       SELECT customer_id::text AS key,
         (min(day) - DATE '1970-01-01')::int AS first_day,
         (max(day) - DATE '1970-01-01')::int AS last_day,
         count(*)::int AS days,
         sum(amount)::float8 AS total,
         (array_agg(amount ORDER BY day))[1]::float8 AS first_amount
       FROM (
         SELECT customer_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, sum(amount) AS amount
         FROM transactions WHERE occurred_at < '${dayAfter(asOf)}'::timestamptz
         GROUP BY customer_id, day
       ) daily
       GROUP BY customer_id
       ORDER BY customer_id`,
    );
    for (;;) {
      const { rows } = await tx.query<SummaryRow>(
        `FETCH FORWARD ${fetchSize} FROM scoring_histories`,
      );
      for (const row of rows) {
        columns.keys.push(row.key);
        columns.firstDay.push(Number(row.first_day));
        columns.lastDay.push(Number(row.last_day));
        columns.days.push(Number(row.days));
        columns.totalSpend.push(Number(row.total));
        columns.firstDaySpend.push(Number(row.first_amount));
      }
      if (rows.length < fetchSize) break;
    }
    await tx.query('CLOSE scoring_histories');
  });
  return columns;
}
