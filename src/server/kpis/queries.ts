import type { KpiName } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { Params } from '../supervisor/sql.ts';
import type { UpliftCounts } from '../supervisor/stats.ts';
import {
  atRiskAt,
  contactsInPeriod,
  decisionsInPeriod,
  offerStatusCte,
  treatmentKind,
  treatmentKindJoin,
  type KpiFilter,
} from './filters.ts';

export interface ShareCounts {
  group: string | null;
  numerator: number;
  denominator: number;
}
export type UpliftRow = UpliftCounts & { group: string | null };

type ShareQuery = (db: Queryable, filter: KpiFilter) => Promise<ShareCounts[]>;

async function shares(db: Queryable, sql: string, params: Params): Promise<ShareCounts[]> {
  const { rows } = await db.query<{ grp: string | null; num: number; den: number }>(
    sql,
    params.values,
  );
  return rows.map((r) => ({ group: r.grp, numerator: r.num, denominator: r.den }));
}

export const csat: ShareQuery = (db, filter) => {
  const p = new Params();
  const c = contactsInPeriod(p, filter);
  return shares(
    db,
    `SELECT ${c.group} AS grp, count(*) FILTER (WHERE c.csat >= 4)::int AS num,
       count(c.csat)::int AS den
     FROM ${c.from} WHERE ${c.where} GROUP BY 1`,
    p,
  );
};

export const firstContactResolution: ShareQuery = (db, filter) => {
  const p = new Params();
  const c = contactsInPeriod(p, filter);
  return shares(
    db,
    `SELECT ${c.group} AS grp,
       count(*) FILTER (WHERE c.resolved_first_contact AND (c.next_contact_at IS NULL
         OR c.next_contact_at > c.started_at + interval '7 days'))::int AS num,
       count(*)::int AS den
     FROM ${c.from} WHERE ${c.where} GROUP BY 1`,
    p,
  );
};

export const repeatContactRate: ShareQuery = (db, filter) => {
  const p = new Params();
  const c = contactsInPeriod(p, filter);
  return shares(
    db,
    `SELECT ${c.group} AS grp,
       count(*) FILTER (WHERE c.next_contact_at <= c.started_at + interval '7 days')::int AS num,
       count(*)::int AS den
     FROM ${c.from} WHERE ${c.where} GROUP BY 1`,
    p,
  );
};

const serviceContact = `(c.reason IS NULL OR c.reason NOT ILIKE '%sale%')`;

export const serviceToSales: ShareQuery = async (db, filter) => {
  const p = new Params();
  const c = contactsInPeriod(p, filter);
  // Start from accepted sales offers (few) and find their contact, rather than probing for an
  // offer behind every contact (many).
  const sql = `
    WITH converted AS (
      SELECT DISTINCT sc.id
      FROM decisions d
      JOIN outcomes o ON o.decision_id = d.id AND o.result = 'accepted'
      ${treatmentKindJoin('o.treatment_key')}
      JOIN contacts sc ON sc.customer_id = d.customer_id
        AND sc.started_at BETWEEN d.created_at - interval '4 hours' AND d.created_at + interval '1 hour'
      WHERE ${treatmentKind('o.decision_id', 'o.treatment_key')} IN ('cross-sell', 'up-sell')
        AND d.created_at >= ${p.add(filter.period.from)}::timestamptz - interval '1 hour'
        AND d.created_at < ${p.add(filter.period.to)}::timestamptz + interval '4 hours')
    SELECT ${c.group} AS grp, count(cv.id)::int AS num, count(*)::int AS den
    FROM ${c.from} LEFT JOIN converted cv ON cv.id = c.id
    WHERE ${c.where} AND ${serviceContact} GROUP BY 1`;
  return shares(db, sql, p);
};

export const offerRate: ShareQuery = (db, filter) => {
  const p = new Params();
  const cte = offerStatusCte(p, filter.period);
  const d = decisionsInPeriod(p, filter, 'ds');
  return shares(
    db,
    `WITH ${cte}
     SELECT ${d.group} AS grp, count(*) FILTER (WHERE f.offered)::int AS num, count(*)::int AS den
     FROM decision_suggestions ds ${d.joins}
     LEFT JOIN offer_status f ON f.decision_id = ds.decision_id AND f.treatment_key = ds.treatment_key
     WHERE NOT ds.control_group AND ${d.where} GROUP BY 1`,
    p,
  );
};

