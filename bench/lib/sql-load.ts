/**
 * The bare SQL reference: the insights path's resolve and profile queries (the services' own
 * functions) issued straight through the pg driver, 64 loops at once over a pool the size the
 * server uses, without HTTP, auth or the decision write. Prints one JSON line.
 *   env BENCH_SCHEMA BENCH_CUSTOMERS BENCH_KEYS BENCH_CONNECTIONS BENCH_WARMUP_S BENCH_DURATION_S
 */
import { openPostgres } from '../../src/server/db/postgres.ts';
import { loadCustomerProfile } from '../../src/server/services/customer-profile.ts';
import { resolveCustomer } from '../../src/server/services/resolve-customer.ts';
import { benchCrm, benchObjectType, recordIdOf } from './insights-data.ts';
import { benchDatabaseUrl } from './postgres.ts';
import { percentile } from './stats.ts';

const customers = Number(process.env.BENCH_CUSTOMERS);
const keyCount = Number(process.env.BENCH_KEYS);
const concurrency = Number(process.env.BENCH_CONNECTIONS);
const db = await openPostgres(benchDatabaseUrl, { schema: process.env.BENCH_SCHEMA! });

let seed = 12345;
const keys = Array.from({ length: keyCount }, () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return recordIdOf(1 + (seed % customers));
});
let next = 0;

async function lookupOnce(): Promise<void> {
  next = (next + 1) % keys.length;
  const resolution = await resolveCustomer(
    db,
    { crm: benchCrm, type: benchObjectType, id: keys[next]! },
    'US',
  );
  if (resolution.status !== 'found') throw new Error(`bench customer not found: ${keys[next]}`);
  const profile = await loadCustomerProfile(db, resolution.customerKey);
  if (!profile) throw new Error('profile missing');
}

async function run(seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await lookupOnce();
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

await run(Number(process.env.BENCH_WARMUP_S));
const seconds = Number(process.env.BENCH_DURATION_S);
const latencies = (await run(seconds)).sort((a, b) => a - b);
await db.close();
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: latencies.length / seconds,
    total: latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  })}\n`,
);
