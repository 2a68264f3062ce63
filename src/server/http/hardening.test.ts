import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemSchema } from '../../contract/index.ts';
import type { Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

function expectProblem(response: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}) {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = problemSchema.parse(JSON.parse(response.body));
  expect(problem.status).toBe(response.statusCode);
  return problem;
}

/** A concrete URL for an OpenAPI path: every `{param}` gets a plain value. */
function concretePath(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'x1');
}

const webhookSecret = 'hardening-webhook-secret-0123456789';

describe.each(testDatabases())('request text on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;
  let openapi: OpenAPIV3.Document;

  beforeAll(async () => {
    db = await target.open();
    // Every webhook on, so its JSON body is read (an unconfigured one answers 404 first).
    ({ app, auth } = await appWithTokens(db, {
      aircallWebhookToken: webhookSecret,
      connectApiKey: webhookSecret,
      dialpadWebhookSecret: webhookSecret,
      twilioAuthToken: webhookSecret,
    }));
    await importText(db, 'customers', 'customer_id,name,email\nC1,Ada,ada@example.com\n');
    openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const operations = () =>
    Object.entries(openapi.paths).flatMap(([path, item]) =>
      (['get', 'post', 'put', 'patch', 'delete'] as const)
        .filter((method) => item?.[method])
        .map((method) => ({ path, method, operation: item![method]! })),
    );

  it('refuses a NUL in any query parameter of any route with a 400 naming it', async () => {
    const checked: string[] = [];
    for (const { path, method, operation } of operations()) {
      const queryParameters = (operation.parameters ?? []).filter(
        (parameter): parameter is OpenAPIV3.ParameterObject =>
          'in' in parameter && parameter.in === 'query',
      );
      for (const parameter of queryParameters) {
        const response = await app.inject({
          method: method.toUpperCase() as 'GET',
          url: `${concretePath(path)}?${encodeURIComponent(parameter.name)}=a%00b`,
          headers: auth('admin'),
        });
        expect(response.statusCode, `${method} ${path} ?${parameter.name}`).toBe(400);
        expect(expectProblem(response).detail).toContain(`query.${parameter.name}`);
        checked.push(`${method} ${path} ${parameter.name}`);
      }
    }
    // The API has dozens of query parameters; an empty walk would prove nothing.
    expect(checked.length).toBeGreaterThan(20);
  });

  it('refuses a NUL in any top-level text field of any JSON body with a 400 naming it', async () => {
    const checked: string[] = [];
    for (const { path, method, operation } of operations()) {
      const body = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
      const schema = body?.content['application/json']?.schema as
        OpenAPIV3.SchemaObject | undefined;
      for (const [field, fieldSchema] of Object.entries(schema?.properties ?? {})) {
        if ((fieldSchema as OpenAPIV3.SchemaObject).type !== 'string') continue;
        const response = await app.inject({
          method: method.toUpperCase() as 'POST',
          url: concretePath(path),
          headers: {
            ...auth('admin'),
            'idempotency-key': 'nul-check-0001',
            // Amazon Connect's EventBridge connection sends its API key in this header.
            'x-loopdesk-key': webhookSecret,
          },
          payload: { [field]: 'a\u0000b' },
        });
        expect(response.statusCode, `${method} ${path} ${field}`).toBe(400);
        expect(expectProblem(response).detail).toContain(`body.${field}`);
        checked.push(`${method} ${path} ${field}`);
      }
    }
    expect(checked.length).toBeGreaterThan(5);
  });

  it('refuses query values that are not UTF-8 once percent-decoded, naming the parameter', async () => {
    for (const value of ['%E9t%E9', 'a%ffb', 'a%zzb', '%C3']) {
      const response = await app.inject({
        method: 'GET',
        url: `/v1/insights?email=${value}`,
        headers: auth('csr'),
      });
      expect(response.statusCode, value).toBe(400);
      expect(expectProblem(response).detail).toBe(
        'query.email: is not valid UTF-8 percent-encoding',
      );
    }
    const good = await app.inject({
      method: 'GET',
      url: `/v1/insights?email=${encodeURIComponent('ada@example.com')}`,
      headers: auth('csr'),
    });
    expect(good.statusCode).toBe(200);
  });

  it('refuses a JSON body that is not UTF-8 or holds an unpaired surrogate, and stores nothing', async () => {
    const contactsBefore = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts');
    const contact = (contactId: string) =>
      JSON.stringify({
        contactId,
        customerId: 'C1',
        channel: 'phone',
        startedAt: '2026-01-05T10:00:00Z',
      });
    // é written as one Latin-1 byte (0xE9), as a misconfigured client would send it.
    const latin1 = Buffer.from(contact('CT-\u00e9'), 'latin1');
    const notUtf8 = await app.inject({
      method: 'POST',
      url: '/v1/contacts',
      headers: { ...auth('csr'), 'content-type': 'application/json' },
      payload: latin1,
    });
    expect(notUtf8.statusCode).toBe(400);
    expect(expectProblem(notUtf8).detail).toBe('body: is not valid UTF-8');

    const surrogate = await app.inject({
      method: 'POST',
      url: '/v1/contacts',
      headers: { ...auth('csr'), 'content-type': 'application/json' },
      // The JSON escape of half a surrogate pair: valid JSON, not storable text.
      payload: contact('CT-SURROGATE').replace('SURROGATE', '\\ud800x'),
    });
    expect(surrogate.statusCode).toBe(400);
    expect(expectProblem(surrogate).detail).toMatch(/^body\.contactId: is not valid UTF-8/);

    const contactsAfter = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts');
    expect(contactsAfter.rows[0]!.n).toBe(contactsBefore.rows[0]!.n);

    const wellFormed = await app.inject({
      method: 'POST',
      url: '/v1/contacts',
      headers: auth('csr'),
      payload: JSON.parse(contact('CT-\u00e9t\u00e9 \ud83d\udcde')) as object,
    });
    expect(wellFormed.statusCode).toBeLessThan(300);
  });

  it('keeps refusing prototype-poisoning JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/contacts',
      headers: { ...auth('csr'), 'content-type': 'application/json' },
      payload: '{"__proto__":{"admin":true}}',
    });
    expect(response.statusCode).toBe(400);
    expectProblem(response);
  });
});

