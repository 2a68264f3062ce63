import type { NoteRow } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { containsPattern, iso, Params } from '../db/sql-params.ts';

/** The text-search configuration of the notes' stored vectors (outcome_notes, migration 050). */
const config = `'english'`;

interface NotesInput {
  q?: string;
  teamIds: string[] | null;
  from?: Date;
  to?: Date;
  limit: number;
}

interface NoteDbRow {
  id: string;
  note: string;
  agent: string;
  occurred_at: Date | string;
  result: string;
  treatment_key: string | null;
  decision_id: string;
  customer_id: string;
  name: string | null;
}

/**
 * Notes CSRs sent with their outcomes, matching `q`, with their customer and decision. A
 * retracted outcome's note is not among them (outcome_notes drops it too: migration 110).
 *
 * Full text first: web-search syntax over the note (`"exact phrase"`, `or`, `-word`), stemmed in
 * English and served by a GIN index, ranked best match first, or the customer named by their
 * exact id. Only when that finds nothing does a literal substring search run over the note,
 * customer id and name: for fragments, ids and codes the stemmer splits or drops ("50%_off",
 * "K1", part of a name). Without `q`: every note, newest first.
 */
export async function searchNotes(db: Queryable, input: NotesInput): Promise<NoteRow[]> {
  if (!input.q) return (await notesWhere(db, input, () => 'true')).map(toRow);
  const q = input.q;
  // Two index paths, kept apart so each can use its index: the GIN one for the text, the
  // customers' unique key for an exact id (ranked first).
  const ranked = await rankedNotes(db, input, (p) => {
    const text = p.add(q);
    const query = `websearch_to_tsquery(${config}, ${text})`;
    return `SELECT n.outcome_id AS id, ts_rank_cd(n.note_search, ${query}) AS rank,
          n.occurred_at, n.agent
        FROM outcome_notes n WHERE n.note_search @@ ${query}
        UNION ALL
        SELECT o.id, 2 AS rank, o.occurred_at, o.agent
        FROM customers cu JOIN decisions d ON d.customer_id = cu.id
        JOIN outcomes o ON o.decision_id = d.id
        WHERE cu.customer_id = ${text} AND o.note IS NOT NULL AND o.retracted_at IS NULL`;
  });
  if (ranked.length > 0) return ranked.map(toRow);
  const literal = await notesWhere(db, input, (p) => {
    const pattern = p.add(containsPattern(q));
    return `(o.note ILIKE ${pattern} OR cu.customer_id ILIKE ${pattern} OR cu.name ILIKE ${pattern})`;
  });
  return literal.map(toRow);
}

/** Team and period conditions on an outcome's agent (via a) and time, each starting with AND. */
function scope(p: Params, input: NotesInput, time: string): string {
  let sql = '';
  if (input.teamIds !== null) sql += ` AND a.team_id = ANY(${p.add(input.teamIds)}::bigint[])`;
  if (input.from) sql += ` AND ${time} >= ${p.add(input.from)}`;
  if (input.to) sql += ` AND ${time} < ${p.add(input.to)}`;
  return sql;
}

const columns = `o.id::text, o.note, o.agent, o.occurred_at, o.result, o.treatment_key,
  o.decision_id::text, cu.customer_id, cu.name`;

/**
 * Notes in scope matching `match` (a condition on the outcome o and customer cu), newest first.
 */
async function notesWhere(
  db: Queryable,
  input: NotesInput,
  match: (p: Params) => string,
): Promise<NoteDbRow[]> {
  const p = new Params();
  const where = `o.note IS NOT NULL AND o.retracted_at IS NULL AND ${match(p)}${scope(p, input, 'o.occurred_at')}`;
  const { rows } = await db.query<NoteDbRow>(
    `SELECT ${columns}
     FROM outcomes o JOIN decisions d ON d.id = o.decision_id
     JOIN customers cu ON cu.id = d.customer_id LEFT JOIN agents a ON a.name = o.agent
     WHERE ${where}
     ORDER BY o.occurred_at DESC, o.id LIMIT ${p.add(input.limit)}`,
    p.values,
  );
  return rows;
}

/**
 * Notes in scope among `hits` (outcome id, rank, occurred_at, agent), best rank first, ties
 * newest first. The best `limit` are picked from the hits alone (thousands when a common word
 * matches every note); only those are joined to their outcome, decision and customer.
 */
async function rankedNotes(
  db: Queryable,
  input: NotesInput,
  hits: (p: Params) => string,
): Promise<NoteDbRow[]> {
  const p = new Params();
  const hitsSql = hits(p);
  const { rows } = await db.query<NoteDbRow>(
    `WITH hits AS (
       SELECT id, max(rank) AS rank, occurred_at, agent FROM (${hitsSql}) h
       GROUP BY id, occurred_at, agent),
     best AS (
       SELECT h.id, h.rank, h.occurred_at FROM hits h LEFT JOIN agents a ON a.name = h.agent
       WHERE true${scope(p, input, 'h.occurred_at')}
       ORDER BY h.rank DESC, h.occurred_at DESC, h.id LIMIT ${p.add(input.limit)})
     SELECT ${columns}
     FROM best b JOIN outcomes o ON o.id = b.id JOIN decisions d ON d.id = o.decision_id
     JOIN customers cu ON cu.id = d.customer_id
     ORDER BY b.rank DESC, b.occurred_at DESC, b.id`,
    p.values,
  );
  return rows;
}

function toRow(row: NoteDbRow): NoteRow {
  return {
    outcomeId: row.id,
    note: row.note,
    agent: row.agent,
    at: iso(row.occurred_at)!,
    result: row.result,
    treatmentKey: row.treatment_key,
    decisionId: row.decision_id,
    customerId: row.customer_id,
    customerName: row.name,
  };
}
