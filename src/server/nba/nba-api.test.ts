import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema, problemSchema } from '../../contract/index.ts';
import { demoRuleSet, seededRng } from '../../nba/index.ts';
import { buildApp } from '../app.ts';
import { createToken, type Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { importText, testConfig } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { createNbaDecisionMaker } from './decide.ts';
import { seedCatalogue } from './seed-catalogue.ts';

const discount = 'retention-loyalty-discount';

describe.each(testDatabases())('next-best-action API on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    db = await target.open();
    await seedCatalogue(db);
    app = await buildApp({
      db,
      config: testConfig(),
      decide: createNbaDecisionMaker({ rng: seededRng(20_251_125) }),
    });
    for (const role of ['csr', 'supervisor', 'admin'] as const) {
      tokens[role] = (
        await createToken(db, { role, agentName: `nba-${role}`, actor: 'test' })
      ).token;
    }
    // A1..A6: valuable, at-risk, month-to-month customers in one segment; L1 a content one;
    // S1 and S2 share a phone.
    const atRisk = [1, 2, 3, 4, 5, 6].map(
      (n) => `A${n},Risky ${n},a${n}@example.com,(415) 555-01${10 + n},2023-01-01,Month-to-month`,
    );
    await importText(
      db,
      'customers',
      [
        'customer_id,name,email,phone,since,contract',
        ...atRisk,
        'L1,Content One,l1@example.com,(415) 555-0199,2023-01-01,Two year',
        'S1,Shared One,s1@example.com,(212) 555-0100,2023-01-01,Two year',
        'S2,Shared Two,s2@example.com,212.555.0100,2023-01-01,Two year',
      ].join('\n'),
    );
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, recency_score, frequency_score,
         monetary_score, clv, currency, value_tier, p_alive, horizon_months, churn_probability,
         churn_band, churn_source, model_version)
       SELECT id, 'At risk', 2, 3, 4, 900, 'USD', 'gold', 0.6, 12, 0.72, 'high', 'model', 'churn-t'
       FROM customers WHERE customer_id LIKE 'A%'`,
    );
    await db.query(
      `INSERT INTO score_snapshots (customer_id, segment, recency_score, frequency_score,
         monetary_score, clv, currency, value_tier, p_alive, horizon_months, churn_probability,
         churn_band, churn_source, model_version)
       SELECT id, 'Champions', 5, 5, 5, 300, 'USD', 'silver', 0.95, 12, 0.05, 'low', 'model', 'churn-t'
       FROM customers WHERE customer_id = 'L1'`,
    );
    await setControlShare(0);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function setControlShare(controlShare: number) {
    const response = await app.inject({
      method: 'PUT',
      url: '/v1/settings/nba',
      headers: auth('admin'),
      payload: { controlShare },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().controlShare).toBe(controlShare);
  }

  const insights = async (email: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/insights?email=${email}`,
      headers: auth('csr'),
    });
    expect(response.statusCode).toBe(200);
    return insightsSchema.parse(response.json());
  };

  const recordOutcome = (decisionId: string, result: 'accepted' | 'declined') =>
    app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...auth('csr'), 'idempotency-key': randomUUID() },
      payload: {
        decisionId,
        treatmentId: discount,
        result,
        ...(result === 'declined' ? { reason: 'too_expensive' } : {}),
        occurredAt: new Date().toISOString(),
      },
    });

  it('lists the seeded catalogue and rules with version and last change', async () => {
    const treatments = await app.inject({
      method: 'GET',
      url: '/v1/treatments',
      headers: auth('supervisor'),
    });
    expect(treatments.statusCode).toBe(200);
    const list = treatments.json() as { id: string; version: number; updatedBy: string }[];
    expect(list.map((t) => t.id).sort()).toEqual(demoRuleSet.treatments.map((t) => t.id).sort());
    expect(list.find((t) => t.id === discount)).toMatchObject({
      ...demoRuleSet.treatments.find((t) => t.id === discount),
      version: 1,
      updatedBy: 'loopdesk-demo',
    });
    const rules = await app.inject({
      method: 'GET',
      url: '/v1/rules',
      headers: auth('supervisor'),
    });
    expect((rules.json() as { id: string }[]).map((r) => r.id)).toEqual(
      demoRuleSet.rules.map((r) => r.id),
    );
  });

  it('suggests real treatments with reasons, records the rule version and routes to the retention desk', async () => {
    const body = await insights('a1@example.com');
    const ids = body.nextBestActions.map((a) => a.treatmentId);
    expect(ids).toContain(discount);
    const action = body.nextBestActions.find((a) => a.treatmentId === discount)!;
    expect(action.reason).toMatch(/month-to-month contract/);
    expect(body.decision.controlGroup).toBe(false);
    expect(body.decision.noActionReason).toBeNull();
    expect(body.routing).toMatchObject({ priority: 'high', skill: 'retention-desk' });
    const { rows } = await db.query<{
      rule_version: string;
      segment: string;
      suggestions: { treatmentId: string; propensityMean: number; shown: boolean }[];
      state: string;
    }>(
      `SELECT d.rule_version, d.segment, d.suggestions,
         (SELECT rule_set_version FROM nba_catalogue_state) AS state
       FROM decisions d WHERE d.id = $1`,
      [body.decision.id],
    );
    expect(rows[0]!.rule_version).toMatch(/^rs-[0-9a-f]{16}$/);
    expect(rows[0]!.rule_version).toBe(rows[0]!.state);
    expect(rows[0]!.segment).toBe('At risk');
    expect(rows[0]!.suggestions.map((s) => s.treatmentId)).toEqual(ids);
    expect(rows[0]!.suggestions.every((s) => s.shown)).toBe(true);
  });

  it('refuses an invalid rule with 422 naming the rule and field, and stores nothing', async () => {
    const before = await db.query('SELECT revision FROM nba_catalogue_state');
    const put = (id: string, payload: Record<string, unknown>) =>
      app.inject({ method: 'PUT', url: `/v1/rules/${id}`, headers: auth('admin'), payload });
    const impossible = await put('bad-range', {
      treatmentId: discount,
      name: 'Bad range',
      active: true,
      conditions: [{ field: 'churnProbability', min: 0.9, max: 0.2 }],
    });
    expect(impossible.statusCode).toBe(422);
    const problem = problemSchema.parse(impossible.json());
    expect(problem.detail).toContain('rule "bad-range" ("Bad range")');
    expect(problem.detail).toContain('conditions[0].min');
    expect(problem.detail).toMatch(/impossible range/);

    const unknownField = await put('typo', {
      treatmentId: discount,
      name: 'Typo',
      active: true,
      conditions: [],
      weight: 2,
    });
    expect(unknownField.statusCode).toBe(422);
    expect(problemSchema.parse(unknownField.json()).detail).toContain(
      'rule "typo" ("Typo"): weight: unknown field',
    );

    const unknownTreatment = await put('orphan', {
      treatmentId: 'no-such-treatment',
      name: 'Orphan',
      active: true,
      conditions: [],
    });
    expect(unknownTreatment.statusCode).toBe(422);
    expect(problemSchema.parse(unknownTreatment.json()).detail).toContain(
      'treatmentId: unknown treatment "no-such-treatment"',
    );

    const mismatched = await put('one-id', { id: 'other-id', treatmentId: discount });
    expect(mismatched.statusCode).toBe(422);
    expect(problemSchema.parse(mismatched.json()).detail).toContain('id: the body says');

    const badPatch = await app.inject({
      method: 'PATCH',
      url: `/v1/treatments/${discount}`,
      headers: auth('supervisor'),
      payload: { prior: { propensity: 1.5 } },
    });
    expect(badPatch.statusCode).toBe(422);
    expect(problemSchema.parse(badPatch.json()).detail).toContain(
      `treatment "${discount}" ("Loyalty discount"): prior.propensity`,
    );
    expect((await db.query('SELECT revision FROM nba_catalogue_state')).rows).toEqual(before.rows);
  });

  it('versions and audits every change, and decisions record the new rule version', async () => {
    const stateBefore = await db.query<{ v: string }>(
      'SELECT rule_set_version AS v FROM nba_catalogue_state',
    );
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/treatments/${discount}`,
      headers: auth('supervisor'),
      payload: { cooldownDays: 45, prior: { propensity: 0.3, evidenceWeight: 10 } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id: discount,
      cooldownDays: 45,
      prior: { propensity: 0.3, evidenceWeight: 10 },
      version: 2,
      updatedBy: 'nba-supervisor',
    });
    const versions = await db.query<{ version: number; change: string; changed_by: string }>(
      `SELECT version, change, changed_by FROM nba_versions
       WHERE item_kind = 'treatment' AND item_id = $1 ORDER BY version`,
      [discount],
    );
    expect(versions.rows).toEqual([
      { version: 1, change: 'create', changed_by: 'loopdesk-demo' },
      { version: 2, change: 'patch', changed_by: 'nba-supervisor' },
    ]);
    const history = await app.inject({
      method: 'GET',
      url: `/v1/nba/versions?kind=treatment&id=${discount}`,
      headers: auth('supervisor'),
    });
    expect(history.json()).toEqual([
      expect.objectContaining({
        version: 2,
        change: 'patch',
        changedBy: 'nba-supervisor',
        definition: expect.objectContaining({ cooldownDays: 45 }),
      }),
      expect.objectContaining({ version: 1, change: 'create', changedBy: 'loopdesk-demo' }),
    ]);
    const audited = await db.query<{ actor: string; details: { version: number } }>(
      `SELECT actor, details FROM audit_log WHERE action = 'treatment.patch' AND target = $1`,
      [discount],
    );
    expect(audited.rows).toHaveLength(1);
    expect(audited.rows[0]).toMatchObject({ actor: 'nba-supervisor', details: { version: 2 } });

    const ruleAdded = await app.inject({
      method: 'PUT',
      url: '/v1/rules/retention-discount-any-gold',
      headers: auth('admin'),
      payload: {
        treatmentId: discount,
        name: 'Any gold customer',
        active: false,
        conditions: [{ field: 'valueTier', in: ['gold'] }],
      },
    });
    expect(ruleAdded.statusCode).toBe(200);
    expect(ruleAdded.json()).toMatchObject({ version: 1, updatedBy: 'nba-admin', active: false });

    const state = await db.query<{ v: string }>(
      'SELECT rule_set_version AS v FROM nba_catalogue_state',
    );
    expect(state.rows[0]!.v).not.toBe(stateBefore.rows[0]!.v);
    const body = await insights('a2@example.com');
    const decision = await db.query<{ rule_version: string }>(
      'SELECT rule_version FROM decisions WHERE id = $1',
      [body.decision.id],
    );
    expect(decision.rows[0]!.rule_version).toBe(state.rows[0]!.v);
  });

  it('stops suggesting a treatment a supervisor turned off, and again once it is back on', async () => {
    const toggle = (active: boolean) =>
      app.inject({
        method: 'PATCH',
        url: `/v1/treatments/${discount}`,
        headers: auth('supervisor'),
        payload: { active },
      });
    expect((await insights('a3@example.com')).nextBestActions.map((a) => a.treatmentId)).toContain(
      discount,
    );
    expect((await toggle(false)).json()).toMatchObject({ active: false });
    const off = await insights('a3@example.com');
    expect(off.nextBestActions.map((a) => a.treatmentId)).not.toContain(discount);
    expect(off.nextBestActions.length).toBeGreaterThan(0);
    await toggle(true);
    expect((await insights('a3@example.com')).nextBestActions.map((a) => a.treatmentId)).toContain(
      discount,
    );

    const ruleOff = await app.inject({
      method: 'PATCH',
      url: '/v1/rules/retention-annual-plan-medium-risk',
      headers: auth('supervisor'),
      payload: { active: false },
    });
    expect(ruleOff.json()).toMatchObject({ active: false, version: 2 });
    const withoutRule = await insights('a3@example.com');
    expect(withoutRule.nextBestActions.map((a) => a.treatmentId)).not.toContain(
      'retention-annual-plan',
    );
    await app.inject({
      method: 'PATCH',
      url: '/v1/rules/retention-annual-plan-medium-risk',
      headers: auth('supervisor'),
      payload: { active: true },
    });
  });

  it('refuses CSR tokens on catalogue, rules, routing-rules, settings and results routes', async () => {
    const calls = [
      ['GET', '/v1/treatments'],
      ['PATCH', `/v1/treatments/${discount}`],
      ['PUT', `/v1/treatments/${discount}`],
      ['GET', '/v1/rules'],
      ['PATCH', '/v1/rules/recovery-low-csat'],
      ['PUT', '/v1/rules/recovery-low-csat'],
      ['GET', '/v1/routing-rules'],
      ['PUT', '/v1/routing-rules'],
      ['GET', '/v1/settings/nba'],
      ['PUT', '/v1/settings/nba'],
      ['POST', '/v1/outcomes/results'],
      ['GET', '/v1/nba/versions'],
    ] as const;
    for (const [method, url] of calls) {
      const response = await app.inject({
        method,
        url,
        headers: auth('csr'),
        ...(method === 'GET' ? {} : { payload: { active: false } }),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
    }
    const supervisorOnAdmin = await app.inject({
      method: 'PUT',
      url: '/v1/routing-rules',
      headers: auth('supervisor'),
      payload: {},
    });
    expect(supervisorOnAdmin.statusCode).toBe(403);
  });

  it('answers GET /v1/routing by the same identifiers as insights, with 404 and 409', async () => {
    const routing = (query: string) =>
      app.inject({ method: 'GET', url: `/v1/routing?${query}`, headers: auth('csr') });
    const hot = await routing('email=A4@example.com');
    expect(hot.statusCode).toBe(200);
    expect(hot.json()).toMatchObject({
      customerId: 'A4',
      priority: 'high',
      skill: 'retention-desk',
      ruleId: 'high-value-high-risk',
    });
    const calm = await routing('email=l1@example.com');
    expect(calm.json()).toMatchObject({ priority: 'normal', skill: 'general', ruleId: null });
    expect((await routing('email=nobody@example.com')).statusCode).toBe(404);
    const ambiguous = await routing('phone=%2B12125550100');
    expect(ambiguous.statusCode).toBe(409);
    expect(problemSchema.parse(ambiguous.json()).candidates).toHaveLength(2);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/routing?email=a4@example.com' })).statusCode,
    ).toBe(401);
  });

  it('edits routing rules as an admin, validated (422 naming the routing rule) and versioned', async () => {
    const current = (
      await app.inject({ method: 'GET', url: '/v1/routing-rules', headers: auth('admin') })
    ).json();
    expect(current.version).toBe(1);
    const { version: _v, updatedAt: _a, updatedBy: _b, configVersion: _c, ...config } = current;
    const bad = await app.inject({
      method: 'PUT',
      url: '/v1/routing-rules',
      headers: auth('admin'),
      payload: {
        ...config,
        rules: [
          { id: 'broken', name: 'Broken', active: true, conditions: [], hint: config.fallback },
        ],
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(problemSchema.parse(bad.json()).detail).toContain(
      'routing rule "broken" ("Broken"): conditions',
    );
    const calmer = {
      ...config,
      rules: config.rules.filter((r: { id: string }) => r.id !== 'high-value-high-risk'),
    };
    const saved = await app.inject({
      method: 'PUT',
      url: '/v1/routing-rules',
      headers: auth('admin'),
      payload: calmer,
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ version: 2, updatedBy: 'nba-admin' });
    const routed = await app.inject({
      method: 'GET',
      url: '/v1/routing?email=a4@example.com',
      headers: auth('csr'),
    });
    expect(routed.json()).toMatchObject({ skill: 'general', ruleId: null });
    const restored = await app.inject({
      method: 'PUT',
      url: '/v1/routing-rules',
      headers: auth('admin'),
      payload: config,
    });
    expect(restored.json()).toMatchObject({ version: 3 });
  });

  it('closes the loop: accepted outcomes raise the propensity shown for that treatment and segment', async () => {
    const first = await insights('a5@example.com');
    const before = first.nextBestActions.find((a) => a.treatmentId === discount)!;
    expect(before.propensity).toBeCloseTo(0.3, 10);
    // Five customers of the segment accept the discount, each on their own decision.
    for (const email of ['a1', 'a2', 'a3', 'a4', 'a5'].map((n) => `${n}@example.com`)) {
      const body = await insights(email);
      const recorded = await recordOutcome(body.decision.id, 'accepted');
      expect(recorded.statusCode).toBe(201);
    }
    const later = await insights('a6@example.com');
    const after = later.nextBestActions.find((a) => a.treatmentId === discount)!;
    // Prior 0.3 with weight 10, plus 5 accepted: (3 + 5) / (10 + 5).
    expect(after.propensity).toBeCloseTo(8 / 15, 10);
    expect(after.propensity).toBeGreaterThan(before.propensity);
    const stored = await db.query<{ segment: string; n: number }>(
      `SELECT segment, count(*)::int AS n FROM outcomes WHERE treatment_key = $1 GROUP BY segment`,
      [discount],
    );
    expect(stored.rows).toEqual([{ segment: 'At risk', n: 5 }]);
    // The customer who accepted is now in the treatment's cooldown.
    const again = await insights('a5@example.com');
    expect(again.nextBestActions.map((a) => a.treatmentId)).not.toContain(discount);

    // Declines pull it back down; another segment is untouched.
    const declined = await recordOutcome(later.decision.id, 'declined');
    expect(declined.statusCode).toBe(201);
    const tallies = await db.query<{ accepted: number; declined: number }>(
      `SELECT accepted, declined FROM nba_tallies WHERE segment = 'At risk' AND treatment_key = $1`,
      [discount],
    );
    expect(tallies.rows).toEqual([{ accepted: 5, declined: 1 }]);
    const champions = await db.query(`SELECT 1 FROM nba_tallies WHERE segment = 'Champions'`);
    expect(champions.rows).toHaveLength(0);
  });

  it('holds out control-group decisions: no actions, said so, and marked on the row', async () => {
    await setControlShare(1);
    const body = await insights('a6@example.com');
    expect(body.nextBestActions).toEqual([]);
    expect(body.decision.controlGroup).toBe(true);
    expect(body.decision.noActionReason).toMatch(/control group/i);
    const { rows } = await db.query<{
      control_group: boolean;
      no_action_code: string;
      suggestions: { treatmentId: string; shown: boolean }[];
    }>('SELECT control_group, no_action_code, suggestions FROM decisions WHERE id = $1', [
      body.decision.id,
    ]);
    expect(rows[0]).toMatchObject({ control_group: true, no_action_code: 'control_group' });
    // What would have been shown is kept, marked as withheld, so uplift can be measured.
    expect(rows[0]!.suggestions.length).toBeGreaterThan(0);
    expect(rows[0]!.suggestions.every((s) => !s.shown)).toBe(true);
    await setControlShare(0);
    expect((await insights('a6@example.com')).decision.controlGroup).toBe(false);
  });

  it('says explicitly when nothing fits', async () => {
    const body = await insights('l1@example.com');
    expect(body.nextBestActions).toEqual([]);
    expect(body.decision.noActionReason).toMatch(/^No action/);
  });

  it('imports later business results all or nothing, naming line and column', async () => {
    const decision = (await insights('a1@example.com')).decision.id;
    const post = (payload: string, type: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/outcomes/results',
        headers: { ...auth('admin'), 'content-type': type },
        payload,
      });
    const good = await post(
      `decision_id,kind,amount\n${decision},retained_90d,\n${decision},converted,49.90\n`,
      'text/csv',
    );
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ rows: 2 });
    const again = await post(
      `{"decision_id":"${decision}","kind":"converted","amount":55}\n`,
      'application/x-ndjson',
    );
    expect(again.json()).toEqual({ rows: 1 });
    const stored = await db.query<{ kind: string; amount: number | null }>(
      `SELECT kind, amount::float8 AS amount FROM outcome_results WHERE decision_id = $1 ORDER BY kind`,
      [decision],
    );
    expect(stored.rows).toEqual([
      { kind: 'converted', amount: 55 },
      { kind: 'retained_90d', amount: null },
    ]);
    const bad = await post(
      `decision_id,kind\n${decision},retained_90d\n${decision},churned\n${randomUUID()},converted\n`,
      'text/csv',
    );
    expect(bad.statusCode).toBe(422);
    const problem = problemSchema.parse(bad.json());
    expect(problem.errors).toEqual([expect.objectContaining({ line: 3, column: 'kind' })]);
    const unknown = await post(`decision_id,kind\n${randomUUID()},converted\n`, 'text/csv');
    expect(unknown.statusCode).toBe(422);
    expect(problemSchema.parse(unknown.json()).errors).toEqual([
      expect.objectContaining({ line: 2, column: 'decision_id' }),
    ]);
  });
});
