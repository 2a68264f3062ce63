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
import { recordOutcome } from '../services/outcomes.ts';

export function outcomeRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/outcomes',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary: 'Record what happened with a decision (idempotent on Idempotency-Key)',
        headers: z.looseObject({ 'idempotency-key': z.string().min(8).max(200) }),
        body: outcomeRequestSchema,
        response: { 200: outcomeResponseSchema, 201: outcomeResponseSchema, 404: problemSchema },
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
}
