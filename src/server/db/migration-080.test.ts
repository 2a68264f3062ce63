import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../tokens/store.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';

/** Databases holding data stored before migration 080: migrated up to 070 only. */
function databasesBefore080() {
  const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
  const migrateTo070 = async (db: Db) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'loopdesk-070-'));
    try {
      for (const file of await readdir(migrationsDir)) {
        if (file < '080') await copyFile(path.join(migrationsDir, file), path.join(dir, file));
      }
      await migrate(db, dir);
    } finally {
      await rm(dir, { recursive: true });
    }
  };
  return testDatabases(migrateTo070);
}

describe.each(databasesBefore080())('migration 080 on data stored before it, $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let decisionId: string;
  const tokens: Record<string, string> = {};
  const bearer = (agent: string) => ({ authorization: `Bearer ${tokens[agent]!}` });

  beforeAll(async () => {
    db = await target.open();
    await db.exec(`
      INSERT INTO customers (customer_id) VALUES ('C1');
      INSERT INTO agents (name) VALUES ('ann'), ('mallory');
      INSERT INTO contacts (contact_id, customer_id, channel, started_at, agent_id)
      SELECT k, (SELECT id FROM customers), 'chat', '2025-01-01T00:00:00Z',
        (SELECT id FROM agents WHERE name = 'ann')
      FROM unnest(ARRAY['K-API', 'K-OVERWRITTEN', 'K-IMPORT']) AS k;
      -- K-API was posted by ann and later rewritten by mallory; K-OVERWRITTEN was imported and
      -- rewritten by mallory; K-IMPORT was only imported (imports write no per-contact audit).
      INSERT INTO audit_log (actor, action, target, details, at) VALUES
        ('ann', 'contact.create', 'K-API', '{"inserted": 1, "updated": 0}', '2025-01-01'),
        ('mallory', 'contact.create', 'K-API', '{"inserted": 0, "updated": 1}', '2025-01-02'),
        ('mallory', 'contact.create', 'K-OVERWRITTEN', '{"inserted": 0, "updated": 1}', '2025-01-02');
    `);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO decisions (customer_id, agent) SELECT id, 'ann' FROM customers RETURNING id::text`,
    );
    decisionId = rows[0]!.id;
    await db.query(
      `INSERT INTO outcomes (decision_id, agent, result, idempotency_key, occurred_at)
       VALUES ($1, 'ann', 'offered', 'legacy-key-1', '2025-01-01T00:00:00Z')`,
      [decisionId],
    );
    await migrate(db);
    ({ app } = await appWithTokens(db));
    for (const agent of ['ann', 'mallory']) {
      tokens[agent] = (
        await createToken(db, { role: 'csr', agentName: agent, actor: 'test' })
      ).token;
    }
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('gives API contacts their creator from the audit log and leaves imported ones to imports', async () => {
    const { rows } = await db.query<{ contact_id: string; created_by: string | null }>(
      'SELECT contact_id, created_by FROM contacts ORDER BY contact_id',
    );
    expect(rows).toEqual([
      { contact_id: 'K-API', created_by: 'ann' },
      { contact_id: 'K-IMPORT', created_by: null },
      { contact_id: 'K-OVERWRITTEN', created_by: null },
    ]);
    const post = (agent: string, contactId: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/contacts',
        headers: bearer(agent),
        payload: {
          contactId,
          customerId: 'C1',
          channel: 'chat',
          startedAt: '2025-01-03T00:00:00Z',
        },
      });
    expect((await post('ann', 'K-API')).statusCode).toBe(200);
    expect((await post('mallory', 'K-API')).statusCode).toBe(403);
    expect((await post('mallory', 'K-OVERWRITTEN')).statusCode).toBe(403);
  });

  it('answers replays of keys stored without a fingerprint as duplicates, and scopes keys per agent', async () => {
    const send = (agent: string, result: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: { ...bearer(agent), 'idempotency-key': 'legacy-key-1' },
        payload: { decisionId, result, occurredAt: '2025-01-01T00:00:00Z' },
      });
    const replay = await send('ann', 'accepted');
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ decisionId, duplicate: true });
    expect((await send('mallory', 'accepted')).statusCode).toBe(201);
  });
});
