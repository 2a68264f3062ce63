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

// Transactions on PostgreSQL are written with COPY straight into the table by default
// ('direct'); 'stage' copies into a stage and upserts; 'batches' is the path PGlite always uses.
// All must store the same thing.
const transactionPaths = ['direct', 'stage', 'batches'] as const;

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
    '"T\\1",2024-01-02,11,"O\\2",gbp',
    '"T 2",2024-01-03,-4.5,"line',
    'break",EUR',
    'T3,2024-01-04,7,O3,',
  ].join('\n');

  for (const transactionPath of transactionPaths) {
    it(`stores awkward values, idempotently (${transactionPath})`, async () => {
      await db.exec('DELETE FROM transactions; DELETE FROM customers');
      const run = () =>
        runImport(db, 'transactions', fromText(awkwardCsv), {
          settings,
          actor: 't',
          transactionPath,
        });
      const first = await run();
      expect(first).toMatchObject({ rows: 4, inserted: 4, customersCreated: 3 });
      expect(await stored()).toEqual([
        { customer: 'T 2', order_id: 'line\nbreak', amount: -4.5, currency: 'EUR' },
        { customer: 'T3', order_id: 'O3', amount: 7, currency: 'USD' },
        { customer: 'T\\1', order_id: 'O\t1', amount: 10, currency: 'GBP' },
        { customer: 'T\\1', order_id: 'O\\2', amount: 11, currency: 'GBP' },
      ]);
      const again = await run();
      expect(again).toMatchObject({ inserted: 0, updated: 0, customersCreated: 0 });
    });
  }

  describe.each(transactionPaths)('written %s', (transactionPath) => {
    it('updates changed rows and counts them', async () => {
      await db.exec('DELETE FROM transactions; DELETE FROM customers');
      await runImport(db, 'transactions', fromText(awkwardCsv), {
        settings,
        actor: 't',
        transactionPath,
      });
      const changed = awkwardCsv.replace('T3,2024-01-04,7,O3,', 'T3,2024-01-04,8,O3,');
      const result = await runImport(db, 'transactions', fromText(changed), {
        settings,
        actor: 't',
        transactionPath,
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
        transactionPath,
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

    // Chunks of 2, 4, 4 ... rows: merges happen while later rows are still being read.
    const smallChunks = { firstChunkRows: 2, maxChunkRows: 4 };

    it('refuses a key repeated across chunks after merging some, leaving nothing behind', async () => {
      await db.exec('DELETE FROM transactions; DELETE FROM customers');
      const lines = ['customer_id,occurred_at,amount,order_id'];
      for (let i = 0; i < 40; i += 1) lines.push(`K${(i % 25) % 7},2024-03-01,${i},O${i % 25}`);
      const error = (await runImport(db, 'transactions', fromText(lines.join('\n')), {
        settings,
        actor: 't',
        transactionPath,
        batchSize: 3,
        stageChunks: smallChunks,
      }).catch((e: unknown) => e)) as ImportRejectedError;
      expect(error).toBeInstanceOf(ImportRejectedError);
      // Rows i and i + 25 name the same key: 15 repeats, the first on line 27.
      expect(error.errorCount).toBe(15);
      expect(error.errors[0]).toEqual({
        line: 27,
        column: 'order_id',
        message: 'order_id "O0" of customer_id "K0" appears on lines 2 and 27',
      });
      expect(await stored()).toEqual([]);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });

    it('re-imports a chunked file without repeated keys changing nothing', async () => {
      await db.exec('DELETE FROM transactions; DELETE FROM customers');
      const lines = ['customer_id,occurred_at,amount'];
      for (let i = 0; i < 30; i += 1) lines.push(`N${i % 4},2024-03-0${1 + (i % 9)},${i}`);
      const run = () =>
        runImport(db, 'transactions', fromText(lines.join('\n')), {
          settings,
          actor: 't',
          transactionPath,
          batchSize: 3,
          stageChunks: smallChunks,
        });
      expect(await run()).toMatchObject({ inserted: 30, updated: 0, customersCreated: 4 });
      expect(await run()).toMatchObject({ inserted: 0, updated: 0, unchanged: 30 });
    });

    it('rejects a bad row found after chunks were merged, leaving nothing behind', async () => {
      await db.exec('DELETE FROM transactions; DELETE FROM customers');
      const lines = ['customer_id,occurred_at,amount,order_id'];
      for (let i = 0; i < 30; i += 1) lines.push(`R${i},2024-02-01,${i},O${i}`);
      lines.push('R1,not a date,1,Olast');
      const error = await runImport(db, 'transactions', fromText(lines.join('\n')), {
        settings,
        actor: 't',
        transactionPath,
        batchSize: 2,
        stageChunks: smallChunks,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportRejectedError);
      expect((error as ImportRejectedError).errors[0]).toMatchObject({
        line: 32,
        column: 'occurred_at',
      });
      expect(await stored()).toEqual([]);
      expect(
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers')).rows,
      ).toEqual([{ n: 0 }]);
    });
  });

  describe.each(transactionPaths)('written %s, next to stored rows', (transactionPath) => {
    const importCsv = (csv: string) =>
      runImport(db, 'transactions', fromText(csv), {
        settings,
        actor: 't',
        transactionPath,
        batchSize: 2,
        stageChunks: { firstChunkRows: 2, maxChunkRows: 3 },
      });

    it('inserts new keys, updates changed ones and leaves the rest, for old and new customers', async () => {
      await db.exec('DELETE FROM transactions; DELETE FROM customers');
      const header = 'customer_id,occurred_at,amount,order_id';
      await importCsv(
        [header, 'E1,2024-05-01,1,A', 'E1,2024-05-02,2,B', 'E2,2024-05-03,3,C'].join('\n'),
      );
      const second = await importCsv(
        [
          header,
          'E1,2024-05-01,1,A', // unchanged
          'N1,2024-05-04,4,A', // new customer, same order id as E1's
          'E1,2024-05-02,2.5,B', // changed amount
          'E2,2024-05-09,3,C', // changed time
          'E2,2024-05-05,5,D', // new key of a stored customer
          'N1,2024-05-07,7,E',
        ].join('\n'),
      );
      expect(second).toMatchObject({ rows: 6, inserted: 3, updated: 2, customersCreated: 1 });
      expect(await stored()).toEqual([
        { customer: 'E1', order_id: 'A', amount: 1, currency: 'USD' },
        { customer: 'E1', order_id: 'B', amount: 2.5, currency: 'USD' },
        { customer: 'E2', order_id: 'C', amount: 3, currency: 'USD' },
        { customer: 'E2', order_id: 'D', amount: 5, currency: 'USD' },
        { customer: 'N1', order_id: 'A', amount: 4, currency: 'USD' },
        { customer: 'N1', order_id: 'E', amount: 7, currency: 'USD' },
      ]);
      const times = await db.query<{ order_id: string; day: string }>(
        `SELECT order_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
         FROM transactions WHERE order_id = 'C'`,
      );
      expect(times.rows).toEqual([{ order_id: 'C', day: '2024-05-09' }]);
    });

    it('keeps the purchase flags of decisions right through the triggers on transactions', async () => {
      await db.exec('DELETE FROM decisions; DELETE FROM transactions; DELETE FROM customers');
      const { rows } = await db.query<{ id: string }>(
        `WITH c AS (INSERT INTO customers (customer_id) VALUES ('P1') RETURNING id)
         INSERT INTO decisions (customer_id, agent, created_at)
         SELECT id, 'a', '2024-06-01T00:00:00Z' FROM c RETURNING id::text AS id`,
      );
      const flagged = async () =>
        (
          await db.query<{ id: string }>('SELECT decision_id::text AS id FROM decision_purchases')
        ).rows.map((row) => row.id);
      const header = 'customer_id,occurred_at,amount,order_id';
      // A purchase 9 days after the decision flags it (insert trigger).
      await importCsv([header, 'P1,2024-06-10,5,X', 'Q1,2024-06-10,5,X'].join('\n'));
      expect(await flagged()).toEqual([rows[0]!.id]);
      // Moved 60 days later: the flag goes (update trigger); moved back: it returns.
      await importCsv([header, 'P1,2024-07-31,5,X'].join('\n'));
      expect(await flagged()).toEqual([]);
      await importCsv([header, 'P1,2024-06-10,5,X'].join('\n'));
      expect(await flagged()).toEqual([rows[0]!.id]);
    });
  });

  it('runs two overlapping imports at once without duplicates or lost rows', async () => {
    await db.exec('DELETE FROM transactions; DELETE FROM customers');
    const header = 'customer_id,occurred_at,amount,order_id';
    const fileA = [header];
    const fileB = [header];
    for (let i = 0; i < 200; i += 1) fileA.push(`C${i % 20},2024-08-01,${i},O${i}`);
    for (let i = 100; i < 300; i += 1) fileB.push(`C${i % 30},2024-08-01,${i},O${i}`);
    const results = await Promise.all(
      [fileA, fileB].map((lines) =>
        runImport(db, 'transactions', fromText(lines.join('\n')), {
          settings,
          actor: 't',
          batchSize: 20,
          stageChunks: { firstChunkRows: 20, maxChunkRows: 40 },
        }),
      ),
    );
    const rows = await stored();
    // Keys O100..O199 are named by both files with the same customer (i % 20 = i % 30 only
    // sometimes), so count what each file's keys resolve to.
    const expected = new Map<string, number>();
    for (let i = 0; i < 200; i += 1) expected.set(`C${i % 20}|O${i}`, i);
    for (let i = 100; i < 300; i += 1) expected.set(`C${i % 30}|O${i}`, i);
    expect(rows).toHaveLength(expected.size);
    expect(results[0]!.inserted + results[1]!.inserted).toBe(expected.size);
    for (const row of rows)
      expect(row.amount).toBe(expected.get(`${row.customer}|${row.order_id}`));
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
    expect(error.errors[0]!.message).toBe('the row has 3 cells but the header has 4 columns');
  });
});
