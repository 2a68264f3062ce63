import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { Db } from '../db/db.ts';
import { seedCatalogue } from '../nba/seed-catalogue.ts';
import { importText, testConfig } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { statementRecorder } from '../testing/statement-recorder.ts';
import { createToken } from '../tokens/store.ts';

describe.each(testDatabases())('routing statements on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  let during: ReturnType<typeof statementRecorder>['during'];

  beforeAll(async () => {
    db = await target.open();
    await seedCatalogue(db);
    const recorder = statementRecorder(db);
    during = recorder.during;
    app = await buildApp({ db: recorder.db, config: testConfig() });
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
    const { result: answer, sent } = await during(() => routing('r1@example.com'));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ customerId: 'R1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/WITH matched AS MATERIALIZED/);
    expect(sent[0]).toMatch(/nba_routing_revision/);
  });
});
