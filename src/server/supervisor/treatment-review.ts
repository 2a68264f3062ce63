import type { TreatmentReviewRow } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { decisionsInPeriod, offerStatusJoin, type KpiFilter } from '../kpis/filters.ts';
import { Params } from './sql.ts';
import { share, upliftOf, wilsonInterval } from './stats.ts';

export const treatmentReviewDefinitions: Record<string, string> = {
  suggested: 'Times shown to a CSR (top 3 of a decision, control group excluded).',
  offered: 'Shown suggestions the CSR offered (outcome offered, accepted or declined).',
  accepted: 'Offers the customer accepted.',
  declined: 'Offers declined and never accepted; by the reason the CSR picked.',
  offerRate: 'Offered over suggested.',
  acceptanceRate: 'Accepted over offered, with a 95% Wilson interval.',
  uplift:
    'Share of decisions suggesting it after which the customer bought within 30 days, minus the ' +
    'share of control-group decisions where it was withheld; decisions 30+ days old; 95% interval.',
  valueDelivered: "Accepted offers times the treatment's business value.",
};

interface ReviewCounts {
  treatment_key: string;
  name: string | null;
  kind: string | null;
  active: boolean | null;
  business_value: number | null;
  suggested: number;
  offered: number;
  accepted: number;
  declined: number;
  tn: number;
  ts: number;
  cn: number;
  cs: number;
}

/** Per treatment, for decisions in the period and scope: the numbers of the review table. */
export async function reviewTreatments(
  db: Queryable,
  filter: KpiFilter,
): Promise<TreatmentReviewRow[]> {
  const p = new Params();
  const d = decisionsInPeriod(p, filter, 'ds');
  // Offer status and purchases come from the tables migration 040 keeps by trigger.
  const { rows } = await db.query<ReviewCounts>(
    `WITH measured AS (
       SELECT ds.treatment_key, ds.control_group, f.offered, f.accepted, f.declined,
         ds.created_at <= now() - interval '30 days' AS matured,
         dp.decision_id IS NOT NULL AS converted
       FROM decision_suggestions ds ${d.joins} ${offerStatusJoin(p, filter.period)}
       LEFT JOIN decision_purchases dp ON dp.decision_id = ds.decision_id
       WHERE ${d.where})
     SELECT m.treatment_key, tr.name, tr.kind, tr.active, tr.business_value::float8 AS business_value,
       count(*) FILTER (WHERE NOT m.control_group)::int AS suggested,
       count(*) FILTER (WHERE NOT m.control_group AND m.offered)::int AS offered,
       count(*) FILTER (WHERE NOT m.control_group AND m.accepted)::int AS accepted,
       count(*) FILTER (WHERE NOT m.control_group AND m.declined)::int AS declined,
       count(*) FILTER (WHERE NOT m.control_group AND m.matured)::int AS tn,
       count(*) FILTER (WHERE NOT m.control_group AND m.matured AND m.converted)::int AS ts,
       count(*) FILTER (WHERE m.control_group AND m.matured)::int AS cn,
       count(*) FILTER (WHERE m.control_group AND m.matured AND m.converted)::int AS cs
     FROM measured m LEFT JOIN treatments tr ON tr.key = m.treatment_key
     GROUP BY m.treatment_key, tr.name, tr.kind, tr.active, tr.business_value
     ORDER BY m.treatment_key`,
    p.values,
  );

  const rp = new Params();
  const rd = decisionsInPeriod(rp, filter, 'ds');
  const reasons = await db.query<{ treatment_key: string; reason: string | null; n: number }>(
    `SELECT ds.treatment_key, f.decline_reason AS reason, count(*)::int AS n
     FROM decision_suggestions ds ${rd.joins}
     JOIN offer_status f ON f.decision_id = ds.decision_id AND f.treatment_key = ds.treatment_key
     WHERE ${rd.where} AND NOT ds.control_group AND f.declined
       AND f.created_at >= ${rp.add(filter.period.from)} AND f.created_at < ${rp.add(filter.period.to)}
     GROUP BY 1, 2`,
    rp.values,
  );

  return rows.map((row) => {
    const declinedByReason: Record<string, number> = {};
    for (const r of reasons.rows.filter((r) => r.treatment_key === row.treatment_key)) {
      declinedByReason[r.reason ?? 'unspecified'] = r.n;
    }
    const lift = upliftOf({
      treatedN: row.tn,
      treatedSuccesses: row.ts,
      controlN: row.cn,
      controlSuccesses: row.cs,
    });
    return {
      treatmentKey: row.treatment_key,
      name: row.name,
      kind: row.kind,
      active: row.active,
      suggested: row.suggested,
      offered: row.offered,
      accepted: row.accepted,
      declined: row.declined,
      declinedByReason,
      offerRate: share(row.offered, row.suggested),
      acceptanceRate: share(row.accepted, row.offered),
      acceptanceCi95: wilsonInterval(row.accepted, row.offered),
      uplift: lift?.value ?? null,
      upliftCi95: lift?.ci95 ?? null,
      treatedDecisions: row.tn,
      controlDecisions: row.cn,
      valueDelivered: row.accepted * (row.business_value ?? 0),
    };
  });
}
