import type { TreatmentReviewRow } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { decisionsInPeriod, offerStatusJoin, type PeriodFilter } from '../db/period-filters.ts';
import { Params } from '../db/sql-params.ts';
import { share, upliftOf, wilsonInterval } from '../db/rates.ts';

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
  filter: PeriodFilter,
): Promise<TreatmentReviewRow[]> {
  const p = new Params();
  const d = decisionsInPeriod(p, filter, 'ds');
  // Offer status and purchases come from the tables migration 040 keeps by trigger. One pass:
  // rows per treatment and, for declined offers, per reason; summed per treatment below.
  const { rows } = await db.query<ReviewCounts & { declined_reason: string | null }>(
    `WITH measured AS (
       SELECT ds.treatment_key, ds.control_group, f.offered, f.accepted, f.declined,
         CASE WHEN f.declined AND NOT ds.control_group THEN f.decline_reason END AS declined_reason,
         ds.created_at <= now() - interval '30 days' AS matured,
         dp.decision_id IS NOT NULL AS converted
       FROM decision_suggestions ds ${d.joins} ${offerStatusJoin(p, filter.period)}
       LEFT JOIN decision_purchases dp ON dp.decision_id = ds.decision_id
         AND dp.created_at >= ${p.add(filter.period.from)} AND dp.created_at < ${p.add(filter.period.to)}
       WHERE ${d.where})
     SELECT m.treatment_key, m.declined_reason, tr.name, tr.kind, tr.active,
       tr.business_value::float8 AS business_value,
       count(*) FILTER (WHERE NOT m.control_group)::int AS suggested,
       count(*) FILTER (WHERE NOT m.control_group AND m.offered)::int AS offered,
       count(*) FILTER (WHERE NOT m.control_group AND m.accepted)::int AS accepted,
       count(*) FILTER (WHERE NOT m.control_group AND m.declined)::int AS declined,
       count(*) FILTER (WHERE NOT m.control_group AND m.matured)::int AS tn,
       count(*) FILTER (WHERE NOT m.control_group AND m.matured AND m.converted)::int AS ts,
       count(*) FILTER (WHERE m.control_group AND m.matured)::int AS cn,
       count(*) FILTER (WHERE m.control_group AND m.matured AND m.converted)::int AS cs
     FROM measured m LEFT JOIN treatments tr ON tr.key = m.treatment_key
     GROUP BY m.treatment_key, m.declined_reason, tr.name, tr.kind, tr.active, tr.business_value
     ORDER BY m.treatment_key`,
    p.values,
  );

  const counted = ['suggested', 'offered', 'accepted', 'declined', 'tn', 'ts', 'cn', 'cs'] as const;
  const byTreatment = new Map<
    string,
    ReviewCounts & { declinedByReason: Record<string, number> }
  >();
  for (const { declined_reason: reason, ...part } of rows) {
    let row = byTreatment.get(part.treatment_key);
    if (!row) {
      row = { ...part, declinedByReason: {} };
      byTreatment.set(part.treatment_key, row);
    } else {
      for (const key of counted) row[key] += part[key];
    }
    // Declined offers are grouped by their reason (null reason: 'unspecified').
    if (part.declined > 0) row.declinedByReason[reason ?? 'unspecified'] = part.declined;
  }

  return [...byTreatment.values()].map((row) => {
    const declinedByReason = row.declinedByReason;
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
