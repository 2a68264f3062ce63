import { parseTimestamp } from '../../scoring/index.ts';
import { parseAmount, transactionRow, type TransactionRow } from './rows.ts';

const maxTextLength = 200;
const currencyCode = /^[A-Za-z]{3}$/;
const transactionColumns = new Set([
  'customer_id',
  'occurred_at',
  'amount',
  'order_id',
  'currency',
]);

function shortText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text.length >= 1 && text.length <= maxTextLength ? text : null;
}

/**
 * The transactions row schema's result for a plain, valid row of string cells, without going
 * through zod: on large files zod's per-row cost is larger than parsing the CSV. Anything else
 * (a bad cell, an unknown column, a number from NDJSON) gives null, and the caller asks the zod
 * schema, which stays the single source of error messages. Both must agree on every row this
 * accepts (fast-transactions.test.ts).
 */
export function transactionFastPath(
  defaultCurrency: string,
): (record: Record<string, unknown>) => TransactionRow | null {
  return (record) => {
    for (const key in record) if (!transactionColumns.has(key)) return null;
    const customerId = shortText(record.customer_id);
    if (customerId === null) return null;
    const occurredAtText = record.occurred_at;
    if (typeof occurredAtText !== 'string') return null;
    const occurredAt = parseTimestamp(occurredAtText);
    if (!occurredAt) return null;
    const amountText = record.amount;
    if (typeof amountText !== 'string') return null;
    const amount = parseAmount(amountText);
    if (amount === null) return null;
    let orderId: string | undefined;
    if (record.order_id !== undefined) {
      const text = shortText(record.order_id);
      if (text === null) return null;
      orderId = text;
    }
    let currency: string | undefined;
    if (record.currency !== undefined) {
      if (typeof record.currency !== 'string') return null;
      const code = record.currency.trim();
      if (!currencyCode.test(code)) return null;
      currency = code.toUpperCase();
    }
    return transactionRow(customerId, occurredAt, amount, orderId, currency, defaultCurrency);
  };
}
