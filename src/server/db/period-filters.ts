import type { KpiGrouping } from '../../contract/supervisor.ts';
import { Params, weekOf } from './sql-params.ts';
import { type Period } from './periods.ts';

/** What every KPI query is narrowed by. */
export interface PeriodFilter {
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
  /** The customer's current segment (the row's customer_segment, kept by trigger). */
  segment: string;
  time: string;
  channel: string;
}

function groupExpression(groupBy: KpiGrouping | undefined, columns: Columns): string {
  switch (groupBy) {
    case 'agent':
      return columns.agentName;
    case 'team':
      return columns.teamName;
    case 'segment':
      return columns.segment;
    case 'week':
      return weekOf(columns.time);
    case 'channel':
      return columns.channel;
    default:
      return 'NULL::text';
  }
}

/** Team and segment conditions, each starting with AND (empty when not filtered). */
function scopeConditions(
  params: Params,
  filter: PeriodFilter,
  columns: Pick<Columns, 'teamId' | 'segment'>,
): string {
  let sql = '';
  if (filter.teamIds !== null)
    sql += ` AND ${columns.teamId} = ANY(${params.add(filter.teamIds)}::bigint[])`;
  if (filter.segment) sql += ` AND ${columns.segment} = ${params.add(filter.segment)}`;
  return sql;
}

/**
 * Contacts in the period, with their agent (a) and team (t). The customer's current segment is
 * the contact's own customer_segment (kept by trigger from customer_segments: migration 050),
 * so grouping by it stays on the contacts_started_kpi range.
 */
export function contactsInPeriod(params: Params, filter: PeriodFilter) {
  const columns: Columns = {
    agentName: 'a.name',
    teamName: 't.name',
    teamId: 'COALESCE(c.team_id, a.team_id)',
    segment: 'c.customer_segment',
    time: 'c.started_at',
    channel: 'c.channel',
  };
  const from = `contacts c LEFT JOIN agents a ON a.id = c.agent_id
    LEFT JOIN teams t ON t.id = COALESCE(c.team_id, a.team_id)`;
  const where = `c.started_at >= ${params.add(filter.period.from)} AND c.started_at < ${params.add(filter.period.to)}${scopeConditions(params, filter, columns)}`;
  return { from, where, group: groupExpression(filter.groupBy, columns) };
}

/**
 * Rows of `table alias` carrying agent (name), customer_id, customer_segment and created_at
 * (decision_suggestions, offer_status) in the period, with agent (a) and team (t). The segment
 * is the row's customer_segment (kept by trigger from customer_segments: migration 050).
 */
export function decisionsInPeriod(params: Params, filter: PeriodFilter, alias: string) {
  const columns: Columns = {
    agentName: `${alias}.agent`,
    teamName: 't.name',
    teamId: 'a.team_id',
    segment: `${alias}.customer_segment`,
    time: `${alias}.created_at`,
    // A decision's channel is the live interaction it was made in (a call or a chat
    // conversation: interaction_decisions); one made on a record page alone has none.
    channel: `CASE split_part(ix.interaction_key, ':', 1) WHEN 'call' THEN 'phone' WHEN 'chat' THEN 'chat' END`,
  };
  let joins = `LEFT JOIN agents a ON a.name = ${alias}.agent LEFT JOIN teams t ON t.id = a.team_id`;
  if (filter.groupBy === 'channel') {
    joins += ` LEFT JOIN interaction_decisions ix ON ix.decision_id = ${alias}.decision_id`;
  }
  const where = `${alias}.created_at >= ${params.add(filter.period.from)} AND ${alias}.created_at < ${params.add(filter.period.to)}${scopeConditions(params, filter, columns)}`;
  return { joins, where, group: groupExpression(filter.groupBy, columns) };
}

/**
 * Joins offer_status (f, one row per decision and treatment with outcomes, kept by trigger from
 * outcomes: migration 040) to shown suggestions (ds) of decisions in the period. The period on f
 * repeats the one on ds (f copies the decision's time) so only that range of f is read.
 */
export function offerStatusJoin(params: Params, period: Period): string {
  return `LEFT JOIN offer_status f ON f.decision_id = ds.decision_id
    AND f.treatment_key = ds.treatment_key
    AND f.created_at >= ${params.add(period.from)} AND f.created_at < ${params.add(period.to)}`;
}

/** Joins the catalogue (tr) for a treatment's kind. */
export const treatmentKindJoin = (treatmentKey: string) =>
  `LEFT JOIN treatments tr ON tr.key = ${treatmentKey}`;

/** A treatment's kind: the catalogue's, else the one the decision stored with the suggestion. */
export const treatmentKind = (suggestedKind: string) => `COALESCE(tr.kind, ${suggestedKind})`;

/** At risk when the latest scores at or before the decision put churn in the medium or high band. */
export function atRiskAt(customerId: string, time: string): string {
  return `(SELECT s.churn_band FROM score_snapshots s WHERE s.customer_id = ${customerId}
            AND s.computed_at <= ${time} ORDER BY s.computed_at DESC LIMIT 1) IN ('medium', 'high')`;
}
