import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { openPglite } from '../db/pglite.ts';
import { migrate } from '../db/migrate.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';

/** What a browser loads for a page besides the page itself (scripts, styles, icons). */
function subresources(html: string): string[] {
  const head = html.slice(0, html.indexOf('</head>'));
  return [...head.matchAll(/<(?:script|link)\b[^>]*\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
}

describe('demo CRM pages', () => {
  let db: Db;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    ({ app } = await appWithTokens(db, { demoCrm: true }));
    await importText(
      db,
      'customers',
      'customer_id,name,email,phone\nCUST-0001,Ada,ada@example.com,(415) 555-0101\nCUST-0002,Bo,,\n',
    );
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const pages = [
    '/demo',
    '/demo/customers/CUST-0001',
    '/demo/customers/NOPE',
    '/demo/tickets/1',
    '/demo/chats/1',
  ];

  it.each(pages)(
    '%s declares its icon, so the browser never asks for a missing /favicon.ico',
    async (url) => {
      const page = await app.inject({ method: 'GET', url });
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toMatch(/<link rel="icon" href="\/demo\/favicon\.svg"/);
      const loaded = subresources(page.body);
      expect(loaded).toContain('/demo/favicon.svg');
      for (const resource of loaded) {
        const response = await app.inject({ method: 'GET', url: resource });
        expect(response.statusCode, resource).toBe(200);
      }
    },
  );

  it('serves the icon as an SVG image the page policy allows (same origin)', async () => {
    const icon = await app.inject({ method: 'GET', url: '/demo/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect(icon.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const page = await app.inject({ method: 'GET', url: '/demo' });
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it("rings the demo CSR from a customer's page, as a telephony platform would", async () => {
    const page = await app.inject({ method: 'GET', url: '/demo/customers/CUST-0001' });
    expect(page.body).toContain('data-demo-call="ringing"');
    const noPhone = await app.inject({ method: 'GET', url: '/demo/customers/CUST-0002' });
    expect(noPhone.body).not.toContain('data-demo-call');
    // `npm start` puts the demo CSR (the printed CSR token's agent) in a team, so they exist.
    await db.query("INSERT INTO agents (name) VALUES ('Demo CSR')");
    const ring = await app.inject({
      method: 'POST',
      url: '/demo/calls',
      payload: { callId: 'demo-k1', customerId: 'CUST-0001', state: 'ringing' },
    });
    expect(ring.statusCode).toBe(202);
    expect(ring.json()).toMatchObject({
      platform: 'demo-phone',
      agent: 'Demo CSR',
      customer: { status: 'found', customer: { customerId: 'CUST-0001', name: 'Ada' } },
    });
    const events = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agent_events e JOIN agents a ON a.id = e.agent_id
       WHERE a.name = 'Demo CSR'`,
    );
    expect(events.rows[0]?.n).toBe(1);
    const stranger = await app.inject({
      method: 'POST',
      url: '/demo/calls',
      payload: { callId: 'demo-k2', customerId: 'CUST-0002', state: 'ringing' },
    });
    expect(stranger.statusCode).toBe(404);
    const anyone = await app.inject({
      method: 'POST',
      url: '/demo/calls',
      payload: { callId: 'x', customerId: 'CUST-0001', state: 'ringing', agent: 'boss' },
    });
    expect(anyone.statusCode).toBe(400);
  });

  it('keeps three conversations open in the chat console, one of them naming nobody', async () => {
    const focused = async (n: number) => {
      const chat = await app.inject({ method: 'GET', url: `/demo/chats/${n}` });
      expect(chat.statusCode).toBe(200);
      expect(chat.body).toContain(`<main data-demo-page="chat" data-conversation-id="${n}">`);
      expect(chat.body.match(/<a data-spa href="\/demo\/chats\/\d"/g)).toHaveLength(3);
      return chat.body.slice(chat.body.indexOf('<section class="requester">'));
    };
    expect(await focused(1)).toContain('<dd data-field="email">ada@example.com</dd>');
    expect(await focused(2)).toContain('<dd data-field="name">Bo</dd>');
    const visitor = await focused(3);
    expect(visitor).toContain('Website visitor');
    expect(visitor).not.toMatch(/data-field="(email|phone)"/);
    expect((await app.inject({ method: 'GET', url: '/demo/chats/4' })).statusCode).toBe(404);
  });
});
