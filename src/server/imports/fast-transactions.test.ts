import { describe, expect, it } from 'vitest';
import { transactionFastPath } from './fast-transactions.ts';
import { parseTimestamp } from '../../scoring/index.ts';
import { rowSchemas } from './rows.ts';

const settings = { phoneRegion: 'US', defaultCurrency: 'USD' };
const schema = rowSchemas(settings).transactions;
const fastPath = transactionFastPath(settings.defaultCurrency);

const valid: Record<string, unknown>[] = [
  {
    customer_id: '17850',
    occurred_at: '2010-12-01 08:26:00',
    amount: '139.12',
    order_id: '536365',
    currency: 'GBP',
  },
  { customer_id: ' C1 ', occurred_at: '2024-02-29', amount: '-4.5' },
  {
    customer_id: 'C1',
    occurred_at: '2024-01-01T10:00:00+02:00',
    amount: '10.005',
    currency: ' eur ',
  },
  { customer_id: 'C1', occurred_at: '2024-01-01T10:00:00.123Z', amount: ' 7 ', order_id: ' O 1 ' },
  { customer_id: 'x'.repeat(200), occurred_at: '2024-01-01 10:00', amount: '1e3' },
  { customer_id: 'C1', occurred_at: '2024-01-01', amount: '0x10' },
];

const invalid: Record<string, unknown>[] = [
  { customer_id: '  ', occurred_at: '2024-01-01', amount: '1' },
  { customer_id: 'x'.repeat(201), occurred_at: '2024-01-01', amount: '1' },
  { customer_id: 'C1', occurred_at: '2024-02-31', amount: '1' },
  { customer_id: 'C1', occurred_at: '01/02/2024', amount: '1' },
  { customer_id: 'C1', occurred_at: '2024-01-01', amount: 'oops' },
  { customer_id: 'C1', occurred_at: '2024-01-01', amount: '1e12' },
  { customer_id: 'C1', occurred_at: '2024-01-01', amount: '1', currency: 'EURO' },
  { customer_id: 'C1', occurred_at: '2024-01-01', amount: '1', order_id: ' ' },
  { customer_id: 'C1', occurred_at: '2024-01-01', amount: '1', colour: 'red' },
  { occurred_at: '2024-01-01', amount: '1' },
  { customer_id: 'C1', amount: '1' },
];

describe('transaction fast path', () => {
  it('gives exactly what the zod schema gives for valid rows of text cells', () => {
    for (const record of valid) {
      const expected = schema.safeParse(record);
      expect(expected.success).toBe(true);
      expect(fastPath(record)).toEqual(expected.data);
    }
  });

  it('hands every invalid row to the zod schema, which names the problem', () => {
    for (const record of invalid) {
      expect(schema.safeParse(record).success).toBe(false);
      expect(fastPath(record)).toBeNull();
    }
  });

  it('leaves non-text cells (NDJSON numbers) to the zod schema, which accepts them', () => {
    const record = { customer_id: 42, occurred_at: '2024-01-01', amount: 12.5 };
    expect(fastPath(record)).toBeNull();
    expect(schema.safeParse(record)).toMatchObject({
      success: true,
      data: { customerId: '42', amount: 12.5, currency: 'USD' },
    });
  });

  it('hashes the content into an order id when the file has none, as the schema does', () => {
    const record = { customer_id: 'C1', occurred_at: '2024-01-01', amount: '3' };
    expect(fastPath(record)?.orderId).toMatch(/^h:[0-9a-f]{32}$/);
    expect(fastPath(record)?.orderId).toBe(schema.parse(record).orderId);
  });
});

describe('parseTimestamp', () => {
  it('reads dates and times without an offset as UTC and refuses rolled-over dates', () => {
    const cases: [string, string | null][] = [
      ['2010-12-01 08:26:00', '2010-12-01T08:26:00.000Z'],
      [' 2024-02-29 ', '2024-02-29T00:00:00.000Z'],
      ['2024-01-01T10:00', '2024-01-01T10:00:00.000Z'],
      ['2024-01-01T10:00:00.5', '2024-01-01T10:00:00.500Z'],
      ['2024-01-01T10:00:00+02:00', '2024-01-01T08:00:00.000Z'],
      ['2024-01-01T10:00:00-0530', '2024-01-01T15:30:00.000Z'],
      ['0050-06-01', '0050-06-01T00:00:00.000Z'],
      ['2023-02-29', null],
      ['2024-04-31', null],
      ['2024-13-01', null],
      ['2024-01-01T24:00:00', null],
      ['2024-01-01T23:60:00', null],
      ['2024-1-01', null],
      ['01/02/2024', null],
    ];
    for (const [text, iso] of cases) {
      expect(parseTimestamp(text)?.toISOString() ?? null, text).toBe(iso);
    }
  });
});
