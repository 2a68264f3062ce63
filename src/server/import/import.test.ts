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

  it('records each successful import in the audit log', async () => {
    const { rows } = await db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'import.%' ORDER BY id",
    );
    expect(rows.map((r) => r.action)).toContain('import.contacts');
  });
});
