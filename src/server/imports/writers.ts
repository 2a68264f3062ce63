import type { Queryable } from '../db/db.ts';
import type { AgentRow, ContactRow, CustomerRow, IdentityRow, TransactionRow } from './rows.ts';

/** What one batch changed. Rows identical to what is stored count as neither. */
export interface WriteCounts {
  inserted: number;
  updated: number;
  /** Customers created as stubs because a row named a customer_id not seen before. */
  customersCreated: number;
}

type CountRow = { inserted: number; updated: number };

/** Later rows win when a batch names the same key twice (an upsert may touch a row once). */
function lastPerKey<T>(rows: T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(key(row), row);
  return [...byKey.values()];
}

const countChanges = `SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
  count(*) FILTER (WHERE NOT inserted)::int AS updated FROM changed`;

async function ensureCustomers(tx: Queryable, customerIds: string[]): Promise<number> {
  const { rows } = await tx.query<{ created: number }>(
    `WITH created AS (
       INSERT INTO customers (customer_id) SELECT DISTINCT unnest($1::text[])
       ON CONFLICT (customer_id) DO NOTHING RETURNING 1)
     SELECT count(*)::int AS created FROM created`,
    [customerIds],
  );
  return rows[0]?.created ?? 0;
}

async function addIdentities(
  tx: Queryable,
  identities: {
    customerId: string;
    kind: string;
    crm: string;
    objectType: string;
    value: string;
  }[],
): Promise<number> {
  if (!identities.length) return 0;
  const { rows } = await tx.query<{ inserted: number }>(
    `WITH added AS (
       INSERT INTO identities (customer_id, kind, crm, object_type, value)
       SELECT c.id, u.kind, u.crm, u.object_type, u.value
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS u(customer_id, kind, crm, object_type, value)
       JOIN customers c ON c.customer_id = u.customer_id
       ON CONFLICT DO NOTHING RETURNING 1)
     SELECT count(*)::int AS inserted FROM added`,
    [
      identities.map((i) => i.customerId),
      identities.map((i) => i.kind),
      identities.map((i) => i.crm),
      identities.map((i) => i.objectType),
      identities.map((i) => i.value),
    ],
  );
  return rows[0]?.inserted ?? 0;
}

/**
 * Customers merge: a column missing from the file keeps its stored value, attributes are merged
 * key by key, and rows that would not change are not touched at all.
 */
