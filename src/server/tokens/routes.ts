import type { Readable } from 'node:stream';
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
import type { ServerConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import { importKinds } from '../imports/rows.ts';
import { runImport } from '../imports/run.ts';
import type { ImportFormat } from '../imports/source.ts';

const importResultSchema = z.object({
  kind: z.enum(importKinds),
  format: z.enum(['csv', 'ndjson']),
  rows: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  customersCreated: z.number().int(),
});

const importMediaTypes: Record<string, ImportFormat | undefined> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/gzip': undefined,
  'application/octet-stream': undefined,
};

const tokenInfoSchema = z.object({
  id: z.string(),
  role: z.enum(roles),
  agentName: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export function adminRoutes(
  app: FastifyInstance,
  { db, config, principals }: { db: Db; config: ServerConfig; principals: PrincipalCache },
): void {
  // Import bodies stream straight into the importer, so files of any size never sit in memory.
  app.register(async (scope) => {
    scope.addContentTypeParser(Object.keys(importMediaTypes), (_request, payload, done) =>
      done(null, payload),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/imports/:kind',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['admin'],
          summary: 'Import a CSV or NDJSON file (gzip accepted), all or nothing',
          description:
            'Body: the file, as text/csv or application/x-ndjson (or gzip), UTF-8. A bad row ' +
            'rejects the whole file with 422 listing line, column and problem.',
          params: z.object({ kind: z.enum(importKinds) }),
          response: { 200: importResultSchema, 422: problemSchema },
        },
      },
      async (request) => {
        const mediaType = (request.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        if (!(mediaType in importMediaTypes)) {
          throw new HttpProblem(
            415,
            'Unsupported Media Type',
            `Send the file as ${Object.keys(importMediaTypes).join(', ')}.`,
          );
        }
        return runImport(db, request.params.kind, request.body as Readable, {
          settings: config,
          actor: principalOf(request).agentName,
          format: importMediaTypes[mediaType],
          sourceName: 'the request body',
        });
      },
    );
  });

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
      const { rows } = await db.query<{
        id: string;
        actor: string;
        action: string;
        target: string | null;
        details: Record<string, unknown>;
        at: Date | string;
      }>(
        `SELECT id::text, actor, action, target, details, at FROM audit_log
         WHERE ($2::text IS NULL OR action = $2) ORDER BY id DESC LIMIT $1`,
        [request.query.limit, request.query.action ?? null],
      );
      return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
    },
  );
}
