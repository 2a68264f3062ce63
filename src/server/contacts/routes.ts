import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { contactCreatedSchema, contactCreateSchema, createContact } from './store.ts';

export function contactRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/contacts',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary:
          'Record a contact handled by the calling agent (upsert on contactId; only the agent ' +
          'who created it may change it, others get 403; `team` labels the contact and never ' +
          "changes the agent's team)",
        body: contactCreateSchema,
        response: {
          201: contactCreatedSchema,
          200: contactCreatedSchema,
          403: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await createContact(db, request.body, principalOf(request).agentName);
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );
}
