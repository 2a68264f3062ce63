import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  outcomeRequestSchema,
  outcomeResponseSchema,
  problemSchema,
} from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { OutcomeInFlight, recordOutcome } from '../services/outcomes.ts';

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
      try {
        const outcome = await recordOutcome(db, {
          request: request.body,
          idempotencyKey: request.headers['idempotency-key'],
          agent: principalOf(request).agentName,
        });
        return await reply.code(outcome.duplicate ? 200 : 201).send(outcome);
      } catch (error) {
        // The error handler writes the problem body; headers set here are kept.
        if (error instanceof OutcomeInFlight) {
          reply.header('retry-after', String(error.retryAfterSeconds));
        }
        throw error;
      }
    },
  );
}
