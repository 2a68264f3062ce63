import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  outcomeRequestSchema,
  outcomeResponseSchema,
  outcomeRetractionRequestSchema,
  outcomeRetractionResponseSchema,
  problemSchema,
} from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { outcomeResultRoutes } from './results-routes.ts';
import { recordOutcome, retractOutcome } from './store.ts';

export function outcomeRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/outcomes',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary:
          "Record what happened with a decision (idempotent on the caller's Idempotency-Key: " +
          'a replay answers 200, the key with another body 422, a replay while the first is ' +
          'still being stored 409 with Retry-After)',
        headers: z.looseObject({ 'idempotency-key': z.string().min(8).max(200) }),
        body: outcomeRequestSchema,
        response: {
          200: outcomeResponseSchema,
          201: outcomeResponseSchema,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const outcome = await recordOutcome(db, {
        request: request.body,
        idempotencyKey: request.headers['idempotency-key'],
        agent: principalOf(request).agentName,
      });
      return reply.code(outcome.duplicate ? 200 : 201).send(outcome);
    },
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/outcomes/retractions',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary:
          'Take back an outcome you recorded (Undo), named by the Idempotency-Key it was sent ' +
          'with: it is kept, marked retracted, and no longer counted anywhere. 201 retracted ' +
          'now, 200 already retracted, 404 no outcome of yours under that key, 409 with ' +
          'Retry-After while that outcome is still being stored',
        body: outcomeRetractionRequestSchema,
        response: {
          200: outcomeRetractionResponseSchema,
          201: outcomeRetractionResponseSchema,
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const retraction = await retractOutcome(db, {
        idempotencyKey: request.body.idempotencyKey,
        retractedAt: request.body.retractedAt,
        agent: principalOf(request).agentName,
      });
      return reply.code(retraction.duplicate ? 200 : 201).send(retraction);
    },
  );

  outcomeResultRoutes(app, db);
}
