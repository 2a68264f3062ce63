import type { Db } from '../db/db.ts';

/**
 * Wraps a database so a test can see which statements one request sends: `during` records
 * the SQL of every query made while its callback runs.
 */
export function statementRecorder(db: Db) {
  let sent: string[] | null = null;
  const recording: Db = {
    ...db,
    query: (sql, params) => {
      sent?.push(sql);
      return db.query(sql, params);
    },
  };
  async function during<T>(run: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
    const statements: string[] = [];
    sent = statements;
    try {
      return { result: await run(), sent: statements };
    } finally {
      sent = null;
    }
  }
  return { db: recording, during };
}
