/**
 * Insights lookups under load (issue 3): 1,000,000 generated customers, the real server in one
 * process, autocannon in another at 64 connections (3 s warm-up, 15 s measured) against
 * GET /v1/insights with a spread of known CRM record ids, on PostgreSQL and on PGlite. Beside
 * them, in the same run: /v1/whoami on the same server (JSON through the same hooks, no database
 * work: the reference for the HTTP stack) and the bare SQL lookup through the pg driver.
 * The server's RSS is sampled during each load.
 *   npx tsx bench/api-insights.bench.ts     (BENCH_DATABASE_URL; BENCH_CUSTOMERS to shrink;
 *   BENCH_SKIP_PGLITE=1; BENCH_CPU_PROF=1 writes server CPU profiles to .bench-data/profiles;
 *   BENCH_KEEP_DATA=1 keeps the PostgreSQL schema after the run and reuses it when it already
 *   holds BENCH_CUSTOMERS customers, migrating it to the current migrations: for iterating only)
 * The demo treatment catalogue and routing rules are seeded (as a first start does), so every
 * request runs the real decision step: eligibility, arbitration and stored suggestions.
 * Goal on PostgreSQL: >= 5,000 requests/s with p99 < 20 ms on 2 cores.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { readConfig } from '../src/server/config.ts';
import type { Db } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { openPglite } from '../src/server/db/pglite.ts';
import { openPostgres } from '../src/server/db/postgres.ts';
import { seedCatalogue } from '../src/server/nba/seed-catalogue.ts';
import { customerCount, generateCustomers, holdsBenchRecordIds } from './lib/insights-data.ts';
import { benchDatabaseUrl, dropSchema, freshSchema } from './lib/postgres.ts';
import {
  firstJsonLine,
  runScript,
  sampleCpu,
  sampleRss,
  startScript,
  stopChild,
} from './lib/processes.ts';
import { note, printFigure } from './lib/stats.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const KEYS = 5_000;
const CONNECTIONS = 64;
const WARMUP_S = 3;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const KEEP_DATA = process.env.BENCH_KEEP_DATA === '1';
const schema = 'bench_insights';
const pgliteDir = path.resolve('.bench-data', `pglite-insights-${CUSTOMERS}`);
const profileDir = path.resolve('.bench-data', 'profiles');

interface LoadResult {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  non2xx?: number;
  errors?: number;
  timeouts?: number;
  sentWithWarmup?: number;
  cpuSeconds?: number;
}

const loadEnv = {
  BENCH_CUSTOMERS: String(CUSTOMERS),
  BENCH_KEYS: String(KEYS),
  BENCH_CONNECTIONS: String(CONNECTIONS),
  BENCH_WARMUP_S: String(WARMUP_S),
  BENCH_DURATION_S: String(DURATION_S),
};
const loadTimeoutMs = (WARMUP_S + DURATION_S + 60) * 1000;

function printLoad(metric: string, result: LoadResult, rss?: { peakMiB: number; meanMiB: number }) {
  printFigure(metric, {
    req_per_s: Math.round(result.requestsPerSecond),
    p50_ms: result.p50,
    p99_ms: result.p99,
    requests: result.total,
    ...(result.non2xx !== undefined ? { non2xx: result.non2xx } : {}),
    ...(result.errors !== undefined ? { errors: result.errors + (result.timeouts ?? 0) } : {}),
    ...(rss ? { rss_peak_mib: rss.peakMiB, rss_mean_mib: rss.meanMiB } : {}),
  });
}

/**
 * CPU milliseconds per request (warm-up included) of the server, PostgreSQL, the load generator
 * and everything else on the machine, and the share of the cores left idle: what bounds req/s.
 */
function printCpu(
  metric: string,
  result: LoadResult,
  used: ReturnType<ReturnType<typeof sampleCpu>['stop']>,
  withPostgres: boolean,
) {
  const sent = result.sentWithWarmup ?? 0;
  const client = result.cpuSeconds ?? 0;
  if (!sent) return;
  const perRequest = (seconds: number) => Math.round((seconds / sent) * 1e6) / 1e3;
  const postgres = withPostgres ? used.postgres : 0;
  printFigure(metric, {
    server_ms_per_req: perRequest(used.server),
    ...(withPostgres ? { postgres_ms_per_req: perRequest(postgres) } : {}),
    loadgen_ms_per_req: perRequest(client),
    other_ms_per_req: perRequest(Math.max(0, used.busy - used.server - postgres - client)),
    idle_pct: Math.round((100 * used.idle) / (used.busy + used.idle)),
  });
}

type BufferCounts = { hit: number; read: number };

/** The bench database's shared-buffer hits and reads so far (pages found in / copied into cache). */
async function bufferCounts(): Promise<BufferCounts> {
  // Backends report their counts when idle for a moment or at exit; give them that moment.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return inBenchSchema(async (db) => {
    const { rows } = await db.query<BufferCounts>(
      `SELECT blks_hit::float8 AS hit, blks_read::float8 AS read
       FROM pg_stat_database WHERE datname = current_database()`,
    );
    return rows[0]!;
  });
}

/**
 * Pages per request PostgreSQL found in shared buffers and had to read (from the OS cache here):
 * a read costs a system call and an 8 KiB copy, so they show whether shared_buffers holds the
 * working set.
 */
function printBuffers(result: LoadResult, before: BufferCounts, after: BufferCounts) {
  const sent = result.sentWithWarmup ?? 0;
  if (!sent) return;
  const perRequest = (n: number) => Math.round((n / sent) * 10) / 10;
  printFigure('api.insights.postgres.buffers', {
    hit_per_req: perRequest(after.hit - before.hit),
    read_per_req: perRequest(after.read - before.read),
  });
}

