import type { ChurnAssessment } from '../../scoring/index.ts';
import type { Queryable } from '../db/db.ts';

/** One snapshot row; value fields are null for customers scored on churn only (no purchases). */
export interface SnapshotRow {
  customerKey: string;
  segment: string | null;
  recencyScore: number | null;
  frequencyScore: number | null;
  monetaryScore: number | null;
  clv: number | null;
  valueTier: string | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  horizonMonths: number | null;
  churn: ChurnAssessment;
  /** The version of the model behind the churn figure, e.g. "churn:3" or "mbgnbd:7". */
  modelVersion: string;
}

const snapshotBatchSize = 20_000;

const insertSql = `INSERT INTO score_snapshots (customer_id, segment, recency_score, frequency_score,
    monetary_score, clv, currency, value_tier, p_alive, expected_purchases, horizon_months,
    churn_probability, churn_band, churn_source, churn_reasons, model_version, value_model,
    computed_at)
  SELECT u.customer_id, u.segment, u.r, u.f, u.m, u.clv, $16, u.tier, u.p_alive, u.expected,
    u.horizon, u.churn, u.band, u.source, u.reasons, u.version,
    CASE WHEN u.clv IS NOT NULL THEN $18::text END, $17
  FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::smallint[], $5::smallint[],
    $6::float8[], $7::text[], $8::float8[], $9::float8[], $10::int[], $11::float8[], $12::text[],
    $13::text[], $14::jsonb[], $15::text[])
    AS u(customer_id, segment, r, f, m, clv, tier, p_alive, expected, horizon, churn, band,
      source, reasons, version)`;

function insertParams(
  rows: readonly SnapshotRow[],
  currency: string,
  computedAt: string,
  valueModel: string | null,
) {
  return [
    rows.map((row) => row.customerKey),
    rows.map((row) => row.segment),
    rows.map((row) => row.recencyScore),
    rows.map((row) => row.frequencyScore),
    rows.map((row) => row.monetaryScore),
    rows.map((row) => row.clv),
    rows.map((row) => row.valueTier),
    rows.map((row) => row.pAlive),
    rows.map((row) => row.expectedPurchases),
    rows.map((row) => row.horizonMonths),
    rows.map((row) => row.churn.probability),
    rows.map((row) => row.churn.band),
    rows.map((row) => row.churn.source),
    rows.map((row) => JSON.stringify(row.churn.reasons)),
    rows.map((row) => row.modelVersion),
    currency,
    computedAt,
    valueModel,
  ];
}

/**
 * Writes snapshots with one multi-row INSERT per batch (parallel arrays through unnest). Rows are
 * produced lazily, and the next batch is built while the previous one is in flight.
 */
export async function writeSnapshots(
  tx: Queryable,
  rows: Iterable<SnapshotRow>,
  options: {
    currency: string;
    computedAt: string;
    /** The run's purchase model ("mbgnbd:7"), recorded on every snapshot that has a value. */
    valueModel: string | null;
    batchSize?: number;
  },
): Promise<number> {
  const size = options.batchSize ?? snapshotBatchSize;
  let written = 0;
  let inFlight: Promise<unknown> | null = null;
  let batch: SnapshotRow[] = [];
  const flush = async () => {
    const params = insertParams(batch, options.currency, options.computedAt, options.valueModel);
    written += batch.length;
    batch = [];
    if (inFlight) await inFlight;
    inFlight = tx.query(insertSql, params);
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= size) await flush();
  }
  if (batch.length > 0) await flush();
  if (inFlight) await inFlight;
  return written;
}
