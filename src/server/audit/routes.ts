import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import { latestAuditEntries } from './store.ts';

export function auditRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/audit',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'The latest audit log entries, newest first',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          action: z.string().max(100).optional(),
        }),
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              actor: z.string(),
              action: z.string(),
              target: z.string().nullable(),
              details: z.record(z.string(), z.unknown()),
              at: z.string(),
            }),
          ),
        },
      },
    },
    async (request) => {
      return latestAuditEntries(db, request.query);
    },
  );
}
