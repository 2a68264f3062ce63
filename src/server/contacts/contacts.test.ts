import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemSchema } from '../../contract/index.ts';
import { createToken, type Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(testDatabases())('POST /v1/contacts on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;
  let otherCsr: string;
  let ann: string;

  const post = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/v1/contacts',
      headers,
      payload: { customerId: 'C1', channel: 'chat', startedAt: '2025-03-01T09:00:00Z', ...payload },
    });
  const contact = async (contactId: string) =>
    (
      await db.query<{ agent: string | null; csat: number | null; team: string | null }>(
        `SELECT a.name AS agent, k.csat, t.name AS team FROM contacts k
         LEFT JOIN agents a ON a.id = k.agent_id LEFT JOIN teams t ON t.id = k.team_id
         WHERE k.contact_id = $1`,
        [contactId],
      )
    ).rows[0];
  const agentTeam = async (name: string) =>
    (
      await db.query<{ team: string | null }>(
        'SELECT t.name AS team FROM agents a LEFT JOIN teams t ON t.id = a.team_id WHERE a.name = $1',
        [name],
      )
    ).rows[0]?.team ?? null;
  const expectProblem = (
    response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
    status: number,
  ) => {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return problemSchema.parse(response.json());
  };

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
    otherCsr = (await createToken(db, { role: 'csr', agentName: 'other-csr', actor: 'test' }))
      .token;
    ann = (await createToken(db, { role: 'csr', agentName: 'ann', actor: 'test' })).token;
    await importText(db, 'customers', 'customer_id,name\nC1,Ada\nC2,Bob\n');
    // An admin's import: the only place (with PUT /v1/supervisor/teams) team membership comes from.
    await importText(
      db,
      'contacts',
      [
        'contact_id,customer_id,started_at,channel,agent,team,csat',
        'CT-IMPORTED,C1,2025-01-01T09:00:00Z,phone,ann,Support,3',
        'CT-RETENTION,C2,2025-01-02T09:00:00Z,phone,rita,Retention,4',
      ].join('\n'),
    );
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('never gives a supervisor a team: a contact naming a team is refused and leaves them unmapped', async () => {
    const before = await app.inject({
      method: 'GET',
      url: '/v1/supervisor/scope',
      headers: auth('supervisor'),
    });
    expect(before.statusCode).toBe(403);
    const created = await post(auth('supervisor'), { contactId: 'CT-SUP-1', team: 'Support' });
    expect(expectProblem(created, 403).title).toBe('Not your team');
    expect(await agentTeam('test-supervisor')).toBeNull();
    const after = await app.inject({
      method: 'GET',
      url: '/v1/supervisor/scope',
      headers: auth('supervisor'),
    });
    expect(after.statusCode).toBe(403);
    const notes = await app.inject({
      method: 'GET',
      url: '/v1/supervisor/notes',
      headers: auth('supervisor'),
    });
    expect(notes.statusCode).toBe(403);
    expect(await contact('CT-SUP-1')).toBeUndefined();
  });

  it("never changes an agent's team, labels a contact only with the agent's own team, nor creates teams", async () => {
    // Another team's label would count ann's contact in Retention's KPIs.
    const otherTeam = await post(bearer(ann), { contactId: 'CT-ANN-1', team: 'Retention' });
    expect(expectProblem(otherTeam, 403).detail).toContain('"Retention"');
    expect(await contact('CT-ANN-1')).toBeUndefined();
    expect(await agentTeam('ann')).toBe('Support');
    // Her own team is a label she may give.
    expect((await post(bearer(ann), { contactId: 'CT-ANN-3', team: 'Support' })).statusCode).toBe(
      201,
    );
    expect(await contact('CT-ANN-3')).toMatchObject({ agent: 'ann', team: 'Support' });
    const unknown = await post(bearer(ann), { contactId: 'CT-ANN-2', team: 'Made Up' });
    expect(expectProblem(unknown, 404).detail).toContain('"Made Up"');
    const teams = await db.query("SELECT 1 FROM teams WHERE name = 'Made Up'");
    expect(teams.rows).toHaveLength(0);
    expect(await contact('CT-ANN-2')).toBeUndefined();
  });

  it("refuses to overwrite another agent's contact: 403, nothing changed", async () => {
    expect((await post(auth('csr'), { contactId: 'CT-000001', csat: 5 })).statusCode).toBe(201);
    const hijack = await post(bearer(otherCsr), {
      contactId: 'CT-000001',
      customerId: 'C2',
      csat: 1,
    });
    expect(expectProblem(hijack, 403).detail).toContain('"CT-000001"');
    expect(await contact('CT-000001')).toMatchObject({ agent: 'test-csr', csat: 5 });

    // The agent who created it may correct it.
    const corrected = await post(auth('csr'), { contactId: 'CT-000001', csat: 4 });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.json()).toEqual({ contactId: 'CT-000001', created: false });
    expect(await contact('CT-000001')).toMatchObject({ agent: 'test-csr', csat: 4 });
  });

  it('leaves imported contacts to imports, which still upsert any contact by id', async () => {
    // ann handled it, but the row came from an import: the import owns it.
    for (const token of [otherCsr, ann]) {
      expectProblem(await post(bearer(token), { contactId: 'CT-IMPORTED', csat: 1 }), 403);
    }
    expect(await contact('CT-IMPORTED')).toMatchObject({ agent: 'ann', csat: 3 });

    const reimport = await importText(
      db,
      'contacts',
      [
        'contact_id,customer_id,started_at,channel,agent,team,csat',
        'CT-IMPORTED,C1,2025-01-01T09:00:00Z,phone,ann,Support,2',
        'CT-000001,C1,2025-03-01T09:00:00Z,chat,test-csr,,3',
      ].join('\n'),
    );
    expect(reimport).toMatchObject({ inserted: 0, updated: 2 });
    expect(await contact('CT-IMPORTED')).toMatchObject({ agent: 'ann', csat: 2 });
    expect(await contact('CT-000001')).toMatchObject({ agent: 'test-csr', csat: 3 });
    // An import writing over a CSR's contact does not take it away from them.
    expect((await post(auth('csr'), { contactId: 'CT-000001', csat: 5 })).statusCode).toBe(200);
  });
});
