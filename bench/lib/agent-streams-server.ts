/**
 * The real LoopDesk API for the agent event streams bench, in a process of its own so its memory
 * is the server's alone: buildApp over PGlite (a data folder) or a PostgreSQL schema, listening
 * on 127.0.0.1 on a free port. Started with an IPC channel (and --expose-gc); answers:
 *   { type: 'tokens', prefix, count }  ->  { type: 'tokens', tokens }   (CSR tokens prefix-0..)
 *   { type: 'memory' }                 ->  { type: 'memory', usage, openStreams, gc }
 * and sends { type: 'ready', url, integrationToken } first. Stops on SIGTERM or disconnect.
 *   env BENCH_DB=pglite BENCH_PGLITE_DIR=...   or   BENCH_DB=postgres BENCH_PG_URL=... BENCH_SCHEMA=...
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../../src/server/app.ts';
import { AgentEventHub } from '../../src/server/calls/agent-event-hub.ts';
import { readConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/db.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { openPglite } from '../../src/server/db/pglite.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';
import { createToken } from '../../src/server/tokens/store.ts';

export type ServerRequest = { type: 'tokens'; prefix: string; count: number } | { type: 'memory' };

export type ServerMessage =
  | { type: 'ready'; url: string; integrationToken: string; pid: number }
  | { type: 'tokens'; tokens: string[] }
  | { type: 'memory'; usage: NodeJS.MemoryUsage; openStreams: number; gc: boolean }
  | { type: 'error'; message: string };

const config = { ...readConfig({}), demoCrm: false };

async function openBenchDb(): Promise<Db> {
  if (process.env.BENCH_DB === 'pglite') return openPglite(process.env.BENCH_PGLITE_DIR!);
  return openPostgres(process.env.BENCH_PG_URL!, {
    schema: process.env.BENCH_SCHEMA!,
    max: config.pgPoolSize,
  });
}

function reply(message: ServerMessage): void {
  process.send!(message);
}

/** Full collections until the heap stops shrinking, so what is left is what is held. */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = globalThis.gc;
  if (!gc) return process.memoryUsage();
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round += 1) {
    gc();
    // Lets finalizers and freed sockets' callbacks run between collections.
    await sleep(50);
    const used = process.memoryUsage().heapUsed;
    if (used >= previous * 0.999) break;
    previous = used;
  }
  return process.memoryUsage();
}

const db = await openBenchDb();
await migrate(db);
const hub = new AgentEventHub();
// The production settings, with the production heartbeat (15 s).
const app = await buildApp({ db, config, agentEvents: hub });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const integration = await createToken(db, {
  role: 'integration',
  agentName: 'bench-pbx',
  actor: 'bench',
});

let closing = false;
async function shutDown(): Promise<void> {
  if (closing) return;
  closing = true;
  try {
    await app.close();
    await db.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutDown());
process.on('disconnect', () => void shutDown());

process.on('message', (request: ServerRequest) => {
  void (async () => {
    if (request.type === 'tokens') {
      const tokens: string[] = [];
      for (let index = 0; index < request.count; index += 1) {
        const created = await createToken(db, {
          role: 'csr',
          agentName: `${request.prefix}-${index}`,
          actor: 'bench',
        });
        tokens.push(created.token);
      }
      reply({ type: 'tokens', tokens });
    } else {
      const usage = await settledMemory();
      reply({ type: 'memory', usage, openStreams: hub.openStreams, gc: Boolean(globalThis.gc) });
    }
  })().catch((error: unknown) => reply({ type: 'error', message: String(error) }));
});

reply({
  type: 'ready',
  url: `http://127.0.0.1:${port}`,
  integrationToken: integration.token,
  pid: process.pid,
});
