import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationClosedSchema } from '../../contract/conversations.ts';
import { problemSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { hmacHex } from './chat-close.ts';

const secret = 'test-secret';

describe('close webhook signatures', () => {
  // Vectors computed apart from this code (openssl and Python), from the documented schemes:
  // Intercom's X-Hub-Signature (v1.0 "Signed Notifications"), Chatwoot's PR #13573.
  it('match Intercom’s sha1 of the raw body', () => {
    const body =
      '{"type":"notification_event","topic":"conversation.admin.closed","data":{"item":{"id":"1"}}}';
    expect(hmacHex('sha1', secret, Buffer.from(body))).toBe(
      '3e7bfc656c1d2a2121137212bf2dc60a106df47c',
    );
  });

  it('match Chatwoot’s sha256 of "<timestamp>.<raw body>"', () => {
    const body = '{"event":"conversation_status_changed","id":7,"status":"resolved"}';
    expect(hmacHex('sha256', secret, Buffer.from('1700000000.'), Buffer.from(body))).toBe(
      '39f629fdff4015df7aef9c43dd4be298a5104477ed0ad8de6aacb550807400e9',
    );
  });
});

describe.each(testDatabases())('chat consoles’ close webhooks on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let auth: Awaited<ReturnType<typeof appWithTokens>>['auth'];

  const showConversation = async (email: string, conversation: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/insights?email=${encodeURIComponent(email)}&conversation=${conversation}`,
      headers: auth('csr'),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ decision: { id: string } }>().decision.id;
  };
  const contact = async (id: string) =>
    (
      await db.query<{ channel: string; agent: string; ended: boolean; ended_at: string | null }>(
        `SELECT c.channel, a.name AS agent, c.ended_at IS NOT NULL AS ended,
           c.ended_at::text AS ended_at
         FROM contacts c LEFT JOIN agents a ON a.id = c.agent_id WHERE c.contact_id = $1`,
        [id],
      )
    ).rows[0];

  const intercom = (payload: unknown, signature?: string, on = app) => {
    const body = JSON.stringify(payload);
    return on.inject({
      method: 'POST',
      url: '/v1/webhooks/intercom',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature':
          signature ?? `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
      },
      payload: body,
    });
  };
  const closedNotification = (id: string, topic = 'conversation.admin.closed') => ({
    type: 'notification_event',
    id: `notif_${id}`,
    topic,
    app_id: 'qz7k2m4p',
    created_at: 1_796_000_000,
    data: { type: 'notification_event_data', item: { type: 'conversation', id, state: 'closed' } },
  });

  const chatwoot = (
    payload: unknown,
    {
      url = '/v1/webhooks/chatwoot?account=1',
      at = Math.floor(Date.now() / 1000),
      key = secret,
    } = {},
  ) => {
    const body = JSON.stringify(payload);
    const signature = createHmac('sha256', key).update(`${at}.${body}`).digest('hex');
    return app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'x-chatwoot-timestamp': String(at),
        'x-chatwoot-signature': `sha256=${signature}`,
      },
      payload: body,
    });
  };
  const resolved = (id: number, extra: Record<string, unknown> = {}) => ({
    event: 'conversation_status_changed',
    id,
    status: 'resolved',
    changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }],
    meta: { sender: { id: 381, email: 'ada@example.com' } },
    ...extra,
  });

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db, {
      intercomClientSecret: secret,
      chatwootWebhookSecret: secret,
    }));
    ({ app: bare } = await appWithTokens(db));
    await importText(
      db,
      'customers',
      'customer_id,name,email\nC1,Ada Lovelace,ada@example.com\nC2,Grace Hopper,grace@example.com\n',
    );
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await db?.close();
  });

  it('Intercom: a conversation the panel showed becomes a chat contact ending at its close, once', async () => {
    await showConversation('ada@example.com', 'intercom:215');
    const closed = await intercom(closedNotification('215'));
    expect(closed.statusCode, closed.body).toBe(202);
    expect(conversationClosedSchema.parse(closed.json())).toEqual({
      conversation: 'intercom:215',
      contact: 'chat:intercom:215',
    });
    const first = await contact('chat:intercom:215');
    expect(first).toMatchObject({ channel: 'chat', agent: 'test-csr', ended: true });
    // Intercom retries: the same close changes nothing, nor does a later one.
    await intercom({ ...closedNotification('215'), created_at: 1_797_000_000 });
    expect((await contact('chat:intercom:215'))?.ended_at).toBe(first?.ended_at);
  });

  it('Intercom: a conversation LoopDesk never showed is no contact; other topics answer 204', async () => {
    const unseen = await intercom(closedNotification('999'));
    expect(unseen.statusCode).toBe(202);
    expect(unseen.json()).toEqual({ conversation: 'intercom:999', contact: null });
    expect(await contact('chat:intercom:999')).toBeUndefined();
    expect(
      (await intercom(closedNotification('215', 'conversation.admin.opened'))).statusCode,
    ).toBe(204);
    expect((await intercom({ ...closedNotification('215'), topic: 'ping' })).statusCode).toBe(204);
  });

  it('Intercom: refuses forged, unsigned and (once signed) malformed notifications, and is off without its secret', async () => {
    const forged = await intercom(closedNotification('215'), `sha1=${'0'.repeat(40)}`);
    expect(forged.statusCode).toBe(401);
    expect(problemSchema.parse(forged.json()).detail).toMatch(/X-Hub-Signature/);
    const unsigned = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/intercom',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(unsigned.statusCode).toBe(401);
    const malformed = await intercom({ topic: 'conversation.admin.closed', data: { item: {} } });
    expect(malformed.statusCode).toBe(400);
    expect(problemSchema.parse(malformed.json()).detail).toMatch(/^body\.data\.item\.id: /);
    const off = await intercom(closedNotification('215'), undefined, bare);
    expect(off.statusCode).toBe(404);
    expect(problemSchema.parse(off.json()).detail).toContain('LOOPDESK_INTERCOM_CLIENT_SECRET');
    const head = await app.inject({ method: 'HEAD', url: '/v1/webhooks/intercom' });
    expect(head.statusCode).toBe(200);
  });

  it('Chatwoot: a resolved conversation of the account ends its chat contact; an outcome after it changes nothing', async () => {
    const decision = await showConversation('grace@example.com', 'chatwoot:1/4217');
    const closed = await chatwoot(resolved(4217));
    expect(closed.statusCode, closed.body).toBe(202);
    expect(closed.json()).toEqual({
      conversation: 'chatwoot:1/4217',
      contact: 'chat:chatwoot:1/4217',
    });
    const ended = await contact('chat:chatwoot:1/4217');
    expect(ended).toMatchObject({ channel: 'chat', ended: true });
    const outcome = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...auth('csr'), 'idempotency-key': 'after-close-1' },
      payload: { decisionId: decision, result: 'accepted', occurredAt: new Date().toISOString() },
    });
    expect(outcome.statusCode).toBeLessThan(300);
    expect(await contact('chat:chatwoot:1/4217')).toEqual(ended);
    // The account from the event's message when the URL names none.
    await showConversation('ada@example.com', 'chatwoot:2/8');
    const fromMessage = await chatwoot(resolved(8, { messages: [{ account_id: 2 }] }), {
      url: '/v1/webhooks/chatwoot',
    });
    expect(fromMessage.json()).toEqual({
      conversation: 'chatwoot:2/8',
      contact: 'chat:chatwoot:2/8',
    });
  });

  it('Chatwoot: other statuses answer 204; no account, a stale timestamp or a wrong secret are refused', async () => {
    expect((await chatwoot(resolved(4217, { status: 'open' }))).statusCode).toBe(204);
    expect((await chatwoot({ event: 'message_created', id: 1 })).statusCode).toBe(204);
    const noAccount = await chatwoot(resolved(5), { url: '/v1/webhooks/chatwoot' });
    expect(noAccount.statusCode).toBe(400);
    expect(problemSchema.parse(noAccount.json()).detail).toMatch(/^query\.account: /);
    const stale = await chatwoot(resolved(4217), { at: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.statusCode).toBe(401);
    expect(problemSchema.parse(stale.json()).detail).toMatch(/X-Chatwoot-Timestamp/);
    const wrongKey = await chatwoot(resolved(4217), { key: 'another-secret' });
    expect(wrongKey.statusCode).toBe(401);
    expect(problemSchema.parse(wrongKey.json()).detail).toMatch(/X-Chatwoot-Signature/);
  });
});
