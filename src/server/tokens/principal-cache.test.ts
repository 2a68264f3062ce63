import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/db.ts';
import { testDatabases } from '../testing/databases.ts';
import { createToken, PrincipalCache, revokeTokens } from './store.ts';

describe.each(testDatabases())('principal cache on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('does not keep an answer that was read before a clear (a revocation racing a request)', async () => {
    const { token } = await createToken(db, { role: 'csr', agentName: 'racer', actor: 'test' });
    // A lookup whose read is held until the revocation and the clear have happened.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: Queryable = {
      query: (async (sql: string, params?: unknown[]) => {
        const result = await db.query(sql, params);
        await held;
        return result;
      }) as Queryable['query'],
      exec: (sql) => db.exec(sql),
    };
    const cache = new PrincipalCache(slow, 60_000);
    const racing = cache.lookup(token);
    await revokeTokens(db, { agentName: 'racer' }, 'test');
    cache.clear();
    release();
    expect((await racing)?.agentName).toBe('racer');
    // The answer read before the clear was not cached: the next lookup reads again.
    expect(await cache.lookup(token)).toBeNull();
  });
});
