import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import { roles } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { scopeOf } from '../supervisor/scope.ts';

export function sessionRoutes(app: FastifyInstance, db: Db): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/whoami',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary: 'Who the token belongs to (the options page checks a token with it)',
        response: { 200: z.object({ role: z.enum(roles), agentName: z.string() }) },
      },
    },
    async (request) => {
      const { role, agentName } = principalOf(request);
      return { role, agentName };
    },
  );

  typed.get(
    '/v1/decisions',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary:
          "Recent decisions with their outcomes, newest first (a supervisor's teams only; " +
          '403 for a supervisor mapped to no team)',
        querystring: z.object({
          agent: z.string().max(200).optional(),
          customerId: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              customerId: z.string(),
              agent: z.string(),
              context: z.string().nullable(),
              controlGroup: z.boolean(),
              noActionReason: z.string().nullable(),
              createdAt: z.string(),
              outcomes: z.array(
                z.object({ id: z.string(), result: z.string(), reason: z.string().nullable() }),
              ),
            }),
          ),
          403: problemSchema,
        },
      },
    },
    async (request) => {
      // The same team scope as /v1/supervisor/*: a decision is its agent's team's.
      const scope = await scopeOf(db, principalOf(request));
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
        [
          request.query.agent ?? null,
          request.query.customerId ?? null,
          request.query.limit,
          scope.teamIds,
        ],
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
    },
  );
}
