import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/db.ts';
import { importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { DecisionWriter, type DecisionRecord } from './decision-writer.ts';

const recordFor = (customerKey: string, n: number): DecisionRecord => ({
  customerKey,
  agent: `agent-${n % 3}`,
  context: `case-${n}`,
  controlGroup: n % 2 === 0,
  noActionReason: null,
  noActionCode: null,
  segment: 'Champions',
  suggestions: JSON.stringify([{ treatmentId: `t${n}`, kind: 'retention', rank: 1 }]),
  routing: JSON.stringify({ priority: 'normal', skill: 'general', reason: `r${n}` }),
  modelVersions: JSON.stringify({ routing: 'v1' }),
  ruleVersion: 'rules-1',
  auditDetails: JSON.stringify({ customerId: 'C1', context: `case-${n}` }),
});

describe.each(testDatabases())('DecisionWriter on $name', (target) => {
  let db: Db;
  let customerKey: string;

  beforeAll(async () => {
    db = await target.open();
    await importText(db, 'customers', 'customer_id,name\nC1,Ada\n');
    const { rows } = await db.query<{ id: string }>('SELECT id::text AS id FROM customers');
    customerKey = rows[0]!.id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores every decision and its audit entry when many requests write at once', async () => {
    let statements = 0;
    const counting: Queryable = {
      query: (sql, params) => {
        statements += 1;
        return db.query(sql, params);
      },
      exec: (sql) => db.exec(sql),
    };
    const writer = new DecisionWriter(counting, 16);
    const records = Array.from({ length: 100 }, (_, n) => recordFor(customerKey, n));
    const ids = await Promise.all(records.map((record) => writer.write(record)));

    // Batches of at most 16: at least 7 statements, far fewer than one per decision.
    expect(statements).toBeGreaterThanOrEqual(7);
    expect(statements).toBeLessThan(20);
    expect(new Set(ids).size).toBe(100);
    const { rows: stored } = await db.query<{ id: string; context: string; agent: string }>(
      'SELECT id::text AS id, context, agent, control_group FROM decisions WHERE id = ANY($1::uuid[])',
      [ids],
    );
    expect(stored).toHaveLength(100);
    const byId = new Map(stored.map((row) => [row.id, row]));
    ids.forEach((id, n) => {
      expect(byId.get(id)).toMatchObject({ context: `case-${n}`, agent: `agent-${n % 3}` });
    });
    const { rows: audit } = await db.query<{ target: string; actor: string; details: unknown }>(
      `SELECT target, actor, details FROM audit_log
       WHERE action = 'decision.create' AND target = ANY($1::text[])`,
      [ids],
    );
    expect(audit).toHaveLength(100);
    const auditByTarget = new Map(audit.map((row) => [row.target, row]));
    ids.forEach((id, n) => {
      expect(auditByTarget.get(id)).toMatchObject({
        actor: `agent-${n % 3}`,
        details: { customerId: 'C1', context: `case-${n}` },
      });
    });
    // The supervisor's per-suggestion rows are filled from batched rows too.
    const { rows: suggestions } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM decision_suggestions WHERE decision_id = ANY($1::uuid[])',
      [ids],
    );
    expect(suggestions[0]!.n).toBe(100);
  });

  it('fails only the decision whose row cannot be stored, the rest of its batch is stored', async () => {
    const writer = new DecisionWriter(db);
    const results = await Promise.allSettled([
      writer.write(recordFor(customerKey, 1)),
      writer.write(recordFor('999999999', 2)),
      writer.write(recordFor(customerKey, 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE target = ANY($1::text[])`,
      [stored],
    );
    expect(rows[0]!.n).toBe(2);
  });
});

describe('DecisionWriter when the database fails', () => {
  it('rejects every waiting request with the error instead of leaving them hanging', async () => {
    let calls = 0;
    const broken: Queryable = {
      async query() {
        calls += 1;
        throw new Error('connection refused');
      },
      async exec() {
        throw new Error('connection refused');
      },
    };
    const writer = new DecisionWriter(broken);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, n) => writer.write(recordFor('1', n))),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as Error).message).toBe('connection refused');
    }
    expect(calls).toBeGreaterThan(0);
    // A write after the failures is attempted again (the writer is not stuck).
    await expect(writer.write(recordFor('1', 9))).rejects.toThrow('connection refused');
  });
});
