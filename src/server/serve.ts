import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { createToken, revokeTokens } from './tokens/store.ts';
import type { ServerConfig } from './config.ts';
import type { Db } from './db/db.ts';
import { openDb } from './db/open.ts';
import { seedDemo, type DemoSeedResult } from './demo/seed.ts';
import { removeLocalServer, runningLocalServer, writeLocalServer } from './local-server.ts';

const cliAgentName = 'loopdesk-cli';

export interface ServeOptions {
  config: ServerConfig;
  port: number;
  host: string;
  seedDemo: boolean;
  logLevel?: string;
}

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  seed: DemoSeedResult | null;
  close(): Promise<void>;
}

/** Opens the database, seeds the demo if asked, and listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { config } = options;
  const other = await runningLocalServer(config);
  if (other) {
    throw new Error(
      `Another LoopDesk server (pid ${other.pid}, ${other.url}) is using ${config.dataDir}; ` +
        'the embedded database can be opened by one process only.',
    );
  }
  const db = await openDb(config);
  let app: FastifyInstance | undefined;
  try {
    const seed = options.seedDemo ? await seedDemo(db, { settings: config }) : null;
    app = await buildApp({ db, config, logLevel: options.logLevel ?? 'warn' });
    await app.listen({ port: options.port, host: options.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const shownHost =
      options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
    const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    if (db.kind === 'pglite') {
      // The previous run's CLI token is useless now; revoke it (and say so in the audit log).
      await revokeTokens(db, { agentName: cliAgentName }, 'loopdesk-serve');
      const { token } = await createToken(db, {
        role: 'admin',
        agentName: cliAgentName,
        actor: 'loopdesk-serve',
      });
      await writeLocalServer(config, { pid: process.pid, url, cliToken: token });
    }
    const running = app;
    return {
      app: running,
      db,
      url,
      seed,
      async close() {
        if (db.kind === 'pglite') await removeLocalServer(config);
        await running.close();
        await db.close();
      },
    };
  } catch (error) {
    await app?.close();
    await db.close();
    throw error;
  }
}

/** Stops cleanly on Ctrl-C or SIGTERM so PGlite flushes and the lock file goes away. */
export function closeOnSignals(server: RunningServer): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`\n${signal}: stopping LoopDesk…\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
