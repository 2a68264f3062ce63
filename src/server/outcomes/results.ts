import { Readable } from 'node:stream';
import { z } from 'zod';
import { audit } from '../audit/store.ts';
import type { Db } from '../db/db.ts';
import { RejectedInputError } from '../errors.ts';
import { readRows, SourceError, type SourceRow } from '../imports/source.ts';

export const resultKinds = ['retained_90d', 'converted'] as const;

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

const resultRowSchema = z.strictObject({
  decision_id: z.preprocess(trimmed, z.uuid('must be a decision id (UUID)')),
  kind: z.preprocess(trimmed, z.enum(resultKinds, `must be one of ${resultKinds.join(', ')}`)),
  amount: z.preprocess((v) => {
    const value = trimmed(v);
    return value === '' || value === null
      ? undefined
      : typeof value === 'string'
        ? Number(value)
        : value;
  }, z.number('must be a number').finite('must be a number').optional()),
});
export type ResultRow = z.infer<typeof resultRowSchema> & { line: number };

type RowError = { line: number; column?: string; message: string };

const resultColumns = {
  required: ['decision_id', 'kind'],
  allowed: ['decision_id', 'kind', 'amount'],
};

/**
 * Parses a results file (CSV with a header, or NDJSON, gzip accepted) with the same checks as
 * the other imports: UTF-8, capped cells, no repeated columns or keys, at least one row. Rows
 * keep their line numbers; one (decision, kind) twice in a file is refused with both lines.
 */
export async function parseResults(
  body: Buffer,
  format: 'csv' | 'ndjson',
  sourceName = 'the request body',
): Promise<ResultRow[]> {
  const errors: RowError[] = [];
  const rows: ResultRow[] = [];
  const firstLines = new Map<string, number>();
  const check = ({ line, record }: SourceRow) => {
    const parsed = resultRowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          errors.push({ line, column: issue.keys.join(', '), message: 'unknown column' });
        } else {
          const column = issue.path.length ? String(issue.path[0]) : undefined;
          errors.push({ line, ...(column ? { column } : {}), message: issue.message });
        }
      }
      return;
    }
    // UUIDs are the same decision in either case.
    const key = `${parsed.data.decision_id.toLowerCase()}\0${parsed.data.kind}`;
    const firstLine = firstLines.get(key);
    if (firstLine === undefined) {
      firstLines.set(key, line);
      rows.push({ ...parsed.data, line });
      return;
    }
    errors.push({
      line,
      column: 'kind',
      message:
        `decision_id "${parsed.data.decision_id}" with kind "${parsed.data.kind}" ` +
        `appears on lines ${firstLine} and ${line}`,
    });
  };
  const source = await readRows(Readable.from([body]), {
    format,
    columns: resultColumns,
    sourceName,
  }).catch((error: unknown) => {
    if (error instanceof SourceError) throw rejected([sourceProblem(error)]);
    throw error;
  });
  try {
    for await (const batch of source.rows) for (const row of batch) check(row);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    errors.push(sourceProblem(error));
  } finally {
    source.release();
  }
  if (errors.length > 0) throw rejected(errors);
  return rows;
}

function sourceProblem(error: SourceError): RowError {
  return {
    line: error.line,
    ...(error.column ? { column: error.column } : {}),
    message: error.message,
  };
}

function rejected(errors: RowError[]): RejectedInputError {
  return new RejectedInputError('Results rejected', 'The file has problems; nothing was written.', {
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
