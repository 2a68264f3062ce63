import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coachingReportSchema,
  decisionDrillRowSchema,
  kpiReportSchema,
  noteRowSchema,
  treatmentReviewSchema,
} from '../../contract/supervisor.ts';
import type { Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { decisionUuid, fixturePeriod, seedKpiFixture } from '../testing/kpi-fixture.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const period = `from=${fixturePeriod.from}&to=${fixturePeriod.to}`;
const supervisorUrls = [
  `/v1/kpis?${period}`,
  `/v1/supervisor/scope`,
  `/v1/supervisor/treatments?${period}`,
  `/v1/supervisor/decisions?${period}`,
  `/v1/supervisor/notes`,
  `/v1/supervisor/coaching?${period}`,
];

/* The data set and its worked numbers are in ../kpis/fixture.ts and ../kpis/kpis.test.ts. */
describe.each(testDatabases())('supervisor API on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;
  const get = (url: string, role: Role = 'admin') =>
    app.inject({ method: 'GET', url, headers: auth(role) });

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
    await seedKpiFixture(db);
    // A loaded machine can take a while to start PGlite and migrate.
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('refuses CSR tokens everywhere (403) and a supervisor mapped to no team', async () => {
    for (const url of supervisorUrls) {
      expect((await get(url, 'csr')).statusCode, url).toBe(403);
    }
    const post = await app.inject({
      method: 'POST',
      url: '/v1/supervisor/coaching-notes',
      headers: auth('csr'),
      payload: { agent: 'ann', note: 'x' },
    });
    expect(post.statusCode).toBe(403);
    // test-supervisor is in no agents row and has no supervisor_teams entry yet.
    const unmapped = await get(`/v1/kpis?${period}`, 'supervisor');
    expect(unmapped.statusCode).toBe(403);
    expect(unmapped.json().detail).toContain('mapped to no team');
  });

  it('a supervisor sees their teams only; admins see all', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/supervisor/teams',
      headers: auth('admin'),
      payload: { supervisor: 'test-supervisor', teams: ['Alpha'] },
    });
    expect(put.json()).toEqual({ supervisor: 'test-supervisor', teams: ['Alpha'] });
    const putBySupervisor = await app.inject({
      method: 'PUT',
      url: '/v1/supervisor/teams',
      headers: auth('supervisor'),
      payload: { supervisor: 'test-supervisor', teams: ['Beta'] },
    });
    expect(putBySupervisor.statusCode).toBe(403);

    const scope = (await get('/v1/supervisor/scope', 'supervisor')).json();
    expect(scope).toMatchObject({ role: 'supervisor', teams: ['Alpha'], allTeams: ['Alpha'] });
    // Alpha's contacts c1, c2, c3, c6: CSAT 5, 2, 4, 4 → 3 of 4; everyone: 3 of 5.
    const mine = kpiReportSchema.parse((await get(`/v1/kpis?${period}`, 'supervisor')).json());
    expect(mine.overall.kpis.csat).toMatchObject({ numerator: 3, denominator: 4 });
    const all = kpiReportSchema.parse((await get(`/v1/kpis?${period}&groupBy=team`)).json());
    expect(all.overall.kpis.csat).toMatchObject({ numerator: 3, denominator: 5 });
    expect(all.rows.map((r) => r.group)).toEqual(['Alpha', 'Beta']);
    expect(all.definitions.csat.definition).toMatch(/rated 4 or 5/);
    const byTeam = kpiReportSchema.parse(
      (await get(`/v1/kpis?${period}&groupBy=team`, 'supervisor')).json(),
    );
    expect(byTeam.rows.map((r) => r.group)).toEqual(['Alpha']);
    expect((await get(`/v1/kpis?${period}&team=Beta`, 'supervisor')).statusCode).toBe(403);
    expect((await get(`/v1/kpis?${period}&team=Nope`)).statusCode).toBe(404);
  });

  it('reviews treatments: counts, declines by reason, rates with intervals, uplift, value', async () => {
    const review = treatmentReviewSchema.parse(
      (await get(`/v1/supervisor/treatments?${period}`)).json(),
    );
    const byKey = Object.fromEntries(review.rows.map((r) => [r.treatmentKey, r]));
    // ret: shown D1, D4; both offered; D1 accepted, D4 declined (bad timing); value 1 x 100.
    // Uplift: no control decision withheld ret → none.
    expect(byKey.ret).toMatchObject({
      name: 'Loyalty discount',
      kind: 'retention',
      suggested: 2,
      offered: 2,
      accepted: 1,
      declined: 1,
      declinedByReason: { bad_timing: 1 },
      offerRate: 1,
      acceptanceRate: 0.5,
      uplift: null,
      valueDelivered: 100,
    });
    // Wilson 95% for 1 of 2: [0.0945, 0.9055].
    expect(byKey.ret!.acceptanceCi95![0]).toBeCloseTo(0.0945, 3);
    expect(byKey.ret!.acceptanceCi95![1]).toBeCloseTo(0.9055, 3);
    // xs: shown D1, D2, D3 (D5 control); offered D2 (declined, too expensive), D3 (accepted).
    // Uplift: treated D1, D3 bought within 30 days, D2 not (2/3); control D5 (K4 bought
    // 05-15, 48 days later) 0/1 → 0.6667.
    expect(byKey.xs).toMatchObject({
      suggested: 3,
      offered: 2,
      accepted: 1,
      declinedByReason: { too_expensive: 1 },
      treatedDecisions: 3,
      controlDecisions: 1,
      valueDelivered: 50,
    });
    expect(byKey.xs!.offerRate).toBeCloseTo(2 / 3, 10);
    expect(byKey.xs!.uplift).toBeCloseTo(2 / 3, 10);
    // up: shown D3, D4; D3 declined (not interested). Treated D3, D4 both bought (2/2),
    // control D6 bought (1/1): uplift 0.
    expect(byKey.up).toMatchObject({ suggested: 2, offered: 1, accepted: 0, uplift: 0 });
    // Alpha only (ann, bob): D4 (cy) drops out, so ret is shown once.
    await app.inject({
      method: 'PUT',
      url: '/v1/supervisor/teams',
      headers: auth('admin'),
      payload: { supervisor: 'test-supervisor', teams: ['Alpha'] },
    });
    const alpha = treatmentReviewSchema.parse(
      (await get(`/v1/supervisor/treatments?${period}`, 'supervisor')).json(),
    );
    expect(alpha.rows.find((r) => r.treatmentKey === 'ret')).toMatchObject({ suggested: 1 });
  });

  it('drills into the decisions behind a cell', async () => {
    const rows = (await get(`/v1/supervisor/decisions?${period}&treatment=xs&result=declined`))
      .json()
      .map((row: unknown) => decisionDrillRowSchema.parse(row));
    expect(rows).toEqual([
      expect.objectContaining({
        decisionId: decisionUuid('D2'),
        customerId: 'K1',
        customerName: 'Kim One',
        segment: 'At risk',
        agent: 'ann',
        result: 'declined',
        reason: 'too_expensive',
        note: 'wants a cheaper plan',
      }),
    ]);
    // Not offered: D1 xs (recorded) and D4 up (nothing recorded).
    const skipped = (await get(`/v1/supervisor/decisions?${period}&result=not_offered`)).json();
    expect(skipped.map((r: { treatmentKey: string }) => r.treatmentKey).sort()).toEqual([
      'up',
      'xs',
    ]);
    const bob = (await get(`/v1/supervisor/decisions?${period}&agent=bob`)).json();
    // D3 xs, D3 up and control D6 up.
    expect(bob).toHaveLength(3);
  });

  it('searches CSR notes literally, with customer and decision, within the teams', async () => {
    const search = async (q: string, role: Role = 'admin') =>
      (await get(`/v1/supervisor/notes?q=${encodeURIComponent(q)}`, role))
        .json()
        .map((row: unknown) => noteRowSchema.parse(row));
    expect(await search('CHEAPER')).toEqual([
      expect.objectContaining({ customerId: 'K1', decisionId: decisionUuid('D2'), agent: 'ann' }),
    ]);
    // % is matched as a character, not a wildcard: only "50%_off would do it".
    expect((await search('%')).map((n: { note: string }) => n.note)).toEqual([
      '50%_off would do it',
    ]);
    expect(await search('Kit Two')).toHaveLength(1);
    // cy (team Beta) wrote the 50% note: not visible to an Alpha supervisor.
    expect(await search('', 'supervisor')).toHaveLength(2);
  });

  it('gives coaching cues with counts behind them, skipped treatments, and notes', async () => {
    const coaching = async (query: string) =>
      coachingReportSchema.parse((await get(`/v1/supervisor/coaching?${period}&${query}`)).json());
    /*
     * ann: offers 2 of 3 shown (D1 ret, D2 xs; not D1 xs) = 0.667 against Alpha's 4 of 5 = 0.8:
     * gap 0.133 on 3 suggestions. bob: FCR 0 of 1 (c3 unresolved) against Alpha's 2 of 4 (c2,
     * c6 of c1, c2, c3, c6) = 0.5: gap 0.5 on 1 contact. On segments each is alone in the
     * team, so no segment cue. Acceptance: ann 1/2, bob 1/2, team 2/4: no cue.
     */
    const loose = await coaching('minCount=1&margin=0.1');
    const ann = loose.agents.find((a) => a.agent === 'ann')!;
    expect(ann.cues).toEqual([
      expect.objectContaining({ metric: 'offerRate', segment: null, count: 3 }),
    ]);
    expect(ann.cues[0]!.gap).toBeCloseTo(0.8 - 2 / 3, 10);
    expect(ann.mostSkipped).toEqual([{ treatmentKey: 'xs', suggested: 2, notOffered: 1 }]);
    const bob = loose.agents.find((a) => a.agent === 'bob')!;
    expect(bob.cues).toEqual([
      expect.objectContaining({
        metric: 'fcr',
        segment: null,
        count: 1,
        agentRate: 0,
        teamRate: 0.5,
      }),
    ]);
    expect(loose.agents.find((a) => a.agent === 'cy')!.cues).toEqual([]);
    // Too few: bob's single contact no longer makes a cue at minCount=2.
    const strict = await coaching('minCount=2&margin=0.1');
    expect(strict.agents.find((a) => a.agent === 'bob')!.cues).toEqual([]);
    expect(strict.agents.find((a) => a.agent === 'ann')!.cues).toHaveLength(1);

    const note = await app.inject({
      method: 'POST',
      url: '/v1/supervisor/coaching-notes',
      headers: auth('supervisor'),
      payload: { agent: 'ann', note: 'Offer the second line when the bill comes up.' },
    });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ agent: 'ann', author: 'test-supervisor' });
    const outsider = await app.inject({
      method: 'POST',
      url: '/v1/supervisor/coaching-notes',
      headers: auth('supervisor'),
      payload: { agent: 'cy', note: 'not my team' },
    });
    expect(outsider.statusCode).toBe(403);
    const after = await coaching('minCount=1');
    expect(after.agents.find((a) => a.agent === 'ann')!.notes[0]!.note).toMatch(/second line/);
    const audited = await db.query(`SELECT 1 FROM audit_log WHERE action = 'coaching-note.create'`);
    expect(audited.rows).toHaveLength(1);
  });

  it('names the problem with a bad period', async () => {
    const response = await get('/v1/kpis?from=2025-04-01&to=2025-03-01');
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/must be after/);
    expect((await get('/v1/kpis?from=2025-03-01')).statusCode).toBe(400);
  });
});
