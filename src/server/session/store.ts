import type { Queryable } from '../db/db.ts';

export interface RecentDecision {
  id: string;
  customerId: string;
  agent: string;
  context: string | null;
  controlGroup: boolean;
  noActionReason: string | null;
  createdAt: string;
  outcomes: { id: string; result: string; reason: string | null }[];
}

/**
 * Decisions newest first with their outcomes (retracted ones left out), narrowed to an agent,
 * a customer and the teams in scope (null: every team; a decision is its agent's team's).
 */
export async function recentDecisions(
  db: Queryable,
  filter: { agent?: string; customerId?: string; limit: number; teamIds: string[] | null },
): Promise<RecentDecision[]> {
  const { rows } = await db.query<{
    id: string;
    customer_id: string;
    agent: string;
    context: string | null;
    control_group: boolean;
    no_action_reason: string | null;
    created_at: Date | string;
    outcomes: { id: string; result: string; reason: string | null }[];
  }>(
    `SELECT d.id::text, c.customer_id, d.agent, d.context, d.control_group, d.no_action_reason,
         d.created_at,
         (SELECT COALESCE(json_agg(json_build_object('id', o.id, 'result', o.result,
            'reason', o.reason) ORDER BY o.received_at), '[]'::json)
          FROM outcomes o WHERE o.decision_id = d.id AND o.retracted_at IS NULL) AS outcomes
       FROM decisions d JOIN customers c ON c.id = d.customer_id
       LEFT JOIN agents a ON a.name = d.agent
       WHERE ($1::text IS NULL OR d.agent = $1) AND ($2::text IS NULL OR c.customer_id = $2)
         AND ($4::bigint[] IS NULL OR a.team_id = ANY($4::bigint[]))
       ORDER BY d.created_at DESC LIMIT $3`,
    [filter.agent ?? null, filter.customerId ?? null, filter.limit, filter.teamIds],
  );
  return rows.map((row) => ({
    id: row.id,
    customerId: row.customer_id,
    agent: row.agent,
    context: row.context,
    controlGroup: row.control_group,
    noActionReason: row.no_action_reason,
    createdAt: new Date(row.created_at).toISOString(),
    outcomes: row.outcomes,
  }));
}
