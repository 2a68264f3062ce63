import pg from 'pg';
import { defaultPgPoolSize } from '../config.ts';
import type { Db, Queryable } from './db.ts';
import { StatementNames } from './statement-names.ts';

export interface PostgresOptions {
  /** Schema to put first on the search_path of every connection (tests use one per file). */
  schema?: string;
  /** Connections in the pool (LOOPDESK_PG_POOL_SIZE); 10 by default. */
  max?: number;
  /**
   * Prepare statements the pool runs repeatedly (default true): see StatementNames. Only
   * parameterised statements outside transactions are prepared.
   */
  prepare?: boolean;
}

export async function openPostgres(
  connectionString: string,
  options: PostgresOptions = {},
): Promise<Db> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? defaultPgPoolSize,
    // JIT off: on the KPI and coaching aggregates PostgreSQL 15 compiled for ~0.7 s per query
    // to save a few ms (bench/kpi-queries.bench.ts); the app's queries are all short.
    options: `-c jit=off${options.schema ? ` -c search_path=${options.schema},public` : ''}`,
  });
  // Fail at start with the driver's message rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const names = options.prepare === false ? null : new StatementNames();
  const query: Queryable['query'] = async <T>(sql: string, params: unknown[] = []) => {
    const name = params.length > 0 ? names?.nameFor(sql) : undefined;
    const result = name
      ? await pool.query({ name, text: sql, values: params })
      : await pool.query(sql, params);
    return { rows: result.rows as T[] };
  };
  return {
    kind: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          async exec(sql: string) {
            await client.query(sql);
          },
          async query<T>(sql: string, params: unknown[] = []) {
            const r = await client.query(sql, params);
            return { rows: r.rows as T[] };
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
