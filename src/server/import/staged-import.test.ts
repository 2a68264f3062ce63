import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { testDatabases } from '../testing/databases.ts';
import { copyField } from './pg-copy.ts';
import { ImportRejectedError, runImport } from './run.ts';

const settings = { phoneRegion: 'US', defaultCurrency: 'USD' };
const fromText = (text: string) => Readable.from([Buffer.from(text)]);

describe('copyField', () => {
  it('escapes what COPY text format treats specially and writes null as \\N', () => {
    expect(copyField('a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(12.5)).toBe('12.5');
    expect(copyField('plain')).toBe('plain');
  });
});

// Transactions on PostgreSQL go through the COPY stage by default; `staging: false` is the
// batched path PGlite always uses. Both must store the same thing.
describe.each(testDatabases())('transaction imports on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  const stored = async () =>
    (
      await db.query<{ customer: string; order_id: string; amount: number; currency: string }>(
        `SELECT c.customer_id AS customer, t.order_id, t.amount::float8 AS amount, t.currency
         FROM transactions t JOIN customers c ON c.id = t.customer_id
         ORDER BY c.customer_id, t.order_id`,
      )
    ).rows;

  // Quoted cells with tabs, backslashes and a line break must survive COPY's text format.
  const awkwardCsv = [
    'customer_id,occurred_at,amount,order_id,currency',
    '"T\\1",2024-01-01,10,"O\t1",gbp',
    '"T\\1",2024-01-02,11,"O\t1",gbp',
    '"T 2",2024-01-03,-4.5,"line',
    'break",EUR',
    'T3,2024-01-04,7,O3,',
  ].join('\n');

  for (const staging of [true, false]) {
    it(`stores awkward values, later rows winning, idempotently (staging ${staging})`, async () => {
      await db.exec('DELETE FROM transactions; DELETE FROM customers');
      const run = () =>
        runImport(db, 'transactions', fromText(awkwardCsv), { settings, actor: 't', staging });
      const first = await run();
      expect(first).toMatchObject({ rows: 4, inserted: 3, customersCreated: 3 });
      expect(await stored()).toEqual([
        { customer: 'T 2', order_id: 'line\nbreak', amount: -4.5, currency: 'EUR' },
        { customer: 'T3', order_id: 'O3', amount: 7, currency: 'USD' },
        { customer: 'T\\1', order_id: 'O\t1', amount: 11, currency: 'GBP' },
      ]);
      const again = await run();
      expect(again).toMatchObject({ inserted: 0, updated: 0, customersCreated: 0 });
    });
  }

  it('updates changed rows and counts them', async () => {
    const changed = awkwardCsv.replace('T3,2024-01-04,7,O3,', 'T3,2024-01-04,8,O3,');
    const result = await runImport(db, 'transactions', fromText(changed), {
      settings,
      actor: 't',
    });
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
    expect((await stored()).find((row) => row.customer === 'T3')?.amount).toBe(8);
  });

  it('rejects a bad file after staging part of it and leaves nothing behind', async () => {
    await db.exec('DELETE FROM transactions; DELETE FROM customers');
    const lines = ['customer_id,occurred_at,amount,order_id'];
    for (let i = 0; i < 3_000; i += 1) lines.push(`B${i % 50},2024-02-01,${i},O${i}`);
    lines.push('B1,2024-02-01,oops,Olast');
    const error = await runImport(db, 'transactions', fromText(lines.join('\n')), {
      settings,
      actor: 't',
      batchSize: 500,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect((error as ImportRejectedError).errors[0]).toMatchObject({
      line: 3_002,
      column: 'amount',
    });
    expect(await stored()).toEqual([]);
    // The connection is usable afterwards (no COPY left open on it).
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('names the line of a row with the wrong number of cells, after a multi-line cell', async () => {
    const csv = [
      'customer_id,occurred_at,amount,order_id',
      'M1,2024-01-01,1,"two',
      'lines"',
      'M2,2024-01-01,2',
    ].join('\n');
    const error = (await runImport(db, 'transactions', fromText(csv), {
      settings,
      actor: 't',
    }).catch((e: unknown) => e)) as ImportRejectedError;
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect(error.errors[0]!.line).toBe(4);
    expect(error.errors[0]!.message).toContain('Invalid Record Length');
  });
});
