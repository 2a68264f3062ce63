import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema, problemSchema } from '../../contract/index.ts';
import { createToken } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface DecisionRow {
  id: string;
  customerId: string;
  agent: string;
  context: string | null;
  outcomes: { id: string; result: string }[];
}

describe.each(testDatabases())('GET /v1/decisions team scope on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  const decisions = (who: string, query = '') =>
    app.inject({ method: 'GET', url: `/v1/decisions${query}`, headers: bearer(tokens[who]!) });

  beforeAll(async () => {
    db = await target.open();
    let harness;
    ({ app, tokens: harness } = await appWithTokens(db));
    tokens.admin = harness.admin;
    tokens.unmapped = harness.supervisor;
    for (const [name, role] of [
      ['alpha-csr', 'csr'],
      ['beta-csr', 'csr'],
      ['alpha-lead', 'supervisor'],
    ] as const) {
      tokens[name] = (await createToken(db, { role, agentName: name, actor: 'test' })).token;
    }
    await importText(
      db,
      'customers',
      'customer_id,name,email\nC1,Ada,ada@example.com\nC2,Bob,bob@example.com\n',
    );
    await importText(
      db,
      'contacts',
      [
        'contact_id,customer_id,started_at,channel,agent,team',
        'K1,C1,2025-01-01T09:00:00Z,phone,alpha-csr,Alpha',
        'K2,C2,2025-01-01T09:00:00Z,phone,beta-csr,Beta',
      ].join('\n'),
    );
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/supervisor/teams',
      headers: bearer(tokens.admin),
      payload: { supervisor: 'alpha-lead', teams: ['Alpha'] },
    });
    expect(put.statusCode).toBe(200);
    for (const [agent, email, context] of [
      ['alpha-csr', 'ada@example.com', 'ALPHA-TICKET'],
      ['beta-csr', 'bob@example.com', 'BETA-TICKET'],
    ] as const) {
      const insights = await app.inject({
        method: 'GET',
        url: `/v1/insights?email=${email}&context=${context}`,
        headers: bearer(tokens[agent]!),
      });
      const decisionId = insightsSchema.parse(insights.json()).decision.id;
      const outcome = await app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: { ...bearer(tokens[agent]!), 'idempotency-key': `${agent}-outcome-1` },
        payload: { decisionId, result: 'not_offered', occurredAt: '2025-02-01T10:00:00Z' },
      });
      expect(outcome.statusCode).toBe(201);
    }
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it("shows a supervisor their teams' decisions only, whatever the filters", async () => {
    const all = await decisions('alpha-lead');
    expect(all.statusCode).toBe(200);
    const rows = all.json() as DecisionRow[];
    expect(rows.map((r) => [r.agent, r.context, r.outcomes.length])).toEqual([
      ['alpha-csr', 'ALPHA-TICKET', 1],
    ]);
    expect(all.body).not.toContain('BETA-TICKET');
    for (const query of ['?agent=beta-csr', '?customerId=C2']) {
      const narrowed = await decisions('alpha-lead', query);
      expect(narrowed.statusCode, query).toBe(200);
      expect(narrowed.json(), query).toEqual([]);
    }
  });

  it('refuses a supervisor mapped to no team, like the other supervisor routes', async () => {
    const response = await decisions('unmapped');
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(response.json()).detail).toContain('mapped to no team');
  });

  it('shows admins every team', async () => {
    const rows = (await decisions('admin')).json() as DecisionRow[];
    expect(rows.map((r) => r.context).sort()).toEqual(['ALPHA-TICKET', 'BETA-TICKET']);
  });
});
