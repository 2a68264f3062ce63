import type { AddressInfo } from 'node:net';
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callAcceptedSchema, callSchema } from '../../contract/calls.ts';
import { problemSchema } from '../../contract/index.ts';
import { buildApp } from '../app.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText, testConfig } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { createToken } from '../tokens/store.ts';
import { mapTelephonyId, pruneAgentEvents } from './store.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An open event stream read message by message. */
interface OpenStream {
  next(): Promise<EventSourceMessage>;
  close(): void;
}

async function openStream(
  baseUrl: string,
  token: string,
  lastEventId?: string,
): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/agents/me/events`, {
    headers: { ...bearer(token), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  return {
    async next() {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      return value;
    },
    close: () => controller.abort(),
  };
}

describe.each(testDatabases())('live calls on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: Awaited<ReturnType<typeof appWithTokens>>['auth'];
  let pbx: string;
  let harper: string;
  const streams: OpenStream[] = [];

  const postCall = (token: string, payload: Record<string, unknown>, url = '/v1/calls') =>
    app.inject({ method: 'POST', url, headers: bearer(token), payload });
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
    ({ app, auth } = await appWithTokens(db));
    pbx = (await createToken(db, { role: 'integration', agentName: 'pbx', actor: 'test' })).token;
    harper = (await createToken(db, { role: 'csr', agentName: 'harper', actor: 'test' })).token;
    await importText(
      db,
      'customers',
      'customer_id,name,phone,email\n' +
        'C1,Ada Lovelace,+1 415 555 0101,ada@example.com\n' +
        'C2,Bob Twin,+1 415 555 0102,\n' +
        'C3,Bea Twin,+1 415 555 0102,\n',
    );
    await mapTelephonyId(db, { agent: 'harper', value: 'Harper@Example.com', actor: 'test' });
    await mapTelephonyId(db, {
      agent: 'harper',
      value: 'U-77',
      platform: 'aircall',
      actor: 'test',
    });
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('resolves the caller while it rings and names the mapped agent', async () => {
    const response = await postCall(pbx, {
      callId: 'CA1',
      agent: 'harper@example.com',
      from: '(415) 555-0101',
      state: 'ringing',
      platform: 'twilio',
    });
    expect(response.statusCode).toBe(202);
    const call = callAcceptedSchema.parse(response.json());
    expect(call).toMatchObject({
      callId: 'CA1',
      platform: 'twilio',
      state: 'ringing',
      agent: 'harper',
      repeated: false,
      caller: { phone: '+14155550101', withheld: false },
      customer: { status: 'found', customer: { customerId: 'C1', name: 'Ada Lovelace' } },
    });
  });

  it('gives candidates for a shared number, nobody for an unknown or withheld one', async () => {
    const shared = callAcceptedSchema.parse(
      (
        await postCall(pbx, {
          callId: 'CA2',
          agent: 'harper',
          from: '4155550102',
          state: 'ringing',
        })
      ).json(),
    );
    expect(shared.customer.status).toBe('ambiguous');
    expect(
      shared.customer.status === 'ambiguous' &&
        shared.customer.candidates.map((c) => c.customerId).sort(),
    ).toEqual(['C2', 'C3']);
    const unknown = callAcceptedSchema.parse(
      (
        await postCall(pbx, {
          callId: 'CA3',
          agent: 'harper',
          from: '+44 20 7946 0999',
          state: 'ringing',
        })
      ).json(),
    );
    expect(unknown.customer).toEqual({ status: 'unknown' });
    expect(unknown.caller.phone).toBe('+442079460999');
    const withheld = callAcceptedSchema.parse(
      (
        await postCall(pbx, { callId: 'CA4', agent: 'harper', from: 'Anonymous', state: 'ringing' })
      ).json(),
    );
    expect(withheld.caller).toEqual({ phone: null, raw: 'Anonymous', withheld: true });
    expect(withheld.customer).toEqual({ status: 'unknown' });
  });

  it('prefers a platform mapping, answers 202 for an agent nobody maps to', async () => {
    const mapped = callAcceptedSchema.parse(
      (
        await postCall(pbx, {
          callId: 'AC1',
          agent: 'U-77',
          from: '4155550101',
          state: 'ringing',
          platform: 'aircall',
        })
      ).json(),
    );
    expect(mapped.agent).toBe('harper');
    // The same user id on another platform maps to nobody.
    const elsewhere = await postCall(pbx, {
      callId: 'DP1',
      agent: 'U-77',
      from: '4155550101',
      state: 'ringing',
      platform: 'dialpad',
    });
    expect(elsewhere.statusCode).toBe(202);
    expect(callAcceptedSchema.parse(elsewhere.json()).agent).toBeNull();
    const kept = await db.query<{ agent_ref: string }>(
      "SELECT agent_ref FROM calls WHERE platform = 'dialpad' AND call_id = 'DP1'",
    );
    expect(kept.rows[0]?.agent_ref).toBe('U-77');
  });

  it('takes a repeated state once and never moves a call backwards', async () => {
    const before = await agentEvents('harper');
    const first = await postCall(pbx, {
      callId: 'CA5',
      agent: 'harper',
      from: '4155550101',
      state: 'connected',
    });
    const again = await postCall(pbx, {
      callId: 'CA5',
      agent: 'harper',
      from: '4155550101',
      state: 'connected',
    });
    expect(callAcceptedSchema.parse(again.json())).toMatchObject({
      repeated: true,
      state: 'connected',
    });
    expect(callAcceptedSchema.parse(first.json()).repeated).toBe(false);
    const late = await postCall(pbx, {
      callId: 'CA5',
      agent: 'harper',
      from: '4155550101',
      state: 'ringing',
      occurredAt: '2026-01-05T10:00:00Z',
    });
    expect(callAcceptedSchema.parse(late.json()).state).toBe('connected');
    expect(await agentEvents('harper')).toBe(before + 1);
    const rang = await db.query<{ ringing_at: Date | string }>(
      "SELECT ringing_at FROM calls WHERE call_id = 'CA5'",
    );
    expect(new Date(rang.rows[0]!.ringing_at).toISOString()).toBe('2026-01-05T10:00:00.000Z');
  });

  it('makes an ended call with one known customer a phone contact of its agent', async () => {
    for (const [state, at] of [
      ['ringing', '2026-02-01T09:00:00Z'],
      ['connected', '2026-02-01T09:00:20Z'],
      ['ended', '2026-02-01T09:06:00Z'],
    ] as const) {
      const response = await postCall(pbx, {
        callId: 'CA6',
        agent: 'harper',
        from: '+14155550101',
        state,
        occurredAt: at,
      });
      expect(response.statusCode).toBe(202);
    }
    const { rows } = await db.query<{
      channel: string;
      agent: string;
      customer: string;
      started_at: Date | string;
      ended_at: Date | string;
    }>(
      `SELECT k.channel, a.name AS agent, c.customer_id AS customer, k.started_at, k.ended_at
       FROM contacts k JOIN agents a ON a.id = k.agent_id JOIN customers c ON c.id = k.customer_id
       WHERE k.contact_id = 'call:api:CA6'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'phone', agent: 'harper', customer: 'C1' });
    expect(new Date(rows[0]!.started_at).toISOString()).toBe('2026-02-01T09:00:00.000Z');
    expect(new Date(rows[0]!.ended_at).toISOString()).toBe('2026-02-01T09:06:00.000Z');
    // A call with candidates ends without a contact: nobody knows whose it was.
    await postCall(pbx, { callId: 'CA2', agent: 'harper', from: '4155550102', state: 'ended' });
    const none = await db.query("SELECT 1 FROM contacts WHERE contact_id = 'call:api:CA2'");
    expect(none.rows).toHaveLength(0);
  });

  it('keeps each route to its role', async () => {
    const asCsr = await postCall(harper, {
      callId: 'X1',
      agent: 'harper',
      from: '1',
      state: 'ringing',
    });
    expect(asCsr.statusCode).toBe(403);
    const insights = await app.inject({
      method: 'GET',
      url: '/v1/insights?phone=4155550101',
      headers: bearer(pbx),
    });
    expect(insights.statusCode).toBe(403);
    expect(problemSchema.parse(insights.json()).detail).toMatch(
      /csr role; the token has integration/,
    );
    const asAdmin = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: auth('admin'),
      payload: { callId: 'X2', agent: 'harper', from: '4155550101', state: 'ringing' },
    });
    expect(asAdmin.statusCode).toBe(202);
  });

  it("lets a CSR's extension report only the CSR's own calls", async () => {
    const own = await postCall(
      harper,
      { callId: 'SP1', from: '4155550101', state: 'ringing', platform: 'aircall-workspace' },
      '/v1/agents/me/calls',
    );
    expect(own.statusCode).toBe(202);
    expect(callAcceptedSchema.parse(own.json()).agent).toBe('harper');
    const other = await postCall(
      harper,
      { callId: 'SP2', agent: 'test-csr', from: '4155550101', state: 'ringing' },
      '/v1/agents/me/calls',
    );
    expect(other.statusCode).toBe(403);
    expect(problemSchema.parse(other.json()).title).toBe('Not your call');
    // Already on the agent's screen: not echoed back on their event stream.
    const echoed = await db.query("SELECT 1 FROM agent_events WHERE payload->>'callId' = 'SP1'");
    expect(echoed.rows).toHaveLength(0);
  });

  it('ties one decision to a call, whichever way the customer is looked up within it', async () => {
    const insights = async (query: string) => {
      const response = await app.inject({
        method: 'GET',
        url: `/v1/insights?${query}`,
        headers: bearer(harper),
      });
      expect(response.statusCode).toBe(200);
      return response.json<{ decision: { id: string }; customer: { id: string } }>();
    };
    const atRing = await insights('phone=%2B14155550101&call=twilio:CA1');
    expect(atRing.customer.id).toBe('C1');
    // The CRM record opened later in the same call: the same customer, the same decision.
    const recordOpened = await insights('email=ada%40example.com&call=twilio:CA1');
    expect(recordOpened.decision.id).toBe(atRing.decision.id);
    const nextCall = await insights('phone=%2B14155550101&call=twilio:CA9');
    expect(nextCall.decision.id).not.toBe(atRing.decision.id);
    const noCall = await insights('phone=%2B14155550101');
    expect(noCall.decision.id).not.toBe(atRing.decision.id);
    const badKey = await app.inject({
      method: 'GET',
      url: '/v1/insights?phone=%2B14155550101&call=no-key',
      headers: bearer(harper),
    });
    expect(badKey.statusCode).toBe(400);
  });

  it('drops stream events older than a day, and only those', async () => {
    await db.query("INSERT INTO agents (name) VALUES ('night-shift')");
    await postCall(pbx, { callId: 'OLD1', agent: 'night-shift', from: '1', state: 'ringing' });
    const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM agent_events');
    await db.query(
      `UPDATE agent_events SET created_at = now() - interval '25 hours'
       WHERE payload->>'callId' = 'OLD1'`,
    );
    expect(await pruneAgentEvents(db)).toBe(1);
    const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM agent_events');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n - 1);
  });

  it('names a bad Last-Event-ID', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/agents/me/events',
      headers: { ...bearer(harper), 'last-event-id': 'yesterday' },
    });
    expect(response.statusCode).toBe(400);
    expect(problemSchema.parse(response.json()).detail).toMatch(/"yesterday"/);
  });

  describe('the event stream', () => {
    let server: FastifyInstance;
    let baseUrl: string;

    const listen = async () => {
      server = await buildApp({ db, config: testConfig(), eventHeartbeatMs: 60_000 });
      await server.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    };
    beforeAll(listen);
    afterAll(async () => server.close());

    it('sends a call as it rings and resumes after Last-Event-ID, across a restart', async () => {
      const stream = await openStream(baseUrl, harper);
      streams.push(stream);
      // A fresh stream starts with the calls still going (CA1, CA2 rang above; CA2 ended).
      const going: string[] = [];
      let message = await stream.next();
      while (
        message.event === 'call' &&
        callSchema.parse(JSON.parse(message.data)).callId !== 'LIVE1'
      ) {
        going.push(callSchema.parse(JSON.parse(message.data)).callId);
        if (going.length === 1) {
          await server.inject({
            method: 'POST',
            url: '/v1/calls',
            headers: bearer(pbx),
            payload: { callId: 'LIVE1', agent: 'harper', from: '4155550101', state: 'ringing' },
          });
        }
        message = await stream.next();
      }
      expect(going).toContain('CA1');
      expect(going).not.toContain('CA2');
      expect(message.event).toBe('call');
      const live = callSchema.parse(JSON.parse(message.data));
      expect(live).toMatchObject({ callId: 'LIVE1', state: 'ringing' });
      const seenUpTo = message.id!;
      stream.close();

      // While no stream is open, the call goes on and the server restarts.
      const post = (state: string) =>
        server.inject({
          method: 'POST',
          url: '/v1/calls',
          headers: bearer(pbx),
          payload: { callId: 'LIVE1', agent: 'harper', from: '4155550101', state },
        });
      await post('connected');
      await server.close();
      await listen();
      await post('ended');

      const resumed = await openStream(baseUrl, harper, seenUpTo);
      streams.push(resumed);
      const states = [];
      for (let i = 0; i < 2; i += 1) {
        const next = await resumed.next();
        expect(Number(next.id)).toBeGreaterThan(Number(seenUpTo));
        states.push(callSchema.parse(JSON.parse(next.data)).state);
      }
      expect(states).toEqual(['connected', 'ended']);

      // Live, through this server's own streams.
      await server.inject({
        method: 'POST',
        url: '/v1/calls',
        headers: bearer(pbx),
        payload: {
          callId: 'LIVE2',
          agent: 'harper@example.com',
          from: '4155550102',
          state: 'ringing',
        },
      });
      const live2 = callSchema.parse(JSON.parse((await resumed.next()).data));
      expect(live2.callId).toBe('LIVE2');
      expect(live2.customer.status).toBe('ambiguous');
    });
  });
});
