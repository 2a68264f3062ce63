/**
 * Pruning the score history on PostgreSQL: 1,000,000 customers with six daily-spaced scoring
 * runs (6M snapshots), pruned to a 25-day window, which deletes the two superseded old runs
 * (2M rows) and keeps, per customer, the run in effect at the cutoff. Then the same prune again
 * (nothing left to delete). Prints seconds and deleted rows per second.
 *   npx tsx bench/prune-snapshots.bench.ts        (BENCH_DATABASE_URL, BENCH_PRUNE_CUSTOMERS)
 */
import { pruneScoreSnapshots } from '../src/server/scoring/prune-snapshots.ts';
import { dropSchema, freshSchema } from './lib/postgres.ts';
import { note, printFigure } from './lib/stats.ts';

const customers = Number(process.env.BENCH_PRUNE_CUSTOMERS ?? 1_000_000);
const runDaysAgo = [50, 40, 30, 20, 10, 0];
const keepDays = 25;
const schema = 'bench_prune';
const now = new Date();

const db = await freshSchema(schema);
try {
  const started = performance.now();
  await db.query(
    `INSERT INTO customers (customer_id) SELECT 'P' || g FROM generate_series(1, $1) g`,
    [customers],
  );
  for (const days of runDaysAgo) {
    // One statement per run, as a scoring run writes them; the segment differs per run.
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
       SELECT id, CASE WHEN (id + $2) % 3 = 0 THEN 'At risk' ELSE 'Loyal' END,
         CASE WHEN (id + $2) % 2 = 0 THEN 'high' ELSE 'low' END, $1::timestamptz
       FROM customers`,
      [new Date(now.getTime() - days * 86_400_000).toISOString(), days],
    );
  }
  await db.query('ANALYZE score_snapshots');
  note(
    `seeded ${customers} customers x ${runDaysAgo.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const pruneStarted = performance.now();
  const pruned = await pruneScoreSnapshots(db, { keepDays, actor: 'bench', now });
  const seconds = (performance.now() - pruneStarted) / 1000;
  const expected = customers * 2;
  if (pruned.deleted !== expected) {
    throw new Error(`prune deleted ${pruned.deleted} snapshots, expected ${expected}`);
  }
  printFigure('prune_snapshots.first', {
    customers,
    snapshots: customers * runDaysAgo.length,
    deleted: pruned.deleted,
    seconds,
    deleted_per_s: Math.round(pruned.deleted / seconds),
  });

  const againStarted = performance.now();
  const again = await pruneScoreSnapshots(db, { keepDays, actor: 'bench', now });
  const againSeconds = (performance.now() - againStarted) / 1000;
  if (again.deleted !== 0) throw new Error(`second prune deleted ${again.deleted}`);
  printFigure('prune_snapshots.nothing_to_delete', {
    customers,
    snapshots: customers * (runDaysAgo.length - 2),
    seconds: againSeconds,
  });
} finally {
  await db.close();
  await dropSchema(schema);
}
