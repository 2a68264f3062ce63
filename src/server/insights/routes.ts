import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { insightsQuerySchema, insightsSchema, problemSchema } from '../../contract/index.ts';
import { principalOf } from '../http/auth.ts';
import { getInsights, type InsightsDeps } from './get-insights.ts';

export function insightsRoutes(app: FastifyInstance, deps: InsightsDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/insights',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary: 'Everything the side panel shows for the customer a CRM page refers to',
        description:
          'Give crm + type + id (a CRM record), or email, or phone. Records a decision each call. ' +
          '404 when no customer matches, 409 with candidates when several do.',
        querystring: insightsQuerySchema,
        response: { 200: insightsSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => getInsights(deps, request.query, principalOf(request).agentName),
  );
}
