import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import { importResults, parseResults } from './results.ts';

const formats: Record<string, 'csv' | 'ndjson'> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};

/** `POST /v1/outcomes/results`: later business results (retained at 90 days, converted, amount). */
export function outcomeResultRoutes(app: FastifyInstance, db: Db): void {
  app.register(async (scope) => {
    // Bytes, not a string: decoding here would turn invalid UTF-8 into U+FFFD unnoticed.
    scope.addContentTypeParser(Object.keys(formats), { parseAs: 'buffer' }, (_r, body, done) =>
      done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/outcomes/results',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['admin'],
          summary: 'Import business results of decisions, all or nothing',
          description:
            'Body: text/csv with header decision_id,kind,amount or application/x-ndjson with ' +
            'those keys (UTF-8, gzip accepted); kind is retained_90d or converted, amount ' +
            'optional. Re-importing a (decision, kind) replaces it; naming one twice in a file ' +
            'is refused. 422 lists line, column and problem.',
          response: {
            200: z.object({ rows: z.int() }),
            415: problemSchema,
            422: problemSchema,
          },
        },
      },
      async (request) => {
        const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
        const format = formats[mediaType.toLowerCase()];
        if (!format || !Buffer.isBuffer(request.body)) {
          throw new HttpProblem(
            415,
            'Unsupported Media Type',
            `Send the results as ${Object.keys(formats).join(', ')}.`,
          );
        }
        const rows = await parseResults(request.body, format);
        return importResults(db, rows, principalOf(request).agentName);
      },
    );
  });
}
