import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectionHealthReportSchema,
  detectionReportResponseSchema,
  maxDetectionCount,
  maxDetectionReportRows,
  type DetectionReportRow,
} from '../../contract/detection-health.ts';
import { problemSchema } from '../../contract/problem.ts';
import { createToken, type Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { detectionPeriod } from './routes.ts';
import { batchMemoryDays, detectionHealth, recordDetectionReport } from './store.ts';

const dayMs = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * dayMs).toISOString().slice(0, 10);
const today = daysAgo(0);
const yesterday = daysAgo(1);

const row = (overrides: Partial<DetectionReportRow> = {}): DetectionReportRow => ({
  crm: 'zendesk',
  pageKind: 'ticket',
  day: today,
  result: 'url',
  count: 1,
  ...overrides,
});

function expectProblem(response: LightMyRequestResponse, status: number, field?: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = problemSchema.parse(response.json());
  if (field) expect(problem.detail).toContain(field);
  return problem;
}

describe.each(testDatabases())('detection health on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => { authorization: string };
  let otherCsr: { authorization: string };

  const report = (headers: { authorization: string }, payload: unknown) =>
    app.inject({
      method: 'POST',
      url: '/v1/detection-health/reports',
      headers,
      payload: payload as object,
    });
  const health = async (query = '') => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/detection-health${query}`,
      headers: auth('admin'),
    });
    expect(response.statusCode, response.body).toBe(200);
    return detectionHealthReportSchema.parse(response.json());
  };
  const stored = async () =>
    (
      await db.query<{ agent: string; crm: string; result: string; count: string }>(
        `SELECT agent, crm, page_kind, result, count::text AS count FROM detection_health_counts
         ORDER BY agent, crm, page_kind, result`,
      )
    ).rows;

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
    otherCsr = {
      authorization: `Bearer ${(await createToken(db, { role: 'csr', agentName: 'other-csr', actor: 'test' })).token}`,
    };
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('counts a batch once: a repeated batch id from the same agent answers 200 and adds nothing', async () => {
    const batch = {
      batchId: randomUUID(),
      rows: [row({ count: 3 }), row({ result: 'missed', count: 2 })],
    };
    const first = await report(auth('csr'), batch);
    expect(first.statusCode, first.body).toBe(201);
    expect(detectionReportResponseSchema.parse(first.json())).toEqual({
      batchId: batch.batchId,
      counted: 2,
      duplicate: false,
    });
    const again = await report(auth('csr'), batch);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ batchId: batch.batchId, counted: 0, duplicate: true });
    // Another agent's batch under the same id is theirs, and counted.
    expect((await report(otherCsr, batch)).statusCode).toBe(201);
    expect(await stored()).toEqual([
      { agent: 'other-csr', crm: 'zendesk', page_kind: 'ticket', result: 'missed', count: '2' },
      { agent: 'other-csr', crm: 'zendesk', page_kind: 'ticket', result: 'url', count: '3' },
      { agent: 'test-csr', crm: 'zendesk', page_kind: 'ticket', result: 'missed', count: '2' },
      { agent: 'test-csr', crm: 'zendesk', page_kind: 'ticket', result: 'url', count: '3' },
    ]);
  });

  it('adds later batches to the same day, from any role', async () => {
    await report(auth('supervisor'), { batchId: randomUUID(), rows: [row({ count: 5 })] });
    await report(auth('csr'), { batchId: randomUUID(), rows: [row({ count: 4 })] });
    const mine = (await stored()).filter((r) => r.agent === 'test-csr' && r.result === 'url');
    expect(mine).toEqual([expect.objectContaining({ count: '7' })]);
  });

  it('counts concurrent copies of one batch once', async () => {
    const batch = { batchId: randomUUID(), rows: [row({ crm: 'hubspot', pageKind: 'contact' })] };
    const answers = await Promise.all([1, 2, 3].map(() => report(auth('csr'), batch)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 201]);
    const hubspot = (await stored()).filter((r) => r.crm === 'hubspot');
    expect(hubspot).toEqual([expect.objectContaining({ count: '1' })]);
  });

  it('refuses bad reports with problem+json naming the field, and counts nothing', async () => {
    const before = await stored();
    const cases: [unknown, string][] = [
      [{ batchId: 'not-a-uuid', rows: [row()] }, 'body.batchId'],
      [{ batchId: randomUUID(), rows: [] }, 'body.rows'],
      [{ batchId: randomUUID(), rows: [row({ count: 0 })] }, 'body.rows.0.count'],
      [{ batchId: randomUUID(), rows: [row({ count: 1.5 })] }, 'body.rows.0.count'],
      [
        { batchId: randomUUID(), rows: [row({ count: maxDetectionCount + 1 })] },
        'body.rows.0.count',
      ],
      [{ batchId: randomUUID(), rows: [row(), row({ crm: 'Zendesk' })] }, 'body.rows.1.crm'],
      [{ batchId: randomUUID(), rows: [row({ crm: 'a'.repeat(41) })] }, 'body.rows.0.crm'],
      [{ batchId: randomUUID(), rows: [row({ pageKind: 'ticket?id=4' })] }, 'body.rows.0.pageKind'],
      [
        { batchId: randomUUID(), rows: [row({ pageKind: 'x@example.com' })] },
        'body.rows.0.pageKind',
      ],
      [{ batchId: randomUUID(), rows: [row({ result: 'found' as 'url' })] }, 'body.rows.0.result'],
      [{ batchId: randomUUID(), rows: [row({ day: '2025-02-30' })] }, 'body.rows.0.day'],
      [{ batchId: randomUUID(), rows: [row({ day: daysAgo(-3) })] }, 'body.rows.0.day'],
      [{ batchId: randomUUID(), rows: [row({ day: daysAgo(400) })] }, 'body.rows.0.day'],
      [{ batchId: randomUUID(), rows: [row(), row({ count: 2 })] }, 'body.rows.1'],
      [{ batchId: randomUUID(), rows: [{ ...row(), url: 'https://x' }] }, 'body.rows.0'],
      [
        {
          batchId: randomUUID(),
          rows: Array.from({ length: maxDetectionReportRows + 1 }, (_, i) =>
            row({ pageKind: `k${i}` }),
          ),
        },
        'body.rows',
      ],
    ];
    for (const [payload, field] of cases) {
      expectProblem(await report(auth('csr'), payload), 400, field);
    }
    expectProblem(
      await app.inject({
        method: 'POST',
        url: '/v1/detection-health/reports',
        payload: { batchId: randomUUID(), rows: [row()] },
      }),
      401,
    );
    expect(await stored()).toEqual(before);
  });

  it('takes a full report of 500 rows at the largest counts', async () => {
    const rows = Array.from({ length: maxDetectionReportRows }, (_, i) =>
      row({ crm: 'bulk', pageKind: `kind-${i}`, count: maxDetectionCount }),
    );
    const response = await report(auth('csr'), { batchId: randomUUID(), rows });
    expect(response.statusCode, response.body).toBe(201);
    const { rows: totals } = await db.query<{ n: number; total: string }>(
      "SELECT count(*)::int AS n, sum(count)::text AS total FROM detection_health_counts WHERE crm = 'bulk'",
    );
    expect(totals[0]).toEqual({ n: 500, total: String(500 * maxDetectionCount) });
    await db.query("DELETE FROM detection_health_counts WHERE crm = 'bulk'");
  });

  it('reports per CRM and page kind, worst first, to admins only', async () => {
    await db.query('DELETE FROM detection_health_counts');
    const send = (headers: { authorization: string }, rows: DetectionReportRow[]) =>
      report(headers, { batchId: randomUUID(), rows });
    await send(auth('csr'), [
      row({ crm: 'salesforce', pageKind: 'case', result: 'api', count: 6 }),
      row({ crm: 'salesforce', pageKind: 'case', result: 'missed', count: 4 }),
      row({ crm: 'demo', pageKind: 'ticket', result: 'page', count: 9 }),
      row({ crm: 'demo', pageKind: 'ticket', result: 'missed', count: 1 }),
      row({ crm: 'zendesk', pageKind: 'ticket', result: 'url', count: 20, day: yesterday }),
    ]);
    await send(otherCsr, [
      row({ crm: 'salesforce', pageKind: 'case', result: 'url', count: 2 }),
      row({ crm: 'salesforce', pageKind: 'case', result: 'page', count: 4 }),
      row({ crm: 'salesforce', pageKind: 'case', result: 'missed', count: 4 }),
      row({ crm: 'demo', pageKind: 'ticket', result: 'missed', count: 30, day: daysAgo(60) }),
    ]);
    const report30 = await health();
    expect(report30.to).toBe(daysAgo(-1));
    expect(report30.from).toBe(daysAgo(29));
    expect(report30.rows).toEqual([
      {
        crm: 'salesforce',
        pageKind: 'case',
        visited: 20,
        foundByApi: 6,
        foundByUrl: 2,
        foundByPage: 4,
        missed: 8,
        missRate: 0.4,
        agents: 2,
        lastReportedAt: expect.any(String),
      },
      expect.objectContaining({
        crm: 'demo',
        pageKind: 'ticket',
        visited: 10,
        missed: 1,
        agents: 1,
      }),
      expect.objectContaining({ crm: 'zendesk', visited: 20, foundByUrl: 20, missRate: 0 }),
    ]);
    expect(Date.now() - Date.parse(report30.rows[0]!.lastReportedAt)).toBeLessThan(60_000);
    // The 60-day-old misses are in a longer period, and outweigh the rest.
    const longer = await health(`?from=${daysAgo(90)}&to=${daysAgo(-1)}`);
    expect(longer.rows[0]).toMatchObject({ crm: 'demo', visited: 40, missed: 31, agents: 2 });
    // Days are [from, to): yesterday alone holds only the zendesk row.
    const oneDay = await health(`?from=${yesterday}&to=${today}`);
    expect(oneDay.rows.map((r) => r.crm)).toEqual(['zendesk']);

    for (const role of ['csr', 'supervisor'] as const) {
      const response = await app.inject({
        method: 'GET',
        url: '/v1/detection-health',
        headers: auth(role),
      });
      expectProblem(response, 403);
    }
    expectProblem(
      await app.inject({
        method: 'GET',
        url: `/v1/detection-health?from=${today}&to=${yesterday}`,
        headers: auth('admin'),
      }),
      400,
      'to',
    );
    expectProblem(
      await app.inject({
        method: 'GET',
        url: '/v1/detection-health?from=2025-13-01',
        headers: auth('admin'),
      }),
      400,
      'querystring.from',
    );
  });

  it('is in the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    expect(Object.keys(spec.paths['/v1/detection-health/reports']!)).toEqual(['post']);
    expect(Object.keys(spec.paths['/v1/detection-health']!)).toEqual(['get']);
  });

  it('forgets batch ids after a while, and only then', async () => {
    const agent = 'store-agent';
    const batchId = randomUUID();
    const old = new Date(Date.now() - (batchMemoryDays + 1) * dayMs);
    expect(await recordDetectionReport(db, { agent, batchId, rows: [row()], now: old })).toEqual({
      counted: 1,
      duplicate: false,
    });
    expect(await recordDetectionReport(db, { agent, batchId, rows: [row()], now: old })).toEqual({
      counted: 0,
      duplicate: true,
    });
    // Another batch now prunes ids older than the memory.
    await recordDetectionReport(db, { agent, batchId: randomUUID(), rows: [row()] });
    const { rows } = await db.query('SELECT 1 FROM detection_health_batches WHERE batch_id = $1', [
      batchId,
    ]);
    expect(rows).toEqual([]);
  });

  it('merges rows repeated in a direct call instead of failing', async () => {
    await db.query('DELETE FROM detection_health_counts');
    await recordDetectionReport(db, {
      agent: 'direct',
      batchId: randomUUID(),
      rows: [row({ count: 2 }), row({ count: 3 })],
    });
    const rows = await detectionHealth(db, { from: yesterday, to: daysAgo(-1) });
    expect(rows).toEqual([expect.objectContaining({ visited: 5, foundByUrl: 5, agents: 1 })]);
  });
});

describe('detectionPeriod', () => {
  const now = Date.parse('2026-03-10T15:00:00Z');
  it('defaults to the 30 days up to today, and keeps given ends', () => {
    expect(detectionPeriod({}, now)).toEqual({ from: '2026-02-09', to: '2026-03-11' });
    expect(detectionPeriod({ to: '2026-01-01' }, now)).toEqual({
      from: '2025-12-02',
      to: '2026-01-01',
    });
    expect(detectionPeriod({ from: '2026-03-01' }, now)).toEqual({
      from: '2026-03-01',
      to: '2026-03-11',
    });
  });
  it('never reaches before the first storable day', () => {
    expect(detectionPeriod({ to: '0001-01-05' }, now)).toEqual({
      from: '0001-01-01',
      to: '0001-01-05',
    });
  });
});
