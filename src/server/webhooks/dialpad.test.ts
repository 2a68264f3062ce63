import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAcceptedSchema } from '../../contract/calls.ts';
import { problemSchema } from '../../contract/index.ts';
import { mapTelephonyId } from '../calls/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const secret = 'loopdesk-test-secret';

/** A Dialpad call event's claims (names from dialpad-python-sdk CallProto). */
function callEvent(callId: number | string, state: string, extra: Record<string, unknown> = {}) {
  return {
    call_id: callId,
    master_call_id: callId,
    state,
    direction: 'inbound',
    external_number: '+14155550101',
    internal_number: '+14155550199',
    date_started: 1_764_780_001_000,
    event_timestamp: 1_764_780_002_123,
    target: {
      id: 5_103_843_023_011_840,
      type: 'user',
      name: 'Jane Agent',
      email: 'jane@example.com',
      phone: '+14155550199',
    },
    contact: { id: '5600392044183552', type: 'local', phone: '+14155550101' },
    ...extra,
  };
}

const sign = (claims: Record<string, unknown>, key = secret, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(key));

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// Self-made vector from the evidence notes (node:crypto HMAC-SHA256 over the example claims
// with the secret above; not published by Dialpad).
const evidenceVector =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjYWxsX2lkIjo2MDUxNDQyMzM1Njk0ODQ4LCJzdGF0ZSI6InJpbmdpbmciLCJkaXJlY3Rpb24iOiJpbmJvdW5kIiwiZXh0ZXJuYWxfbnVtYmVyIjoiKzE0MTU1NTUwMTAwIiwiaW50ZXJuYWxfbnVtYmVyIjoiKzE0MTU1NTUwMTk5IiwiZGF0ZV9zdGFydGVkIjoxNzY0NzgwMDAxMDAwLCJldmVudF90aW1lc3RhbXAiOjE3NjQ3ODAwMDIxMjMsInRhcmdldCI6eyJpZCI6NTEwMzg0MzAyMzAxMTg0MCwidHlwZSI6InVzZXIiLCJuYW1lIjoiSmFuZSBBZ2VudCIsImVtYWlsIjoiamFuZUBleGFtcGxlLmNvbSIsInBob25lIjoiKzE0MTU1NTUwMTk5In0sImNvbnRhY3QiOnsiaWQiOiI1NjAwMzkyMDQ0MTgzNTUyIiwidHlwZSI6ImxvY2FsIiwibmFtZSI6Iig0MTUpIDU1NS0wMTAwIiwicGhvbmUiOiIrMTQxNTU1NTAxMDAiLCJlbWFpbCI6IiJ9fQ.PwqtOyyWP2XpYuCvmKKIOtYXGCct9xzrrjm2kC2_CaI';

