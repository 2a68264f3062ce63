import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAcceptedSchema } from '../../contract/calls.ts';
import { problemSchema } from '../../contract/index.ts';
import { agentIdOf } from '../calls/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { expectedTwilioSignature } from './twilio-signature.ts';

const authToken = 'twilio-test-auth-token';
const publicUrl = 'https://loopdesk.example.com';
const hookUrl = `${publicUrl}/v1/webhooks/twilio`;

type Params = Record<string, string>;

function statusCallback(callSid: string, status: string, extra: Params = {}): Params {
  return {
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: status,
    CallbackSource: 'call-progress-events',
    Direction: 'outbound-dial',
    From: '+14155550101',
    Caller: '+14155550101',
    To: 'client:harper',
    Called: 'client:harper',
    ...extra,
  };
}

describe.each(testDatabases())('Twilio webhook on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;

  const post = (
    params: Params,
    headers: Record<string, string> = {},
    url = '/v1/webhooks/twilio',
  ) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(params).toString(),
    });
  const signed = (params: Params, signedUrl = hookUrl) =>
    post(params, { 'x-twilio-signature': expectedTwilioSignature(authToken, signedUrl, params) });
  const agentEvents = async (agent: string) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM agent_events e JOIN agents a ON a.id = e.agent_id
         WHERE a.name = $1`,
        [agent],
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    db = await target.open();
    ({ app } = await appWithTokens(db, { twilioAuthToken: authToken, publicUrl }));
    await agentIdOf(db, 'harper');
    await importText(db, 'customers', 'customer_id,name,phone\nC1,Ada Lovelace,+1 415 555 0101\n');
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('turns a signed ringing, in-progress, completed sequence into a call and a phone contact', async () => {
    const sid = 'CA0123456789abcdef0123456789abcdef';
    const steps = [
      ['ringing', 'Thu, 03 Dec 2026 16:40:00 +0000', 'ringing'],
      ['in-progress', 'Thu, 03 Dec 2026 16:40:12 +0000', 'connected'],
      ['completed', 'Thu, 03 Dec 2026 16:46:00 +0000', 'ended'],
    ] as const;
    for (const [index, [status, timestamp, state]] of steps.entries()) {
      const response = await signed(
        statusCallback(sid, status, { Timestamp: timestamp, SequenceNumber: String(index) }),
      );
      expect(response.statusCode, response.body).toBe(202);
      expect(callAcceptedSchema.parse(response.json())).toMatchObject({
        callId: sid,
        platform: 'twilio',
        state,
        agent: 'harper',
        repeated: false,
        caller: { phone: '+14155550101', withheld: false },
        customer: { status: 'found', customer: { customerId: 'C1' } },
      });
    }
    const { rows } = await db.query<{ customer: string; agent: string; started_at: Date | string }>(
      `SELECT c.customer_id AS customer, a.name AS agent, k.started_at FROM contacts k
       JOIN customers c ON c.id = k.customer_id JOIN agents a ON a.id = k.agent_id
       WHERE k.contact_id = $1 AND k.channel = 'phone'`,
      [`call:twilio:${sid}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customer: 'C1', agent: 'harper' });
    expect(new Date(rows[0]!.started_at).toISOString()).toBe('2026-12-03T16:40:00.000Z');
  });

  it('takes a repeated callback once: one agent event per state', async () => {
    const sid = 'CA11111111111111111111111111111111';
    const before = await agentEvents('harper');
    for (const status of ['ringing', 'in-progress']) {
      const params = statusCallback(sid, status, {
        SequenceNumber: status === 'ringing' ? '0' : '1',
      });
      const first = await signed(params);
      const again = await signed(params);
      expect(callAcceptedSchema.parse(first.json()).repeated).toBe(false);
      expect(again.statusCode).toBe(202);
      expect(callAcceptedSchema.parse(again.json())).toMatchObject({ repeated: true });
    }
    expect(await agentEvents('harper')).toBe(before + 2);
  });

  it('refuses a forged or missing signature with 401, naming what failed', async () => {
    const params = statusCallback('CA22222222222222222222222222222222', 'ringing');
    const forged = await post(params, {
      'x-twilio-signature': expectedTwilioSignature('another-token', hookUrl, params),
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = problemSchema.parse(forged.json());
    expect(problem.detail).toContain('X-Twilio-Signature does not match');
    expect(problem.detail).toContain(hookUrl);
    expect(forged.body).not.toContain(authToken);
    // Signed, then changed in transit.
    const tampered = await post(
      { ...params, From: '+14155550199' },
      { 'x-twilio-signature': expectedTwilioSignature(authToken, hookUrl, params) },
    );
    expect(tampered.statusCode).toBe(401);
    const missing = await post(params);
    expect(missing.statusCode).toBe(401);
    expect(problemSchema.parse(missing.json()).detail).toBe(
      'The X-Twilio-Signature header is missing.',
    );
    const rule = await post(params, {
      'x-twilio-signature': expectedTwilioSignature(authToken, hookUrl, params),
      'x-twilio-webhooks-signature-settings': 'key=,algorithm=HMAC_SHA256',
    });
    expect(rule.statusCode).toBe(401);
    expect(problemSchema.parse(rule.json()).detail).toContain('Webhooks Rule');
    const calls = await db.query(
      "SELECT 1 FROM calls WHERE call_id = 'CA22222222222222222222222222222222'",
    );
    expect(calls.rows).toHaveLength(0);
  });

  it('accepts the URL signed with the standard port, and a query string as sent', async () => {
    const withPort = await signed(
      statusCallback('CA33333333333333333333333333333333', 'ringing'),
      'https://loopdesk.example.com:443/v1/webhooks/twilio',
    );
    expect(withPort.statusCode, withPort.body).toBe(202);
    const params = statusCallback('CA44444444444444444444444444444444', 'ringing');
    const query = await post(
      params,
      {
        'x-twilio-signature': expectedTwilioSignature(
          authToken,
          `${hookUrl}?tenant=eu&line=2`,
          params,
        ),
      },
      '/v1/webhooks/twilio?tenant=eu&line=2',
    );
    expect(query.statusCode, query.body).toBe(202);
    // The same signature for another query is a forgery.
    const otherQuery = await post(
      params,
      {
        'x-twilio-signature': expectedTwilioSignature(
          authToken,
          `${hookUrl}?tenant=eu&line=2`,
          params,
        ),
      },
      '/v1/webhooks/twilio?tenant=us&line=2',
    );
    expect(otherQuery.statusCode).toBe(401);
  });

  it('checks the code-unit order of parameter names (CallSid before CallbackSource)', async () => {
    const params = statusCallback('CA55555555555555555555555555555555', 'ringing');
    const localeOrdered = Object.keys(params)
      .sort((a, b) => a.localeCompare(b))
      .reduce((data, name) => data + name + params[name], hookUrl);
    const localeSignature = createHmac('sha1', authToken).update(localeOrdered).digest('base64');
    expect(localeSignature).not.toBe(expectedTwilioSignature(authToken, hookUrl, params));
    expect((await post(params, { 'x-twilio-signature': localeSignature })).statusCode).toBe(401);
    expect((await signed(params)).statusCode).toBe(202);
  });

  it('shows a withheld caller as withheld, Twilio pseudo-numbers included', async () => {
    for (const [index, from] of [
      'anonymous',
      'Restricted',
      '+266696687',
      '+7378742833',
    ].entries()) {
      const response = await signed(
        statusCallback(`CA6666666666666666666666666666666${index}`, 'ringing', {
          From: from,
          Caller: from,
        }),
      );
      expect(response.statusCode).toBe(202);
      expect(callAcceptedSchema.parse(response.json()).caller).toEqual({
        phone: null,
        raw: 'anonymous',
        withheld: true,
      });
    }
  });

  it('takes an agent calling out from the Voice SDK, the customer being the To', async () => {
    const response = await signed(
      statusCallback('CA77777777777777777777777777777777', 'in-progress', {
        Direction: 'outbound-api',
        From: 'client:harper',
        Caller: 'client:harper',
        To: '+14155550101',
        Called: '+14155550101',
      }),
    );
    expect(callAcceptedSchema.parse(response.json())).toMatchObject({
      agent: 'harper',
      state: 'connected',
      customer: { status: 'found', customer: { customerId: 'C1' } },
    });
  });

  it('answers 204 for queued and initiated, 202 for an agent nobody maps', async () => {
    for (const status of ['queued', 'initiated']) {
      const response = await signed(statusCallback('CA88888888888888888888888888888888', status));
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
    }
    const stored = await db.query(
      "SELECT 1 FROM calls WHERE call_id = 'CA88888888888888888888888888888888'",
    );
    expect(stored.rows).toHaveLength(0);
    const unknown = await signed(
      statusCallback('CA99999999999999999999999999999999', 'ringing', { To: 'client:nobody' }),
    );
    expect(unknown.statusCode).toBe(202);
    expect(callAcceptedSchema.parse(unknown.json()).agent).toBeNull();
  });

  it('names a malformed field with 400, once the signature holds', async () => {
    const noSid = statusCallback('x', 'ringing');
    delete noSid.CallSid;
    const missing = await signed(noSid);
    expect(missing.statusCode).toBe(400);
    expect(problemSchema.parse(missing.json()).detail).toMatch(/^body\.CallSid: /);
    const badStatus = await signed(statusCallback('CA1', 'ringing-ish'));
    expect(badStatus.statusCode).toBe(400);
    expect(problemSchema.parse(badStatus.json()).detail).toMatch(/^body\.CallStatus: /);
    const badTime = await signed(statusCallback('CA1', 'ringing', { Timestamp: 'yesterday' }));
    expect(problemSchema.parse(badTime.json()).detail).toMatch(/^body\.Timestamp: /);
    const longFrom = await signed(
      statusCallback('CA1', 'ringing', { From: `+1${'5'.repeat(80)}` }),
    );
    expect(longFrom.statusCode).toBe(400);
    expect(problemSchema.parse(longFrom.json()).detail).toMatch(/^body\.From: /);
    // Unsigned, the same malformed body is a 401: nothing is said about the payload.
    expect((await post(noSid)).statusCode).toBe(401);
  });

  it('refuses a JSON body with 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/twilio',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' },
      payload: '{"CallSid":"CA1"}',
    });
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe.each(testDatabases())('Twilio webhook set-up on $name', (target) => {
  it('answers 404 while LOOPDESK_TWILIO_AUTH_TOKEN is not set', async () => {
    const db = await target.open();
    const { app } = await appWithTokens(db);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/twilio',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
        payload: 'CallSid=CA1&CallStatus=ringing',
      });
      expect(response.statusCode).toBe(404);
      expect(problemSchema.parse(response.json()).detail).toBe(
        'Twilio webhooks are not configured: set LOOPDESK_TWILIO_AUTH_TOKEN.',
      );
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('without LOOPDESK_PUBLIC_URL, checks the URL of the request itself', async () => {
    const db = await target.open();
    const { app } = await appWithTokens(db, { twilioAuthToken: authToken });
    try {
      await agentIdOf(db, 'harper');
      const params = statusCallback('CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'ringing');
      const inject = (signedUrl: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/webhooks/twilio',
          headers: {
            host: 'hooks.example.net:8787',
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': expectedTwilioSignature(authToken, signedUrl, params),
          },
          payload: new URLSearchParams(params).toString(),
        });
      expect((await inject(hookUrl)).statusCode).toBe(401);
      const own = await inject('http://hooks.example.net:8787/v1/webhooks/twilio');
      expect(own.statusCode, own.body).toBe(202);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
