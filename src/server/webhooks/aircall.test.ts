import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAcceptedSchema } from '../../contract/calls.ts';
import { problemSchema } from '../../contract/index.ts';
import { mapTelephonyId } from '../calls/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const webhookToken = '45XXYYZZa08-aircall-test';

/** An Aircall call webhook, shaped as the API reference documents it. */
function aircallEvent(
  event: string,
  callId: number,
  overrides: { user?: unknown; raw_digits?: string; token?: string; timestamp?: number } = {},
) {
  return {
    resource: 'call',
    event,
    timestamp: overrides.timestamp ?? 1_764_780_012,
    token: overrides.token ?? webhookToken,
    data: {
      id: callId,
      call_uuid: 'CAed058bba60a84d62c77cee898a852b05',
      direct_link: `https://api.aircall.io/v1/calls/${callId}`,
      direction: 'inbound',
      status: 'answered',
      started_at: 1_764_780_001,
      raw_digits: overrides.raw_digits ?? '+1 415-555-0101',
      user:
        overrides.user === undefined
          ? { id: 456, name: 'Madelaine Dupont', email: 'Madelaine.Dupont@example.com' }
          : overrides.user,
      number: { id: 123, digits: '+1 415-555-0199', e164_digits: '+14155550199' },
      contact: null,
    },
  };
}

describe.each(testDatabases())('Aircall webhook on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/webhooks/aircall', payload: payload as object });

  beforeAll(async () => {
    db = await target.open();
    ({ app } = await appWithTokens(db, { aircallWebhookToken: webhookToken }));
    await importText(db, 'customers', 'customer_id,name,phone\nC1,Ada Lovelace,+1 415 555 0101\n');
    await mapTelephonyId(db, {
      agent: 'harper',
      value: 'madelaine.dupont@example.com',
      platform: 'aircall',
      actor: 'test',
    });
    await mapTelephonyId(db, { agent: 'ines', value: '789', platform: 'aircall', actor: 'test' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('takes ringing_on_agent, answered and ended with the agent mapped from the user email', async () => {
    const steps = [
      ['call.ringing_on_agent', 'ringing'],
      ['call.answered', 'connected'],
      ['call.ended', 'ended'],
    ] as const;
    for (const [event, state] of steps) {
      const response = await post(aircallEvent(event, 1_834_567_890));
      expect(response.statusCode, response.body).toBe(202);
      expect(callAcceptedSchema.parse(response.json())).toMatchObject({
        callId: '1834567890',
        platform: 'aircall',
        state,
        agent: 'harper',
        caller: { phone: '+14155550101', withheld: false },
        customer: { status: 'found', customer: { customerId: 'C1' } },
      });
    }
    const rang = await db.query<{ ringing_at: Date | string }>(
      "SELECT ringing_at FROM calls WHERE platform = 'aircall' AND call_id = '1834567890'",
    );
    expect(new Date(rang.rows[0]!.ringing_at).toISOString()).toBe(
      new Date(1_764_780_012_000).toISOString(),
    );
    const contact = await db.query(
      "SELECT 1 FROM contacts WHERE contact_id = 'call:aircall:1834567890'",
    );
    expect(contact.rows).toHaveLength(1);
  });

  it('maps a user without an email by its id', async () => {
    const response = await post(
      aircallEvent('call.answered', 1_834_567_891, { user: { id: 789, name: 'Inès' } }),
    );
    expect(callAcceptedSchema.parse(response.json()).agent).toBe('ines');
  });

  it('takes a repeated delivery once', async () => {
    const event = aircallEvent('call.ringing_on_agent', 1_834_567_892);
    const first = callAcceptedSchema.parse((await post(event)).json());
    const again = await post(event);
    expect(first.repeated).toBe(false);
    expect(again.statusCode).toBe(202);
    expect(callAcceptedSchema.parse(again.json())).toMatchObject({
      repeated: true,
      state: 'ringing',
    });
    const events = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agent_events WHERE payload->>'callId' = '1834567892'`,
    );
    expect(events.rows[0]!.n).toBe(1);
    // call.hungup then call.ended: the second ends nothing more.
    await post(aircallEvent('call.hungup', 1_834_567_892));
    const ended = await post(aircallEvent('call.ended', 1_834_567_892));
    expect(callAcceptedSchema.parse(ended.json()).state).toBe('ended');
    const after = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agent_events WHERE payload->>'callId' = '1834567892'`,
    );
    expect(after.rows[0]!.n).toBe(2);
  });

  it('shows an anonymous caller as withheld', async () => {
    const response = await post(
      aircallEvent('call.ringing_on_agent', 1_834_567_893, { raw_digits: 'anonymous' }),
    );
    expect(callAcceptedSchema.parse(response.json())).toMatchObject({
      caller: { phone: null, raw: 'anonymous', withheld: true },
      customer: { status: 'unknown' },
    });
  });

  it('refuses a wrong or missing token with 401, never echoing the secret', async () => {
    const wrong = await post(aircallEvent('call.answered', 1_834_567_894, { token: 'guess' }));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(wrong.json()).detail).toContain('not the Aircall webhook token');
    expect(wrong.body).not.toContain(webhookToken);
    const { token: _token, ...unsigned } = aircallEvent('call.answered', 1_834_567_894);
    const missing = await post(unsigned);
    expect(missing.statusCode).toBe(401);
    expect(problemSchema.parse(missing.json()).detail).toBe('The body carries no Aircall token.');
    expect((await post([1, 2])).statusCode).toBe(401);
    const stored = await db.query("SELECT 1 FROM calls WHERE call_id = '1834567894'");
    expect(stored.rows).toHaveLength(0);
  });

  it('answers 204 for other events and 400 naming a malformed field', async () => {
    for (const event of ['call.created', 'call.tagged', 'call.agent_declined']) {
      expect((await post(aircallEvent(event, 1_834_567_895))).statusCode).toBe(204);
    }
    const userEvent = { ...aircallEvent('user.opened', 1), resource: 'user', data: { id: 456 } };
    expect((await post(userEvent)).statusCode).toBe(204);
    const noId = aircallEvent('call.answered', 1);
    delete (noId.data as Partial<typeof noId.data>).id;
    const missingId = await post(noId);
    expect(missingId.statusCode).toBe(400);
    expect(problemSchema.parse(missingId.json()).detail).toMatch(/^body\.data\.id: /);
    const badTime = await post({ ...aircallEvent('call.answered', 1), timestamp: 'now' });
    expect(badTime.statusCode).toBe(400);
    expect(problemSchema.parse(badTime.json()).detail).toMatch(/^body\.timestamp: /);
  });
});

describe.each(testDatabases())('Aircall webhook set-up on $name', (target) => {
  it('answers 404 while LOOPDESK_AIRCALL_WEBHOOK_TOKEN is not set', async () => {
    const db = await target.open();
    const { app } = await appWithTokens(db);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/aircall',
        payload: aircallEvent('call.answered', 1),
      });
      expect(response.statusCode).toBe(404);
      expect(problemSchema.parse(response.json()).detail).toBe(
        'Aircall webhooks are not configured: set LOOPDESK_AIRCALL_WEBHOOK_TOKEN.',
      );
    } finally {
      await app.close();
      await db.close();
    }
  });
});