describe.each(testDatabases())('Dialpad webhook on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  const post = (body: string, contentType = 'application/jwt') =>
    app.inject({
      method: 'POST',
      url: '/v1/webhooks/dialpad',
      headers: { 'content-type': contentType },
      payload: body,
    });

  beforeAll(async () => {
    db = await target.open();
    ({ app } = await appWithTokens(db, { dialpadWebhookSecret: secret }));
    await importText(db, 'customers', 'customer_id,name,phone\nC1,Ada Lovelace,+1 415 555 0101\n');
    await mapTelephonyId(db, { agent: 'jane', value: 'jane@example.com', actor: 'test' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('takes a JWT signed with the secret, ringing to connected to hangup', async () => {
    const steps = [
      ['ringing', 'ringing'],
      ['connected', 'connected'],
      ['hangup', 'ended'],
    ] as const;
    for (const [state, mapped] of steps) {
      const response = await post(await sign(callEvent(6_051_442_335_694_849, state)));
      expect(response.statusCode, response.body).toBe(202);
      expect(callAcceptedSchema.parse(response.json())).toMatchObject({
        callId: '6051442335694849',
        platform: 'dialpad',
        state: mapped,
        agent: 'jane',
        repeated: false,
        customer: { status: 'found', customer: { customerId: 'C1' } },
      });
    }
    const rang = await db.query<{ ringing_at: Date | string }>(
      "SELECT ringing_at FROM calls WHERE platform = 'dialpad' AND call_id = '6051442335694849'",
    );
    expect(new Date(rang.rows[0]!.ringing_at).toISOString()).toBe('2025-12-03T16:40:02.123Z');
  });

  it('reads the body as text whatever its media type, and takes the evidence vector', async () => {
    for (const type of ['text/plain', 'application/json', 'application/octet-stream']) {
      const response = await post(await sign(callEvent(7001, 'ringing')), type);
      expect(response.statusCode, `${type}: ${response.body}`).toBe(202);
    }
    const vector = await post(evidenceVector);
    expect(vector.statusCode, vector.body).toBe(202);
    expect(callAcceptedSchema.parse(vector.json())).toMatchObject({
      callId: '6051442335694848',
      state: 'ringing',
      agent: 'jane',
      repeated: false,
    });
  });

  it('takes a repeated event once, and keeps call ids past 2^53 exact', async () => {
    const token = await sign(callEvent(7002, 'connected'));
    expect(callAcceptedSchema.parse((await post(token)).json()).repeated).toBe(false);
    expect(callAcceptedSchema.parse((await post(token)).json()).repeated).toBe(true);
    // 2^53 + 1 is not a double; the digits must survive.
    const header = base64url({ alg: 'HS256', typ: 'JWT' });
    const payload = Buffer.from(
      JSON.stringify(callEvent(0, 'ringing')).replace('"call_id":0', '"call_id":9007199254740993'),
    ).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', secret)
      .update(`${header}.${payload}`)
      .digest('base64url');
    const big = await post(`${header}.${payload}.${signature}`);
    expect(big.statusCode, big.body).toBe(202);
    expect(callAcceptedSchema.parse(big.json()).callId).toBe('9007199254740993');
  });

  it('refuses another secret, alg none, HS512 and a body that is no JWT with 401', async () => {
    const claims = callEvent(7003, 'ringing');
    const otherSecret = await post(await sign(claims, 'another-secret-of-some-length'));
    expect(otherSecret.statusCode).toBe(401);
    expect(problemSchema.parse(otherSecret.json()).detail).toContain(
      'not a JWT signed with LOOPDESK_DIALPAD_WEBHOOK_SECRET',
    );
    expect(otherSecret.body).not.toContain(secret);
    const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    expect((await post(none)).statusCode).toBe(401);
    const hs512 = await post(await sign(claims, secret, 'HS512'));
    expect(hs512.statusCode).toBe(401);
    expect(problemSchema.parse(hs512.json()).detail).toContain('ERR_JOSE_ALG_NOT_ALLOWED');
    // A one-character change to the signed claims.
    const [h, p, s] = (await sign(claims)).split('.');
    const changed = Buffer.from(p!, 'base64url').toString().replace('7003', '7004');
    expect((await post(`${h}.${Buffer.from(changed).toString('base64url')}.${s}`)).statusCode).toBe(
      401,
    );
    // Unsigned JSON (a webhook created without a secret) and plain nonsense.
    expect((await post(JSON.stringify(claims), 'application/json')).statusCode).toBe(401);
    expect((await post('hello', 'text/plain')).statusCode).toBe(401);
    expect((await post('', 'text/plain')).statusCode).toBe(401);
    const stored = await db.query("SELECT 1 FROM calls WHERE call_id = '7003'");
    expect(stored.rows).toHaveLength(0);
  });

  it('answers 204 for other states and non-user targets, 400 naming a bad claim', async () => {
    for (const state of ['preanswer', 'queued', 'hold', 'postcall', 'recap_summary']) {
      expect((await post(await sign(callEvent(7005, state)))).statusCode).toBe(204);
    }
    const callCentre = callEvent(7006, 'ringing', { target: { id: 1, type: 'callcenter' } });
    expect((await post(await sign(callCentre))).statusCode).toBe(204);
    const { call_id: _id, ...noId } = callEvent(7007, 'ringing');
    const missing = await post(await sign(noId));
    expect(missing.statusCode).toBe(400);
    expect(problemSchema.parse(missing.json()).detail).toMatch(/^body\.call_id: /);
  });
});

describe.each(testDatabases())('Dialpad webhook set-up on $name', (target) => {
  it('answers 404 while LOOPDESK_DIALPAD_WEBHOOK_SECRET is not set', async () => {
    const db = await target.open();
    const { app } = await appWithTokens(db);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/dialpad',
        headers: { 'content-type': 'application/jwt' },
        payload: await sign(callEvent(1, 'ringing')),
      });
      expect(response.statusCode).toBe(404);
      expect(problemSchema.parse(response.json()).detail).toBe(
        'Dialpad webhooks are not configured: set LOOPDESK_DIALPAD_WEBHOOK_SECRET.',
      );
    } finally {
      await app.close();
      await db.close();
    }
  });
});
