/**
 * Agents' live event streams (GET /v1/agents/me/events) held open by one server: BENCH_STREAMS
 * agents (default 1,000), each with its own CSR token and one open stream, against the real
 * server (buildApp, production settings and 15 s heartbeat) in a child process of its own
 * (bench/lib/agent-streams-server.ts, run with --expose-gc) so its memory is the server's alone.
 * The streams are read here with fetch and eventsource-parser, as the extension reads them.
 *   1. memory per open, idle stream: the server's heap and RSS after full collections, before the
 *      streams open (after a warm-up) and once all are open (and how long opening them took);
 *   2. one event: POST /v1/calls (integration token) for one random agent, timed from just before
 *      the POST to the event's arrival on that agent's stream, BENCH_ROUNDS times (default 50);
 *   3. a burst: one event for every agent, posted BENCH_CONCURRENCY at a time (default 32), timed
 *      until every stream has its event; delivery = arrival minus that event's POST start, beside
 *      the POST's own time to 202 (a long delivery with a long POST waited on the database).
 * Arrival times are taken when this process has parsed the event, so they include the client's
 * own work, which in the burst competes with sending the POSTs.
 *   npx tsx bench/agent-event-streams.bench.ts    (BENCH_STREAMS, BENCH_ROUNDS, BENCH_CONCURRENCY;
 *   PGlite in a temporary folder by default, PostgreSQL in a schema of its own, dropped after,
 *   when BENCH_DATABASE_URL or else TEST_DATABASE_URL is set)
 * Goal: none set yet; the figures say how many agents one server holds and how soon a ring
 * reaches the agent's panel while they are all connected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import pg from 'pg';
import type { ServerMessage, ServerRequest } from './lib/agent-streams-server.ts';
import { stopChild } from './lib/processes.ts';
import { note, percentile, printFigure } from './lib/stats.ts';

const STREAMS = positiveInteger('BENCH_STREAMS', 1_000);
const ROUNDS = positiveInteger('BENCH_ROUNDS', 50);
const CONCURRENCY = positiveInteger('BENCH_CONCURRENCY', 32);
/** Streams opened at a time: each opening reads the agent's row and its active calls. */
const OPEN_CONCURRENCY = 50;
const WARMUP_STREAMS = 10;
const EVENT_TIMEOUT_MS = 30_000;
const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const schema = `bench_streams_${runId}`;
const serverScript = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'lib',
  'agent-streams-server.ts',
);

function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number, not "${process.env[name]}"`);
  }
  return value;
}

/** The server child and its IPC: one request at a time, answered in order. */
class ServerProcess {
  constructor(readonly child: ChildProcess) {}

  next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanUp();
        reject(new Error(`the server sent no "${type}" answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: ServerMessage) => {
        cleanUp();
        if (message.type === type) resolve(message as Extract<ServerMessage, { type: T }>);
        else if (message.type === 'error') reject(new Error(`the server: ${message.message}`));
        else reject(new Error(`the server answered "${message.type}", not "${type}"`));
      };
      const onExit = (code: number | null) => {
        cleanUp();
        reject(new Error(`the server exited (code ${code}) before answering "${type}"`));
      };
      const cleanUp = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  ask<T extends ServerRequest['type']>(request: Extract<ServerRequest, { type: T }>) {
    const answer = this.next(request.type, 600_000);
    this.child.send(request);
    return answer;
  }
}

function startServer(env: Record<string, string>): ServerProcess {
  // The child's stdout goes to our stderr: only this process's figure lines reach run.mjs.
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', serverScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 2, 'inherit', 'ipc'],
  });
  return new ServerProcess(child);
}

/** One agent's open stream; `arrival` waits for a call event by its callId. */
interface AgentStream {
  arrival(callId: string, timeoutMs?: number): Promise<number>;
  received(): number;
  close(): Promise<void>;
}

