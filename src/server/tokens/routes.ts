import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import {
  createToken,
  listTokens,
  revokeToken,
  revokeTokens,
  roles,
  type PrincipalCache,
} from './store.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { HttpProblem } from '../http/problem.ts';

const tokenInfoSchema = z.object({
  id: z.string(),
  role: z.enum(roles),
  agentName: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export function tokenRoutes(
  app: FastifyInstance,
  { db, principals }: { db: Db; principals: PrincipalCache },
): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Issue a bearer token; the token is shown once and stored only as a hash',
        description:
          '`teams` puts a csr in that one team (created when new) or sets the teams a ' +
          'supervisor sees (each must exist; replaces their list). An admin sees every team.',
        body: z.strictObject({
          role: z.enum(roles),
          name: z.string().trim().min(1).max(200),
          teams: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
        }),
        response: {
          201: z.object({
            token: z.string(),
            role: z.enum(roles),
            agentName: z.string(),
            teams: z.array(z.string()).optional(),
            teamsCreated: z.array(z.string()).optional(),
          }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const created = await createToken(db, {
        role: request.body.role,
        agentName: request.body.name,
        actor: principalOf(request).agentName,
        teams: request.body.teams,
      });
      return reply.code(201).send(created);
    },
  );

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Tokens issued (never the token or its hash), oldest first',
        querystring: z.object({
          agent: z.string().trim().min(1).max(200).optional(),
          includeRevoked: z
            .enum(['true', 'false'])
            .default('false')
            .transform((value) => value === 'true'),
        }),
        response: { 200: z.array(tokenInfoSchema) },
      },
    },
    async (request) =>
      listTokens(db, {
        agentName: request.query.agent,
        includeRevoked: request.query.includeRevoked,
      }),
  );

  app.withTypeProvider<ZodTypeProvider>().delete(
    '/v1/tokens/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke a token; it is refused from the next request on',
        description: 'Answers 409 when the token was revoked already (nothing changes then).',
        params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'a token id') }),
        response: { 200: tokenInfoSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const result = await revokeToken(db, id, principalOf(request).agentName);
      principals.clear();
      if (result.status === 'unknown') {
        throw new HttpProblem(404, 'Not Found', `No token has id ${id}.`);
      }
      if (result.status === 'already') {
        throw new HttpProblem(
          409,
          'Conflict',
          `Token ${id} was already revoked at ${result.token.revokedAt}.`,
        );
      }
      return result.token;
    },
  );

  app.withTypeProvider<ZodTypeProvider>().delete(
    '/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke every active token of an agent (someone who left, a lost laptop)',
        querystring: z.object({ agent: z.string().trim().min(1).max(200) }),
        response: { 200: z.array(tokenInfoSchema) },
      },
    },
    async (request) => {
      const revoked = await revokeTokens(
        db,
        { agentName: request.query.agent },
        principalOf(request).agentName,
      );
      principals.clear();
      return revoked;
    },
  );
}
