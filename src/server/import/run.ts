import type { Readable } from 'node:stream';
import { audit } from '../audit.ts';
import type { Db, Queryable } from '../db/db.ts';
import {
  describeIssues,
  importColumns,
  rowSchemas,
  type ImportKind,
  type RowSettings,
} from './rows.ts';
import { transactionFastPath } from './fast-transactions.ts';
import { readRows, SourceError, type ImportFormat } from './source.ts';
import { DirectTransactionWriter } from './direct-transactions.ts';
import { TransactionStage, type StageOptions } from './staged-transactions.ts';
import {
  writeContacts,
  writeCustomers,
  writeIdentities,
  writeTransactions,
  type WriteCounts,
} from './writers.ts';

export const maxReportedErrors = 100;

export interface FileProblem {
  line: number;
  column?: string;
  message: string;
}

/** The file was refused as a whole; nothing from it was written. */
export class ImportRejectedError extends Error {
  constructor(
    readonly errors: FileProblem[],
    readonly errorCount: number,
  ) {
    const first = errors[0];
    super(
      `Import rejected: ${errorCount} problem(s), nothing was written` +
        (first
          ? ` (first: line ${first.line}${first.column ? `, ${first.column}` : ''}: ${first.message})`
          : ''),
    );
  }
}

export interface ImportProgress {
  rowsRead: number;
  rowsWritten: number;
}

export interface ImportOptions {
  settings: RowSettings;
  /** Who asked, for the audit log. */
  actor: string;
  format?: ImportFormat;
  onProgress?: (progress: ImportProgress) => void;
  batchSize?: number;
  /**
   * How transaction files are written on PostgreSQL: new rows with COPY straight into the
   * table ('direct', the default), through a COPY stage and an upsert ('stage'), or in batches
   * of INSERTs as on PGlite ('batches'). PGlite always writes batches.
   */
  transactionPath?: TransactionPath;
  /** Chunk sizes of the PostgreSQL paths (tests use small ones to cross chunk boundaries). */
  stageChunks?: StageOptions;
}

export interface ImportResult {
  kind: ImportKind;
  format: ImportFormat;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  customersCreated: number;
}

export type TransactionPath = 'direct' | 'stage' | 'batches';

/** Writes a transaction file in chunks while it is parsed; the counts cover the whole file. */
interface ChunkWriter {
  add(rows: never[]): Promise<void>;
  abandon(): Promise<void>;
  finish(): Promise<WriteCounts>;
}

async function openChunkWriter(
  db: Db,
  tx: Queryable,
  kind: ImportKind,
  options: ImportOptions,
): Promise<ChunkWriter | null> {
  if (kind !== 'transactions' || db.kind !== 'postgres') return null;
  const path = options.transactionPath ?? 'direct';
  if (path === 'direct') return DirectTransactionWriter.open(tx, options.stageChunks);
  if (path === 'stage') return TransactionStage.open(tx, options.stageChunks);
  return null;
}

type Writer = (tx: Queryable, batch: never[]) => Promise<WriteCounts>;
const writers: Record<ImportKind, Writer> = {
  customers: writeCustomers as Writer,
  identities: writeIdentities as Writer,
  transactions: writeTransactions as Writer,
  contacts: writeContacts as Writer,
};

/**
 * Validates and writes a file in one transaction. Valid rows are written in batches while the
 * file streams; the first bad row stops writing (validation goes on, to report every problem)
 * and the transaction is rolled back, so a rejected file leaves no trace.
 */
export async function runImport(
  db: Db,
  kind: ImportKind,
  input: Readable,
  options: ImportOptions,
): Promise<ImportResult> {
  const schema = rowSchemas(options.settings)[kind];
  const write = writers[kind];
  const fastRow =
    kind === 'transactions' ? transactionFastPath(options.settings.defaultCurrency) : null;
  const batchSize = options.batchSize ?? 5_000;
  const { format, rows } = await readRows(input, options.format, importColumns[kind]);
  const errors: FileProblem[] = [];
  let errorCount = 0;
  const report = (problem: FileProblem) => {
    errorCount += 1;
    if (errors.length < maxReportedErrors) errors.push(problem);
  };
  const totals = { rows: 0, staged: 0, inserted: 0, updated: 0, customersCreated: 0 };

  try {
    return await db.transaction(async (tx) => {
      const stage = await openChunkWriter(db, tx, kind, options);
      try {
        return await readAndWrite(tx, stage);
      } catch (error) {
        // The connection is in COPY mode until the stage ends; the rollback must come after it.
        await stage?.abandon();
        throw error;
      }
    });
  } finally {
    input.destroy();
  }

  async function readAndWrite(tx: Queryable, stage: ChunkWriter | null): Promise<ImportResult> {
    let batch: unknown[] = [];
    // One batch is written while the next one is parsed and validated: the database and
    // the parser work at the same time. At most one write is in flight.
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      await writing;
      if (!batch.length) return;
      const full = batch;
      batch = [];
      if (stage) {
        writing = stage.add(full as never[]).then(() => {
          totals.staged += full.length;
          options.onProgress?.({ rowsRead: totals.rows, rowsWritten: totals.staged });
        });
      } else {
        writing = write(tx, full as never[]).then((counts) => {
          totals.inserted += counts.inserted;
          totals.updated += counts.updated;
          totals.customersCreated += counts.customersCreated;
          options.onProgress?.({
            rowsRead: totals.rows,
            rowsWritten: totals.inserted + totals.updated,
          });
        });
      }
      // A failed write must not go unobserved while parsing continues; flush awaits it again.
      writing.catch(() => undefined);
    };
    try {
      for await (const sourceRows of rows) {
        for (const row of sourceRows) {
          totals.rows += 1;
          // Rows the fast path does not accept get zod's verdict (and its error messages).
          const fast = fastRow?.(row.record) ?? null;
          const parsed = fast ? null : schema.safeParse(row.record);
          if (parsed && !parsed.success) {
            for (const problem of describeIssues(parsed.error))
              report({ line: row.line, ...problem });
            batch = [];
          } else if (errorCount === 0) {
            batch.push(fast ?? parsed!.data);
          }
          if (errorCount && totals.rows % batchSize === 0) {
            options.onProgress?.({ rowsRead: totals.rows, rowsWritten: 0 });
          }
        }
        if (batch.length >= batchSize) await flush();
      }
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      report({
        line: error.line,
        ...(error.column ? { column: error.column } : {}),
        message: error.message,
      });
    }
    if (errorCount) {
      await writing.catch(() => undefined);
      await stage?.abandon();
      throw new ImportRejectedError(errors, errorCount);
    }
    await flush();
    await writing;
    if (stage) {
      const counts = await stage.finish();
      totals.inserted = counts.inserted;
      totals.updated = counts.updated;
      totals.customersCreated = counts.customersCreated;
      options.onProgress?.({
        rowsRead: totals.rows,
        rowsWritten: totals.inserted + totals.updated,
      });
    }
    const result: ImportResult = {
      kind,
      format,
      rows: totals.rows,
      inserted: totals.inserted,
      updated: totals.updated,
      unchanged: totals.rows - totals.inserted - totals.updated,
      customersCreated: totals.customersCreated,
    };
    await audit(tx, { actor: options.actor, action: `import.${kind}`, details: { ...result } });
    return result;
  }
}
