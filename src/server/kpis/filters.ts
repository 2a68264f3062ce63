import type { KpiGrouping } from '../../contract/supervisor.ts';
import { Params, segmentOf, weekOf, type Period } from '../supervisor/sql.ts';

/** What every KPI query is narrowed by. */
export interface KpiFilter {
  period: Period;
  /** Team ids (text); null: every team. */
  teamIds: string[] | null;
  segment?: string;
  groupBy?: KpiGrouping;
}

interface Columns {
  agentName: string;
  teamName: string;
  teamId: string;
  customerId: string;
  time: string;
}

export function groupExpression(groupBy: KpiGrouping | undefined, columns: Columns): string {
  switch (groupBy) {
    case 'agent':
      return columns.agentName;
    case 'team':
      return columns.teamName;
    case 'segment':
      return segmentOf(columns.customerId);
    case 'week':
      return weekOf(columns.time);
    default:
      return 'NULL::text';
  }
}

/** Team and segment conditions, each starting with AND (empty when not filtered). */
export function scopeConditions(
  params: Params,
  filter: KpiFilter,
  columns: Pick<Columns, 'teamId' | 'customerId'>,
): string {
  let sql = '';
  if (filter.teamIds !== null)
    sql += ` AND ${columns.teamId} = ANY(${params.add(filter.teamIds)}::bigint[])`;
  if (filter.segment)
    sql += ` AND ${segmentOf(columns.customerId)} = ${params.add(filter.segment)}`;
  return sql;
}

/** Contacts in the period, with their agent (a) and team (t). */
export function contactsInPeriod(params: Params, filter: KpiFilter) {
  const columns: Columns = {
    agentName: 'a.name',
    teamName: 't.name',
    teamId: 'COALESCE(c.team_id, a.team_id)',
    customerId: 'c.customer_id',
    time: 'c.started_at',
  };
  const from = `contacts c LEFT JOIN agents a ON a.id = c.agent_id
    LEFT JOIN teams t ON t.id = COALESCE(c.team_id, a.team_id)`;
  const where = `c.started_at >= ${params.add(filter.period.from)} AND c.started_at < ${params.add(filter.period.to)}${scopeConditions(params, filter, columns)}`;
  return { from, where, group: groupExpression(filter.groupBy, columns) };
}

/**
 * Rows of `table alias` carrying agent (name), customer_id and created_at (decisions or
 * decision_suggestions) in the period, with agent (a) and team (t).
 */
export function decisionsInPeriod(params: Params, filter: KpiFilter, alias: string) {
  const columns: Columns = {
    agentName: `${alias}.agent`,
    teamName: 't.name',
    teamId: 'a.team_id',
    customerId: `${alias}.customer_id`,
    time: `${alias}.created_at`,
  };
  const joins = `LEFT JOIN agents a ON a.name = ${alias}.agent LEFT JOIN teams t ON t.id = a.team_id`;
  const where = `${alias}.created_at >= ${params.add(filter.period.from)} AND ${alias}.created_at < ${params.add(filter.period.to)}${scopeConditions(params, filter, columns)}`;
  return { joins, where, group: groupExpression(filter.groupBy, columns) };
}

/**
 * One row per decision and treatment with outcomes recorded, for decisions in the period:
 * offered when any outcome says offered, accepted or declined; declined only if never accepted.
 */
export function offerStatusCte(params: Params, period: Period): string {
  return `offer_status AS (
    SELECT o.decision_id, o.treatment_key,
      bool_or(o.result IN ('offered', 'accepted', 'declined')) AS offered,
      bool_or(o.result = 'accepted') AS accepted,
      bool_or(o.result = 'declined') AND NOT bool_or(o.result = 'accepted') AS declined,
      bool_or(o.result = 'not_offered') AND NOT bool_or(o.result IN ('offered', 'accepted', 'declined')) AS not_offered,
      (array_agg(o.reason ORDER BY o.occurred_at DESC) FILTER (WHERE o.result = 'declined'))[1] AS decline_reason,
      (array_agg(o.note ORDER BY o.occurred_at DESC) FILTER (WHERE o.note IS NOT NULL))[1] AS note,
      min(o.occurred_at) FILTER (WHERE o.result = 'accepted') AS accepted_at,
      max(o.occurred_at) AS last_at
    FROM decisions od JOIN outcomes o ON o.decision_id = od.id
    WHERE od.created_at >= ${params.add(period.from)} AND od.created_at < ${params.add(period.to)}
      AND o.treatment_key IS NOT NULL
    GROUP BY o.decision_id, o.treatment_key)`;
}

/** Joins the catalogue (tr) for a treatment's kind. */
export const treatmentKindJoin = (treatmentKey: string) =>
  `LEFT JOIN treatments tr ON tr.key = ${treatmentKey}`;

/**
 * A treatment's kind: the catalogue's, else what the decision stored. COALESCE stops at the
 * catalogue's kind, so the per-row lookup runs only for treatments missing from it.
 */
export const treatmentKind = (decisionId: string, treatmentKey: string) =>
  `COALESCE(tr.kind, (SELECT dk.kind FROM decision_suggestions dk
     WHERE dk.decision_id = ${decisionId} AND dk.treatment_key = ${treatmentKey}))`;

/** At risk when the latest scores at or before the decision put churn in the medium or high band. */
export function atRiskAt(customerId: string, time: string): string {
  return `(SELECT s.churn_band FROM score_snapshots s WHERE s.customer_id = ${customerId}
            AND s.computed_at <= ${time} ORDER BY s.computed_at DESC LIMIT 1) IN ('medium', 'high')`;
}