interface Waiter {
  resolve(at: number): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

async function openStream(url: string, token: string): Promise<AgentStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/agents/me/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`opening a stream answered ${response.status}: ${await response.text()}`);
  }
  const arrived = new Map<string, number>();
  const waiting = new Map<string, Waiter>();
  let ended: Error | null = null;
  let callEvents = 0;
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  const endWith = (error: Error) => {
    ended = error;
    for (const waiter of waiting.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    waiting.clear();
  };
  const reading = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value.event !== 'call') continue;
        const at = performance.now();
        callEvents += 1;
        const { callId } = JSON.parse(value.data) as { callId: string };
        const waiter = waiting.get(callId);
        if (waiter) {
          waiting.delete(callId);
          clearTimeout(waiter.timer);
          waiter.resolve(at);
        } else {
          arrived.set(callId, at);
        }
      }
      endWith(new Error('the stream ended'));
    } catch (error) {
      endWith(controller.signal.aborted ? new Error('the stream was closed') : (error as Error));
    }
  })();
  return {
    arrival(callId, timeoutMs = EVENT_TIMEOUT_MS) {
      const at = arrived.get(callId);
      if (at !== undefined) return Promise.resolve(at);
      if (ended) return Promise.reject(ended);
      const waited = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(callId);
          reject(new Error(`call ${callId} did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(callId, { resolve, reject, timer });
      });
      // Awaited later (after the POSTs): a rejection before then must not crash the run.
      waited.catch(() => {});
      return waited;
    },
    received: () => callEvents,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

/** Runs `work` over 0..count-1, at most `concurrency` at a time. */
async function inParallel(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const index = nextIndex;
      nextIndex += 1;
      await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function postCall(
  url: string,
  integrationToken: string,
  agent: string,
  callId: string,
): Promise<void> {
  const response = await fetch(`${url}/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${integrationToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ callId, agent, from: '+14155550101', state: 'ringing' }),
  });
  const body = await response.text();
  if (response.status !== 202)
    throw new Error(`POST /v1/calls answered ${response.status}: ${body}`);
}

const kib = (bytes: number) => bytes / 1024;
const mib = (bytes: number) => bytes / 2 ** 20;

async function openStreams(url: string, tokens: string[]): Promise<AgentStream[]> {
  const streams: AgentStream[] = new Array<AgentStream>(tokens.length);
  await inParallel(tokens.length, OPEN_CONCURRENCY, async (index) => {
    streams[index] = await openStream(url, tokens[index]!);
  });
  return streams;
}

/** The server's memory once the streams it holds number `expected` (closing ones are async). */
async function serverMemory(server: ServerProcess, expected: number) {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await server.ask({ type: 'memory' });
    if (answer.openStreams === expected) return answer;
    if (attempt === 50) {
      throw new Error(`the server holds ${answer.openStreams} streams, not ${expected}`);
    }
    await sleep(100);
  }
}

