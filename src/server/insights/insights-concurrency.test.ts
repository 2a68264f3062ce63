import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema } from '../../contract/index.ts';
import type { Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

describe.each(testDatabases())('insights under concurrent requests on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
    const customers = Array.from({ length: 20 }, (_, n) => `C${n},Customer ${n},c${n}@example.com`);
    await importText(db, 'customers', ['customer_id,name,email', ...customers].join('\n'));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('answers each request with its own customer and a decision that is stored with its audit entry', async () => {
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, n) =>
        app.inject({
          method: 'GET',
          url: `/v1/insights?email=c${n % 20}@example.com&context=case-${n}`,
          headers: auth('csr'),
        }),
      ),
    );
    const bodies = responses.map((response) => {
      expect(response.statusCode).toBe(200);
      return insightsSchema.parse(response.json());
    });
    bodies.forEach((body, n) => expect(body.customer.id).toBe(`C${n % 20}`));
    const ids = bodies.map((body) => body.decision.id);
    expect(new Set(ids).size).toBe(60);

    const { rows: decisions } = await db.query<{ id: string; context: string; customer: string }>(
      `SELECT d.id::text AS id, d.context, c.customer_id AS customer
       FROM decisions d JOIN customers c ON c.id = d.customer_id WHERE d.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(decisions.map((row) => [row.id, row]));
    ids.forEach((id, n) =>
      expect(byId.get(id)).toEqual({ id, context: `case-${n}`, customer: `C${n % 20}` }),
    );
    const { rows: audit } = await db.query<{ n: number }>(
      `SELECT count(DISTINCT target)::int AS n FROM audit_log
       WHERE action = 'decision.create' AND actor = 'test-csr' AND target = ANY($1::text[])`,
      [ids],
    );
    expect(audit[0]!.n).toBe(60);
  });

  it('keeps 404 for an unknown customer and 409 with candidates for a shared identifier', async () => {
    await importText(
      db,
      'identities',
      'customer_id,kind,value\nC1,phone,(212) 555-0100\nC2,phone,(212) 555-0100\n',
    );
    const [unknown, ambiguous] = await Promise.all([
      app.inject({
        method: 'GET',
        url: '/v1/insights?email=nobody@example.com',
        headers: auth('csr'),
      }),
      app.inject({
        method: 'GET',
        url: '/v1/insights?phone=2125550100',
        headers: auth('csr'),
      }),
    ]);
    expect(unknown.statusCode).toBe(404);
    expect(ambiguous.statusCode).toBe(409);
    const candidates = (ambiguous.json() as { candidates: { customerId: string }[] }).candidates;
    expect(candidates.map((c) => c.customerId)).toEqual(['C1', 'C2']);
  });
});
