import pg from 'pg';
import type { Db } from '../../src/server/db/db.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';

/** The benchmark database; never the test or production one. Only 127.0.0.1 is used. */
export const benchDatabaseUrl =
  process.env.BENCH_DATABASE_URL ?? 'postgres://loopdesk:loopdesk@127.0.0.1:5432/loopdesk_bench';

export async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops and recreates `schema` (a bench-owned name) and returns a migrated Db inside it. */
export async function freshSchema(schema: string, max = 4): Promise<Db> {
  if (!/^bench_[a-z0-9_]+$/.test(schema)) throw new Error(`not a bench schema name: ${schema}`);
  await withClient(async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
  });
  const db = await openPostgres(benchDatabaseUrl, { schema, max });
  await migrate(db);
  return db;
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^bench_[a-z0-9_]+$/.test(schema)) throw new Error(`not a bench schema name: ${schema}`);
  await withClient((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}
