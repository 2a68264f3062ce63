import type { NoteRow } from '../../contract/supervisor.ts';
import type { Queryable } from '../db/db.ts';
import { containsPattern, iso, Params } from './sql.ts';

/** The text-search configuration of the stored note vector (migration 050, note_search). */
const config = `'english'`;
/** to_tsvector('english', note), stored and GIN-indexed (outcomes_note_search). */
const noteVector = `o.note_search`;

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
 * Notes CSRs sent with their outcomes, matching `q`, with their customer and decision.
 *
 * Full text first: web-search syntax over the note (`"exact phrase"`, `or`, `-word`), stemmed in
 * English and served by a GIN index, ranked best match first, or the customer named by their
 * exact id. Only when that finds nothing does a literal substring search run over the note,
 * customer id and name: for fragments, ids and codes the stemmer splits or drops ("50%_off",
 * "K1", part of a name). Without `q`: every note, newest first.
 */
export async function searchNotes(db: Queryable, input: NotesInput): Promise<NoteRow[]> {
  if (!input.q) return (await notesWhere(db, input, null, () => 'true')).map(toRow);
  const q = input.q;
  // Two index paths, kept apart so each can use its index: the GIN one for the text, the
  // customers' unique key for an exact id (ranked first).
  const ranked = await notesWhere(
    db,
    input,
    (p) => {
      const text = p.add(q);
      return `SELECT o.id, ts_rank_cd(${noteVector}, websearch_to_tsquery(${config}, ${text})) AS rank
        FROM outcomes o
        WHERE o.note IS NOT NULL AND ${noteVector} @@ websearch_to_tsquery(${config}, ${text})
        UNION ALL
        SELECT o.id, 2 AS rank FROM customers cu JOIN decisions d ON d.customer_id = cu.id
        JOIN outcomes o ON o.decision_id = d.id
        WHERE cu.customer_id = ${text} AND o.note IS NOT NULL`;
    },
    () => 'true',
  );
  if (ranked.length > 0) return ranked.map(toRow);
  const literal = await notesWhere(db, input, null, (p) => {
    const pattern = p.add(containsPattern(q));
    return `(o.note ILIKE ${pattern} OR cu.customer_id ILIKE ${pattern} OR cu.name ILIKE ${pattern})`;
  });
  return literal.map(toRow);
}

/**
 * Notes in scope, best first: `hits` (optional) gives the matching outcome ids with a rank;
 * `match` adds a condition on the outcome (o) and customer (cu). Ties go newest first.
 */
async function notesWhere(
  db: Queryable,
  input: NotesInput,
  hits: ((p: Params) => string) | null,
  match: (p: Params) => string,
): Promise<NoteDbRow[]> {
  const p = new Params();
  const hitsSql = hits ? hits(p) : null;
  let where = `o.note IS NOT NULL AND ${match(p)}`;
  if (input.teamIds !== null) where += ` AND a.team_id = ANY(${p.add(input.teamIds)}::bigint[])`;
  if (input.from) where += ` AND o.occurred_at >= ${p.add(input.from)}`;
  if (input.to) where += ` AND o.occurred_at < ${p.add(input.to)}`;
  const { rows } = await db.query<NoteDbRow>(
    `${hitsSql ? `WITH hits AS (SELECT id, max(rank) AS rank FROM (${hitsSql}) h GROUP BY id) ` : ''}
     SELECT o.id::text, o.note, o.agent, o.occurred_at, o.result, o.treatment_key,
       o.decision_id::text, cu.customer_id, cu.name
     FROM ${hitsSql ? 'hits JOIN outcomes o ON o.id = hits.id' : 'outcomes o'}
     JOIN decisions d ON d.id = o.decision_id
     JOIN customers cu ON cu.id = d.customer_id LEFT JOIN agents a ON a.name = o.agent
     WHERE ${where}
     ORDER BY ${hitsSql ? 'hits.rank DESC, ' : ''}o.occurred_at DESC, o.id LIMIT ${p.add(input.limit)}`,
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
