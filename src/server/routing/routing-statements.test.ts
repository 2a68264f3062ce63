import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { Db } from '../db/db.ts';
import { seedCatalogue } from '../nba/seed-catalogue.ts';
import { importText, testConfig } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { createToken } from '../tokens/store.ts';

describe.each(testDatabases())('routing statements on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  /** Statements sent through the app's database while `recording` is on. */
  const sent: string[] = [];
  let recording = false;

  beforeAll(async () => {
    db = await target.open();
    await seedCatalogue(db);
    const counting: Db = {
      ...db,
      query: (sql, params) => {
        if (recording) sent.push(sql);
        return db.query(sql, params);
      },
    };
    app = await buildApp({ db: counting, config: testConfig() });
    const { token } = await createToken(db, { role: 'csr', agentName: 'csr-1', actor: 'test' });
    headers = { authorization: `Bearer ${token}` };
    await importText(
      db,
      'customers',
      [
        'customer_id,name,email,since,contract',
        'R1,Risky One,r1@example.com,2023-01-01,Month-to-month',
        'R2,Risky Two,r2@example.com,2023-01-01,Month-to-month',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('finds the customer and reads what routing needs in one statement, the insights lookup', async () => {
    const routing = (email: string) =>
      app.inject({ method: 'GET', url: `/v1/routing?email=${email}`, headers });
    // The first request loads the routing rules (cached after).
    expect((await routing('r2@example.com')).statusCode).toBe(200);
    sent.length = 0;
    recording = true;
    const answer = await routing('r1@example.com');
    recording = false;
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ customerId: 'R1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/WITH matched AS MATERIALIZED/);
    expect(sent[0]).toMatch(/nba_routing_revision/);
  });
});
