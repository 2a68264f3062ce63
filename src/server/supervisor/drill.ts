import type { DecisionDrillQuery, DecisionDrillRow } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { decisionsInPeriod, offerStatusJoin, type PeriodFilter } from '../db/period-filters.ts';
import { iso, Params } from '../db/sql-params.ts';

const resultConditions: Record<NonNullable<DecisionDrillQuery['result']>, string> = {
  suggested: 'NOT ds.control_group',
  offered: 'f.offered',
  accepted: 'f.accepted',
  declined: 'f.declined',
  not_offered: 'NOT ds.control_group AND NOT COALESCE(f.offered, false)',
};

/** The decisions and outcomes behind a cell: one row per decision and suggested treatment. */
export async function drillDecisions(
  db: Queryable,
  filter: PeriodFilter,
  query: Pick<DecisionDrillQuery, 'treatment' | 'result' | 'agent' | 'reason' | 'limit'>,
): Promise<DecisionDrillRow[]> {
  const p = new Params();
  const d = decisionsInPeriod(p, filter, 'ds');
  const offers = offerStatusJoin(p, filter.period);
  let where = d.where;
  if (query.treatment) where += ` AND ds.treatment_key = ${p.add(query.treatment)}`;
  if (query.agent) where += ` AND ds.agent = ${p.add(query.agent)}`;
  if (query.result) where += ` AND ${resultConditions[query.result]}`;
  if (query.reason) where += ` AND f.decline_reason = ${p.add(query.reason)}`;
  const { rows } = await db.query<{
    decision_id: string;
    customer_id: string;
    customer_name: string | null;
    segment: string | null;
    agent: string;
    created_at: Date | string;
    control_group: boolean;
    treatment_key: string;
    result: string | null;
    reason: string | null;
    note: string | null;
    last_at: Date | string | null;
  }>(
    `SELECT ds.decision_id::text, cu.customer_id, cu.name AS customer_name,
       ds.customer_segment AS segment, ds.agent, ds.created_at, ds.control_group,
       ds.treatment_key,
       CASE WHEN f.accepted THEN 'accepted' WHEN f.declined THEN 'declined'
            WHEN f.offered THEN 'offered' WHEN f.not_offered THEN 'not_offered' END AS result,
       f.decline_reason AS reason, f.note, f.last_at
     FROM decision_suggestions ds JOIN customers cu ON cu.id = ds.customer_id ${d.joins}
     ${offers}
     WHERE ${where}
     ORDER BY ds.created_at DESC, ds.decision_id, ds.rank LIMIT ${p.add(query.limit ?? 200)}`,
    p.values,
  );
  return rows.map((row) => ({
    decisionId: row.decision_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    segment: row.segment,
    agent: row.agent,
    decidedAt: iso(row.created_at)!,
    controlGroup: row.control_group,
    treatmentKey: row.treatment_key,
    result: row.result,
    reason: row.reason,
    note: row.note,
    outcomeAt: iso(row.last_at),
  }));
}
