/**
 * `loopdesk score` end to end on PostgreSQL over generated customers, and the value-model fit on
 * CDNOW through the same service. Run: npx tsx bench/score-run.bench.ts [customers]
 * (default 1,000,000; SCORE_BENCH_CUSTOMERS also works). Uses DATABASE_URL or the local
 * loopdesk_bench database, in a schema of its own (score_bench) that is rebuilt every run.
 * Prints `score.run.pg customers=... seconds=... customers_per_s=... sql_share=...` and, per run,
 * the purchase model it chose (`value_model=`, `basis=` holdout or default) and the holdout
 * check's share of the time (`holdout_s=`, inside fit_s). Goal: 1M customers under 60 s.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../src/server/db/migrate.ts';
import { openPglite } from '../src/server/db/pglite.ts';
import { openPostgres } from '../src/server/db/postgres.ts';
import { runImport } from '../src/server/imports/run.ts';
import { runScoring, type ScoringRunResult } from '../src/server/scoring/run.ts';
import { findDataset, readCdnowSample } from './scoring-datasets.ts';

const customers = Number(process.argv[2] ?? process.env.SCORE_BENCH_CUSTOMERS ?? 1_000_000);
const url =
  process.env.DATABASE_URL ?? 'postgres://loopdesk:loopdesk@127.0.0.1:5432/loopdesk_bench';
const schema = 'score_bench';
const asOf = '1997-09-30';

const seconds = (ms: number) => (ms / 1000).toFixed(2);

function printRun(name: string, result: ScoringRunResult) {
  const t = result.timings;
  console.log(
    `${name} customers=${result.snapshots} seconds=${seconds(t.totalMs)} ` +
      `customers_per_s=${Math.round(result.snapshots / (t.totalMs / 1000))} ` +
      `sql_share=${t.sqlShare.toFixed(3)} read_s=${seconds(t.readMs)} write_s=${seconds(t.writeMs)} ` +
      `fit_s=${seconds(t.fitMs)} holdout_s=${seconds(t.holdoutMs)} score_s=${seconds(t.scoreMs)} ` +
      `fit_customers=${result.fit.customers} value_model=${result.valueModel?.kind ?? '-'} ` +
      `basis=${result.valueModel?.basis ?? '-'} holdout_customers=${result.valueModel?.holdout?.customers ?? 0}`,
  );
}

/**
 * Generated in SQL so a million customers take seconds, not minutes.
 */
async function generate(client: pg.Client) {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.query(`CREATE SCHEMA ${schema}`);
}

async function fill(db: Awaited<ReturnType<typeof openPostgres>>, cdnowPath: string) {
  const started = performance.now();
  await db.query(
    `INSERT INTO customers (customer_id) SELECT 'C' || lpad(g::text, 8, '0') FROM generate_series(1, $1) g`,
    [customers],
  );
  // Each generated customer repeats the purchases of a CDNOW customer (real buying behaviour:
  // 1-10 purchase days for most, dropout, spend heterogeneity), with amounts jittered by +-20 %.
  // Uniform synthetic histories make the maximum-likelihood fits diverge (a, b -> infinity),
  // which is not what a real customer base looks like.
  const source = readCdnowSample(cdnowPath);
  await db.query(
    `CREATE TABLE cdnow_source AS SELECT * FROM unnest($1::int[], $2::date[], $3::numeric[])
       AS s(source_id, day, amount)`,
    [
      source.map((t) => Number(t.customerId)),
      source.map((t) => String(t.at)),
      source.map((t) => t.amount),
    ],
  );
  await db.query('CREATE INDEX ON cdnow_source (source_id)');
  await db.query(
    `INSERT INTO transactions (customer_id, order_id, occurred_at, amount, currency)
     SELECT c.id, 'o' || row_number() OVER (PARTITION BY c.id),
       s.day + time '10:00', round(s.amount * (0.8 + 0.4 * random())::numeric, 2), 'USD'
     FROM customers c JOIN cdnow_source s ON s.source_id = 1 + (c.id * 7919) % 2357`,
  );
  await db.query('ANALYZE customers');
  await db.query('ANALYZE transactions');
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions');
  console.log(
    `score.generate.pg customers=${customers} transactions=${rows[0]!.n} seconds=${seconds(performance.now() - started)}`,
  );
}

async function benchPostgres() {
  const cdnow = findDataset('cdnow/CDNOW_sample.txt');
  if (!cdnow.path) {
    console.log(`score.run.pg skipped: ${cdnow.reason}`);
    return;
  }
  const admin = new pg.Client({ connectionString: url });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`score.run.pg skipped: cannot connect to ${url}: ${(error as Error).message}`);
    return;
  }
  await generate(admin);
  const db = await openPostgres(url, { schema, max: 4 });
  try {
    await migrate(db);
    await fill(db, cdnow.path);
    const result = await runScoring(db, { asOf, timeUnit: 'weeks', actor: 'bench' });
    printRun('score.run.pg', result);
    console.log(
      `score.run.pg.goal customers=${result.snapshots} seconds=${seconds(result.timings.totalMs)} ` +
        `goal_s=60 within_goal=${result.timings.totalMs < 60_000 ? 'yes' : 'no'}`,
    );
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

async function benchCdnow() {
  const cdnow = findDataset('cdnow/CDNOW_sample.txt');
  if (!cdnow.path) {
    console.log(`score.fit.cdnow.service skipped: ${cdnow.reason}`);
    return;
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'loopdesk-score-bench-'));
  const db = await openPglite();
  try {
    await migrate(db);
    const file = path.join(folder, 'cdnow.csv');
    const lines = readCdnowSample(cdnow.path).map(
      (t, index) => `${t.customerId},${String(t.at)},${t.amount},${index + 1}`,
    );
    await writeFile(file, `customer_id,occurred_at,amount,order_id\n${lines.join('\n')}\n`);
    await runImport(db, 'transactions', createReadStream(file), {
      settings: { phoneRegion: 'US', defaultCurrency: 'USD' },
      actor: 'bench',
    });
    const result = await runScoring(db, { asOf: '1997-09-30', timeUnit: 'weeks' });
    console.log(
      `score.fit.cdnow.service customers=${result.customersWithPurchases} fit_ms=${result.timings.fitMs.toFixed(1)} ` +
        `run_ms=${result.timings.totalMs.toFixed(1)} sql_share=${result.timings.sqlShare.toFixed(3)}`,
    );
    printRun('score.run.cdnow.pglite', result);
  } finally {
    await db.close();
    await rm(folder, { recursive: true, force: true });
  }
}

await benchCdnow();
await benchPostgres();
