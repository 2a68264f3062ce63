import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAcceptedSchema } from '../../contract/calls.ts';
import { problemSchema } from '../../contract/index.ts';
import { mapTelephonyId } from '../calls/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const apiKey = 'connect-test-api-key-0123456789';
const instance =
  'arn:aws:connect:eu-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012';
const connectUser = '87654321-4321-4321-4321-210987654321';

/** A contact event as EventBridge delivers it (shape from the Connect admin guide). */
function contactEvent(
  eventType: string,
  contactId: string,
  detail: Record<string, unknown> = {},
  id: string = randomUUID(),
) {
  return {
    version: '0',
    id,
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account: '111122223333',
    time: '2026-12-03T16:40:12Z',
    region: 'eu-west-2',
    resources: [`${instance}/contact/${contactId}`, instance],
    detail: {
      eventType,
      contactId,
      initialContactId: contactId,
      channel: 'VOICE',
      instanceArn: instance,
      initiationMethod: 'INBOUND',
      initiationTimestamp: '2026-12-03T16:39:41.000Z',
      agentInfo: {
        agentArn: `${instance}/agent/${connectUser}`,
        connectedToAgentTimestamp: '2026-12-03T16:40:11.000Z',
      },
      tags: {
        'aws:connect:instanceId': '12345678-1234-1234-1234-123456789012',
        'aws:connect:systemEndpoint': '+442038680000',
      },
      ...detail,
    },
  };
}

