import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema } from '../../contract/index.ts';
import { createToken } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { demoStartTokens } from './start-tokens.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function teamOf(db: Db, agent: string): Promise<string | null> {
  const { rows } = await db.query<{ team: string }>(
    'SELECT t.name AS team FROM agents a JOIN teams t ON t.id = a.team_id WHERE a.name = $1',
    [agent],
  );
  return rows[0]?.team ?? null;
}

describe.each(testDatabases())('the tokens npm start prints, on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    db = await target.open();
    ({ app } = await appWithTokens(db));
    dir = await mkdtemp(path.join(tmpdir(), 'loopdesk-start-'));
    // Teams as the demo seed makes them: from contacts naming agents and their teams.
    await importText(db, 'customers', 'customer_id,name,email\nCUST-0001,Ada,ada@example.com\n');
    await importText(
      db,
      'contacts',
      [
        'contact_id,customer_id,started_at,channel,agent,team',
        'K1,CUST-0001,2025-01-01T09:00:00Z,phone,Alan Kay,Retention',
        'K2,CUST-0001,2025-01-02T09:00:00Z,phone,Grace Hopper,Support',
      ].join('\n'),
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('closes the loop: what the printed CSR token records, the printed supervisor token sees', async () => {
    const file = path.join(dir, 'start-tokens.json');
    const tokens = await demoStartTokens(db, file);
    expect(tokens.csrTeam).toBe('Support');
    expect(await teamOf(db, 'Demo CSR')).toBe('Support');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const insights = await app.inject({
      method: 'GET',
      url: '/v1/insights?email=ada@example.com&context=DEMO-1',
      headers: bearer(tokens.csr),
    });
    expect(insights.statusCode).toBe(200);
    const decisionId = insightsSchema.parse(insights.json()).decision.id;
    const outcome = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...bearer(tokens.csr), 'idempotency-key': 'demo-csr-outcome-1' },
      payload: { decisionId, result: 'not_offered', occurredAt: new Date().toISOString() },
    });
    expect(outcome.statusCode, outcome.body).toBe(201);

    const seen = await app.inject({
      method: 'GET',
      url: '/v1/decisions',
      headers: bearer(tokens.supervisor),
    });
    expect(seen.statusCode, seen.body).toBe(200);
    const rows = seen.json() as { agent: string; context: string; outcomes: unknown[] }[];
    expect(rows.map((r) => [r.agent, r.context, r.outcomes.length])).toEqual([
      ['Demo CSR', 'DEMO-1', 1],
    ]);
  });

  it('prints the same tokens at the next start, and keeps a team an administrator chose', async () => {
    const file = path.join(dir, 'start-tokens.json');
    const first = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    await createToken(db, {
      role: 'csr',
      agentName: 'Demo CSR',
      actor: 'test',
      teams: ['Retention'],
    });
    const again = await demoStartTokens(db, file);
    expect([again.csr, again.supervisor]).toEqual([first.csr, first.supervisor]);
    expect(again.csrTeam).toBe('Retention');
    expect(await teamOf(db, 'Demo CSR')).toBe('Retention');
  });

  it('mends a CSR token an earlier version printed for an agent in no team', async () => {
    await db.query(`UPDATE agents SET team_id = NULL WHERE name = 'Demo CSR'`);
    const file = path.join(dir, 'old-start-tokens.json');
    const old = await createToken(db, { role: 'csr', agentName: 'Demo CSR', actor: 'old' });
    await writeFile(file, JSON.stringify({ csr: old.token }));
    const tokens = await demoStartTokens(db, file);
    expect(tokens.csr).toBe(old.token);
    expect(await teamOf(db, 'Demo CSR')).toBe('Support');
  });
});

describe.each(testDatabases())('npm start on a database without teams, on $name', (target) => {
  it('makes a team for the demo CSR, which the demo supervisor oversees', async () => {
    const db = await target.open();
    const dir = await mkdtemp(path.join(tmpdir(), 'loopdesk-start-empty-'));
    try {
      const tokens = await demoStartTokens(db, path.join(dir, 'start-tokens.json'));
      expect(tokens.csrTeam).toBe('Support');
      const { rows } = await db.query<{ supervisor: string; team: string }>(
        `SELECT s.supervisor, t.name AS team FROM supervisor_teams s JOIN teams t ON t.id = s.team_id`,
      );
      expect(rows).toEqual([{ supervisor: 'Demo Supervisor', team: 'Support' }]);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
