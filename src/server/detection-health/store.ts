import {
  detectionRowKey,
  type DetectionHealthRow,
  type DetectionReportRow,
} from '../../contract/detection-health.ts';
import type { Db, Queryable } from '../db/db.ts';

/**
 * How long a counted batch id is remembered. The extension resends a batch whose answer it lost
 * at its next delivery (minutes, or when the backend is back); past this a resend would count
 * again, which is the price of a table that does not grow for ever.
 */
export const batchMemoryDays = 30;

export interface RecordedReport {
  counted: number;
  duplicate: boolean;
}

/**
 * Adds a batch of counts under the agent, once per batch id: a repeated id is answered as a
 * duplicate and counts nothing. Concurrent copies of one batch are safe: the second waits on
 * the first's batch row and then finds it.
 */
export async function recordDetectionReport(
  db: Db,
  input: { agent: string; batchId: string; rows: DetectionReportRow[]; now?: Date },
): Promise<RecordedReport> {
  const now = input.now ?? new Date();
  // Merged by key and sorted, so one statement never updates a row twice and concurrent
  // reports of one agent lock rows in the same order.
  const merged = new Map<string, DetectionReportRow>();
  for (const row of input.rows) {
    const key = detectionRowKey(row);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, count: seen.count + row.count } : { ...row });
  }
  const rows = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const result = await db.transaction(async (tx) => {
    const batch = await tx.query(
      `INSERT INTO detection_health_batches (agent, batch_id, received_at, row_count)
       VALUES ($1, $2, $3, $4) ON CONFLICT (agent, batch_id) DO NOTHING RETURNING 1`,
      [input.agent, input.batchId, now, rows.length],
    );
    if (batch.rows.length === 0) return { counted: 0, duplicate: true };
    await addDetectionCounts(
      tx,
      input.agent,
      now,
      rows.map(([, row]) => row),
    );
    return { counted: rows.length, duplicate: false };
  });
  if (!result.duplicate) await forgetOldBatches(db, now);
  return result;
}

/** Adds counts under an agent; rows must be distinct by key (the demo seed calls it directly). */
export async function addDetectionCounts(
  tx: Queryable,
  agent: string,
  now: Date,
  rows: DetectionReportRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO detection_health_counts AS c
       (day, crm, page_kind, result, agent, count, last_reported_at)
     SELECT u.day, u.crm, u.page_kind, u.result, $1, u.count, $2
     FROM unnest($3::date[], $4::text[], $5::text[], $6::text[], $7::bigint[])
       WITH ORDINALITY AS u(day, crm, page_kind, result, count, n)
     ORDER BY u.n
     ON CONFLICT (day, crm, page_kind, result, agent) DO UPDATE SET
       count = c.count + EXCLUDED.count,
       last_reported_at = greatest(c.last_reported_at, EXCLUDED.last_reported_at)`,
    [
      agent,
      now,
      rows.map((r) => r.day),
      rows.map((r) => r.crm),
      rows.map((r) => r.pageKind),
      rows.map((r) => r.result),
      rows.map((r) => r.count),
    ],
  );
}

/** Best effort, after the report's own transaction: a failure here loses no count. */
async function forgetOldBatches(db: Db, now: Date): Promise<void> {
  try {
    await db.query(
      `DELETE FROM detection_health_batches WHERE received_at < $1::timestamptz - make_interval(days => $2)`,
      [now, batchMemoryDays],
    );
  } catch {
    // Left for the next report.
  }
}

/**
 * Per CRM and page kind over the UTC days [from, to): visits by how the customer was found,
 * misses, the miss rate and how many agents reported. Worst first: highest miss rate, then most
 * misses, then most visits.
 */
export async function detectionHealth(
  db: Queryable,
  period: { from: string; to: string },
): Promise<DetectionHealthRow[]> {
  const { rows } = await db.query<{
    crm: string;
    page_kind: string;
    visited: number;
    api: number;
    url: number;
    page: number;
    missed: number;
    agents: number;
    last_reported_at: Date | string;
  }>(
    `SELECT crm, page_kind,
            sum(count)::float8 AS visited,
            COALESCE(sum(count) FILTER (WHERE result = 'api'), 0)::float8 AS api,
            COALESCE(sum(count) FILTER (WHERE result = 'url'), 0)::float8 AS url,
            COALESCE(sum(count) FILTER (WHERE result = 'page'), 0)::float8 AS page,
            COALESCE(sum(count) FILTER (WHERE result = 'missed'), 0)::float8 AS missed,
            count(DISTINCT agent)::int AS agents,
            max(last_reported_at) AS last_reported_at
     FROM detection_health_counts
     WHERE day >= $1::date AND day < $2::date
     GROUP BY crm, page_kind`,
    [period.from, period.to],
  );
  return rows
    .map((r) => ({
      crm: r.crm,
      pageKind: r.page_kind,
      visited: r.visited,
      foundByApi: r.api,
      foundByUrl: r.url,
      foundByPage: r.page,
      missed: r.missed,
      missRate: r.visited > 0 ? r.missed / r.visited : 0,
      agents: r.agents,
      lastReportedAt: new Date(r.last_reported_at).toISOString(),
    }))
    .sort(
      (a, b) =>
        b.missRate - a.missRate ||
        b.missed - a.missed ||
        b.visited - a.visited ||
        a.crm.localeCompare(b.crm) ||
        a.pageKind.localeCompare(b.pageKind),
    );
}