describe.each(testDatabases())('refused tokens on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;
  const limit = 5;

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db, {
      authFailuresPer15Minutes: limit,
      trustedProxies: ['127.0.0.1'],
    }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const whoami = (headers: Record<string, string>, client: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { ...headers, 'x-forwarded-for': client },
    });
  const guess = (client: string, n: number) =>
    whoami({ authorization: `Bearer ld_csr_guess${n}` }, client);

  it('throttles an address that keeps sending unknown tokens, without shutting out CSRs behind it', async () => {
    const nat = '203.0.113.7';
    // A CSR at the same contact-center address is working before the guessing starts.
    expect((await whoami(auth('csr'), nat)).statusCode).toBe(200);

    for (let n = 0; n < limit; n += 1) expect((await guess(nat, n)).statusCode).toBe(401);
    const throttled = await guess(nat, limit);
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(expectProblem(throttled).detail).toMatch(/Too many refused tokens from this address/);

    // Every new guess is throttled, whatever the token.
    expect((await guess(nat, limit + 1)).statusCode).toBe(429);
    // The CSR who authenticated lately still gets through from the throttled address.
    expect((await whoami(auth('csr'), nat)).statusCode).toBe(200);
    // Another address is not affected by this one's guesses.
    expect((await guess('198.51.100.9', 0)).statusCode).toBe(401);
  });

  it('counts each client behind a trusted proxy apart, not the proxy', async () => {
    for (let n = 0; n < limit; n += 1) await guess('192.0.2.1', n);
    expect((await guess('192.0.2.1', 99)).statusCode).toBe(429);
    expect((await guess('192.0.2.2', 0)).statusCode).toBe(401);
  });
});

describe.each(testDatabases())('security headers on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('marks API answers, errors included, as not sniffable and not to be stored', async () => {
    for (const headers of [auth('csr'), {}]) {
      const response = await app.inject({ method: 'GET', url: '/v1/whoami', headers });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('gives the API docs a content security policy of their own that still runs Swagger UI', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toMatch(/script-src 'self'/);
    expect(policy).toMatch(/object-src 'none'/);
    expect(policy).not.toMatch(/upgrade-insecure-requests/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe.each(testDatabases().slice(0, 1))('deeply nested bodies on $name', (target) => {
  it('answers a body of thousands of nested arrays with a 400, not a stack overflow', async () => {
    const db = await target.open();
    const { app, auth } = await appWithTokens(db);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...auth('admin'), 'content-type': 'application/json' },
      payload: '['.repeat(10_000) + ']'.repeat(10_000),
    });
    expect(response.statusCode).toBe(400);
    expect(expectProblem(response).detail).toMatch(
      /^body(\.0)+: is nested more than 32 levels deep$/,
    );
    await app.close();
    await db.close();
  });
});
