import { segmentNames } from '../../src/contract/insights.ts';
import type { Queryable } from '../../src/server/db/db.ts';

export const benchCrm = 'salesforce';
export const benchObjectType = 'contact';

/**
 * The CRM record id of generated customer n (1-based), in Salesforce's 18-character form as
 * identities store it: the 15 characters are digits, so the case checksum is 'AAA'.
 */
export function recordIdOf(n: number): string {
  return `003${String(n).padStart(12, '0')}AAA`;
}

const sqlList = (values: readonly string[]) =>
  `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]`;

/**
 * `customers` generated customers, all in SQL (generate_series) so PGlite and PostgreSQL build
 * the same data without a round trip per row: each has a CRM record id, an email and a phone
 * identity and one score snapshot (segment, value, churn), so the insights payload is complete.
 * Transactions and contacts are left empty: their subqueries run but return nothing.
 */
export async function generateCustomers(db: Queryable, customers: number): Promise<void> {
  await db.exec(`
    INSERT INTO customers (customer_id, name, email, phone, since)
    SELECT 'C' || g, 'Customer ' || g, 'customer' || g || '@example.com',
      '+1' || (2002000000 + g)::text, date '2015-01-01' + (g % 3000)
    FROM generate_series(1, ${customers}) g;
    INSERT INTO identities (customer_id, kind, crm, object_type, value)
    SELECT id, 'record', '${benchCrm}', '${benchObjectType}',
      '003' || lpad(substr(customer_id, 2), 12, '0') || 'AAA' FROM customers;
    INSERT INTO identities (customer_id, kind, value) SELECT id, 'email', email FROM customers;
    INSERT INTO identities (customer_id, kind, value) SELECT id, 'phone', phone FROM customers;
    INSERT INTO score_snapshots (customer_id, segment, recency_score, frequency_score,
      monetary_score, clv, currency, value_tier, p_alive, expected_purchases, horizon_months,
      churn_probability, churn_band, churn_source, churn_reasons, model_version)
    SELECT id, (${sqlList(segmentNames)})[1 + id % ${segmentNames.length}],
      1 + id % 5, 1 + (id / 5) % 5, 1 + (id / 25) % 5, (id % 5000) + 0.5, 'USD',
      (ARRAY['bronze','silver','gold','platinum'])[1 + id % 4], 0.5, 1.5, 12,
      (id % 100) / 100.0, (ARRAY['low','medium','high'])[1 + id % 3], 'bgnbd',
      '["no purchase in 90 days"]', 'bench-1'
    FROM customers;
  `);
  // A freshly loaded table's first readers set hint bits (writes); VACUUM does it once, as
  // autovacuum would on a database in service, and ANALYZE gives the planner its statistics.
  for (const table of ['customers', 'identities', 'score_snapshots']) {
    await db.exec(`VACUUM (ANALYZE) ${table}`);
  }
}

export async function customerCount(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  return rows[0]?.n ?? 0;
}

/** Whether kept data stores the record ids the load client asks for (their form has changed). */
export async function holdsBenchRecordIds(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM identities WHERE kind = 'record' AND value = $1) AS found`,
    [recordIdOf(1)],
  );
  return rows[0]?.found === true;
}
