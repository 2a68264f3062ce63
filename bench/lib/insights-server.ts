/**
 * The real LoopDesk API for the insights bench, in a process of its own: buildApp over the
 * chosen database, listening on 127.0.0.1 on a free port, with a fresh CSR token. Prints one
 * JSON line `{ url, token, pid }` on stdout when ready; stops on SIGTERM.
 *   env BENCH_DB=postgres BENCH_SCHEMA=bench_x   or   BENCH_DB=pglite BENCH_PGLITE_DIR=...
 */
import { buildApp } from '../../src/server/app.ts';
import { createToken } from '../../src/server/tokens/store.ts';
import { readConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/db.ts';
import { openPglite } from '../../src/server/db/pglite.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';
import { benchDatabaseUrl } from './postgres.ts';

async function openBenchDb(): Promise<Db> {
  if (process.env.BENCH_DB === 'pglite') return openPglite(process.env.BENCH_PGLITE_DIR!);
  // The pool size the server would use (LOOPDESK_PG_POOL_SIZE), so runs can compare sizes.
  return openPostgres(benchDatabaseUrl, {
    schema: process.env.BENCH_SCHEMA!,
    max: readConfig(process.env).pgPoolSize,
  });
}

const db = await openBenchDb();
// The production settings, except a rate limit that 64 connections at full speed never reach.
const config = { ...readConfig({}), rateLimitPerMinute: 1_000_000_000, demoCrm: false };
const app = await buildApp({ db, config });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const { token } = await createToken(db, { role: 'csr', agentName: 'bench-csr', actor: 'bench' });
process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${port}`, token, pid: process.pid })}\n`,
);

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void app
    .close()
    .then(() => db.close())
    .finally(() => process.exit(0));
});
