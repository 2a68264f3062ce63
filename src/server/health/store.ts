import type { Db } from '../db/db.ts';

/** Throws when the database does not answer; says which driver answered. */
export async function checkDatabase(db: Db): Promise<Db['kind']> {
  await db.query('SELECT 1');
  return db.kind;
}
