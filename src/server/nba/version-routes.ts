import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import { itemKinds, listVersions } from './version-store.ts';

/** `GET /v1/nba/versions`: the change history of treatments, rules, routing and settings. */
export function nbaVersionRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/nba/versions',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary: 'Change history of the catalogue, rules, routing and settings, newest first',
        querystring: z.object({
          kind: z.enum(itemKinds).optional(),
          id: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.array(
            z.object({
              kind: z.enum(itemKinds),
              id: z.string(),
              version: z.int(),
              change: z.string(),
              changedBy: z.string(),
              changedAt: z.string(),
              ruleSetVersion: z.string().nullable(),
              definition: z.unknown(),
            }),
          ),
        },
      },
    },
    async (request) => {
      return listVersions(db, {
        kind: request.query.kind,
        id: request.query.id,
        limit: request.query.limit,
      });
    },
  );
}