export const crossUpSellRatio: ShareQuery = (db, filter) => {
  const p = new Params();
  const cte = offerStatusCte(p, filter.period);
  const d = decisionsInPeriod(p, filter, 'dd');
  return shares(
    db,
    `WITH ${cte}
     SELECT ${d.group} AS grp, count(*) FILTER (WHERE f.accepted)::int AS num, count(*)::int AS den
     FROM offer_status f JOIN decisions dd ON dd.id = f.decision_id ${d.joins}
     ${treatmentKindJoin('f.treatment_key')}
     WHERE f.offered AND ${treatmentKind('f.decision_id', 'f.treatment_key')} IN ('cross-sell', 'up-sell') AND ${d.where} GROUP BY 1`,
    p,
  );
};

export const defectionSaves: ShareQuery = (db, filter) => {
  const p = new Params();
  const cte = offerStatusCte(p, filter.period);
  const d = decisionsInPeriod(p, filter, 'dd');
  const stillActive = `(EXISTS (SELECT 1 FROM transactions x WHERE x.customer_id = dd.customer_id
        AND x.occurred_at >= f.accepted_at + interval '90 days')
      OR EXISTS (SELECT 1 FROM contacts y WHERE y.customer_id = dd.customer_id
        AND y.started_at >= f.accepted_at + interval '90 days'))`;
  return shares(
    db,
    `WITH ${cte}
     SELECT ${d.group} AS grp,
       count(DISTINCT dd.customer_id) FILTER (WHERE f.accepted AND ${stillActive})::int AS num,
       count(DISTINCT dd.customer_id)::int AS den
     FROM offer_status f JOIN decisions dd ON dd.id = f.decision_id ${d.joins}
     ${treatmentKindJoin('f.treatment_key')}
     WHERE f.offered AND ${treatmentKind('f.decision_id', 'f.treatment_key')} = 'retention'
       AND dd.created_at <= now() - interval '90 days'
       AND ${atRiskAt('dd.customer_id', 'dd.created_at')}
       AND ${d.where} GROUP BY 1`,
    p,
  );
};

/** Conversion = a purchase within 30 days after the decision; decisions 30+ days old only. */
export async function uplift(db: Queryable, filter: KpiFilter): Promise<UpliftRow[]> {
  const p = new Params();
  const d = decisionsInPeriod(p, filter, 'dd');
  const { rows } = await db.query<{
    grp: string | null;
    tn: number;
    ts: number;
    cn: number;
    cs: number;
  }>(
    `WITH measured AS (
       SELECT ${d.group} AS grp, dd.control_group,
         EXISTS (SELECT 1 FROM transactions x WHERE x.customer_id = dd.customer_id
           AND x.occurred_at > dd.created_at AND x.occurred_at <= dd.created_at + interval '30 days') AS converted
       FROM decisions dd ${d.joins}
       WHERE ${d.where} AND dd.created_at <= now() - interval '30 days'
         AND EXISTS (SELECT 1 FROM decision_suggestions ds WHERE ds.decision_id = dd.id))
     SELECT grp,
       count(*) FILTER (WHERE NOT control_group)::int AS tn,
       count(*) FILTER (WHERE NOT control_group AND converted)::int AS ts,
       count(*) FILTER (WHERE control_group)::int AS cn,
       count(*) FILTER (WHERE control_group AND converted)::int AS cs
     FROM measured GROUP BY 1`,
    p.values,
  );
  return rows.map((r) => ({
    group: r.grp,
    treatedN: r.tn,
    treatedSuccesses: r.ts,
    controlN: r.cn,
    controlSuccesses: r.cs,
  }));
}

export const shareQueries: Record<Exclude<KpiName, 'uplift'>, ShareQuery> = {
  csat,
  firstContactResolution,
  repeatContactRate,
  defectionSaves,
  serviceToSales,
  crossUpSellRatio,
  offerRate,
};