export async function writeCustomers(tx: Queryable, batch: CustomerRow[]): Promise<WriteCounts> {
  const rows = lastPerKey(batch, (row) => row.customerId);
  const { rows: counts } = await tx.query<CountRow>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::jsonb[])
         AS u(customer_id, name, email, phone, since, attributes)
     ), changed AS (
       INSERT INTO customers AS c (customer_id, name, email, phone, since, attributes)
       SELECT * FROM input
       ON CONFLICT (customer_id) DO UPDATE SET
         name = COALESCE(EXCLUDED.name, c.name),
         email = COALESCE(EXCLUDED.email, c.email),
         phone = COALESCE(EXCLUDED.phone, c.phone),
         since = COALESCE(EXCLUDED.since, c.since),
         attributes = c.attributes || EXCLUDED.attributes,
         updated_at = now()
       WHERE (c.name, c.email, c.phone, c.since, c.attributes) IS DISTINCT FROM
         (COALESCE(EXCLUDED.name, c.name), COALESCE(EXCLUDED.email, c.email),
          COALESCE(EXCLUDED.phone, c.phone), COALESCE(EXCLUDED.since, c.since),
          c.attributes || EXCLUDED.attributes)
       RETURNING (xmax = 0) AS inserted
     ) ${countChanges}`,
    [
      rows.map((r) => r.customerId),
      rows.map((r) => r.name),
      rows.map((r) => r.email),
      rows.map((r) => r.phone),
      rows.map((r) => r.since),
      rows.map((r) => JSON.stringify(r.attributes)),
    ],
  );
  const identities = rows.flatMap((row) => [
    ...(row.email
      ? [{ customerId: row.customerId, kind: 'email', crm: '', objectType: '', value: row.email }]
      : []),
    ...(row.phone
      ? [{ customerId: row.customerId, kind: 'phone', crm: '', objectType: '', value: row.phone }]
      : []),
  ]);
  await addIdentities(tx, identities);
  return {
    inserted: counts[0]?.inserted ?? 0,
    updated: counts[0]?.updated ?? 0,
    customersCreated: 0,
  };
}

export async function writeIdentities(tx: Queryable, batch: IdentityRow[]): Promise<WriteCounts> {
  const customersCreated = await ensureCustomers(
    tx,
    batch.map((row) => row.customerId),
  );
  const inserted = await addIdentities(tx, batch);
  return { inserted, updated: 0, customersCreated };
}

export async function writeTransactions(
  tx: Queryable,
  batch: TransactionRow[],
): Promise<WriteCounts> {
  const rows = lastPerKey(batch, (row) => `${row.customerId}\u0000${row.orderId}`);
  const customersCreated = await ensureCustomers(
    tx,
    rows.map((row) => row.customerId),
  );
  const { rows: counts } = await tx.query<CountRow>(
    `WITH changed AS (
       INSERT INTO transactions AS t (customer_id, order_id, occurred_at, amount, currency)
       SELECT c.id, u.order_id, u.occurred_at, u.amount, u.currency
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::numeric[], $5::text[])
         AS u(customer_id, order_id, occurred_at, amount, currency)
       JOIN customers c ON c.customer_id = u.customer_id
       ON CONFLICT (customer_id, order_id) DO UPDATE SET
         occurred_at = EXCLUDED.occurred_at, amount = EXCLUDED.amount, currency = EXCLUDED.currency
       WHERE (t.occurred_at, t.amount, t.currency) IS DISTINCT FROM
         (EXCLUDED.occurred_at, EXCLUDED.amount, EXCLUDED.currency)
       RETURNING (xmax = 0) AS inserted
     ) ${countChanges}`,
    [
      rows.map((r) => r.customerId),
      rows.map((r) => r.orderId),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.amount),
      rows.map((r) => r.currency),
    ],
  );
  return { inserted: counts[0]?.inserted ?? 0, updated: counts[0]?.updated ?? 0, customersCreated };
}

export async function writeContacts(tx: Queryable, batch: ContactRow[]): Promise<WriteCounts> {
  const rows = lastPerKey(batch, (row) => row.contactId);
  const customersCreated = await ensureCustomers(
    tx,
    rows.map((row) => row.customerId),
  );
  const teams = [...new Set(rows.map((r) => r.team).filter((t): t is string => t !== null))];
  if (teams.length) {
    await tx.query(
      'INSERT INTO teams (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING',
      [teams],
    );
  }
  const agentTeams = lastPerKey(
    rows.filter((r) => r.agent !== null),
    (r) => r.agent!,
  );
  if (agentTeams.length) {
    await tx.query(
      `INSERT INTO agents (name, team_id)
       SELECT u.agent, t.id FROM unnest($1::text[], $2::text[]) AS u(agent, team)
       LEFT JOIN teams t ON t.name = u.team
       ON CONFLICT (name) DO NOTHING`,
      [agentTeams.map((r) => r.agent), agentTeams.map((r) => r.team)],
    );
  }
  const { rows: counts } = await tx.query<CountRow>(
    `WITH changed AS (
       INSERT INTO contacts AS k (contact_id, customer_id, channel, started_at, ended_at,
         agent_id, team_id, reason, resolved_first_contact, csat)
       SELECT u.contact_id, c.id, u.channel, u.started_at, u.ended_at, a.id, t.id, u.reason,
         u.resolved_first_contact, u.csat
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],
         $6::text[], $7::text[], $8::text[], $9::boolean[], $10::smallint[])
         AS u(contact_id, customer_id, channel, started_at, ended_at, agent, team, reason,
           resolved_first_contact, csat)
       JOIN customers c ON c.customer_id = u.customer_id
       LEFT JOIN agents a ON a.name = u.agent
       LEFT JOIN teams t ON t.name = u.team
       ON CONFLICT (contact_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, channel = EXCLUDED.channel,
         started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
         agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id, reason = EXCLUDED.reason,
         resolved_first_contact = EXCLUDED.resolved_first_contact, csat = EXCLUDED.csat
       WHERE (k.customer_id, k.channel, k.started_at, k.ended_at, k.agent_id, k.team_id, k.reason,
           k.resolved_first_contact, k.csat) IS DISTINCT FROM
         (EXCLUDED.customer_id, EXCLUDED.channel, EXCLUDED.started_at, EXCLUDED.ended_at,
           EXCLUDED.agent_id, EXCLUDED.team_id, EXCLUDED.reason,
           EXCLUDED.resolved_first_contact, EXCLUDED.csat)
       RETURNING (xmax = 0) AS inserted
     ) ${countChanges}`,
    [
      rows.map((r) => r.contactId),
      rows.map((r) => r.customerId),
      rows.map((r) => r.channel),
      rows.map((r) => r.startedAt),
      rows.map((r) => r.endedAt),
      rows.map((r) => r.agent),
      rows.map((r) => r.team),
      rows.map((r) => r.reason),
      rows.map((r) => r.resolvedFirstContact),
      rows.map((r) => r.csat),
    ],
  );
  return { inserted: counts[0]?.inserted ?? 0, updated: counts[0]?.updated ?? 0, customersCreated };
}

/**
 * The administrator's list of agents: each agent is made when new and moved into the row's team
 * (made when new; a row without a team leaves the agent's team alone), and each telephony user
 * id and email names the agent on the row's platform, taken from any agent it named before
 * (as `loopdesk agents map` does). A row counts as inserted when it made the agent or a mapping,
 * updated when it only moved the agent to a team or a mapping to this agent.
 */
export async function writeAgents(tx: Queryable, batch: AgentRow[]): Promise<WriteCounts> {
  const teamOf = new Map<string, string | null>();
  for (const row of batch) {
    // A file names one team per agent (run.ts checks); a row without one says nothing.
    if (row.team !== null || !teamOf.has(row.agent)) teamOf.set(row.agent, row.team);
  }
  const teams = [...new Set([...teamOf.values()].filter((team) => team !== null))];
  if (teams.length) {
    await tx.query(
      'INSERT INTO teams (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING',
      [teams],
    );
  }
  const { rows: agentChanges } = await tx.query<{ name: string; inserted: boolean }>(
    `INSERT INTO agents AS a (name, team_id)
     SELECT u.agent, t.id FROM unnest($1::text[], $2::text[]) AS u(agent, team)
     LEFT JOIN teams t ON t.name = u.team
     ON CONFLICT (name) DO UPDATE SET team_id = EXCLUDED.team_id
     WHERE EXCLUDED.team_id IS NOT NULL AND a.team_id IS DISTINCT FROM EXCLUDED.team_id
     RETURNING a.name, (xmax = 0) AS inserted`,
    [[...teamOf.keys()], [...teamOf.values()]],
  );

  const mappingKey = (platform: string, value: string) => `${platform}\u0000${value}`;
  const mappings = lastPerKey(
    batch.flatMap((row) =>
      [row.telephonyUserId, row.telephonyEmail]
        .filter((value) => value !== null)
        .map((value) => ({ agent: row.agent, platform: row.platform, value })),
    ),
    (mapping) => mappingKey(mapping.platform, mapping.value),
  );
  const { rows: mappingChanges } = mappings.length
    ? await tx.query<{ platform: string; value: string; inserted: boolean }>(
        `INSERT INTO agent_telephony_ids AS m (agent_id, platform, value)
         SELECT a.id, u.platform, u.value
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(agent, platform, value)
         JOIN agents a ON a.name = u.agent
         ON CONFLICT (platform, value) DO UPDATE SET agent_id = EXCLUDED.agent_id
         WHERE m.agent_id <> EXCLUDED.agent_id
         RETURNING m.platform, m.value, (xmax = 0) AS inserted`,
        [
          mappings.map((m) => m.agent),
          mappings.map((m) => m.platform),
          mappings.map((m) => m.value),
        ],
      )
    : { rows: [] };

  // An agent's own change (made, or moved to a team) counts once, on its first row that made it.
  const agentChange = new Map(
    agentChanges.map((change) => [change.name, change.inserted ? 'inserted' : 'updated']),
  );
  const mappingChange = new Map(
    mappingChanges.map((change) => [
      mappingKey(change.platform, change.value),
      change.inserted ? 'inserted' : 'updated',
    ]),
  );
  let inserted = 0;
  let updated = 0;
  for (const row of batch) {
    const changes: string[] = [];
    const own = agentChange.get(row.agent);
    if (own === 'inserted' || (own === 'updated' && row.team !== null)) {
      changes.push(own);
      agentChange.delete(row.agent);
    }
    for (const value of [row.telephonyUserId, row.telephonyEmail]) {
      const change =
        value === null ? undefined : mappingChange.get(mappingKey(row.platform, value));
      if (change) changes.push(change);
    }
    if (changes.includes('inserted')) inserted += 1;
    else if (changes.length) updated += 1;
  }
  return { inserted, updated, customersCreated: 0 };
}
