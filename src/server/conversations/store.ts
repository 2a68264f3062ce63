import type { Queryable } from '../db/db.ts';

/**
 * A chat conversation LoopDesk showed becomes a contact (channel chat) of the CSR it was shown
 * to: when they record an outcome of its decision, or when the console says it was closed. It
 * started when the panel first showed it (its first decision, `interaction_decisions`); its
 * contact id is its interaction key, `chat:<console>:<conversation id>`.
 */
async function upsertChatContact(
  tx: Queryable,
  key: string,
  endedAt: string | null,
): Promise<string | null> {
  const { rows: shown } = await tx.query<{ customer_id: string; agent: string; started: string }>(
    `SELECT customer_id::text, agent, created_at::text AS started FROM interaction_decisions
     WHERE interaction_key = $1 ORDER BY created_at LIMIT 1`,
    [key],
  );
  const first = shown[0];
  if (!first) return null;
  // The agents row only gives the contact an agent, as POST /v1/contacts does.
  await tx.query('INSERT INTO agents (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
    first.agent,
  ]);
  await tx.query(
    `INSERT INTO contacts (contact_id, customer_id, channel, started_at, ended_at, agent_id,
       created_by)
     SELECT $1, $2::bigint, 'chat', $3::timestamptz, $4::timestamptz, a.id, a.name
     FROM agents a WHERE a.name = $5
     ON CONFLICT (contact_id) DO UPDATE
       SET ended_at = COALESCE(contacts.ended_at, EXCLUDED.ended_at)`,
    [key, first.customer_id, first.started, endedAt, first.agent],
  );
  return key;
}

/** After an outcome of `decisionId`: its conversation, if it was one, is now a chat contact. */
export async function contactOfDecision(tx: Queryable, decisionId: string): Promise<void> {
  const { rows } = await tx.query<{ interaction_key: string }>(
    `SELECT interaction_key FROM interaction_decisions
     WHERE decision_id = $1 AND interaction_key LIKE 'chat:%'`,
    [decisionId],
  );
  const key = rows[0]?.interaction_key;
  if (key) await upsertChatContact(tx, key, null);
}

/**
 * The console closed conversation `<console>:<id>`: a chat contact ending then, if LoopDesk
 * showed it (null otherwise: nobody saw it here, so it is no contact of LoopDesk's).
 */
export async function closeConversation(
  tx: Queryable,
  conversation: string,
  closedAt: Date,
): Promise<string | null> {
  return upsertChatContact(tx, `chat:${conversation}`, closedAt.toISOString());
}
