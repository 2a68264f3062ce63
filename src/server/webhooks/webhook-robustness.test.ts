import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const routes = ['twilio', 'aircall', 'dialpad', 'amazon-connect'];

const contentTypes = [
  undefined,
  'application/x-www-form-urlencoded',
  'application/json',
  'application/jwt',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
];

const bodies: (string | Buffer)[] = [
  '',
  '{',
  'null',
  '[]',
  '"eyJhbGciOiJIUzI1NiJ9.e30.x"',
  '{"token":null,"data":[]}',
  'CallSid=CA1&CallSid=CA2&CallStatus=ringing',
  'CallSid=%ZZ&CallStatus=%00',
  'a.b.c',
  'eyJhbGciOiJub25lIn0.eyJjYWxsX2lkIjoxfQ.',
  Buffer.from([0xff, 0xfe, 0x00, 0x41]),
  `{"x":"${'a'.repeat(70 * 1024)}"}`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
];

describe.each(testDatabases())('webhooks under junk on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await target.open();
    ({ app } = await appWithTokens(db, {
      twilioAuthToken: 'twilio-junk-token',
      aircallWebhookToken: 'aircall-junk-token',
      dialpadWebhookSecret: 'dialpad-junk-secret',
      connectApiKey: 'connect-junk-api-key',
    }));
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('never answers 5xx, nor 2xx without credentials, and every refusal is problem+json', async () => {
    for (const route of routes) {
      for (const type of contentTypes) {
        for (const body of bodies) {
          const response = await app.inject({
            method: 'POST',
            url: `/v1/webhooks/${route}`,
            headers: {
              ...(type ? { 'content-type': type } : {}),
              'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl',
              'x-loopdesk-key': 'not-the-key',
            },
            payload: body,
          });
          const what = `${route} ${type ?? '(no type)'} ${String(body).slice(0, 40)}`;
          expect(response.statusCode, what).toBeGreaterThanOrEqual(400);
          expect(response.statusCode, what).toBeLessThan(500);
          expect(response.headers['content-type'], what).toMatch(/^application\/problem\+json/);
        }
      }
    }
    const stored = await db.query('SELECT 1 FROM calls');
    expect(stored.rows).toHaveLength(0);
  });
});
