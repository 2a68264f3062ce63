import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database, migrated (or as `prepare` left it); `close` throws it away. */
  open(): Promise<Db>;
}

/**
 * The storage and API tests run on every driver available: PGlite always, PostgreSQL when
 * TEST_DATABASE_URL is set (it is in CI). Each PostgreSQL database is a schema of its own, so
 * test files running at once never see each other's rows.
 */
export function testDatabases(
  prepare: (db: Db) => Promise<unknown> = (db) => migrate(db),
): TestDatabase[] {
  const targets: TestDatabase[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openPglite();
        await prepare(db);
        return db;
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    targets.push({
      name: 'postgres',
      async open() {
        const schema = `test_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`CREATE SCHEMA ${schema}`);
        await admin.end();
        const db = await openPostgres(url, { schema, max: 4 });
        await prepare(db);
        return {
          ...db,
          async close() {
            await db.close();
            const dropper = new pg.Client({ connectionString: url });
            await dropper.connect();
            await dropper.query(`DROP SCHEMA ${schema} CASCADE`);
            await dropper.end();
          },
        };
      },
    });
  } else if (process.env.CI === 'true') {
    throw new Error(
      'TEST_DATABASE_URL must be set under CI: the PostgreSQL tests cannot be skipped',
    );
  }
  return targets;
}
