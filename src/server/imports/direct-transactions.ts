import type { Queryable } from '../db/db.ts';
import { CopyIn, copyField } from './pg-copy.ts';
import type { TransactionRow } from './rows.ts';
import type { StageOptions } from './staged-transactions.ts';
import type { WriteCounts } from './writers.ts';

/** SQLSTATE 23505: a key of `transactions` was written twice. */
const uniqueViolation = '23505';
const linesPerWrite = 5_000;

interface KnownCustomer {
  id: string;
  /** Created by this import, so it had no transactions before it. */
  created: boolean;
}

const keyOf = (customerId: string, orderId: string) => `${customerId}\u0000${orderId}`;

/**
 * The PostgreSQL path for transaction files: rows that are new go with COPY straight into
 * `transactions` (no stage table, no ON CONFLICT), rows whose key exists are updated only
 * when their values differ. All of it runs in the import's transaction, chunk by chunk while
 * the file goes on being parsed, so parsing and writing overlap and a rejected file still
 * leaves nothing behind.
 *
 * Per chunk: one statement maps the chunk's new external customer ids to internal ids
 * (creating the missing customers), one looks up which keys of customers that existed before
 * the import are stored and whether the file changes their values, one COPY writes the new
 * rows (the foreign key and the triggers on `transactions` fire as for an INSERT), one UPDATE
 * writes the changed ones (none on a re-import of the same file). Customers created by this
 * import cannot have stored rows, so their keys are not looked up: when the file names such a
 * key again in a later chunk, the COPY meets the unique key, is rolled back to a savepoint and
 * the chunk goes again with every key looked up.
 *
 * Concurrency: the import takes a transaction-scoped advisory lock, so two transaction imports
 * into the same schema run one after the other and the existence check cannot be overtaken by
 * another import. Anything else inserting a clashing key meanwhile makes the COPY fail on the
 * unique key, and the savepoint retry then updates that row instead of duplicating it.
 */
export class DirectTransactionWriter {
  private pending = new Map<string, TransactionRow>();
  private chunkRows: number;
  private merging: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly customers = new Map<string, KnownCustomer>();
  private readonly counts: WriteCounts = { inserted: 0, updated: 0, customersCreated: 0 };

  private constructor(
    private readonly tx: Queryable,
    private readonly maxChunkRows: number,
    firstChunkRows: number,
  ) {
    this.chunkRows = firstChunkRows;
  }

