import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  outcomeResponseSchema,
  outcomeRetractionResponseSchema,
  problemSchema,
} from '../../contract/index.ts';
import {
  decisionDrillRowSchema,
  kpiReportSchema,
  noteRowSchema,
  treatmentReviewSchema,
} from '../../contract/supervisor.ts';
import { UNSEGMENTED } from '../../nba/index.ts';
import { createToken, type Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { decisionUuid, fixturePeriod, seedKpiFixture } from '../testing/kpi-fixture.ts';
import { loadDecisionInputs } from '../nba/facts.ts';
import { loadCustomerProfile } from '../insights/customer-profile.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const period = `from=${fixturePeriod.from}&to=${fixturePeriod.to}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/*
 * The KPI fixture (../kpis/fixture.ts): for xs, D1 (ann, K1) has only "not offered", D2 (ann,
 * K1) declined, D3 (bob, K2) accepted; the review counts xs offered 2, accepted 1. Here ann
 * records xs accepted on D1 through the API, with a note, and takes it back.
 */
describe.each(testDatabases())('POST /v1/outcomes/retractions on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;
  let ann: string;
  let bob: string;

  const acceptedOnD1 = {
    decisionId: decisionUuid('D1'),
    treatmentId: 'xs',
    result: 'accepted',
    note: 'took the zebra plan after all',
    occurredAt: '2025-03-03T10:08:00Z',
  };
  const record = async (key: string, body: object = acceptedOnD1) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...bearer(ann), 'idempotency-key': key },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return outcomeResponseSchema.parse(response.json());
  };
  const retract = (token: string, idempotencyKey: string, retractedAt = '2025-03-03T10:08:09Z') =>
    app.inject({
      method: 'POST',
      url: '/v1/outcomes/retractions',
      headers: bearer(token),
      payload: { idempotencyKey, retractedAt },
    });
  const reviewOfXs = async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/supervisor/treatments?${period}`,
      headers: auth('admin'),
    });
    const row = treatmentReviewSchema
      .parse(response.json())
      .rows.find((r) => r.treatmentKey === 'xs');
    return { offered: row?.offered, accepted: row?.accepted };
  };
  /** Offered over shown suggestions (the KPI fixture: 5 of 7). */
  const offerRateKpi = async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/kpis?${period}`,
      headers: auth('admin'),
    });
    const { numerator, denominator } = kpiReportSchema.parse(response.json()).overall.kpis
      .offerRate!;
    return [numerator, denominator];
  };
  const acceptedXsDecisions = async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/supervisor/decisions?${period}&treatment=xs&result=accepted`,
      headers: auth('admin'),
    });
    return decisionDrillRowSchema
      .array()
      .parse(response.json())
      .map((row) => row.decisionId)
      .sort();
  };
  const offerStatusOfD1Xs = async () =>
    (
      await db.query<{ offered: boolean; accepted: boolean; not_offered: boolean }>(
        `SELECT offered, accepted, not_offered FROM offer_status
         WHERE decision_id = $1 AND treatment_key = 'xs'`,
        [decisionUuid('D1')],
      )
    ).rows[0];
  const notesFound = async (q: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/supervisor/notes?q=${encodeURIComponent(q)}`,
      headers: auth('admin'),
    });
    return noteRowSchema
      .array()
      .parse(response.json())
      .map((row) => row.outcomeId);
  };
  const allNotes = async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/supervisor/notes',
      headers: auth('admin'),
    });
    return noteRowSchema
      .array()
      .parse(response.json())
      .map((row) => row.outcomeId);
  };
  const xsTally = async () =>
    (
      await db.query<{ accepted: number; declined: number }>(
        'SELECT accepted, declined FROM nba_tallies WHERE segment = $1 AND treatment_key = $2',
        [UNSEGMENTED, 'xs'],
      )
    ).rows[0];
  const outcomesOnD1 = async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/decisions?customerId=K1&limit=50',
      headers: auth('admin'),
    });
    const decisions = response.json() as { id: string; outcomes: { id: string }[] }[];
    return decisions.find((d) => d.id === decisionUuid('D1'))!.outcomes.map((o) => o.id);
  };
  /** K1's past offers of xs as the engine's cooldown and contact caps read them. */
  const xsOffersOfK1 = async () => {
    const now = new Date('2025-03-21T00:00:00Z');
    const { rows } = await db.query<{ id: string }>(
      `SELECT id::text FROM customers WHERE customer_id = 'K1'`,
    );
    const profile = (await loadCustomerProfile(db, rows[0]!.id, now))!;
    const inputs = await loadDecisionInputs(db, profile, now);
    return inputs.facts.treatmentHistory.xs?.offersLast30Days ?? 0;
  };

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
    await seedKpiFixture(db);
    ann = (await createToken(db, { role: 'csr', agentName: 'ann', actor: 'test' })).token;
    bob = (await createToken(db, { role: 'csr', agentName: 'bob', actor: 'test' })).token;
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('takes a recorded outcome out of every count, keeps its row, and retracts it only once', async () => {
    expect(await reviewOfXs()).toEqual({ offered: 2, accepted: 1 });
    expect(await xsOffersOfK1()).toBe(1);
    expect(await offerRateKpi()).toEqual([5, 7]);
    const notesBefore = await allNotes();

    const recorded = await record('undo-me-0001');
    expect(await reviewOfXs()).toEqual({ offered: 3, accepted: 2 });
    expect(await acceptedXsDecisions()).toEqual([decisionUuid('D1'), decisionUuid('D3')]);
    expect(await offerStatusOfD1Xs()).toMatchObject({ accepted: true, not_offered: false });
    expect(await notesFound('zebra')).toContain(recorded.id);
    expect(await allNotes()).toContain(recorded.id);
    expect(await xsTally()).toEqual({ accepted: 1, declined: 0 });
    expect(await outcomesOnD1()).toContain(recorded.id);
    expect(await xsOffersOfK1()).toBe(2);
    expect(await offerRateKpi()).toEqual([6, 7]);

    const first = await retract(ann, 'undo-me-0001');
    expect(first.statusCode, first.body).toBe(201);
    expect(outcomeRetractionResponseSchema.parse(first.json())).toEqual({
      id: recorded.id,
      decisionId: decisionUuid('D1'),
      idempotencyKey: 'undo-me-0001',
      retractedAt: '2025-03-03T10:08:09.000Z',
      duplicate: false,
    });

    expect(await reviewOfXs()).toEqual({ offered: 2, accepted: 1 });
    expect(await acceptedXsDecisions()).toEqual([decisionUuid('D3')]);
    // The fixture's "not offered" on D1 stands again on its own.
    expect(await offerStatusOfD1Xs()).toMatchObject({
      offered: false,
      accepted: false,
      not_offered: true,
    });
    expect(await notesFound('zebra')).not.toContain(recorded.id);
    expect(await notesFound('K1')).not.toContain(recorded.id);
    expect(await allNotes()).toEqual(notesBefore);
    expect(await xsTally()).toEqual({ accepted: 0, declined: 0 });
    expect(await outcomesOnD1()).not.toContain(recorded.id);
    expect(await xsOffersOfK1()).toBe(1);
    expect(await offerRateKpi()).toEqual([5, 7]);

    const { rows } = await db.query<{
      result: string;
      retracted_at: Date | string;
      retracted_by: string;
    }>('SELECT result, retracted_at, retracted_by FROM outcomes WHERE id = $1', [recorded.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: 'accepted', retracted_by: 'ann' });
    expect(new Date(rows[0]!.retracted_at).toISOString()).toBe('2025-03-03T10:08:09.000Z');
    const audits = await db.query<{ actor: string; target: string }>(
      `SELECT actor, target FROM audit_log WHERE action = 'outcome.retract'`,
    );
    expect(audits.rows).toEqual([{ actor: 'ann', target: recorded.id }]);

    // Sent again (the outbox retries after a lost answer): the first retraction, nothing new.
    const again = await retract(ann, 'undo-me-0001', '2025-03-03T11:00:00Z');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...first.json(), duplicate: true });
    expect(await xsTally()).toEqual({ accepted: 0, declined: 0 });
    expect(
      (await db.query(`SELECT 1 FROM audit_log WHERE action = 'outcome.retract'`)).rows,
    ).toHaveLength(1);

    // Recording it again is a new outcome under a new key, counted once.
    const rerecorded = await record('undo-me-0002');
    expect(rerecorded.id).not.toBe(recorded.id);
    expect(await reviewOfXs()).toEqual({ offered: 3, accepted: 2 });
    expect(await xsTally()).toEqual({ accepted: 1, declined: 0 });
    expect(await notesFound('zebra')).toEqual([rerecorded.id]);
    expect(await xsOffersOfK1()).toBe(2);
    // A replay of the retracted outcome's own key does not bring it back.
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...bearer(ann), 'idempotency-key': 'undo-me-0001' },
      payload: acceptedOnD1,
    });
    expect(replay.json()).toMatchObject({ id: recorded.id, duplicate: true });
    expect(await reviewOfXs()).toEqual({ offered: 3, accepted: 2 });
  });

  it('lets no other agent retract it: their keys are their own (404), and the outcome stands', async () => {
    const recorded = await record('undo-me-0003', {
      decisionId: decisionUuid('D2'),
      treatmentId: 'up',
      result: 'declined',
      reason: 'not_interested',
      occurredAt: '2025-03-20T10:08:00Z',
    });
    const byBob = await retract(bob, 'undo-me-0003');
    expect(byBob.statusCode).toBe(404);
    expect(byBob.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(byBob.json()).detail).toContain('"undo-me-0003"');
    const { rows } = await db.query<{ retracted_at: Date | null }>(
      'SELECT retracted_at FROM outcomes WHERE id = $1',
      [recorded.id],
    );
    expect(rows[0]!.retracted_at).toBeNull();
    const declinedUp = await db.query(
      `SELECT 1 FROM offer_status WHERE decision_id = $1 AND treatment_key = 'up' AND declined`,
      [decisionUuid('D2')],
    );
    expect(declinedUp.rows).toHaveLength(1);
  });

  it.runIf(target.name === 'postgres')(
    'answers 409 with Retry-After to a retraction of an outcome still being stored',
    async () => {
      // Holding the decision row keeps the outcome's transaction open at its insert (the
      // foreign key check waits for the row), the way a slow request would.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: (pid: number) => void;
      const held = new Promise<number>((resolve) => (holding = resolve));
      const decisionId = decisionUuid('D6');
      const holder = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>(
          'SELECT pg_backend_pid() AS pid FROM decisions WHERE id = $1 FOR UPDATE',
          [decisionId],
        );
        holding(rows[0]!.pid);
        await released;
      });
      const holderPid = await held;
      const recording = app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: { ...bearer(ann), 'idempotency-key': 'inflight-undo-1' },
        payload: { decisionId, result: 'not_offered', occurredAt: '2025-03-11T09:01:00Z' },
      });
      try {
        const waiting = async () =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE $1::int = ANY(pg_blocking_pids(pid)) AND query LIKE '%INSERT INTO outcomes%'`,
              [holderPid],
            )
          ).rows[0]!.n;
        for (let i = 0; i < 100 && (await waiting()) === 0; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(await waiting()).toBeGreaterThan(0);
        const early = await retract(ann, 'inflight-undo-1');
        expect(early.statusCode).toBe(409);
        expect(Number(early.headers['retry-after'])).toBeGreaterThan(0);
        expect(problemSchema.parse(early.json()).detail).toContain('"inflight-undo-1"');
      } finally {
        release();
        await holder;
      }
      expect((await recording).statusCode).toBe(201);
      // Sent again later, as the outbox does: the outcome is there now, and taken back.
      const later = await retract(ann, 'inflight-undo-1');
      expect(later.statusCode).toBe(201);
    },
    30_000,
  );

  it('answers a key nobody used with a 404 problem naming it, and a bad body with 400', async () => {
    const unknown = await retract(ann, 'never-recorded-0001');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(unknown.json())).toMatchObject({
      status: 404,
      title: 'Unknown outcome',
      detail: expect.stringContaining('"never-recorded-0001"'),
    });
    const noTime = await app.inject({
      method: 'POST',
      url: '/v1/outcomes/retractions',
      headers: bearer(ann),
      payload: { idempotencyKey: 'undo-me-0001' },
    });
    expect(noTime.statusCode).toBe(400);
    expect(problemSchema.parse(noTime.json()).status).toBe(400);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/outcomes/retractions',
      payload: { idempotencyKey: 'undo-me-0001', retractedAt: '2025-03-03T10:08:09Z' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
