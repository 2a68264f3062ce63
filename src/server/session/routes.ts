import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import { roles } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { scopeOf } from '../teams/scope.ts';
import { recentDecisions } from './store.ts';

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
      return recentDecisions(db, {
        agent: request.query.agent,
        customerId: request.query.customerId,
        limit: request.query.limit,
        teamIds: scope.teamIds,
      });
    },
  );
}
