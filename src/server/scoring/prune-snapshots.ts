import { audit } from '../audit/store.ts';
import type { Db } from '../db/db.ts';

export interface PruneSnapshotsOptions {
  /** Snapshots taken within this many days before `now` are all kept. */
  keepDays: number;
  actor: string;
  now?: Date;
  /** Customers per transaction; a large history is pruned in steps, each one committed. */
  customersPerBatch?: number;
}

export interface PruneSnapshotsResult {
  cutoff: string;
  deleted: number;
}

/**
 * Every scoring run adds a snapshot per customer, so without pruning the table grows by the
 * customer count each run. This deletes snapshots taken before the cutoff except, per customer,
 * the last one taken at or before it. "The scores in effect at time T" (the panel's latest
 * scores, the KPIs' at-risk test at a decision's time) is therefore unchanged for every T from
 * the cutoff on; only questions about earlier times see fewer snapshots.
 *
 * Customers are pruned in id ranges, one transaction and one audit entry per range that deleted
 * anything, so a run can stop half-way and be started again.
 */
export async function pruneScoreSnapshots(
  db: Db,
  options: PruneSnapshotsOptions,
): Promise<PruneSnapshotsResult> {
  if (!Number.isInteger(options.keepDays) || options.keepDays < 1) {
    throw new Error(
      `keepDays must be a whole number of days, at least 1 (got ${options.keepDays})`,
    );
  }
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.keepDays * 86_400_000).toISOString();
  const step = options.customersPerBatch ?? 50_000;
  const { rows: bounds } = await db.query<{ low: string | null; high: string | null }>(
    `SELECT min(customer_id)::text AS low, max(customer_id)::text AS high
     FROM score_snapshots WHERE computed_at < $1`,
    [cutoff],
  );
  const low = bounds[0]?.low;
  const high = bounds[0]?.high;
  let deleted = 0;
  if (low == null || high == null) return { cutoff, deleted };
  for (let from = BigInt(low); from <= BigInt(high); from += BigInt(step)) {
    const to = from + BigInt(step) - 1n;
    deleted += await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ deleted: number }>(
        `WITH superseded AS (
           SELECT id FROM (
             SELECT id, row_number() OVER (
               PARTITION BY customer_id ORDER BY computed_at DESC, id DESC) AS newer
             FROM score_snapshots
             WHERE customer_id BETWEEN $1 AND $2 AND computed_at <= $3) ranked
           WHERE newer > 1),
         -- The range again on the DELETE side: without it the planner joins the ids against
         -- a scan of the whole table, once per range.
         removed AS (
           DELETE FROM score_snapshots s USING superseded x
           WHERE s.id = x.id AND s.customer_id BETWEEN $1 AND $2 RETURNING 1)
         SELECT count(*)::int AS deleted FROM removed`,
        [from.toString(), to.toString(), cutoff],
      );
      const count = rows[0]?.deleted ?? 0;
      if (count > 0) {
        await audit(tx, {
          actor: options.actor,
          action: 'scoring.prune',
          target: `customers ${from}-${to}`,
          details: { cutoff, keepDays: options.keepDays, deleted: count },
        });
      }
      return count;
    });
  }
  return { cutoff, deleted };
}
