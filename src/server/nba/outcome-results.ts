import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { audit } from '../audit.ts';
import type { Db } from '../db/db.ts';
import { HttpProblem } from '../http/problem.ts';

export const resultKinds = ['retained_90d', 'converted'] as const;

const resultRowSchema = z.strictObject({
  decision_id: z.uuid('must be a decision id (UUID)'),
  kind: z.enum(resultKinds, `must be one of ${resultKinds.join(', ')}`),
  amount: z.preprocess(
    (v) => (v === '' || v === null ? undefined : typeof v === 'string' ? Number(v) : v),
    z.number('must be a number').finite('must be a number').optional(),
  ),
});
export type ResultRow = z.infer<typeof resultRowSchema> & { line: number };

type RowError = { line: number; column?: string; message: string };

/** Parses a results file (CSV with a header, or NDJSON); rows keep their line numbers. */
export function parseResults(text: string, format: 'csv' | 'ndjson'): ResultRow[] {
  const raw: { line: number; value: unknown }[] = [];
  const errors: RowError[] = [];
  if (format === 'csv') {
    try {
      const records = parse(text, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        info: true,
      }) as { record: Record<string, string>; info: { lines: number } }[];
      for (const { record, info } of records) raw.push({ line: info.lines, value: record });
    } catch (error) {
      throw new HttpProblem(422, 'Results rejected', (error as Error).message);
    }
  } else {
    text.split('\n').forEach((lineText, index) => {
      if (lineText.trim() === '') return;
      try {
        raw.push({ line: index + 1, value: JSON.parse(lineText) });
      } catch {
        errors.push({ line: index + 1, message: 'not valid JSON' });
      }
    });
  }
  const rows: ResultRow[] = [];
  for (const { line, value } of raw) {
    const parsed = resultRowSchema.safeParse(value);
    if (parsed.success) rows.push({ ...parsed.data, line });
    else {
      for (const issue of parsed.error.issues) {
        const column =
          issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : String(issue.path[0] ?? '');
        const message = issue.code === 'unrecognized_keys' ? 'unknown column' : issue.message;
        errors.push({ line, column, message });
      }
    }
  }
  if (errors.length > 0) throw rejected(errors);
  return rows;
}

function rejected(errors: RowError[]): HttpProblem {
  return new HttpProblem(422, 'Results rejected', 'The file has problems; nothing was written.', {
    errors: errors.slice(0, 100),
    errorCount: errors.length,
  });
}

/**
 * Stores later business results of decisions, all or nothing; re-importing a (decision, kind)
 * replaces its amount, so the same file imports to the same state.
 */
export async function importResults(
  db: Db,
  rows: readonly ResultRow[],
  actor: string,
): Promise<{ rows: number }> {
  return db.transaction(async (tx) => {
    const ids = [...new Set(rows.map((r) => r.decision_id))];
    const { rows: known } = await tx.query<{ id: string }>(
      'SELECT id::text FROM decisions WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const knownIds = new Set(known.map((k) => k.id));
    const unknown = rows.filter((row) => !knownIds.has(row.decision_id));
    if (unknown.length > 0) {
      throw rejected(
        unknown.map((row) => ({
          line: row.line,
          column: 'decision_id',
          message: `no decision has id "${row.decision_id}"`,
        })),
      );
    }
    if (rows.length > 0) {
      await tx.query(
        `INSERT INTO outcome_results (decision_id, kind, amount, imported_by)
         SELECT d, k, a, $4 FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS r(d, k, a)
         ON CONFLICT (decision_id, kind) DO UPDATE SET amount = excluded.amount,
           imported_by = excluded.imported_by, imported_at = now()`,
        [
          rows.map((r) => r.decision_id),
          rows.map((r) => r.kind),
          rows.map((r) => r.amount ?? null),
          actor,
        ],
      );
    }
    await audit(tx, { actor, action: 'outcome_results.import', details: { rows: rows.length } });
    return { rows: rows.length };
  });
}
