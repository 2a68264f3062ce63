import type { Command } from 'commander';
import { CliError } from './cli-server.ts';
import { readConfig } from './config.ts';
import { runningLocalServer } from './local-server.ts';
import { migrate } from './db/migrate.ts';
import { openDb } from './db/open.ts';

/** `loopdesk migrate`. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async () => {
      const config = readConfig();
      const server = await runningLocalServer(config);
      if (server) {
        throw new CliError(
          `a LoopDesk server (pid ${server.pid}) holds the database and migrated it when it started`,
        );
      }
      const db = await openDb(config, { migrate: false });
      try {
        const applied = await migrate(db);
        const { rows } = await db.query<{ version: number }>(
          'SELECT max(version) AS version FROM schema_migrations',
        );
        process.stdout.write(
          `Database is at migration ${rows[0]?.version ?? 0}${applied.length ? ` (applied ${applied.join(', ')})` : ''}\n`,
        );
      } finally {
        await db.close();
      }
    });
}
