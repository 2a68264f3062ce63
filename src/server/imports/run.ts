import type { Readable } from 'node:stream';
import { audit } from '../audit/store.ts';
import type { Db, Queryable } from '../db/db.ts';
import { RejectedInputError } from '../errors.ts';
import {
  describeIssues,
  importColumns,
  rowSchemas,
  type AgentRow,
  type ContactRow,
  type CustomerRow,
  type IdentityRow,
  type ImportKind,
  type RowSettings,
  type TransactionRow,
} from './rows.ts';
import { transactionFastPath } from './fast-transactions.ts';
import {
  readRows,
  SourceError,
  type ImportFormat,
  type RowSource,
  type SourceRow,
} from './source.ts';
import { DirectTransactionWriter } from './direct-transactions.ts';
import { TransactionStage, type StageOptions } from './staged-transactions.ts';
import {
  writeAgents,
  writeContacts,
  writeCustomers,
  writeIdentities,
  writeTransactions,
  type WriteCounts,
} from './writers.ts';

const maxReportedErrors = 100;

export interface FileProblem {
  line: number;
  column?: string;
  message: string;
}

/** The file was refused as a whole; nothing from it was written. */
export class ImportRejectedError extends RejectedInputError {
  constructor(
    readonly errors: FileProblem[],
    readonly errorCount: number,
  ) {
    super('Import rejected', 'The file has problems; nothing was written.', {
      errors,
      errorCount,
    });
    const first = errors[0];
    // The CLI and logs read the message: it names the count and the first problem.
    this.message =
      `Import rejected: ${errorCount} problem(s), nothing was written` +
      (first
        ? ` (first: line ${first.line}${first.column ? `, ${first.column}` : ''}: ${first.message})`
        : '');
  }
}

interface ImportProgress {
  rowsRead: number;
  rowsWritten: number;
}

