import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ServerConfig } from '../config.ts';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** Opens the configured database (PostgreSQL when DATABASE_URL is set) and, unless told not to, migrates it. */
export async function openDb(
  config: Pick<ServerConfig, 'databaseUrl' | 'dataDir'> & Partial<Pick<ServerConfig, 'pgPoolSize'>>,
  options: { migrate?: boolean } = {},
): Promise<Db> {
  let db: Db;
  if (config.databaseUrl) {
    db = await openPostgres(config.databaseUrl, { max: config.pgPoolSize });
  } else {
    await mkdir(config.dataDir, { recursive: true });
    // The database gets its own subfolder so files the CLI keeps beside it never mix with it.
    db = await openPglite(path.join(config.dataDir, 'pgdata'));
  }
  try {
    if (options.migrate !== false) await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
