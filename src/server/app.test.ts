import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema, outcomeResponseSchema, problemSchema } from '../contract/index.ts';
import type { Role } from './tokens/store.ts';
import { extensionOrigin } from './config.ts';
import type { Db } from './db/db.ts';
import { appWithTokens, importText } from './testing/app-harness.ts';
import { testDatabases } from './testing/databases.ts';

describe.each(testDatabases())('API on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: (role: Role) => Record<string, string>;

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
    await importText(
      db,
      'customers',
      [
        'customer_id,name,email,phone,plan',
        'C1,Ada Lovelace,ada@example.com,(415) 555-2671,gold',
        'C2,Bob Shared,bob@example.com,(212) 555-0100,basic',
        'C3,Carol Shared,carol@example.com,212.555.0100,basic',
        'C4,<script>alert(1)</script>,mallory@example.com,,basic',
      ].join('\n'),
    );
    await importText(
      db,
      'identities',
      [
        'customer_id,kind,value,crm,object_type',
        'C1,record,001ABC,Salesforce,Account',
        // A report export's 15-character form of the id the Lightning URL shows as 0035g00000KlMnOAAV.
        'C1,record,0035g00000KlMnO,Salesforce,Contact',
      ].join('\n'),
    );
    await importText(db, 'transactions', 'customer_id,occurred_at,amount\nC1,2024-01-10,20\n');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const insights = (query: string, role: Role = 'csr') =>
    app.inject({ method: 'GET', url: `/v1/insights?${query}`, headers: auth(role) });

  const expectProblem = (
    response: { headers: Record<string, unknown>; json: () => unknown },
    status: number,
  ) => {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = problemSchema.parse(response.json());
    expect(body.status).toBe(status);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    return body;
  };

  it('answers health and serves the OpenAPI document and docs', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok', database: db.kind });
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/insights',
        '/v1/outcomes',
        '/v1/contacts',
        '/v1/imports/{kind}',
      ]),
    );
    expect(
      spec.paths['/v1/insights'].get.parameters.map((p: { name: string }) => p.name),
    ).toContain('email');
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
  });

  it('finds a Salesforce record imported with its 15-character id by any form of its 18-character id', async () => {
    for (const id of ['0035g00000KlMnOAAV', '0035G00000KLMNOAAV', '0035g00000KlMnO']) {
      const response = await insights(`crm=salesforce&type=contact&id=${id}`);
      expect(response.statusCode, id).toBe(200);
      expect(insightsSchema.parse(response.json()).customer.id).toBe('C1');
    }
    expect((await insights('crm=salesforce&type=contact&id=0035g00000klmnoAAA')).statusCode).toBe(
      404,
    );
  });

  it('resolves a CRM record to the whole payload, valid against the contract, and stores the decision', async () => {
    const response = await insights('crm=salesforce&type=account&id=001ABC&context=500XYZ');
    expect(response.statusCode).toBe(200);
    const body = insightsSchema.parse(response.json());
    expect(body.customer).toMatchObject({
      id: 'C1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      since: '2024-01-10',
    });
    expect(body.customer.tenureDays).toBeGreaterThan(300);
    expect(body.customer.identities).toEqual(
      expect.arrayContaining([
        { kind: 'record', crm: 'salesforce', objectType: 'account', value: '001ABC' },
      ]),
    );
    expect(body.segment).toBeNull();
    expect(body.scoredAt).toBeNull();
    expect(body.nextBestActions).toEqual([]);
    expect(body.decision.noActionReason).toBe('No treatment catalogue is configured yet');
    expect(body.routing).toMatchObject({ priority: 'normal', skill: 'general' });
    const stored = await db.query<{ agent: string; context: string }>(
      'SELECT agent, context FROM decisions WHERE id = $1',
      [body.decision.id],
    );
    expect(stored.rows).toEqual([{ agent: 'test-csr', context: '500XYZ' }]);
  });

  it('finds customers by email whatever its case, and shows the latest scores', async () => {
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, recency_score, frequency_score, monetary_score,
         clv, currency, value_tier, p_alive, expected_purchases, horizon_months, churn_probability,
         churn_band, churn_source, churn_reasons, model_version, computed_at)
       SELECT id, 'Champions', 5, 4, 5, 812.5, 'USD', 'gold', 0.91, 3.2, 12, 0.12, 'low', 'model',
         '["short tenure"]', 'churn-1', '2025-01-01T00:00:00Z' FROM customers WHERE customer_id = 'C1'`,
    );
    const body = insightsSchema.parse((await insights('email=%20ADA@Example.com')).json());
    expect(body.segment).toEqual({ name: 'Champions', recency: 5, frequency: 4, monetary: 5 });
    expect(body.value).toMatchObject({ clv: 812.5, tier: 'gold', pAlive: 0.91 });
    expect(body.churn).toMatchObject({ probability: 0.12, band: 'low', reasons: ['short tenure'] });
    expect(body.scoredAt).toBe('2025-01-01T00:00:00.000Z');
  });

  it('answers 404 problem+json for an unknown customer', async () => {
    const response = await insights('email=nobody@example.com');
    expect(response.statusCode).toBe(404);
    expect(expectProblem(response, 404).detail).toContain('nobody@example.com');
  });

  it('answers 409 with the candidates when a phone is shared', async () => {
    const response = await insights('phone=%2B1%20212%20555%200100');
    expect(response.statusCode).toBe(409);
    const body = expectProblem(response, 409);
    expect(body.candidates?.map((c) => c.customerId).sort()).toEqual(['C2', 'C3']);
  });

  it('prefers the strongest identifier that matches', async () => {
    const body = insightsSchema.parse(
      (await insights('email=bob@example.com&phone=2125550100')).json(),
    );
    expect(body.customer.id).toBe('C2');
  });

  it('lists path and message for invalid requests', async () => {
    const response = await insights('crm=salesforce');
    expect(response.statusCode).toBe(400);
    const body = expectProblem(response, 400);
    expect(body.errors?.[0]).toMatchObject({
      path: 'querystring',
      message: 'give crm and id, or email, or phone',
    });
  });

  it('stores an outcome once per Idempotency-Key', async () => {
    const decision = insightsSchema.parse(
      (await insights('email=ada@example.com')).json(),
    ).decision;
    const send = (key: string | undefined, decisionId = decision.id) =>
      app.inject({
        method: 'POST',
        url: '/v1/outcomes',
        headers: { ...auth('csr'), ...(key ? { 'idempotency-key': key } : {}) },
        payload: {
          decisionId,
          result: 'declined',
          reason: 'too_expensive',
          occurredAt: '2025-02-01T10:00:00Z',
        },
      });
    expectProblem(await send(undefined), 400);
    const first = await send('key-0000001');
    expect(first.statusCode).toBe(201);
    const created = outcomeResponseSchema.parse(first.json());
    expect(created).toMatchObject({ decisionId: decision.id, duplicate: false });
    const again = await send('key-0000001');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...created, duplicate: true });
    const rows = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outcomes WHERE idempotency_key = 'key-0000001'",
    );
    expect(rows.rows[0]!.n).toBe(1);
    const unknown = await send('key-0000002', '00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expectProblem(unknown, 404);
  });

  it('records contacts that then show as recent contacts', async () => {
    const post = (customerId: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/contacts',
        headers: auth('csr'),
        payload: {
          contactId: 'K-API-1',
          customerId,
          channel: 'Chat',
          startedAt: '2025-03-01T09:00:00Z',
          csat: 4,
        },
      });
    expect((await post('C1')).statusCode).toBe(201);
    expect((await post('C1')).statusCode).toBe(200);
    expectProblem(await post('C404'), 404);
    const body = insightsSchema.parse((await insights('email=ada@example.com')).json());
    expect(body.recentContacts[0]).toMatchObject({
      id: 'K-API-1',
      channel: 'chat',
      csat: 4,
      agent: 'test-csr',
    });
  });

  it('imports over the API for admins only, all or nothing', async () => {
    const post = (role: Role, body: string, type = 'text/csv') =>
      app.inject({
        method: 'POST',
        url: '/v1/imports/customers',
        headers: { ...auth(role), 'content-type': type },
        payload: body,
      });
    expectProblem(await post('csr', 'customer_id\nC9\n'), 403);
    const ok = await post('admin', '{"customer_id":"C9","name":"Nine"}\n', 'application/x-ndjson');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ format: 'ndjson', inserted: 1 });
    const bad = await post('admin', 'customer_id,email\nC10,ok@example.com\nC11,broken\n');
    expect(bad.statusCode).toBe(422);
    expect(expectProblem(bad, 422).errors).toEqual([
      { line: 3, column: 'email', message: '"broken" is not an email address' },
    ]);
    const none = await db.query("SELECT 1 FROM customers WHERE customer_id = 'C10'");
    expect(none.rows).toHaveLength(0);
  });

  it('issues tokens to admins', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: auth('admin'),
      payload: { role: 'csr', name: 'new agent' },
    });
    expect(response.statusCode).toBe(201);
    const { token } = response.json() as { token: string };
    const whoami = await app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(whoami.json()).toEqual({ role: 'csr', agentName: 'new agent' });
    const stored = await db.query('SELECT 1 FROM tokens WHERE token_hash = $1', [token]);
    expect(stored.rows).toHaveLength(0);
  });

  it('lists tokens without secrets and revokes them so that they are refused at once', async () => {
    const issue = async (name: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: auth('admin'),
        payload: { role: 'csr', name },
      });
      return (response.json() as { token: string }).token;
    };
    const leaverLaptop = await issue('leaver');
    const leaverPhone = await issue('leaver');
    const stayer = await issue('stayer');
    const whoami = (token: string) =>
      app.inject({
        method: 'GET',
        url: '/v1/whoami',
        headers: { authorization: `Bearer ${token}` },
      });
    // Used once, so the server has them cached when they are revoked.
    for (const token of [leaverLaptop, leaverPhone, stayer]) {
      expect((await whoami(token)).statusCode).toBe(200);
    }

    const listed = await app.inject({
      method: 'GET',
      url: '/v1/tokens?agent=leaver',
      headers: auth('admin'),
    });
    expect(listed.statusCode).toBe(200);
    const leaverTokens = listed.json() as { id: string; role: string; revokedAt: null }[];
    expect(leaverTokens).toHaveLength(2);
    expect(leaverTokens.every((token) => token.role === 'csr' && token.revokedAt === null)).toBe(
      true,
    );
    expect(listed.body).not.toContain(leaverLaptop);
    expect(listed.body).not.toMatch(/[0-9a-f]{64}/);

    const one = await app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${leaverTokens[0]!.id}`,
      headers: auth('admin'),
    });
    expect(one.statusCode).toBe(200);
    expect((one.json() as { revokedAt: string | null }).revokedAt).not.toBeNull();
    expect((await whoami(leaverLaptop)).statusCode).toBe(401);
    expect((await whoami(leaverPhone)).statusCode).toBe(200);
    const again = await app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${leaverTokens[0]!.id}`,
      headers: auth('admin'),
    });
    expectProblem(again, 409);
    expectProblem(
      await app.inject({ method: 'DELETE', url: '/v1/tokens/999999999', headers: auth('admin') }),
      404,
    );
    expectProblem(
      await app.inject({ method: 'DELETE', url: '/v1/tokens/abc', headers: auth('admin') }),
      400,
    );

    const rest = await app.inject({
      method: 'DELETE',
      url: '/v1/tokens?agent=leaver',
      headers: auth('admin'),
    });
    expect((rest.json() as { id: string }[]).map((token) => token.id)).toEqual([
      leaverTokens[1]!.id,
    ]);
    expect((await whoami(leaverPhone)).statusCode).toBe(401);
    expect((await whoami(stayer)).statusCode).toBe(200);

    const active = await app.inject({
      method: 'GET',
      url: '/v1/tokens?agent=leaver',
      headers: auth('admin'),
    });
    expect(active.json()).toEqual([]);
    const all = await app.inject({
      method: 'GET',
      url: '/v1/tokens?agent=leaver&includeRevoked=true',
      headers: auth('admin'),
    });
    expect((all.json() as { revokedAt: string | null }[]).map((t) => t.revokedAt !== null)).toEqual(
      [true, true],
    );
    const audited = await db.query<{ target: string }>(
      "SELECT target FROM audit_log WHERE action = 'token.revoke' AND target = 'leaver'",
    );
    expect(audited.rows).toHaveLength(2);
  });

  it('refuses a CSR token on every supervisor and admin route, and every route declares a role', async () => {
    const fill = (url: string) =>
      url
        .replace(':kind', 'customers')
        .replace(/:[A-Za-z]+/g, 'x')
        .replace('*', 'x');
    const undeclared = app.routeTable.filter(
      (route) =>
        route.role === undefined &&
        // CORS preflight is answered by @fastify/cors before any route logic.
        route.method !== 'OPTIONS' &&
        !route.url.startsWith('/docs'),
    );
    expect(undeclared).toEqual([]);
    const publicRoutes = app.routeTable
      .filter((route) => route.role === 'public')
      .map((r) => r.url);
    // Webhooks carry no bearer token: the platform's signature or shared secret is checked.
    for (const url of publicRoutes) {
      expect(
        url === '/healthz' ||
          url === '/openapi.json' ||
          url.startsWith('/demo') ||
          url.startsWith('/v1/webhooks/'),
        url,
      ).toBe(true);
    }
    const guarded = app.routeTable.filter(
      (r) => r.role === 'supervisor' || r.role === 'admin' || r.role === 'integration',
    );
    expect(guarded.length).toBeGreaterThanOrEqual(3);
    for (const route of guarded) {
      const response = await app.inject({
        method: route.method as 'GET',
        url: fill(route.url),
        headers: { ...auth('csr'), 'content-type': 'application/json' },
        payload: route.method === 'GET' || route.method === 'HEAD' ? undefined : '{}',
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
      if (route.method !== 'HEAD') expectProblem(response, 403);
    }
    for (const route of app.routeTable.filter((r) => r.role === 'csr')) {
      const response = await app.inject({ method: route.method as 'GET', url: fill(route.url) });
      expect(response.statusCode, `${route.method} ${route.url} without a token`).toBe(401);
    }
    // The role check lets a supervisor through; the team scope stops one mapped to no team.
    const supervisorView = await app.inject({
      method: 'GET',
      url: '/v1/decisions',
      headers: auth('supervisor'),
    });
    expect(expectProblem(supervisorView, 403).title).toBe('No team');
    const adminView = await app.inject({
      method: 'GET',
      url: '/v1/decisions',
      headers: auth('admin'),
    });
    expect(adminView.statusCode).toBe(200);
  });

  it('allows CORS from the extension origin only', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/insights',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight(extensionOrigin);
    expect(allowed.headers['access-control-allow-origin']).toBe(extensionOrigin);
    expect(String(allowed.headers['access-control-allow-headers'])).toMatch(/Authorization/i);
    const refused = await preflight('https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers unknown routes and bad tokens with problem+json', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/v1/nothing' }), 404);
    const bad = await app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { authorization: 'Bearer nope' },
    });
    expectProblem(bad, 401);
  });

  it('serves the demo CRM with every value escaped', async () => {
    const page = await app.inject({ method: 'GET', url: '/demo/customers/C4' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<main data-demo-page="customer" data-customer-id="C4">');
    expect(page.body).toContain('data-field="email">mallory@example.com<');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    const ticket = await app.inject({ method: 'GET', url: '/demo/tickets/1' });
    expect(ticket.body).toMatch(
      /<section class="requester">[\s\S]*data-field="email">ada@example.com</,
    );
    const ambiguous = await app.inject({ method: 'GET', url: '/demo/tickets/1000' });
    expect(ambiguous.body).toContain('data-field="phone">+12125550100<');
  });

  it('writes an audit entry for every kind of write', async () => {
    const { rows } = await db.query<{ action: string }>('SELECT DISTINCT action FROM audit_log');
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'import.customers',
        'token.create',
        'token.revoke',
        'decision.create',
        'outcome.create',
        'contact.create',
      ]),
    );
  });
});

describe('demo CRM switch', () => {
  it('is not served when turned off (the default on PostgreSQL)', async () => {
    const [pglite] = testDatabases();
    const db = await pglite!.open();
    const { app } = await appWithTokens(db, { demoCrm: false });
    const response = await app.inject({ method: 'GET', url: '/demo' });
    expect(response.statusCode).toBe(404);
    expect(app.routeTable.some((route) => route.url.startsWith('/demo'))).toBe(false);
    await app.close();
    await db.close();
  });
});

describe('rate limit', () => {
  it('refuses a token past its per-minute budget with a 429 problem', async () => {
    const [pglite] = testDatabases();
    const db = await pglite!.open();
    const { app, auth } = await appWithTokens(db, { rateLimitPerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await app.inject({ method: 'GET', url: '/v1/whoami', headers: auth('csr') })).statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another token has its own budget.
    const other = await app.inject({ method: 'GET', url: '/v1/whoami', headers: auth('admin') });
    expect(other.statusCode).toBe(200);
    await app.close();
    await db.close();
  });
});
