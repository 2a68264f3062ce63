import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import type { ServerConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import { importKinds } from './rows.ts';
import { runImport } from './run.ts';
import type { ImportFormat } from './source.ts';

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

export function importRoutes(
  app: FastifyInstance,
  { db, config }: { db: Db; config: ServerConfig },
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
}
