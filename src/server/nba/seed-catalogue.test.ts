import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema } from '../../contract/index.ts';
import { demoRoutingConfig, demoRuleSet, seededRng } from '../../nba/index.ts';
import { buildApp } from '../app.ts';
import { createToken } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { demoCustomerId, seedDemo } from '../demo/seed.ts';
import { testConfig } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { changeCatalogue, loadCatalogue } from './catalogue-store.ts';
import { createNbaDecisionMaker } from './decide.ts';
import { seedCatalogue } from './seed-catalogue.ts';

describe.each(testDatabases())('catalogue seed on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('seeds the demo catalogue and routing once, and leaves later edits alone', async () => {
    expect(await seedCatalogue(db)).toEqual({
      treatments: demoRuleSet.treatments.length,
      rules: demoRuleSet.rules.length,
      routingRules: demoRoutingConfig.rules.length,
    });
    await changeCatalogue(db, 'admin', (current) => ({
      ruleSet: {
        ...current,
        treatments: current.treatments.map((t) =>
          t.id === 'education-autopay' ? { ...t, active: false } : t,
        ),
      },
      changes: [{ kind: 'treatment', id: 'education-autopay', change: 'patch' }],
    }));
    expect(await seedCatalogue(db)).toEqual({ treatments: 0, rules: 0, routingRules: 0 });
    const catalogue = await loadCatalogue(db);
    expect(catalogue.treatments.find((t) => t.id === 'education-autopay')?.active).toBe(false);
    expect(catalogue.rules.map((r) => r.id)).toEqual(demoRuleSet.rules.map((r) => r.id));
    const audited = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE actor = 'loopdesk-demo' AND action IN ('treatment.create', 'rule.create', 'routing.update')`,
    );
    expect(audited.rows[0]!.n).toBe(demoRuleSet.treatments.length + demoRuleSet.rules.length + 1);
  });
});

describe('demo start', () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDatabases()[0]!.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('shows real next-best-actions with reasons on the demo panel after a first start', async () => {
    await seedDemo(db, { customers: 300 });
    const app = await buildApp({
      db,
      config: testConfig(),
      decide: createNbaDecisionMaker({ rng: seededRng(99) }),
    });
    const { token } = await createToken(db, { role: 'csr', agentName: 'demo', actor: 'test' });
    const withActions: string[] = [];
    for (let i = 0; i < 300 && withActions.length < 5; i++) {
      const response = await app.inject({
        method: 'GET',
        url: `/v1/insights?crm=demo&type=customer&id=${demoCustomerId(i)}`,
        headers: { authorization: `Bearer ${token}` },
      });
      const body = insightsSchema.parse(response.json());
      expect(body.nextBestActions.length > 0 || body.decision.noActionReason !== null).toBe(true);
      for (const action of body.nextBestActions) {
        expect(action.reason.length).toBeGreaterThan(10);
        withActions.push(action.treatmentId);
      }
    }
    expect(withActions.length).toBeGreaterThanOrEqual(5);
    await app.close();
  });
});
