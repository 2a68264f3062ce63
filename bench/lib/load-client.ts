/**
 * The load generator, in its own process so it never shares an event loop with the server:
 * autocannon against one route, a warm-up then a measured run. Prints one JSON line.
 *   env BENCH_URL BENCH_TOKEN BENCH_ROUTE(insights|whoami) BENCH_CUSTOMERS BENCH_KEYS
 *       BENCH_CONNECTIONS BENCH_WARMUP_S BENCH_DURATION_S
 */
import autocannon from 'autocannon';
import { benchCrm, benchObjectType, recordIdOf } from './insights-data.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const url = env('BENCH_URL');
const token = env('BENCH_TOKEN');
const route = env('BENCH_ROUTE');
const customers = Number(env('BENCH_CUSTOMERS'));
const keyCount = Number(env('BENCH_KEYS'));
const connections = Number(env('BENCH_CONNECTIONS'));

// A fixed spread of known customers across the whole id range (a simple LCG, same every run).
let seed = 12345;
const keys = Array.from({ length: keyCount }, () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return 1 + (seed % customers);
});
const paths =
  route === 'insights'
    ? keys.map((n) => `/v1/insights?crm=${benchCrm}&type=${benchObjectType}&id=${recordIdOf(n)}`)
    : ['/v1/whoami'];
let next = 0;

function run(seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          next = (next + 1) % paths.length;
          return { ...request, path: paths[next]! };
        },
      },
    ],
  });
}

const cpuAtStart = process.cpuUsage();
const warmup = await run(Number(env('BENCH_WARMUP_S')));
const result = await run(Number(env('BENCH_DURATION_S')));
const cpu = process.cpuUsage(cpuAtStart);
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    // Every request sent, warm-up included, and the CPU seconds this process spent sending them.
    sentWithWarmup: warmup.requests.total + result.requests.total,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
