import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema } from '../../contract/index.ts';
import { seededRng } from '../../nba/index.ts';
import { buildApp } from '../app.ts';
import { createToken } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { createNbaDecisionMaker } from '../nba/decide.ts';
import {
  decisionInputLookupColumnsSql,
  decisionInputsFromLookup,
  loadDecisionInputs,
} from '../nba/facts.ts';
import { seedCatalogue } from '../nba/seed-catalogue.ts';
import { importText, testConfig } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { statementRecorder } from '../testing/statement-recorder.ts';
import { lookupCustomerProfile } from './customer-lookup.ts';

const discount = 'retention-loyalty-discount';

describe.each(testDatabases())('insights statements on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  let during: ReturnType<typeof statementRecorder>['during'];

  beforeAll(async () => {
    db = await target.open();
    await seedCatalogue(db);
    const recorder = statementRecorder(db);
    during = recorder.during;
    app = await buildApp({
      db: recorder.db,
      config: testConfig(),
      decide: createNbaDecisionMaker({ rng: seededRng(7) }),
    });
    const { token } = await createToken(db, { role: 'csr', agentName: 'csr-1', actor: 'test' });
    headers = { authorization: `Bearer ${token}` };
    await importText(
      db,
      'customers',
      [
        'customer_id,name,email,since,contract',
        'R1,Risky One,r1@example.com,2023-01-01,Month-to-month',
        'R2,Risky Two,r2@example.com,2023-01-01,Month-to-month',
        'N1,No Segment,n1@example.com,2023-01-01,Two year',
        'U1,Unscored,u1@example.com,2023-01-01,Two year',
      ].join('\n'),
    );
    // R1 and R2 share a segment; N1's snapshot names no segment (so it counts as unsegmented).
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, recency_score, frequency_score,
         monetary_score, clv, currency, value_tier, p_alive, horizon_months, churn_probability,
         churn_band, churn_source, model_version)
       SELECT id, CASE WHEN customer_id = 'N1' THEN NULL ELSE 'At risk' END, 2, 3, 4, 900, 'USD',
         'gold', 0.6, 12, 0.72, 'high', 'model', 'churn-t'
       FROM customers WHERE customer_id IN ('R1', 'R2', 'N1')`,
    );
    await importText(
      db,
      'contacts',
      [
        'contact_id,customer_id,started_at,channel,agent,reason,csat',
        'K1,R1,2024-04-01T09:00:00Z,phone,Grace,billing,2',
        'K2,R1,2024-04-03T09:00:00Z,chat,Linus,billing,',
        'K3,N1,2024-04-02T09:00:00Z,email,Grace,outage,5',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function insights(email: string) {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/insights?email=${email}`,
      headers,
    });
    expect(response.statusCode).toBe(200);
    return insightsSchema.parse(response.json());
  }

  it('reads everything in one statement and writes the decision in one more', async () => {
    // The first request loads and compiles the catalogue and routing rules (cached after).
    await insights('r2@example.com');
    const { result: body, sent } = await during(() => insights('r1@example.com'));
    expect(body.customer.id).toBe('R1');
    expect(body.nextBestActions.length).toBeGreaterThan(0);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/nba_tallies/);
    expect(sent[1]).toMatch(/INSERT INTO decisions/);
  });

  it('takes from the lookup exactly the decision inputs a statement of their own reads', async () => {
    // An accepted offer gives R1 a tally for its segment and an offer in its history.
    const decision = await insights('r1@example.com');
    const outcome = await app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...headers, 'idempotency-key': randomUUID() },
      payload: {
        decisionId: decision.decision.id,
        treatmentId: discount,
        result: 'accepted',
        occurredAt: new Date().toISOString(),
      },
    });
    expect(outcome.statusCode).toBe(201);
    const now = new Date();
    for (const email of ['r1', 'r2', 'n1', 'u1'].map((n) => `${n}@example.com`)) {
      const found = await lookupCustomerProfile(
        db,
        { email },
        'US',
        now,
        decisionInputLookupColumnsSql,
      );
      if (found.status !== 'found') throw new Error(`${email} not found`);
      const fromLookup = decisionInputsFromLookup(found.row, found.profile, now);
      expect(fromLookup).not.toBeNull();
      expect(fromLookup).toEqual(await loadDecisionInputs(db, found.profile, now));
    }
    const r1 = await lookupCustomerProfile(
      db,
      { email: 'r1@example.com' },
      'US',
      now,
      decisionInputLookupColumnsSql,
    );
    if (r1.status !== 'found') throw new Error('r1 not found');
    const inputs = decisionInputsFromLookup(r1.row, r1.profile, now)!;
    expect(inputs.tallies).toEqual([
      { treatmentId: discount, segment: 'At risk', accepted: 1, declined: 0 },
    ]);
    expect(Object.keys(inputs.facts.treatmentHistory)).toEqual([discount]);
    expect(inputs.facts.recentContacts.map((c) => c.reason)).toEqual(['billing', 'billing']);
  });

  it('falls back to reading the inputs when the lookup did not carry them', async () => {
    const found = await lookupCustomerProfile(db, { email: 'r2@example.com' }, 'US');
    if (found.status !== 'found') throw new Error('r2 not found');
    expect(decisionInputsFromLookup(found.row, found.profile, new Date())).toBeNull();
  });
});
