import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema, problemSchema } from '../../contract/index.ts';
import { createToken, listTokens } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { shellWord } from './store.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('shellWord', () => {
  it('leaves plain names alone and quotes the rest so a pasted command keeps them whole', () => {
    expect(shellWord('Support')).toBe('Support');
    expect(shellWord('Grace Hopper')).toBe(`'Grace Hopper'`);
    expect(shellWord(`O'Neil`)).toBe(`'O'\\''Neil'`);
    expect(shellWord('$(rm -rf /)')).toBe(`'$(rm -rf /)'`);
  });
});

describe.each(testDatabases())('tokens that name teams on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: string;

  const createViaApi = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/v1/tokens', headers: bearer(admin), payload });

  beforeAll(async () => {
    db = await target.open();
    ({ app } = await appWithTokens(db));
    admin = (await createToken(db, { role: 'admin', agentName: 'root', actor: 'test' })).token;
    await importText(
      db,
      'customers',
      'customer_id,name,email\nC1,Ada,ada@example.com\nC2,Bob,bob@example.com\n',
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('refuses a supervisor in no team with the command that fixes it, before any team exists', async () => {
    const lonely = await createToken(db, {
      role: 'supervisor',
      agentName: 'Sam Lead',
      actor: 'test',
    });
    const response = await app.inject({
      method: 'GET',
      url: '/v1/decisions',
      headers: bearer(lonely.token),
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = problemSchema.parse(response.json());
    expect(problem.title).toBe('No team');
    expect(problem.detail).toContain(
      'loopdesk token create --role csr --name <agent> --team <team>',
    );
    expect(problem.detail).toContain(
      `loopdesk token create --role supervisor --name 'Sam Lead' --team <team>`,
    );
  });

  it('puts a CSR in a team (made when new), and the supervisor of that team sees what they record', async () => {
    const csr = await createViaApi({ role: 'csr', name: 'Casey', teams: ['Support'] });
    expect(csr.statusCode).toBe(201);
    expect(csr.json()).toMatchObject({ agentName: 'Casey', teams: ['Support'] });
    expect(csr.json().teamsCreated).toEqual(['Support']);
    const lead = await createViaApi({ role: 'supervisor', name: 'Sam Lead', teams: ['Support'] });
    expect(lead.statusCode).toBe(201);
    expect(lead.json()).toMatchObject({ teams: ['Support'], teamsCreated: [] });

    const insights = await app.inject({
      method: 'GET',
      url: '/v1/insights?email=ada@example.com&context=T-1',
      headers: bearer(csr.json().token),
    });
    expect(insights.statusCode).toBe(200);
    const decisionId = insightsSchema.parse(insights.json()).decision.id;
    const outcome = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...bearer(csr.json().token), 'idempotency-key': 'casey-outcome-1' },
      payload: { decisionId, result: 'not_offered', occurredAt: new Date().toISOString() },
    });
    expect(outcome.statusCode, outcome.body).toBe(201);

    // The teams count for every token of the supervisor, the first one too.
    const lonelyToken = (
      await createToken(db, {
        role: 'supervisor',
        agentName: 'Sam Lead',
        actor: 'test',
      })
    ).token;
    for (const token of [lead.json().token as string, lonelyToken]) {
      const seen = await app.inject({
        method: 'GET',
        url: '/v1/decisions',
        headers: bearer(token),
      });
      expect(seen.statusCode).toBe(200);
      expect(
        (seen.json() as { agent: string; outcomes: unknown[] }[]).map((d) => [
          d.agent,
          d.outcomes.length,
        ]),
      ).toEqual([['Casey', 1]]);
    }
  });

  it('moves a CSR to another team when a later token names it', async () => {
    const again = await createToken(db, {
      role: 'csr',
      agentName: 'Casey',
      actor: 'test',
      teams: ['Retention'],
    });
    expect(again).toMatchObject({ teams: ['Retention'], teamsCreated: ['Retention'] });
    const { rows } = await db.query<{ team: string }>(
      `SELECT t.name AS team FROM agents a JOIN teams t ON t.id = a.team_id WHERE a.name = 'Casey'`,
    );
    expect(rows).toEqual([{ team: 'Retention' }]);
    const seen = await app.inject({
      method: 'GET',
      url: '/v1/decisions',
      headers: bearer(
        (await createToken(db, { role: 'supervisor', agentName: 'Sam Lead', actor: 'test' })).token,
      ),
    });
    expect(seen.json()).toEqual([]);
    await createToken(db, { role: 'csr', agentName: 'Casey', actor: 'test', teams: ['Support'] });
  });

  it('sets the teams a supervisor sees, replacing the list, and refuses an unknown team whole', async () => {
    const both = await createViaApi({
      role: 'supervisor',
      name: 'Pat Lead',
      teams: ['Support', 'Retention'],
    });
    expect(both.statusCode).toBe(201);
    expect(both.json().teams).toEqual(['Retention', 'Support']);
    const tokensBefore = (await listTokens(db, { agentName: 'Pat Lead' })).length;

    const typo = await createViaApi({ role: 'supervisor', name: 'Pat Lead', teams: ['Suport'] });
    expect(typo.statusCode).toBe(404);
    const problem = problemSchema.parse(typo.json());
    expect(problem.detail).toBe('No team is named "Suport". Teams: Retention, Support.');
    // Refused whole: no token issued, the old teams kept.
    expect(await listTokens(db, { agentName: 'Pat Lead' })).toHaveLength(tokensBefore);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM supervisor_teams WHERE supervisor = 'Pat Lead'`,
    );
    expect(rows[0]!.n).toBe(2);

    const one = await createViaApi({ role: 'supervisor', name: 'Pat Lead', teams: ['Retention'] });
    expect(one.json().teams).toEqual(['Retention']);
    const after = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM supervisor_teams WHERE supervisor = 'Pat Lead'`,
    );
    expect(after.rows[0]!.n).toBe(1);
  });

  it('names the teams there are in the fix for a supervisor in no team', async () => {
    const lonely = await createToken(db, { role: 'supervisor', agentName: 'Nobody', actor: 't' });
    const response = await app.inject({
      method: 'GET',
      url: '/v1/supervisor/scope',
      headers: bearer(lonely.token),
    });
    expect(response.statusCode).toBe(403);
    expect(problemSchema.parse(response.json()).detail).toContain(
      'loopdesk token create --role supervisor --name Nobody --team Retention ' +
        '(one --team per team they lead; the teams are Retention, Support)',
    );
  });

  it('refuses teams on an admin token and a second team for a CSR', async () => {
    const adminTeams = await createViaApi({ role: 'admin', name: 'Root2', teams: ['Support'] });
    expect(adminTeams.statusCode).toBe(400);
    expect(problemSchema.parse(adminTeams.json()).detail).toMatch(/admin sees every team/);
    const two = await createViaApi({ role: 'csr', name: 'Dana', teams: ['Support', 'Retention'] });
    expect(two.statusCode).toBe(400);
    expect(problemSchema.parse(two.json()).detail).toMatch(/one team/);
    expect(await listTokens(db, { agentName: 'Root2' })).toEqual([]);
    expect(await listTokens(db, { agentName: 'Dana' })).toEqual([]);
  });

  it('audits what a token changed about teams', async () => {
    const { rows } = await db.query<{ action: string; target: string }>(
      `SELECT action, target FROM audit_log WHERE action IN ('agent-team.set', 'supervisor-teams.set')
       ORDER BY id`,
    );
    expect(rows.slice(0, 2)).toEqual([
      { action: 'agent-team.set', target: 'Casey' },
      { action: 'supervisor-teams.set', target: 'Sam Lead' },
    ]);
  });
});
