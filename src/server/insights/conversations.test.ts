import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemSchema } from '../../contract/index.ts';
import { kpiReportSchema } from '../../contract/supervisor.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

/** A CSR on a chat console with several conversations open, switching between them. */
describe.each(testDatabases())('chat conversations on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let auth: Awaited<ReturnType<typeof appWithTokens>>['auth'];

  const insights = async (query: string, role: 'csr' | 'admin' = 'csr') => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/insights?${query}`,
      headers: auth(role),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ decision: { id: string }; customer: { id: string } }>();
  };
  const recordOutcome = async (decisionId: string, key: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...auth('csr'), 'idempotency-key': key },
      payload: { decisionId, result: 'accepted', occurredAt: new Date().toISOString() },
    });
    expect(response.statusCode, response.body).toBeLessThan(300);
  };
  const chatContacts = async () =>
    (
      await db.query<{ contact_id: string; customer: string; agent: string; channel: string }>(
        `SELECT c.contact_id, k.customer_id AS customer, a.name AS agent, c.channel
         FROM contacts c JOIN customers k ON k.id = c.customer_id
         LEFT JOIN agents a ON a.id = c.agent_id
         WHERE c.channel = 'chat' ORDER BY c.contact_id`,
      )
    ).rows;

  beforeAll(async () => {
    db = await target.open();
    ({ app, auth } = await appWithTokens(db));
    await importText(
      db,
      'customers',
      'customer_id,name,phone,email\n' +
        'C1,Ada Lovelace,+1 415 555 0101,ada@example.com\n' +
        'C2,Grace Hopper,+1 415 555 0103,grace@example.com\n',
    );
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('keeps one decision per conversation while the CSR switches between conversations', async () => {
    const first = await insights('email=ada%40example.com&context=215&conversation=intercom:215');
    const second = await insights(
      'email=grace%40example.com&context=216&conversation=intercom:216',
    );
    expect(second.customer.id).toBe('C2');
    const backToFirst = await insights(
      'email=ada%40example.com&context=215&conversation=intercom:215',
    );
    expect(backToFirst.decision.id).toBe(first.decision.id);
    // The same customer in a later conversation is a new decision, as on a record page.
    const later = await insights('email=ada%40example.com&context=230&conversation=intercom:230');
    expect(later.decision.id).not.toBe(first.decision.id);
    const recordPage = await insights('email=ada%40example.com');
    expect(recordPage.decision.id).not.toBe(first.decision.id);
  });

  it('refuses a lookup that names both a call and a conversation, and a malformed key', async () => {
    for (const query of [
      'email=ada%40example.com&call=twilio:CA1&conversation=intercom:215',
      'email=ada%40example.com&conversation=no-key',
    ]) {
      const response = await app.inject({
        method: 'GET',
        url: `/v1/insights?${query}`,
        headers: auth('csr'),
      });
      expect(response.statusCode).toBe(400);
      expect(problemSchema.parse(response.json()).detail).toMatch(/conversation/);
    }
  });

  it('makes a conversation a chat contact of its CSR once an outcome is recorded, only once', async () => {
    const shown = await insights('email=grace%40example.com&context=5001&conversation=front:5001');
    expect(await chatContacts()).toEqual([]);
    await recordOutcome(shown.decision.id, 'chat-outcome-1');
    await recordOutcome(shown.decision.id, 'chat-outcome-2');
    expect(await chatContacts()).toEqual([
      { contact_id: 'chat:front:5001', customer: 'C2', agent: 'test-csr', channel: 'chat' },
    ]);
    // An outcome of a record page's decision makes no contact.
    const recordPage = await insights('email=ada%40example.com');
    await recordOutcome(recordPage.decision.id, 'record-outcome-1');
    expect(await chatContacts()).toHaveLength(1);
  });

  it('reports KPIs by channel: chat contacts and chat decisions under "chat"', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const response = await app.inject({
      method: 'GET',
      url: `/v1/kpis?from=${from}&to=${to}&groupBy=channel`,
      headers: auth('admin'),
    });
    expect(response.statusCode, response.body).toBe(200);
    const report = kpiReportSchema.parse(response.json());
    const chat = report.rows.find((row) => row.group === 'chat');
    // The one chat contact (first-contact resolution counts every contact of the period).
    expect(chat?.kpis.firstContactResolution.denominator).toBe(1);
    expect(report.rows.find((row) => row.group === 'phone')).toBeUndefined();
  });
});
