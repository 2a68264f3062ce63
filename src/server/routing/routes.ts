import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { insightsQuerySchema, problemSchema, routingHintSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { ambiguousCustomer, HttpProblem } from '../http/problem.ts';
import { storedRoutingSchema } from '../nba/api-schemas.ts';
import { loadRouting, saveRouting } from '../nba/config-store.ts';
import type { NbaEngine } from '../nba/decide.ts';
import { decisionInputLookupColumnsSql } from '../nba/facts.ts';
import { lookupCustomerProfile } from '../insights/customer-lookup.ts';

const routingAnswerSchema = routingHintSchema.extend({
  customerId: z.string(),
  /** The routing rule that matched; null when the fallback applied. */
  ruleId: z.string().nullable(),
  /** Content hash of the routing config used. */
  routingVersion: z.string(),
});

export function routingRoutes(
  app: FastifyInstance,
  deps: { db: Db; engine: NbaEngine; phoneRegion: string },
): void {
  const { db, engine } = deps;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/v1/routing',
    {
      config: { role: 'csr' },
      schema: {
        tags: ['csr'],
        summary: 'Routing hint (priority, target skill, why) for a queue or ACD to read',
        description:
          'Same identifiers as /v1/insights: crm + type + id, or email, or phone. Records no ' +
          'decision. 404 when no customer matches, 409 with candidates when several do.',
        querystring: insightsQuerySchema,
        response: { 200: routingAnswerSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => {
      // The decision inputs ride along, so the whole read is one statement, as for insights.
      const resolution = await lookupCustomerProfile(
        db,
        request.query,
        deps.phoneRegion,
        new Date(),
        decisionInputLookupColumnsSql,
      );
      if (resolution.status === 'unknown') {
        throw new HttpProblem(404, 'Unknown customer', resolution.detail);
      }
      if (resolution.status === 'ambiguous') throw ambiguousCustomer(resolution.candidates);
      const { profile } = resolution;
      const routed = await engine.routeOnly(db, profile, resolution.row);
      return {
        ...routed.hint,
        customerId: profile.customer.id,
        ruleId: routed.ruleId,
        routingVersion: routed.routingVersion,
      };
    },
  );

  typed.get(
    '/v1/routing-rules',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'The routing config: ordered rules (first active match wins) and the fallback',
        response: { 200: storedRoutingSchema },
      },
    },
    async () => loadRouting(db),
  );

  typed.put(
    '/v1/routing-rules',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Replace the routing config {rules, fallback}, validated and versioned',
        description: '422 names the routing rule and field of every problem.',
        body: z.record(z.string(), z.unknown()),
        response: { 200: storedRoutingSchema, 400: problemSchema, 422: problemSchema },
      },
    },
    async (request) => saveRouting(db, request.body, principalOf(request).agentName),
  );
}
