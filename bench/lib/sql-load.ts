/**
 * The bare SQL reference: the insights path's customer lookup (resolve and profile in one
 * statement, the service's own function) issued straight through the pg driver, 64 loops at
 * once over a pool the size the server uses, without HTTP, auth or the decision write. Prints one JSON line.
 *   env BENCH_SCHEMA BENCH_CUSTOMERS BENCH_KEYS BENCH_CONNECTIONS BENCH_WARMUP_S BENCH_DURATION_S
 */
import { readConfig } from '../../src/server/config.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';
import { lookupCustomerProfile } from '../../src/server/insights/customer-lookup.ts';
import { benchCrm, benchObjectType, recordIdOf } from './insights-data.ts';
import { benchDatabaseUrl } from './postgres.ts';
import { percentile } from './stats.ts';

const customers = Number(process.env.BENCH_CUSTOMERS);
const keyCount = Number(process.env.BENCH_KEYS);
const concurrency = Number(process.env.BENCH_CONNECTIONS);
const db = await openPostgres(benchDatabaseUrl, {
  schema: process.env.BENCH_SCHEMA!,
  max: readConfig(process.env).pgPoolSize,
});

let seed = 12345;
const keys = Array.from({ length: keyCount }, () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return recordIdOf(1 + (seed % customers));
});
let next = 0;

async function lookupOnce(): Promise<void> {
  next = (next + 1) % keys.length;
  const resolution = await lookupCustomerProfile(
    db,
    { crm: benchCrm, type: benchObjectType, id: keys[next]! },
    'US',
  );
  if (resolution.status !== 'found') throw new Error(`bench customer not found: ${keys[next]}`);
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

const cpuAtStart = process.cpuUsage();
const warmup = await run(Number(process.env.BENCH_WARMUP_S));
const seconds = Number(process.env.BENCH_DURATION_S);
const latencies = (await run(seconds)).sort((a, b) => a - b);
const cpu = process.cpuUsage(cpuAtStart);
await db.close();
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: latencies.length / seconds,
    total: latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    sentWithWarmup: warmup.length + latencies.length,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
