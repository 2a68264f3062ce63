import {
  dayNumber,
  isoDay,
  labelledHistoryRows,
  PURCHASE_HISTORY_COLUMNS,
  type ChurnRow,
} from '../../scoring/index.ts';
import type { Db } from '../db/db.ts';
import type { CustomerRow, TransactionRow } from '../imports/rows.ts';
import { trainAndStoreChurnModel } from '../scoring/churn.ts';
import { churnAttributes } from './business.ts';

/** The demo calls a customer churned after half a year without a purchase. */
const demoChurnHorizonDays = 182;

/**
 * Trains and stores the demo's churn model from its own history: customers as they stood half a
 * year before the as-of day, labelled churned when they were no longer customers on the as-of
 * day. `cancelledBefore` says which had cancelled by then (a provider knows its cancellations;
 * without it, churned means bought nothing in the half year since, as a business without churn
 * labels on file would have to guess, which misses a subscriber who cancels after paying a few
 * more bills). Returns the model version, or null when the history is too thin to learn from
 * (a tiny demo), leaving churn to 1 - P(alive).
 */
export async function trainDemoChurnModel(
  db: Db,
  customers: readonly CustomerRow[],
  transactions: readonly TransactionRow[],
  asOf: Date,
  cancelledBefore?: (customerId: string, asOf: Date) => boolean,
): Promise<string | null> {
  const attributes = new Map<string, ChurnRow>(
    customers.map((customer) => [
      customer.customerId,
      Object.fromEntries(
        churnAttributes.map((name) => [name, String(customer.attributes[name] ?? '')]),
      ),
    ]),
  );
  const history = labelledHistoryRows(
    transactions.map((row) => ({
      customerId: row.customerId,
      at: row.occurredAt,
      amount: row.amount,
    })),
    attributes,
    { cutoff: isoDay(dayNumber(asOf) - demoChurnHorizonDays), horizonDays: demoChurnHorizonDays },
  );
  const rows = cancelledBefore
    ? history.map((row) => ({
        ...row,
        churned: cancelledBefore(String(row.customer_id), asOf) ? 'yes' : 'no',
      }))
    : history;
  const churned = rows.filter((row) => row.churned === 'yes').length;
  if (rows.length < 50 || churned < 10 || rows.length - churned < 10) return null;
  const { version } = await trainAndStoreChurnModel(db, rows, {
    idColumn: 'customer_id',
    labelColumn: 'churned',
    historyColumns: [...PURCHASE_HISTORY_COLUMNS],
    actor: 'loopdesk-demo',
  });
  return version;
}