  static async open(tx: Queryable, options: StageOptions = {}): Promise<DirectTransactionWriter> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext('loopdesk.import.transactions:' || current_schema()))`,
    );
    const maxChunkRows = options.maxChunkRows ?? 50_000;
    const firstChunkRows = Math.min(options.firstChunkRows ?? 5_000, maxChunkRows);
    return new DirectTransactionWriter(tx, maxChunkRows, firstChunkRows);
  }

  async add(rows: TransactionRow[]): Promise<void> {
    if (this.failure) throw this.failure;
    // Later rows win within a chunk; across chunks, chunks are written in the file's order.
    for (const row of rows) this.pending.set(keyOf(row.customerId, row.orderId), row);
    if (this.pending.size < this.chunkRows) return;
    // Memory stays bounded: one chunk being written, at most one waiting.
    await this.settled();
    this.writeInBackground();
  }

  private writeInBackground(): void {
    const chunk = [...this.pending.values()];
    this.pending = new Map();
    this.chunkRows = Math.min(this.chunkRows * 2, this.maxChunkRows);
    this.merging = this.writeChunk(chunk)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.merging = null;
      });
  }

  private async settled(): Promise<void> {
    while (this.merging) await this.merging;
    if (this.failure) throw this.failure;
  }

  /** Stops writing (the import was rejected; the rollback undoes what was written). */
  async abandon(): Promise<void> {
    while (this.merging) await this.merging;
    this.pending.clear();
  }

  /** Writes what is left; the counts cover the whole file. */
  async finish(): Promise<WriteCounts> {
    await this.settled();
    if (this.pending.size) {
      const chunk = [...this.pending.values()];
      this.pending = new Map();
      await this.writeChunk(chunk);
    }
    return { ...this.counts };
  }

  private async writeChunk(rows: TransactionRow[]): Promise<void> {
    await this.mapCustomers(rows);
    const firstTry = await this.split(rows, false);
    await this.tx.query('SAVEPOINT loopdesk_import_copy');
    let split = firstTry;
    try {
      await this.copyNew(split.fresh);
      await this.tx.query('RELEASE SAVEPOINT loopdesk_import_copy');
    } catch (error) {
      if ((error as { code?: string }).code !== uniqueViolation) throw error;
      await this.tx.query('ROLLBACK TO SAVEPOINT loopdesk_import_copy');
      split = await this.split(rows, true);
      await this.copyNew(split.fresh);
    }
    this.counts.inserted += split.fresh.length;
    this.counts.updated += await this.updateChanged(split.changed);
  }

  /** Internal ids for the chunk's customers not seen in earlier chunks; missing ones created. */
  private async mapCustomers(rows: TransactionRow[]): Promise<void> {
    const unknown = new Set<string>();
    for (const row of rows) {
      if (!this.customers.has(row.customerId)) unknown.add(row.customerId);
    }
    if (!unknown.size) return;
    const wanted = [...unknown];
    // The SELECT half sees the customers as they were before the statement, so it returns
    // exactly those the INSERT half did not create.
    const { rows: found } = await this.tx.query<{
      id: string;
      customer_id: string;
      created: boolean;
    }>(
      `WITH wanted AS (SELECT DISTINCT unnest($1::text[]) AS customer_id),
       created AS (
         INSERT INTO customers (customer_id) SELECT customer_id FROM wanted
         ON CONFLICT (customer_id) DO NOTHING RETURNING id, customer_id)
       SELECT id::text AS id, customer_id, true AS created FROM created
       UNION ALL
       SELECT c.id::text, c.customer_id, false FROM customers c JOIN wanted USING (customer_id)`,
      [wanted],
    );
    for (const row of found) {
      this.customers.set(row.customer_id, { id: row.id, created: row.created });
      if (row.created) this.counts.customersCreated += 1;
    }
    // A customer committed by someone else after the statement's snapshot was taken is neither
    // created nor seen; a new statement sees it.
    const missing = wanted.filter((customerId) => !this.customers.has(customerId));
    if (!missing.length) return;
    const { rows: late } = await this.tx.query<{ id: string; customer_id: string }>(
      'SELECT id::text AS id, customer_id FROM customers WHERE customer_id = ANY($1::text[])',
      [missing],
    );
    for (const row of late) this.customers.set(row.customer_id, { id: row.id, created: false });
    const stillMissing = missing.find((customerId) => !this.customers.has(customerId));
    if (stillMissing !== undefined) throw new Error(`customer ${stillMissing} could not be mapped`);
  }

  /**
   * Rows to COPY and stored rows whose values differ from the file's (stored rows that match
   * are left alone); `lookUpAll` also checks the keys of customers this import created.
   */
  private async split(
    rows: TransactionRow[],
    lookUpAll: boolean,
  ): Promise<{ fresh: TransactionRow[]; changed: TransactionRow[] }> {
    const looked = lookUpAll
      ? rows
      : rows.filter((row) => !this.customers.get(row.customerId)!.created);
    if (!looked.length) return { fresh: rows, changed: [] };
    const { rows: found } = await this.tx.query<{
      customer_id: string;
      order_id: string;
      changed: boolean;
    }>(
      `SELECT t.customer_id::text AS customer_id, t.order_id,
         (t.occurred_at, t.amount, t.currency) IS DISTINCT FROM
           (u.occurred_at, u.amount::numeric(14, 2), u.currency) AS changed
       FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::numeric[], $5::text[])
         AS u(customer_id, order_id, occurred_at, amount, currency)
       JOIN transactions t ON t.customer_id = u.customer_id AND t.order_id = u.order_id`,
      this.columns(looked),
    );
    if (!found.length) return { fresh: rows, changed: [] };
    const stored = new Map(
      found.map((row) => [keyOf(row.customer_id, row.order_id), row.changed] as const),
    );
    const fresh: TransactionRow[] = [];
    const changed: TransactionRow[] = [];
    for (const row of rows) {
      const isChanged = stored.get(keyOf(this.customers.get(row.customerId)!.id, row.orderId));
      if (isChanged === undefined) fresh.push(row);
      else if (isChanged) changed.push(row);
    }
    return { fresh, changed };
  }

  /** The rows as the five arrays the set-based statements take, with internal customer ids. */
  private columns(rows: TransactionRow[]): unknown[] {
    return [
      rows.map((row) => this.customers.get(row.customerId)!.id),
      rows.map((row) => row.orderId),
      rows.map((row) => row.occurredAt),
      rows.map((row) => row.amount),
      rows.map((row) => row.currency),
    ];
  }

  private async copyNew(rows: TransactionRow[]): Promise<void> {
    if (!rows.length) return;
    const copy = await CopyIn.open(
      this.tx,
      'COPY transactions (customer_id, order_id, occurred_at, amount, currency) FROM STDIN',
    );
    if (!copy) {
      // A driver without COPY: the same rows as one INSERT.
      await this.tx.query(
        `INSERT INTO transactions (customer_id, order_id, occurred_at, amount, currency)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::numeric[],
           $5::text[])`,
        this.columns(rows),
      );
      return;
    }
    try {
      for (let start = 0; start < rows.length; start += linesPerWrite) {
        let lines = '';
        for (const row of rows.slice(start, start + linesPerWrite)) {
          const customerId = this.customers.get(row.customerId)!.id;
          lines += `${customerId}\t${copyField(row.orderId)}\t${row.occurredAt}\t${row.amount}\t${copyField(row.currency)}\n`;
        }
        await copy.write(lines);
      }
    } finally {
      // Ends the COPY even after a failed write, so the connection leaves COPY mode.
      await copy.end();
    }
  }

  /** Writes the file's values over stored rows found to differ; returns how many changed. */
  private async updateChanged(rows: TransactionRow[]): Promise<number> {
    if (!rows.length) return 0;
    const { rows: counts } = await this.tx.query<{ updated: number }>(
      `WITH changed AS (
         UPDATE transactions t SET occurred_at = u.occurred_at, amount = u.amount,
           currency = u.currency
         FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::numeric[], $5::text[])
           AS u(customer_id, order_id, occurred_at, amount, currency)
         WHERE t.customer_id = u.customer_id AND t.order_id = u.order_id
         RETURNING 1)
       SELECT count(*)::int AS updated FROM changed`,
      this.columns(rows),
    );
    return counts[0]?.updated ?? 0;
  }
}