describe.each(testDatabases())('Amazon Connect webhook on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  const post = (payload: unknown, key: string | null = apiKey) =>
    app.inject({
      method: 'POST',
      url: '/v1/webhooks/amazon-connect',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Amazon/EventBridge/ApiDestinations',
        ...(key === null ? {} : { 'x-loopdesk-key': key }),
      },
      payload: payload as object,
    });

  beforeAll(async () => {
    db = await target.open();
    ({ app } = await appWithTokens(db, { connectApiKey: apiKey }));
    await mapTelephonyId(db, {
      agent: 'harper',
      value: connectUser,
      platform: 'amazon-connect',
      actor: 'test',
    });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('connects and ends a call for the agent named by the ARN', async () => {
    const contact = '11111111-1111-1111-1111-111111111111';
    const connected = await post(contactEvent('CONNECTED_TO_AGENT', contact));
    expect(connected.statusCode, connected.body).toBe(202);
    expect(callAcceptedSchema.parse(connected.json())).toMatchObject({
      callId: contact,
      platform: 'amazon-connect',
      state: 'connected',
      agent: 'harper',
      at: '2026-12-03T16:40:11.000Z',
      // Contact events carry no customer number: not given, which is not withheld.
      caller: { phone: null, raw: '', withheld: false },
      customer: { status: 'unknown' },
    });
    const ended = await post(
      contactEvent('DISCONNECTED', contact, { disconnectTimestamp: '2026-12-03T16:46:00.000Z' }),
    );
    expect(callAcceptedSchema.parse(ended.json())).toMatchObject({
      state: 'ended',
      agent: 'harper',
      at: '2026-12-03T16:46:00.000Z',
    });
    const row = await db.query<{ to_phone: string }>(
      `SELECT to_phone FROM calls WHERE platform = 'amazon-connect' AND call_id = $1`,
      [contact],
    );
    expect(row.rows[0]?.to_phone).toBe('+442038680000');
  });

  it('takes a repeated event id once', async () => {
    const contact = '22222222-2222-2222-2222-222222222222';
    const event = contactEvent('CONNECTED_TO_AGENT', contact);
    expect(callAcceptedSchema.parse((await post(event)).json()).repeated).toBe(false);
    const again = await post(event);
    expect(again.statusCode).toBe(202);
    expect(callAcceptedSchema.parse(again.json())).toMatchObject({ repeated: true });
    const events = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agent_events WHERE payload->>'callId' = $1`,
      [contact],
    );
    expect(events.rows[0]!.n).toBe(1);
  });

  it('reads PascalCase detail keys and a customer endpoint when one is present', async () => {
    const contact = '33333333-3333-3333-3333-333333333333';
    const event = contactEvent('CONNECTED_TO_AGENT', contact);
    const pascal = {
      ...event,
      detail: {
        EventType: 'CONNECTED_TO_AGENT',
        ContactId: contact,
        Channel: 'VOICE',
        AgentInfo: { AgentArn: `${instance}/agent/${connectUser}` },
        CustomerEndpoint: { Address: '+14155550101', Type: 'TELEPHONE_NUMBER' },
      },
    };
    const response = await post(pascal);
    expect(response.statusCode, response.body).toBe(202);
    expect(callAcceptedSchema.parse(response.json())).toMatchObject({
      callId: contact,
      agent: 'harper',
      caller: { phone: '+14155550101', withheld: false },
      // No agent timestamp: the EventBridge time.
      at: '2026-12-03T16:40:12.000Z',
    });
  });

  it('refuses a wrong or missing key with 401 before reading the body', async () => {
    const event = contactEvent('CONNECTED_TO_AGENT', '44444444-4444-4444-4444-444444444444');
    const wrong = await post(event, 'connect-test-api-key-0123456788');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(wrong.json()).detail).toBe(
      'The x-loopdesk-key header is not LOOPDESK_CONNECT_API_KEY.',
    );
    expect(wrong.body).not.toContain(apiKey);
    const missing = await post(event, null);
    expect(missing.statusCode).toBe(401);
    expect(problemSchema.parse(missing.json()).detail).toBe(
      'The x-loopdesk-key header is missing.',
    );
    // The body is not even parsed: broken JSON without the key is still a 401.
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/amazon-connect',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expect(broken.statusCode).toBe(401);
    const stored = await db.query(
      "SELECT 1 FROM calls WHERE call_id = '44444444-4444-4444-4444-444444444444'",
    );
    expect(stored.rows).toHaveLength(0);
  });

  it('answers 204 for queue events, other channels and contacts no agent took', async () => {
    const contact = '55555555-5555-5555-5555-555555555555';
    for (const type of ['INITIATED', 'QUEUED', 'CONNECTED_TO_SYSTEM', 'CONTACT_DATA_UPDATED']) {
      expect((await post(contactEvent(type, contact))).statusCode).toBe(204);
    }
    expect(
      (await post(contactEvent('CONNECTED_TO_AGENT', contact, { channel: 'CHAT' }))).statusCode,
    ).toBe(204);
    expect(
      (await post(contactEvent('DISCONNECTED', contact, { agentInfo: null }))).statusCode,
    ).toBe(204);
    const other = { ...contactEvent('CONNECTED_TO_AGENT', contact), 'detail-type': 'Other' };
    expect((await post(other)).statusCode).toBe(204);
    const stored = await db.query('SELECT 1 FROM calls WHERE call_id = $1', [contact]);
    expect(stored.rows).toHaveLength(0);
  });

  it('names a malformed field with 400', async () => {
    const { contactId: _contact, ...detail } = contactEvent('CONNECTED_TO_AGENT', 'x').detail;
    const missing = await post({ ...contactEvent('CONNECTED_TO_AGENT', 'x'), detail });
    expect(missing.statusCode).toBe(400);
    expect(problemSchema.parse(missing.json()).detail).toMatch(/^body\.detail\.contactId: /);
    const { id: _id, ...noId } = contactEvent('CONNECTED_TO_AGENT', 'x');
    const noEventId = await post(noId);
    expect(noEventId.statusCode).toBe(400);
    expect(problemSchema.parse(noEventId.json()).detail).toMatch(/^body\.id: /);
  });
});

describe.each(testDatabases())('Amazon Connect webhook set-up on $name', (target) => {
  it('answers 404 while LOOPDESK_CONNECT_API_KEY is not set', async () => {
    const db = await target.open();
    const { app } = await appWithTokens(db);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/amazon-connect',
        headers: { 'x-loopdesk-key': apiKey },
        payload: contactEvent('CONNECTED_TO_AGENT', '1'),
      });
      expect(response.statusCode).toBe(404);
      expect(problemSchema.parse(response.json()).detail).toBe(
        'Amazon Connect webhooks are not configured: set LOOPDESK_CONNECT_API_KEY.',
      );
    } finally {
      await app.close();
      await db.close();
    }
  });
});