async function run(server: ServerProcess, database: string): Promise<void> {
  const ready = await server.next('ready', 180_000);
  const { url, integrationToken } = ready;
  note(`server pid ${ready.pid} on ${url} (${database}); run ${runId}`);
  const agentPrefix = `bench-stream-${runId}`;
  const warmPrefix = `bench-warm-${runId}`;

  let started = performance.now();
  const { tokens } = await server.ask({ type: 'tokens', prefix: agentPrefix, count: STREAMS });
  const { tokens: warmTokens } = await server.ask({
    type: 'tokens',
    prefix: warmPrefix,
    count: WARMUP_STREAMS,
  });
  note(`${STREAMS + WARMUP_STREAMS} CSR tokens in ${(performance.now() - started).toFixed(0)} ms`);

  // Warm-up: the stream and call routes run a few times (compiled, caches filled), then close.
  const warm = await openStreams(url, warmTokens);
  await inParallel(WARMUP_STREAMS, WARMUP_STREAMS, async (index) => {
    const callId = `${runId}-warm-${index}`;
    const arrival = warm[index]!.arrival(callId);
    await postCall(url, integrationToken, `${warmPrefix}-${index}`, callId);
    await arrival;
  });
  await Promise.all(warm.map((stream) => stream.close()));

  const before = await serverMemory(server, 0);
  if (!before.gc) note('the server runs without --expose-gc: memory is read without collecting');
  started = performance.now();
  const streams = await openStreams(url, tokens);
  const openMs = performance.now() - started;
  printFigure('agent-streams.open', {
    db: database,
    streams: STREAMS,
    total_ms: Math.round(openMs),
    streams_per_s: Math.round((STREAMS / openMs) * 1000),
  });
  try {
    // Idle for a moment, as the extension's streams are between calls.
    await sleep(1_000);
    const after = await serverMemory(server, STREAMS);
    const perStream = (key: 'heapUsed' | 'rss' | 'external') =>
      kib(after.usage[key] - before.usage[key]) / STREAMS;
    printFigure('agent-streams.memory', {
      db: database,
      streams: STREAMS,
      heap_per_stream_kb: perStream('heapUsed'),
      rss_per_stream_kb: perStream('rss'),
      external_per_stream_kb: perStream('external'),
      heap_before_mib: mib(before.usage.heapUsed),
      heap_after_mib: mib(after.usage.heapUsed),
      rss_before_mib: mib(before.usage.rss),
      rss_after_mib: mib(after.usage.rss),
      gc: after.gc ? 'yes' : 'no',
    });

    const oneEvent: number[] = [];
    const postOnly: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const agent = Math.floor(Math.random() * STREAMS);
      const callId = `${runId}-one-${round}`;
      const arrival = streams[agent]!.arrival(callId);
      const postStart = performance.now();
      await postCall(url, integrationToken, `${agentPrefix}-${agent}`, callId);
      postOnly.push(performance.now() - postStart);
      oneEvent.push((await arrival) - postStart);
    }
    oneEvent.sort((a, b) => a - b);
    postOnly.sort((a, b) => a - b);
    printFigure('agent-streams.one-event', {
      db: database,
      streams: STREAMS,
      rounds: ROUNDS,
      p50_ms: percentile(oneEvent, 0.5),
      p95_ms: percentile(oneEvent, 0.95),
      max_ms: oneEvent.at(-1)!,
      post_p50_ms: percentile(postOnly, 0.5),
    });

    const postStarts = new Array<number>(STREAMS);
    const postTimes: number[] = [];
    // The whole burst may take a while on a loaded machine: 30 s plus 100 ms an event.
    const burstTimeoutMs = EVENT_TIMEOUT_MS + STREAMS * 100;
    const arrivals = streams.map((stream, agent) =>
      stream.arrival(`${runId}-burst-${agent}`, burstTimeoutMs),
    );
    const burstStart = performance.now();
    await inParallel(STREAMS, CONCURRENCY, async (agent) => {
      postStarts[agent] = performance.now();
      await postCall(url, integrationToken, `${agentPrefix}-${agent}`, `${runId}-burst-${agent}`);
      postTimes.push(performance.now() - postStarts[agent]);
    });
    const arrivedAt = await Promise.all(arrivals);
    const totalMs = Math.max(...arrivedAt) - burstStart;
    const delivery = arrivedAt.map((at, agent) => at - postStarts[agent]!).sort((a, b) => a - b);
    postTimes.sort((a, b) => a - b);
    const callEventsReceived = streams.reduce((sum, stream) => sum + stream.received(), 0);
    printFigure('agent-streams.burst', {
      db: database,
      streams: STREAMS,
      events: STREAMS,
      concurrency: CONCURRENCY,
      total_ms: Math.round(totalMs),
      events_per_s: Math.round((STREAMS / totalMs) * 1000),
      p50_delivery_ms: percentile(delivery, 0.5),
      p95_delivery_ms: percentile(delivery, 0.95),
      max_delivery_ms: delivery.at(-1)!,
      p95_post_ms: percentile(postTimes, 0.95),
      max_post_ms: postTimes.at(-1)!,
    });
    // Each stream must have had its own events only: the rounds' and its burst event.
    if (callEventsReceived !== ROUNDS + STREAMS) {
      throw new Error(
        `the streams received ${callEventsReceived} call events, not ${ROUNDS + STREAMS}`,
      );
    }
  } finally {
    await Promise.all(streams.map((stream) => stream.close()));
  }
}

async function withPostgresClient(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let cleanUp: () => Promise<void>;
let server: ServerProcess;
if (postgresUrl) {
  await withPostgresClient(postgresUrl, `CREATE SCHEMA ${schema}`);
  cleanUp = () => withPostgresClient(postgresUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  server = startServer({ BENCH_DB: 'postgres', BENCH_PG_URL: postgresUrl, BENCH_SCHEMA: schema });
} else {
  const pgliteDir = await mkdtemp(path.join(os.tmpdir(), 'loopdesk-bench-streams-'));
  cleanUp = () => rm(pgliteDir, { recursive: true, force: true });
  server = startServer({ BENCH_DB: 'pglite', BENCH_PGLITE_DIR: pgliteDir });
}
try {
  await run(server, postgresUrl ? 'postgres' : 'pglite');
} finally {
  await stopChild(server.child);
  await cleanUp();
}
