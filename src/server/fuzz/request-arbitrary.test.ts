import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  describeRequest,
  fastifyPath,
  requestArbitrary,
  tableBody,
  targetsFromOpenApi,
  type FuzzRequest,
  type OpenApiDocument,
} from './request-arbitrary.ts';
import type { JsonSchema } from './schema-arbitrary.ts';

const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const outcomeBody = z.strictObject({
  decisionId: z.string().min(1).max(100),
  result: z.enum(['offered', 'accepted']),
  occurredAt: z.iso.datetime({ offset: true }),
});

/** A document shaped like the one @fastify/swagger serves, with one route of each kind. */
const document: OpenApiDocument = {
  paths: {
    '/v1/outcomes': {
      post: {
        parameters: [
          {
            name: 'idempotency-key',
            in: 'header',
            required: true,
            schema: { type: 'string', minLength: 8, maxLength: 200 },
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaOf(outcomeBody) } },
        },
      },
    },
    '/v1/tokens/{id}': {
      delete: {
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^[1-9][0-9]{0,17}$' },
          },
        ],
      },
    },
    '/v1/decisions': {
      get: {
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          { name: 'agent', in: 'query', schema: { type: 'string', maxLength: 200 } },
        ],
      },
    },
  },
};

const [outcomes, revoke, decisions] = targetsFromOpenApi(document);

/** How Fastify would read the query: a strict UTF-8 decode of each percent-encoded value. */
function strictQuery(url: string): Record<string, string> {
  const query = url.split('?')[1] ?? '';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (text: string) =>
    decoder.decode(
      Uint8Array.from(
        (text.match(/%[0-9A-F]{2}|[^%]/g) ?? []).map((piece) =>
          piece.startsWith('%') ? parseInt(piece.slice(1), 16) : piece.charCodeAt(0),
        ),
      ),
    );
  return Object.fromEntries(
    query
      .split('&')
      .filter(Boolean)
      .map((pair) => pair.split('=').map(decode) as [string, string]),
  );
}

describe('request arbitraries', () => {
  it('reads methods, paths, parameters and JSON bodies from the document', () => {
    expect(outcomes).toMatchObject({ method: 'POST', path: '/v1/outcomes' });
    expect(outcomes!.json?.contentTypes).toEqual(['application/json']);
    expect(revoke).toMatchObject({ method: 'DELETE', path: '/v1/tokens/{id}' });
    expect(fastifyPath(revoke!.path)).toBe('/v1/tokens/:id');
  });

  it('builds valid requests the schema and a strict UTF-8 reader accept', () => {
    fc.assert(
      fc.property(
        requestArbitrary(outcomes!, { valid: true }),
        requestArbitrary(revoke!, { valid: true }),
        requestArbitrary(decisions!, { valid: true }),
        (outcome: FuzzRequest, revocation: FuzzRequest, listing: FuzzRequest) => {
          expect(outcome.broken).toEqual([]);
          expect(outcome.headers['content-type']).toMatch(/^application\/json/);
          const key = outcome.headers['idempotency-key']!;
          expect(key.length).toBeGreaterThanOrEqual(8);
          const body = new TextDecoder('utf-8', { fatal: true }).decode(outcome.payload);
          expect(outcomeBody.safeParse(JSON.parse(body)).success, body).toBe(true);
          expect(revocation.url).toMatch(/^\/v1\/tokens\/[1-9][0-9]{0,17}$/);
          const query = strictQuery(listing.url);
          if (query.limit !== undefined) expect(Number(query.limit)).toBeGreaterThanOrEqual(1);
          expect(Object.keys(query).every((k) => k === 'limit' || k === 'agent')).toBe(true);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('uses a target’s own examples in place of the shared ones', () => {
    const seen = fc.sample(
      requestArbitrary(
        { ...revoke!, examples: { id: ['4242'] } },
        { valid: true, examples: () => ['1717'] },
      ),
      { numRuns: 300, seed: 8 },
    );
    const urls = seen.map((request) => request.url);
    expect(urls).toContain('/v1/tokens/4242');
    expect(urls).not.toContain('/v1/tokens/1717');
  });

  it('breaks every part of a request somewhere among the invalid ones, and says which', () => {
    const samples = fc.sample(requestArbitrary(outcomes!, { valid: false }), {
      numRuns: 600,
      seed: 9,
    });
    const broken = new Set(
      samples.flatMap((request) => request.broken.map((b) => b.split(':')[0])),
    );
    // Unknown or badly encoded query parameters too, though the route declares none.
    expect([...broken].sort()).toEqual(['body', 'header', 'query']);
    const kinds = new Set(samples.flatMap((request) => request.broken));
    for (const kind of ['body:value', 'body:malformed', 'body:content-type', 'body:utf-8']) {
      expect(kinds).toContain(kind);
    }
    expect(samples.some((request) => request.headers['idempotency-key'] === undefined)).toBe(true);
    const paths = fc.sample(requestArbitrary(revoke!, { valid: false }), {
      numRuns: 300,
      seed: 10,
    });
    expect(paths.some((request) => request.url === '/v1/tokens/%')).toBe(true);
    const queries = fc.sample(requestArbitrary(decisions!, { valid: false }), {
      numRuns: 300,
      seed: 11,
    });
    expect(queries.some((request) => request.broken.includes('query:limit'))).toBe(true);
    expect(queries.some((request) => request.broken.includes('query:encoding'))).toBe(true);
  });

  it('writes upload files as CSV, NDJSON or gzip with the columns asked for', () => {
    const table = tableBody(
      {
        required: ['customer_id'],
        optional: ['name'],
        cell: (column) => fc.constant(column === 'customer_id' ? 'C1' : 'Ada, "the" first'),
        csvTypes: ['text/csv'],
        ndjsonTypes: ['application/x-ndjson'],
        gzipTypes: ['application/gzip'],
      },
      true,
    );
    for (const { value } of fc.sample(table, { numRuns: 100, seed: 12 })) {
      const bytes =
        value.contentType === 'application/gzip' ? gunzipSync(value.body!) : value.body!;
      const text = bytes.toString('utf8');
      if (text.startsWith('customer_id')) {
        expect(text.split('\n')[1]).toMatch(/^C1(,"Ada, ""the"" first")?$/);
      } else {
        expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ customer_id: 'C1' });
      }
    }
  });

  it('describes a request with its body cut short', () => {
    const text = describeRequest(
      {
        method: 'POST',
        url: '/v1/x',
        headers: {},
        payload: Buffer.from('a'.repeat(2000)),
        broken: ['body:value'],
        strangeAuthorization: 'Bearer x',
      },
      'Bearer t',
    );
    expect(text).toContain('2000 bytes');
    expect(text).toContain('"authorization":"Bearer t"');
    expect(text).toContain('broken: body:value');
  });
});
