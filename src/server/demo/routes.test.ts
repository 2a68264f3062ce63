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
    await importText(db, 'customers', 'customer_id,name,email\nCUST-0001,Ada,ada@example.com\n');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const pages = ['/demo', '/demo/customers/CUST-0001', '/demo/customers/NOPE', '/demo/tickets/1'];

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
});