/** Starts the server on `serverEnv`, loads each route in turn from a second process. */
async function loadServer(
  label: string,
  serverEnv: Record<string, string>,
  routes: ('insights' | 'whoami')[],
): Promise<void> {
  const nodeArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (nodeArgs.length) await mkdir(profileDir, { recursive: true });
  const server = startScript('insights-server.ts', serverEnv, nodeArgs);
  try {
    const ready = await firstJsonLine<{ url: string; token: string; pid: number }>(server, 120_000);
    for (const route of routes) {
      const rss = sampleRss(ready.pid);
      const cpu = sampleCpu(ready.pid);
      const buffers = label === 'postgres' ? await bufferCounts() : null;
      const result = await runScript<LoadResult>(
        'load-client.ts',
        { ...loadEnv, BENCH_URL: ready.url, BENCH_TOKEN: ready.token, BENCH_ROUTE: route },
        loadTimeoutMs,
      );
      const used = cpu.stop();
      printLoad(`api.${route}.${label}`, result, rss.stop());
      printCpu(`api.${route}.${label}.cpu`, result, used, label === 'postgres');
      if (buffers && route === 'insights') printBuffers(result, buffers, await bufferCounts());
    }
  } finally {
    await stopChild(server);
  }
}

/** The kept schema when it holds the wanted data set (migrated to the current migrations). */
async function keptSchema(): Promise<boolean> {
  if (!KEEP_DATA) return false;
  const db = await openPostgres(benchDatabaseUrl, { schema, max: 2 });
  try {
    if ((await customerCount(db).catch(() => 0)) !== CUSTOMERS) return false;
    if (!(await holdsBenchRecordIds(db))) return false;
    await migrate(db);
    return true;
  } finally {
    await db.close();
  }
}

async function inBenchSchema<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openPostgres(benchDatabaseUrl, { schema, max: 2 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The demo catalogue, as a first start seeds it (kept data already holds it). */
async function seedDemoCatalogue(db: Db): Promise<{ treatments: number; rules: number }> {
  await seedCatalogue(db);
  const { rows } = await db.query<{ treatments: number; rules: number }>(
    `SELECT (SELECT count(*)::int FROM treatments WHERE definition IS NOT NULL) AS treatments,
       (SELECT count(*)::int FROM eligibility_rules) AS rules`,
  );
  return rows[0]!;
}

async function postgres(): Promise<void> {
  if (await keptSchema()) {
    note(`PostgreSQL: reusing the generated data in schema ${schema}`);
  } else {
    const db = await freshSchema(schema, 2);
    const started = performance.now();
    await generateCustomers(db, CUSTOMERS);
    const seconds = (performance.now() - started) / 1000;
    await db.close();
    printFigure('api.data.postgres', { customers: CUSTOMERS, generate_s: seconds });
  }
  const catalogue = await inBenchSchema(seedDemoCatalogue);
  // The server's pool (LOOPDESK_PG_POOL_SIZE): on 2 cores a smaller pool than the default wins.
  printFigure('api.config.postgres', {
    pg_pool: readConfig(process.env).pgPoolSize,
    ...catalogue,
  });
  await loadServer('postgres', { BENCH_DB: 'postgres', BENCH_SCHEMA: schema }, [
    'insights',
    'whoami',
  ]);
  const bareCpu = sampleCpu(process.pid);
  const bare = await runScript<LoadResult>(
    'sql-load.ts',
    { ...loadEnv, BENCH_SCHEMA: schema },
    loadTimeoutMs,
  );
  const bareUsed = bareCpu.stop();
  printLoad('api.bare_sql.postgres', bare);
  // No server process here: the driver's side of the work is the load process's own CPU.
  printCpu('api.bare_sql.postgres.cpu', bare, { ...bareUsed, server: 0 }, true);
}

async function pglite(): Promise<void> {
  // Generating 1M customers inside PGlite takes minutes, so a complete data folder is kept
  // (under .bench-data/, gitignored) and reused; decisions written by earlier runs stay in it.
  let reused = false;
  if (existsSync(pgliteDir)) {
    const db = await openPglite(pgliteDir);
    reused =
      (await customerCount(db).catch(() => 0)) === CUSTOMERS && (await holdsBenchRecordIds(db));
    await db.close();
    if (!reused) await rm(pgliteDir, { recursive: true, force: true });
  }
  if (!reused) {
    await mkdir(path.dirname(pgliteDir), { recursive: true });
    const db = await openPglite(pgliteDir);
    await migrate(db);
    const started = performance.now();
    await generateCustomers(db, CUSTOMERS);
    const seconds = (performance.now() - started) / 1000;
    await db.close();
    printFigure('api.data.pglite', { customers: CUSTOMERS, generate_s: seconds });
  } else {
    note(`PGlite: reusing the generated data in ${pgliteDir}`);
  }
  const db = await openPglite(pgliteDir);
  try {
    // Kept data is brought to the current migrations, as the PostgreSQL schema is.
    if (reused) await migrate(db);
    printFigure('api.config.pglite', await seedDemoCatalogue(db));
  } finally {
    await db.close();
  }
  await loadServer('pglite', { BENCH_DB: 'pglite', BENCH_PGLITE_DIR: pgliteDir }, ['insights']);
}

try {
  await postgres();
  if (!process.env.BENCH_SKIP_PGLITE) await pglite();
} finally {
  if (!KEEP_DATA) await dropSchema(schema);
}
