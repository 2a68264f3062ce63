import type { NoteRow } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { containsPattern, iso, Params } from './sql.ts';

/**
 * Notes CSRs sent with their outcomes, newest first, matching `q` in the note, customer id or
 * name (ILIKE; a full-text index with to_tsvector is the next step when notes grow).
 */
export async function searchNotes(
  db: Queryable,
  input: { q?: string; teamIds: string[] | null; from?: Date; to?: Date; limit: number },
): Promise<NoteRow[]> {
  const p = new Params();
  let where = 'o.note IS NOT NULL';
  if (input.q) {
    const pattern = p.add(containsPattern(input.q));
    where += ` AND (o.note ILIKE ${pattern} OR cu.customer_id ILIKE ${pattern} OR cu.name ILIKE ${pattern})`;
  }
  if (input.teamIds !== null) where += ` AND a.team_id = ANY(${p.add(input.teamIds)}::bigint[])`;
  if (input.from) where += ` AND o.occurred_at >= ${p.add(input.from)}`;
  if (input.to) where += ` AND o.occurred_at < ${p.add(input.to)}`;
  const { rows } = await db.query<{
    id: string;
    note: string;
    agent: string;
    occurred_at: Date | string;
    result: string;
    treatment_key: string | null;
    decision_id: string;
    customer_id: string;
    name: string | null;
  }>(
    `SELECT o.id::text, o.note, o.agent, o.occurred_at, o.result, o.treatment_key,
       o.decision_id::text, cu.customer_id, cu.name
     FROM outcomes o JOIN decisions d ON d.id = o.decision_id
     JOIN customers cu ON cu.id = d.customer_id LEFT JOIN agents a ON a.name = o.agent
     WHERE ${where} ORDER BY o.occurred_at DESC, o.id LIMIT ${p.add(input.limit)}`,
    p.values,
  );
  return rows.map((row) => ({
    outcomeId: row.id,
    note: row.note,
    agent: row.agent,
    at: iso(row.occurred_at)!,
    result: row.result,
    treatmentKey: row.treatment_key,
    decisionId: row.decision_id,
    customerId: row.customer_id,
    customerName: row.name,
  }));
}