export interface ImportOptions {
  settings: RowSettings;
  /** Who asked, for the audit log. */
  actor: string;
  format?: ImportFormat;
  /** How messages name the input (a path, "the request body"); "the file" by default. */
  sourceName?: string;
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

/** What identifies a row within a file, and how to name a second row with the same key. */
interface RowKey<Row> {
  column: string;
  /** The key, or null when the row has none to compare. */
  of(row: Row, record: Record<string, unknown>): string | null;
  describe(row: Row): string;
}

/**
 * A value all rows of one group must agree on (an agent's team, when several rows name the
 * agent), and how to name a row that disagrees with the first.
 */
interface RowAgreement<Row> {
  column: string;
  /** The row's group and value, or null when the row says nothing about it. */
  of(row: Row): { group: string; value: string } | null;
  describe(row: Row, earlier: { value: string; line: number }): string;
}

const platformWords = (platform: string) => (platform ? `on ${platform}` : 'on every platform');

/** The (platform, value) key of a telephony id: an id and an email share one space. */
const telephonyKey = (column: string, value: (row: AgentRow) => string | null) =>
  ({
    column,
    of: (row: AgentRow) => {
      const id = value(row);
      return id === null ? null : `telephony\0${row.platform}\0${id}`;
    },
    describe: (row: AgentRow) => `the telephony id "${value(row)}" ${platformWords(row.platform)}`,
  }) satisfies RowKey<AgentRow>;

// Keys are joined with NUL, which no imported value can contain. The keys of one kind share one
// space: a kind with several keys starts each with its own word.
const rowKeys: { [K in ImportKind]: RowKey<never>[] } = {
  customers: [
    {
      column: 'customer_id',
      of: (row: CustomerRow) => row.customerId,
      describe: (row: CustomerRow) => `customer_id "${row.customerId}"`,
    } satisfies RowKey<CustomerRow>,
  ],
  identities: [
    {
      column: 'value',
      of: (row: IdentityRow) =>
        `${row.customerId}\0${row.kind}\0${row.crm}\0${row.objectType}\0${row.value}`,
      describe: (row: IdentityRow) =>
        `the ${row.kind === 'record' ? `${row.crm} ${row.objectType} record` : row.kind} ` +
        `"${row.value}" of customer_id "${row.customerId}"`,
    } satisfies RowKey<IdentityRow>,
  ],
  transactions: [
    {
      column: 'order_id',
      // Without an order id a row is identified by its content: two such rows are two purchases.
      of: (row: TransactionRow, record) =>
        record.order_id === undefined ? null : `${row.customerId}\0${row.orderId}`,
      describe: (row: TransactionRow) =>
        `order_id "${row.orderId}" of customer_id "${row.customerId}"`,
    } satisfies RowKey<TransactionRow>,
  ],
  contacts: [
    {
      column: 'contact_id',
      of: (row: ContactRow) => row.contactId,
      describe: (row: ContactRow) => `contact_id "${row.contactId}"`,
    } satisfies RowKey<ContactRow>,
  ],
  agents: [
    {
      column: 'agent',
      of: (row: AgentRow) => `agent\0${row.agent}\0${row.platform}`,
      describe: (row: AgentRow) => `agent "${row.agent}" ${platformWords(row.platform)}`,
    } satisfies RowKey<AgentRow>,
    // One value names one agent: two agents claiming it leave the file ambiguous.
    telephonyKey('telephony_user_id', (row) => row.telephonyUserId),
    telephonyKey('telephony_email', (row) => row.telephonyEmail),
  ],
};

const rowAgreements: { [K in ImportKind]?: RowAgreement<never>[] } = {
  agents: [
    {
      column: 'team',
      of: (row: AgentRow) => (row.team === null ? null : { group: row.agent, value: row.team }),
      describe: (row: AgentRow, earlier) =>
        `agent "${row.agent}" is put in team "${row.team}" here but in team ` +
        `"${earlier.value}" on line ${earlier.line}`,
    } satisfies RowAgreement<AgentRow>,
  ],
};

type Writer = (tx: Queryable, batch: never[]) => Promise<WriteCounts>;
const writers: Record<ImportKind, Writer> = {
  customers: writeCustomers as Writer,
  identities: writeIdentities as Writer,
  transactions: writeTransactions as Writer,
  contacts: writeContacts as Writer,
  agents: writeAgents as Writer,
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
  const keys = rowKeys[kind] as RowKey<unknown>[];
  const agreements = (rowAgreements[kind] ?? []) as RowAgreement<unknown>[];
  // The first line of each key; a Map of strings stays well within memory at a million rows.
  const firstLines = new Map<string, number>();
  // Per agreement, each group's first value and its line.
  const agreed = agreements.map(() => new Map<string, { value: string; line: number }>());
  const errors: FileProblem[] = [];
  let errorCount = 0;
  const report = (problem: FileProblem) => {
    errorCount += 1;
    if (errors.length < maxReportedErrors) errors.push(problem);
  };
  const reportSourceError = (error: SourceError) =>
    report({
      line: error.line,
      ...(error.column ? { column: error.column } : {}),
      message: error.message,
    });
  const totals = { rows: 0, staged: 0, inserted: 0, updated: 0, customersCreated: 0 };

  let source: RowSource;
  try {
    source = await readRows(input, {
      format: options.format,
      columns: importColumns[kind],
      sourceName: options.sourceName,
    });
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    reportSourceError(error);
    throw new ImportRejectedError(errors, errorCount);
  }
  const { format, rows } = source;

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
    // Not destroyed: an HTTP request body must be read to its end for the reply to arrive.
    source.release();
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
    /** The row ready to write, or undefined after reporting why it cannot be. */
    const validate = (row: SourceRow): unknown => {
      // Rows the fast path does not accept get zod's verdict (and its error messages).
      const fast = fastRow?.(row.record) ?? null;
      const parsed = fast ? null : schema.safeParse(row.record);
      if (parsed && !parsed.success) {
        for (const problem of describeIssues(parsed.error)) report({ line: row.line, ...problem });
        batch = [];
        return undefined;
      }
      const value: unknown = fast ?? parsed!.data;
      let problems = 0;
      for (const rowKey of keys) {
        const key = rowKey.of(value, row.record);
        if (key === null) continue;
        const firstLine = firstLines.get(key);
        if (firstLine === undefined) {
          firstLines.set(key, row.line);
        } else if (firstLine !== row.line) {
          problems += 1;
          report({
            line: row.line,
            column: rowKey.column,
            message: `${rowKey.describe(value)} appears on lines ${firstLine} and ${row.line}`,
          });
        }
      }
      agreements.forEach((agreement, index) => {
        const said = agreement.of(value);
        if (said === null) return;
        const earlier = agreed[index]!.get(said.group);
        if (earlier === undefined) {
          agreed[index]!.set(said.group, { value: said.value, line: row.line });
        } else if (earlier.value !== said.value) {
          problems += 1;
          report({
            line: row.line,
            column: agreement.column,
            message: agreement.describe(value, earlier),
          });
        }
      });
      if (!problems) return value;
      batch = [];
      return undefined;
    };
    try {
      for await (const sourceRows of rows) {
        for (const row of sourceRows) {
          totals.rows += 1;
          const value = validate(row);
          if (value !== undefined && errorCount === 0) batch.push(value);
          if (errorCount && totals.rows % batchSize === 0) {
            options.onProgress?.({ rowsRead: totals.rows, rowsWritten: 0 });
          }
        }
        if (batch.length >= batchSize) await flush();
      }
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      reportSourceError(error);
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
