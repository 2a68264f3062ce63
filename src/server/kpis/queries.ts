import type { KpiName } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { Params } from '../db/sql-params.ts';
import type { UpliftCounts } from '../db/rates.ts';
import {
  atRiskAt,
  contactsInPeriod,
  decisionsInPeriod,
  treatmentKind,
  treatmentKindJoin,
  type PeriodFilter,
} from '../db/period-filters.ts';

export interface ShareCounts {
  group: string | null;
  numerator: number;
  denominator: number;
}
export type UpliftRow = UpliftCounts & { group: string | null };

type ShareQuery = (db: Queryable, filter: PeriodFilter) => Promise<ShareCounts[]>;

async function shares(db: Queryable, sql: string, params: Params): Promise<ShareCounts[]> {
  const { rows } = await db.query<{ grp: string | null; num: number; den: number }>(
    sql,
    params.values,
  );
  return rows.map((r) => ({ group: r.grp, numerator: r.num, denominator: r.den }));
}

const csat: ShareQuery = (db, filter) => {
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

const firstContactResolution: ShareQuery = (db, filter) => {
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

const repeatContactRate: ShareQuery = (db, filter) => {
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

const serviceToSales: ShareQuery = async (db, filter) => {
  const p = new Params();
  const c = contactsInPeriod(p, filter);
  const from = p.add(filter.period.from);
  const to = p.add(filter.period.to);
  // Accepted sales offers (few), from 1 hour before the period to 4 hours after it, by customer;
  // each contact of the period is then matched to its customer's list in one hash join, which
  // keeps the contacts on their covering index (a contact's conversion depends only on its
  // customer and start time).
  const sql = `
    WITH sales AS (
      SELECT f.customer_id, array_agg(f.created_at) AS decided_at
      FROM offer_status f ${treatmentKindJoin('f.treatment_key')}
      WHERE f.accepted AND ${treatmentKind('f.suggested_kind')} IN ('cross-sell', 'up-sell')
        AND f.created_at >= ${from}::timestamptz - interval '1 hour'
        AND f.created_at < ${to}::timestamptz + interval '4 hours'
      GROUP BY f.customer_id)
    SELECT ${c.group} AS grp,
      count(*) FILTER (WHERE sales.customer_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM unnest(sales.decided_at) AS d (at)
        WHERE c.started_at BETWEEN d.at - interval '4 hours' AND d.at + interval '1 hour'))::int AS num,
      count(*)::int AS den
    FROM ${c.from} LEFT JOIN sales ON sales.customer_id = c.customer_id
    WHERE ${c.where} AND ${serviceContact} GROUP BY 1`;
  return shares(db, sql, p);
};

const offerRate: ShareQuery = (db, filter) => {
  const p = new Params();
  // Shown suggestions (denominator) and the offered ones among them (numerator, from
  // offer_status.shown) counted apart and summed per group: two range scans, no join.
  const shown = decisionsInPeriod(p, filter, 'ds');
  const offered = decisionsInPeriod(p, filter, 'os');
  const sql = `SELECT grp, sum(num)::int AS num, sum(den)::int AS den FROM (
       SELECT ${shown.group} AS grp, 0 AS num, count(*) AS den
       FROM decision_suggestions ds ${shown.joins}
       WHERE NOT ds.control_group AND ${shown.where} GROUP BY 1
       UNION ALL
       SELECT ${offered.group} AS grp, count(*) AS num, 0 AS den
       FROM offer_status os ${offered.joins}
       WHERE os.shown AND os.offered AND NOT os.control_group AND ${offered.where}
       GROUP BY 1) y
     GROUP BY 1`;
  return shares(db, sql, p);
};

const crossUpSellRatio: ShareQuery = (db, filter) => {
  const p = new Params();
  const d = decisionsInPeriod(p, filter, 'f');
  return shares(
    db,
    `SELECT ${d.group} AS grp, count(*) FILTER (WHERE f.accepted)::int AS num,
       count(*)::int AS den
     FROM offer_status f ${d.joins} ${treatmentKindJoin('f.treatment_key')}
     WHERE f.offered AND ${treatmentKind('f.suggested_kind')} IN ('cross-sell', 'up-sell')
       AND ${d.where} GROUP BY 1`,
    p,
  );
};

/**
 * Days a saved customer must stay active after accepting. Two monthly bills: long enough to
 * tell a save from a delayed cancellation, short enough that a 90-day period shows its first
 * two thirds (a decision counts only once this many days have passed).
 */
export const defectionSaveDays = 60;

const defectionSaves: ShareQuery = (db, filter) => {
  const p = new Params();
  const window = `interval '${defectionSaveDays} days'`;
  const d = decisionsInPeriod(p, filter, 'f');
  const stillActive = `(EXISTS (SELECT 1 FROM transactions x WHERE x.customer_id = f.customer_id
        AND x.occurred_at >= f.accepted_at + ${window})
      OR EXISTS (SELECT 1 FROM contacts y WHERE y.customer_id = f.customer_id
        AND y.started_at >= f.accepted_at + ${window}))`;
  return shares(
    db,
    `SELECT ${d.group} AS grp,
       count(DISTINCT f.customer_id) FILTER (WHERE f.accepted AND ${stillActive})::int AS num,
       count(DISTINCT f.customer_id)::int AS den
     FROM offer_status f ${d.joins} ${treatmentKindJoin('f.treatment_key')}
     WHERE f.offered AND ${treatmentKind('f.suggested_kind')} = 'retention'
       AND f.created_at <= now() - ${window}
       AND CASE WHEN ${treatmentKind('f.suggested_kind')} = 'retention'
         THEN ${atRiskAt('f.customer_id', 'f.created_at')} END
       AND ${d.where} GROUP BY 1`,
    p,
  );
};

/**
 * Conversion = a purchase within 30 days after the decision (decision_purchases, kept by
 * trigger: migration 040); decisions 30+ days old with shown (or withheld) suggestions only.
 */
export async function uplift(db: Queryable, filter: PeriodFilter): Promise<UpliftRow[]> {
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
       SELECT ${d.group} AS grp, dd.control_group, dp.decision_id IS NOT NULL AS converted
       FROM (SELECT DISTINCT ds.decision_id, ds.control_group, ds.agent, ds.customer_id,
               ds.customer_segment, ds.created_at
             FROM decision_suggestions ds
             WHERE ds.created_at >= ${p.add(filter.period.from)} AND ds.created_at < ${p.add(filter.period.to)}
               AND ds.created_at <= now() - interval '30 days') dd
       ${d.joins}
       LEFT JOIN decision_purchases dp ON dp.decision_id = dd.decision_id
         AND dp.created_at >= ${p.add(filter.period.from)} AND dp.created_at < ${p.add(filter.period.to)}
       WHERE ${d.where})
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
