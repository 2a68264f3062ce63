import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { pruneScoreSnapshots } from './prune-snapshots.ts';

const now = new Date('2026-06-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

/** Per customer, the days (before `now`) its snapshots were taken; each gets its own segment. */
const history: Record<string, number[]> = {
  C1: [100, 60, 40, 20, 5],
  C2: [100, 60, 40, 20, 5],
  C3: [90, 45, 31, 10],
  // Only recent snapshots: nothing to prune.
  C4: [20, 5],
  // One old snapshot: it is the scores in effect at the cutoff, so it stays.
  C5: [100],
};

describe.each(testDatabases())('score snapshot pruning on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
    await importText(db, 'customers', ['customer_id', ...Object.keys(history)].join('\n'));
    for (const [customer, days] of Object.entries(history)) {
      for (const day of days) {
        await db.query(
          `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
           SELECT id, $2, CASE WHEN $3::int % 2 = 0 THEN 'high' ELSE 'low' END, $4
           FROM customers WHERE customer_id = $1`,
          [customer, `${customer} at -${day}d`, day, daysAgo(day)],
        );
      }
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Per customer, the segment and band of the latest snapshot taken at or before `time`. */
  const inEffectAt = async (time: string) => {
    const { rows } = await db.query<{ customer_id: string; segment: string | null }>(
      `SELECT c.customer_id,
         (SELECT s.segment || '/' || s.churn_band FROM score_snapshots s
          WHERE s.customer_id = c.id AND s.computed_at <= $1
          ORDER BY s.computed_at DESC, s.id DESC LIMIT 1) AS segment
       FROM customers c ORDER BY c.customer_id`,
      [time],
    );
    return rows;
  };
  const latestSegments = async () =>
    (
      await db.query(
        `SELECT c.customer_id, cs.segment, cs.snapshot_id::text AS snapshot_id
         FROM customer_segments cs JOIN customers c ON c.id = cs.customer_id
         ORDER BY c.customer_id`,
      )
    ).rows;

  it('deletes superseded old snapshots and keeps the scores in effect at every time since the cutoff', async () => {
    const checkedTimes = [daysAgo(30), daysAgo(25), daysAgo(10), daysAgo(1), now.toISOString()];
    const before = await Promise.all(checkedTimes.map(inEffectAt));
    const segmentsBefore = await latestSegments();
    const beforeCutoff = await inEffectAt(daysAgo(50));

    const result = await pruneScoreSnapshots(db, {
      keepDays: 30,
      actor: 'test-admin',
      now,
      customersPerBatch: 2,
    });
    // C1 and C2 lose -100 and -60 (-40 is in effect at the cutoff); C3 loses -90 (-45 and -31
    // are older than the cutoff, -31 is the one in effect there, so -45 goes too).
    expect(result).toEqual({ cutoff: daysAgo(30), deleted: 6 });
    expect(await Promise.all(checkedTimes.map(inEffectAt))).toEqual(before);
    expect(await latestSegments()).toEqual(segmentsBefore);
    const { rows: left } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM score_snapshots',
    );
    expect(left[0]!.n).toBe(Object.values(history).flat().length - 6);
    // Questions about times before the cutoff see fewer snapshots: the documented trade.
    expect(await inEffectAt(daysAgo(50))).not.toEqual(beforeCutoff);

    const audited = await db.query<{ actor: string; details: { deleted: number } }>(
      `SELECT actor, details FROM audit_log WHERE action = 'scoring.prune' ORDER BY id`,
    );
    expect(audited.rows.length).toBeGreaterThanOrEqual(2);
    expect(audited.rows.every((row) => row.actor === 'test-admin' && row.details.deleted > 0)).toBe(
      true,
    );
    expect(audited.rows.reduce((sum, row) => sum + row.details.deleted, 0)).toBe(6);

    const again = await pruneScoreSnapshots(db, { keepDays: 30, actor: 'test-admin', now });
    expect(again.deleted).toBe(0);
    const auditedAgain = await db.query(`SELECT 1 FROM audit_log WHERE action = 'scoring.prune'`);
    expect(auditedAgain.rows).toHaveLength(audited.rows.length);
  });

  it('refuses a retention under a day, through the API too', async () => {
    await expect(pruneScoreSnapshots(db, { keepDays: 0, actor: 'x', now })).rejects.toThrow(
      /keepDays must be a whole number of days/,
    );
    const { app, auth } = await appWithTokens(db);
    try {
      const prune = (payload: unknown) =>
        app.inject({
          method: 'POST',
          url: '/v1/scoring/prune',
          headers: auth('admin'),
          payload: payload as object,
        });
      expect((await prune({ keepDays: 0 })).statusCode).toBe(400);
      expect((await prune({ keepDays: 1.5 })).statusCode).toBe(400);
      const kept = await prune({ keepDays: 36_500 });
      expect(kept.statusCode).toBe(200);
      expect(kept.json()).toMatchObject({ deleted: 0 });
    } finally {
      await app.close();
    }
  });
});
