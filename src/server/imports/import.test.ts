import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { testDatabases } from '../testing/databases.ts';
import { ImportRejectedError, runImport } from './run.ts';
import type { ImportKind } from './rows.ts';

const settings = { phoneRegion: 'US', defaultCurrency: 'USD' };
const fromText = (text: string | Buffer) => Readable.from([Buffer.from(text)]);

describe.each(testDatabases())('imports on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  const importText = (kind: ImportKind, text: string | Buffer) =>
    runImport(db, kind, fromText(text), { settings, actor: 'test' });
  const count = async (table: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

  const customersCsv = [
    'customer_id,name,email,phone,plan,region',
    'C1,Ada Lovelace, Ada@Example.COM ,(415) 555-2671,gold,west',
    'C2,Alan Turing,alan@example.com,+44 20 7946 0958,silver,east',
    '',
  ].join('\n');

  it('imports customers with normalised identities and keeps other columns as attributes', async () => {
    const result = await importText('customers', customersCsv);
    expect(result).toMatchObject({ format: 'csv', rows: 2, inserted: 2, updated: 0 });
    const { rows } = await db.query<{ email: string; phone: string; attributes: unknown }>(
      "SELECT email, phone, attributes FROM customers WHERE customer_id = 'C1'",
    );
    expect(rows[0]).toEqual({
      email: 'ada@example.com',
      phone: '+14155552671',
      attributes: { plan: 'gold', region: 'west' },
    });
    const identities = await db.query<{ kind: string; value: string }>(
      `SELECT i.kind, i.value FROM identities i JOIN customers c ON c.id = i.customer_id
       WHERE c.customer_id = 'C2' ORDER BY i.kind`,
    );
    expect(identities.rows).toEqual([
      { kind: 'email', value: 'alan@example.com' },
      { kind: 'phone', value: '+442079460958' },
    ]);
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await db.query('SELECT * FROM customers ORDER BY id');
    const result = await importText('customers', customersCsv);
    expect(result).toMatchObject({ rows: 2, inserted: 0, updated: 0, unchanged: 2 });
    expect((await db.query('SELECT * FROM customers ORDER BY id')).rows).toEqual(before.rows);
    expect(await count('identities')).toBe(4);
  });

  it('rejects the whole file naming line, column and problem, and writes nothing', async () => {
    const auditBefore = await count('audit_log');
    const csv = [
      'customer_id,occurred_at,amount,order_id',
      'C1,2024-01-05,10.50,O1',
      'C1,yesterday,12,O2',
      'C2,2024-02-01,lots,O3',
      'C9,2024-02-31,1,O4',
    ].join('\n');
    const error = await importText('transactions', csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejectedError);
    const rejected = error as ImportRejectedError;
    expect(rejected.errorCount).toBe(3);
    expect(rejected.errors[0]).toMatchObject({ line: 3, column: 'occurred_at' });
    expect(rejected.errors[0]!.message).toContain('yesterday');
    expect(rejected.errors[1]).toMatchObject({ line: 4, column: 'amount' });
    expect(rejected.errors[2]).toMatchObject({ line: 5, column: 'occurred_at' });
    expect(await count('transactions')).toBe(0);
    expect(await count('customers')).toBe(2);
    expect(await count('audit_log')).toBe(auditBefore);
  });

  it('reports only the first 100 problems but counts them all', async () => {
    const lines = ['customer_id,kind,value'];
    for (let i = 0; i < 150; i += 1) lines.push(`C${i},email,not-an-email`);
    const error = (await importText('identities', lines.join('\n')).catch(
      (e: unknown) => e,
    )) as ImportRejectedError;
    expect(error.errorCount).toBe(150);
    expect(error.errors).toHaveLength(100);
    expect(error.errors[99]).toMatchObject({ line: 101, column: 'value' });
  });

  it('names missing and unknown columns once, on the header line', async () => {
    const error = (await importText(
      'transactions',
      'customer_id,amount,colour\nC1,1,red\nC2,2,blue\n',
    ).catch((e: unknown) => e)) as ImportRejectedError;
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect(error.errorCount).toBe(1);
    expect(error.errors[0]!.line).toBe(1);
    expect(error.errors[0]!.message).toContain('missing column(s): occurred_at');
    expect(error.errors[0]!.message).toContain('unknown column(s): colour');
  });

  it('requires crm and object_type for record identities', async () => {
    const error = (await importText('identities', 'customer_id,kind,value\nC1,record,001x\n').catch(
      (e: unknown) => e,
    )) as ImportRejectedError;
    expect(error.errors.map((e) => e.column).sort()).toEqual(['crm', 'object_type']);
  });

  it('reads gzip-compressed NDJSON and is idempotent without order ids', async () => {
    const ndjson = [
      { customer_id: 'C1', occurred_at: '2024-03-01T10:00:00Z', amount: 20 },
      { customer_id: 'C3', occurred_at: '2024-03-02 11:30:00', amount: '5.25', currency: 'eur' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n');
    const gz = gzipSync(ndjson);
    const first = await importText('transactions', gz);
    expect(first).toMatchObject({ format: 'ndjson', rows: 2, inserted: 2, customersCreated: 1 });
    const again = await importText('transactions', gz);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const { rows } = await db.query<{ amount: number; currency: string; occurred_at: Date }>(
      `SELECT amount::float8 AS amount, currency, occurred_at FROM transactions t
       JOIN customers c ON c.id = t.customer_id WHERE c.customer_id = 'C3'`,
    );
    expect(rows[0]).toMatchObject({ amount: 5.25, currency: 'EUR' });
    expect(new Date(rows[0]!.occurred_at).toISOString()).toBe('2024-03-02T11:30:00.000Z');
  });

  it('reports bad JSON with its line', async () => {
    const error = (await importText('transactions', '{"customer_id":"C1"}\n{oops\n').catch(
      (e: unknown) => e,
    )) as ImportRejectedError;
    expect(error.errors.some((e) => e.line === 2 && /JSON/.test(e.message))).toBe(true);
  });

  it('imports contacts with agents and teams, idempotently', async () => {
    const csv = [
      'contact_id,customer_id,started_at,channel,ended_at,agent,team,reason,resolved_first_contact,csat',
      'K1,C1,2024-04-01T09:00:00Z,Phone,2024-04-01T09:07:00Z,Grace,Retention,billing,yes,5',
      'K2,C2,2024-04-02T09:00:00Z,chat,,Linus,Support,outage,no,',
    ].join('\n');
    expect(await importText('contacts', csv)).toMatchObject({ inserted: 2 });
    expect(await importText('contacts', csv)).toMatchObject({ inserted: 0, updated: 0 });
    const { rows } = await db.query(
      `SELECT k.channel, a.name AS agent, t.name AS team, k.resolved_first_contact, k.csat
       FROM contacts k LEFT JOIN agents a ON a.id = k.agent_id LEFT JOIN teams t ON t.id = k.team_id
       ORDER BY k.contact_id`,
    );
    expect(rows).toEqual([
      {
        channel: 'phone',
        agent: 'Grace',
        team: 'Retention',
        resolved_first_contact: true,
        csat: 5,
      },
      {
        channel: 'chat',
        agent: 'Linus',
        team: 'Support',
        resolved_first_contact: false,
        csat: null,
      },
    ]);
  });

  const rejection = async (
    kind: ImportKind,
    input: string | Buffer | Readable,
    sourceName?: string,
  ): Promise<ImportRejectedError> => {
    const before = await Promise.all(tables.map(count));
    const error = await runImport(db, kind, input instanceof Readable ? input : fromText(input), {
      settings,
      actor: 'test',
      ...(sourceName ? { sourceName } : {}),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect(await Promise.all(tables.map(count))).toEqual(before);
    return error as ImportRejectedError;
  };
  const tables = ['customers', 'identities', 'transactions', 'contacts', 'audit_log'];

  it('refuses bytes that are not UTF-8, naming line and column, even in a quoted multi-line cell', async () => {
    const csv = Buffer.concat([
      Buffer.from('customer_id,name,plan\nU1,Ann,gold\nU2,"Bj'),
      Buffer.from([0xf6]),
      Buffer.from('rn\nsecond line",silver\n'),
    ]);
    expect((await rejection('customers', csv)).errors).toEqual([
      { line: 3, column: 'name', message: expect.stringMatching(/not valid UTF-8/) },
    ]);
    const ndjson = Buffer.concat([
      Buffer.from('{"customer_id":"U3"}\n{"customer_id":"U4","name":"Bj'),
      Buffer.from([0xf6]),
      Buffer.from('rn"}\n'),
    ]);
    expect((await rejection('customers', ndjson)).errors).toEqual([
      { line: 2, message: expect.stringMatching(/not valid UTF-8/) },
    ]);
  });

  it('reads a character split across two chunks of the input', async () => {
    const text = Buffer.from('customer_id,name\nU5,Björn\n');
    const split = text.indexOf(0xc3) + 1;
    const result = await runImport(
      db,
      'customers',
      Readable.from([text.subarray(0, split), text.subarray(split)]),
      { settings, actor: 'test' },
    );
    expect(result).toMatchObject({ rows: 1, inserted: 1 });
    const { rows } = await db.query<{ name: string }>(
      "SELECT name FROM customers WHERE customer_id = 'U5'",
    );
    expect(rows).toEqual([{ name: 'Björn' }]);
  });

  it('refuses NUL characters, raw in CSV or escaped in NDJSON', async () => {
    expect((await rejection('customers', 'customer_id,name\nZ1,a\u0000b\n')).errors).toEqual([
      { line: 2, column: 'name', message: expect.stringMatching(/NUL/) },
    ]);
    expect(
      (await rejection('customers', '{"customer_id":"Z2","name":"a\\u0000b"}\n')).errors,
    ).toEqual([{ line: 1, column: 'name', message: expect.stringMatching(/NUL/) }]);
  });

  it('refuses duplicate header columns and duplicate keys in an NDJSON object', async () => {
    expect((await rejection('customers', 'customer_id,name,plan,name\nH1,a,b,c\n')).errors).toEqual(
      [
        {
          line: 1,
          message: expect.stringContaining('column "name" appears twice (columns 2 and 4)'),
        },
      ],
    );
    expect(
      (
        await rejection(
          'customers',
          '{"customer_id":"H2"}\n{"customer_id":"H3","name":"a","name":"b"}\n',
        )
      ).errors,
    ).toEqual([{ line: 2, column: 'name', message: 'key "name" appears twice in this object' }]);
  });

  it('refuses the same id twice in one file, naming both lines', async () => {
    expect((await rejection('customers', 'customer_id\nS1\nS2\n S1 \n')).errors).toEqual([
      { line: 4, column: 'customer_id', message: 'customer_id "S1" appears on lines 2 and 4' },
    ]);
    const transactions = [
      'customer_id,occurred_at,amount,order_id',
      'S1,2024-01-01,1,O1',
      'S2,2024-01-01,1,O1',
      'S1,2024-01-02,2,O1',
    ].join('\n');
    expect((await rejection('transactions', transactions)).errors).toEqual([
      {
        line: 4,
        column: 'order_id',
        message: 'order_id "O1" of customer_id "S1" appears on lines 2 and 4',
      },
    ]);
    const contacts = [
      '{"contact_id":"K9","customer_id":"S1","started_at":"2024-01-01","channel":"chat"}',
      '{"contact_id":"K9","customer_id":"S2","started_at":"2024-01-02","channel":"chat"}',
    ].join('\n');
    expect((await rejection('contacts', contacts)).errors).toEqual([
      { line: 2, column: 'contact_id', message: 'contact_id "K9" appears on lines 1 and 2' },
    ]);
    const identities = 'customer_id,kind,value\nS1,email,a@example.com\nS1,email,A@Example.com\n';
    expect((await rejection('identities', identities)).errors).toEqual([
      {
        line: 3,
        column: 'value',
        message: 'the email "a@example.com" of customer_id "S1" appears on lines 2 and 3',
      },
    ]);
  });

  it('caps a cell at 64 KiB while reading, so a 50 MB cell never sits in memory', async () => {
    const cap = 64 * 1024;
    expect(
      (await rejection('customers', `customer_id,notes\nX1,ok\nX2,${'n'.repeat(cap + 1)}\n`))
        .errors,
    ).toEqual([{ line: 3, column: 'notes', message: expect.stringContaining('64 KiB') }]);
    expect(
      (await rejection('customers', `{"customer_id":"X3","notes":"${'n'.repeat(cap + 1)}"}\n`))
        .errors,
    ).toEqual([{ line: 1, column: 'notes', message: expect.stringContaining('64 KiB') }]);

    let bytesRead = 0;
    let bytesWhenReleased = -1;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    async function* hugeCell() {
      yield Buffer.from('customer_id,notes\nX4,');
      for (let i = 0; i < 800; i += 1) {
        bytesRead += chunk.length;
        yield chunk;
      }
      yield Buffer.from('\n');
    }
    const input = Readable.from(hugeCell());
    // The importer stops pulling, then lets the rest flow away unread (resume).
    input.once('resume', () => (bytesWhenReleased = bytesRead));
    const ended = new Promise((resolve) => input.once('end', resolve));
    expect((await rejection('customers', input)).errors).toEqual([
      { line: 2, column: 'notes', message: expect.stringContaining('64 KiB') },
    ]);
    await ended;
    expect(bytesWhenReleased).toBeGreaterThan(0);
    expect(bytesWhenReleased).toBeLessThan(4 * 1024 * 1024);
    expect(bytesRead).toBe(800 * chunk.length);
  });

  it('refuses an empty file and a file with only a header', async () => {
    for (const [kind, text] of [
      ['customers', ''],
      ['customers', '\n\n'],
      ['transactions', 'customer_id,occurred_at,amount\n'],
      ['contacts', '\n  \n'],
    ] as const) {
      const { errors } = await rejection(kind, text);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/^the file has no rows/);
    }
  });

  it('names the file when it is not valid gzip', async () => {
    const gz = gzipSync('customer_id\nG1\nG2\n');
    const truncated = await rejection('customers', gz.subarray(0, gz.length - 6), 'c.csv.gz');
    expect(truncated.errors).toEqual([
      { line: 0, message: expect.stringMatching(/^c\.csv\.gz is not valid gzip/) },
    ]);
    const damaged = Buffer.from(gz);
    damaged[12] = damaged[12]! ^ 0xff;
    const broken = await rejection('customers', damaged, 'c.csv.gz');
    expect(broken.errors.at(-1)!.message).toMatch(/^c\.csv\.gz is not valid gzip/);
  });

  it('reports a quoted multi-line record at its first line', async () => {
    expect(
      (await rejection('customers', 'customer_id,email\nM1,"not\nan email"\nM2,m2@example.com\n'))
        .errors,
    ).toEqual([{ line: 2, column: 'email', message: expect.stringContaining('not an email') }]);
    expect(
      (await rejection('customers', 'customer_id,name\nM3,x\nM4,"never\nclosed\n')).errors,
    ).toEqual([{ line: 3, column: 'name', message: expect.stringMatching(/quote/) }]);
  });

  it('records each successful import in the audit log', async () => {
    const { rows } = await db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'import.%' ORDER BY id",
    );
    expect(rows.map((r) => r.action)).toContain('import.contacts');
  });
});
