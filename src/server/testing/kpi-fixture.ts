import type { Queryable } from '../db/db.ts';

/**
 * A small hand-built data set for the KPI and review tests (period March 2025). Every number
 * the tests expect is worked out from these rows in the tests' comments.
 *
 * Teams: Alpha (ann, bob, supervisor sup-alpha), Beta (cy).
 * Customers and latest scores (2025-01-01): K1 At risk / churn high, K2 Champions / low,
 * K3 At risk / medium, K4 no scores.
 * Treatments: ret (retention, value 100), xs (cross-sell, 50), up (up-sell, 30).
 */
export async function seedKpiFixture(db: Queryable): Promise<void> {
  await db.exec(`
    INSERT INTO teams (name) VALUES ('Alpha'), ('Beta');
    INSERT INTO agents (name, team_id) SELECT 'ann', id FROM teams WHERE name = 'Alpha';
    INSERT INTO agents (name, team_id) SELECT 'bob', id FROM teams WHERE name = 'Alpha';
    INSERT INTO agents (name, team_id) SELECT 'sup-alpha', id FROM teams WHERE name = 'Alpha';
    INSERT INTO agents (name, team_id) SELECT 'cy', id FROM teams WHERE name = 'Beta';
    INSERT INTO customers (customer_id, name) VALUES
      ('K1', 'Kim One'), ('K2', 'Kit Two'), ('K3', 'Kai Three'), ('K4', 'Kay Four');
    INSERT INTO score_snapshots (customer_id, segment, churn_band, computed_at)
      SELECT id, v.segment, v.band, '2025-01-01T00:00:00Z' FROM customers
      JOIN (VALUES ('K1', 'At risk', 'high'), ('K2', 'Champions', 'low'), ('K3', 'At risk', 'medium'))
        AS v (cid, segment, band) ON v.cid = customer_id;
    INSERT INTO treatments (key, name, kind, business_value) VALUES
      ('ret', 'Loyalty discount', 'retention', 100),
      ('xs', 'Add a second line', 'cross-sell', 50),
      ('up', 'Bigger plan', 'up-sell', 30);
    INSERT INTO transactions (customer_id, order_id, occurred_at, amount, currency)
      SELECT id, v.o, v.at::timestamptz, 10, 'USD' FROM customers
      JOIN (VALUES ('K1', 'o1', '2025-03-10T12:00:00Z'), ('K2', 'o2', '2025-03-25T12:00:00Z'),
                   ('K3', 'o3', '2025-03-20T12:00:00Z'), ('K4', 'o4', '2025-05-15T12:00:00Z'))
        AS v (cid, o, at) ON v.cid = customer_id;
  `);
  const contacts: [string, string, string | null, string, number | null, boolean | null, string][] =
    [
      ['c0', 'K2', 'bob', '2025-02-27T10:00:00Z', 5, true, 'billing'],
      ['c1', 'K1', 'ann', '2025-03-03T10:00:00Z', 5, true, 'billing'],
      ['c2', 'K1', 'ann', '2025-03-05T10:00:00Z', 2, true, 'billing'],
      ['c3', 'K2', 'bob', '2025-03-10T10:00:00Z', 4, false, 'billing'],
      ['c4', 'K3', 'cy', '2025-03-12T10:00:00Z', null, true, 'sales inquiry'],
      ['c5', 'K4', 'cy', '2025-03-28T10:00:00Z', 3, true, 'outage'],
      ['c6', 'K1', 'ann', '2025-03-20T10:00:00Z', 4, true, 'billing'],
      ['c7', 'K4', 'cy', '2025-04-02T10:00:00Z', null, null, 'outage'],
      ['c8', 'K1', null, '2025-07-01T10:00:00Z', null, null, 'billing'],
    ];
  for (const [id, customer, agent, at, csat, resolved, reason] of contacts) {
    await db.query(
      `INSERT INTO contacts (contact_id, customer_id, channel, started_at, agent_id, csat,
         resolved_first_contact, reason)
       SELECT $1, c.id, 'phone', $4, (SELECT id FROM agents WHERE name = $3), $5, $6, $7
       FROM customers c WHERE c.customer_id = $2`,
      [id, customer, agent, at, csat, resolved, reason],
    );
  }
  const decisions: [string, string, string, string, boolean, string[]][] = [
    ['D1', 'ann', 'K1', '2025-03-03T10:05:00Z', false, ['ret', 'xs']],
    ['D2', 'ann', 'K1', '2025-03-20T10:05:00Z', false, ['xs']],
    ['D3', 'bob', 'K2', '2025-03-10T10:05:00Z', false, ['xs', 'up']],
    ['D4', 'cy', 'K3', '2025-03-12T10:05:00Z', false, ['ret', 'up']],
    ['D5', 'cy', 'K4', '2025-03-28T10:05:00Z', true, ['xs']],
    ['D6', 'bob', 'K2', '2025-03-11T09:00:00Z', true, ['up']],
  ];
  for (const [label, agent, customer, at, control, keys] of decisions) {
    const suggestions = keys.map((key, index) => ({ rank: index + 1, treatmentId: key }));
    await db.query(
      `INSERT INTO decisions (id, customer_id, agent, context, control_group, suggestions, created_at)
       SELECT $1, id, $2, $6, $4, $5, $3 FROM customers WHERE customer_id = $7`,
      [decisionUuid(label), agent, at, control, JSON.stringify(suggestions), label, customer],
    );
  }
  const outcomes: [string, string, string, string, string | null, string | null, string][] = [
    ['D1', 'ret', 'offered', 'ann', null, null, '2025-03-03T10:06:00Z'],
    ['D1', 'ret', 'accepted', 'ann', null, null, '2025-03-03T10:07:00Z'],
    ['D1', 'xs', 'not_offered', 'ann', 'no_time_on_call', null, '2025-03-03T10:07:00Z'],
    ['D2', 'xs', 'offered', 'ann', null, null, '2025-03-20T10:06:00Z'],
    [
      'D2',
      'xs',
      'declined',
      'ann',
      'too_expensive',
      'wants a cheaper plan',
      '2025-03-20T10:07:00Z',
    ],
    ['D3', 'xs', 'accepted', 'bob', null, 'happy with the second line', '2025-03-10T10:06:00Z'],
    ['D3', 'up', 'declined', 'bob', 'not_interested', null, '2025-03-10T10:07:00Z'],
    ['D4', 'ret', 'offered', 'cy', null, null, '2025-03-12T10:06:00Z'],
    ['D4', 'ret', 'declined', 'cy', 'bad_timing', '50%_off would do it', '2025-03-12T10:07:00Z'],
  ];
  let n = 0;
  for (const [label, key, result, agent, reason, note, at] of outcomes) {
    n += 1;
    await db.query(
      `INSERT INTO outcomes (decision_id, treatment_key, agent, result, reason, note, idempotency_key, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [decisionUuid(label), key, agent, result, reason, note, `k${n}`, at],
    );
  }
}

/** D1 → 00000000-0000-4000-8000-000000000001, so tests can name decisions. */
export function decisionUuid(label: string): string {
  return `00000000-0000-4000-8000-${label.slice(1).padStart(12, '0')}`;
}

export const fixturePeriod = { from: '2025-03-01', to: '2025-04-01' };
