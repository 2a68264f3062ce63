import type { Queryable } from '../db/db.ts';
import { CopyIn, copyField } from './pg-copy.ts';
import type { TransactionRow } from './rows.ts';
import type { WriteCounts } from './writers.ts';

const stageTable = 'loopdesk_import_transactions';
/** SQLSTATE 21000: ON CONFLICT DO UPDATE met the same key twice in one statement. */
const cardinalityViolation = '21000';

export interface StageOptions {
  /** Rows in the first chunk; each next chunk doubles, up to `maxChunkRows`. */
  firstChunkRows?: number;
  maxChunkRows?: number;
}

/**
 * The PostgreSQL path for transaction files: rows stream with COPY into a temporary table with
 * no indexes, and set-based statements move each chunk of it into `transactions`, all in the
 * import's transaction (the stage is dropped at commit or rollback). COPY costs far less than
 * parameter arrays, and one upsert per chunk far less than one per batch.
 *
 * While PostgreSQL merges a chunk, the file goes on being parsed and its lines wait in memory
 * (at most one chunk) for the next COPY: parsing and merging use both cores at once. Chunks
 * start small so the database starts early, and grow so the per-chunk statements cost little.
 * Chunks go in the file's order, so later rows still win; a key repeated with new values in a
 * later chunk counts as inserted and then updated, as in the batched path.
 */
export class TransactionStage {
  private seq = 0;
  private ended = false;
  /** Rows sent with the open COPY; the COPY is null while a chunk merges. */
  private copyRows = 0;
  private chunkRows: number;
  private merging: Promise<void> | null = null;
  private waiting: string[] = [];
  private waitingRows = 0;
  private failure: unknown = null;
  private readonly counts: WriteCounts = { inserted: 0, updated: 0, customersCreated: 0 };

  private constructor(
    private readonly tx: Queryable,
    private copy: CopyIn | null,
    private readonly maxChunkRows: number,
    firstChunkRows: number,
  ) {
    this.chunkRows = firstChunkRows;
  }

  /** Null when the driver cannot COPY (PGlite); the caller then writes batches instead. */
  static async open(tx: Queryable, options: StageOptions = {}): Promise<TransactionStage | null> {
    await tx.query(
      `CREATE TEMP TABLE ${stageTable} (seq int NOT NULL, customer_id text NOT NULL,
         order_id text NOT NULL, occurred_at timestamptz NOT NULL, amount numeric(14, 2) NOT NULL,
         currency text NOT NULL) ON COMMIT DROP`,
    );
    const copy = await TransactionStage.startCopy(tx);
    if (!copy) {
      await tx.query(`DROP TABLE ${stageTable}`);
      return null;
    }
    const maxChunkRows = options.maxChunkRows ?? 50_000;
    const firstChunkRows = Math.min(options.firstChunkRows ?? 5_000, maxChunkRows);
    return new TransactionStage(tx, copy, maxChunkRows, firstChunkRows);
  }

  private static startCopy(tx: Queryable): Promise<CopyIn | null> {
    return CopyIn.open(
      tx,
      `COPY ${stageTable} (seq, customer_id, order_id, occurred_at, amount, currency) FROM STDIN`,
    );
  }

  async add(rows: TransactionRow[]): Promise<void> {
    if (this.failure) throw this.failure;
    let lines = '';
    for (const row of rows) {
      this.seq += 1;
      lines += `${this.seq}\t${copyField(row.customerId)}\t${copyField(row.orderId)}\t${row.occurredAt}\t${row.amount}\t${copyField(row.currency)}\n`;
    }
    if (!lines) return;
    if (this.merging) {
      this.waiting.push(lines);
      this.waitingRows += rows.length;
      // Memory stays bounded: past one chunk of waiting lines, parsing waits for the merge.
      if (this.waitingRows >= this.chunkRows) await this.settled();
      return;
    }
    await this.copy!.write(lines);
    this.copyRows += rows.length;
    if (this.copyRows >= this.chunkRows) this.mergeInBackground();
  }

  private mergeInBackground(): void {
    const merge = async () => {
      const copy = this.copy!;
      this.copy = null;
      await copy.end();
      await this.mergeChunk();
      await this.tx.query(`TRUNCATE ${stageTable}`);
      this.copy = await TransactionStage.startCopy(this.tx);
      this.copyRows = 0;
      this.chunkRows = Math.min(this.chunkRows * 2, this.maxChunkRows);
      // Lines may keep arriving while earlier ones are written; all go in, in order.
      while (this.waiting.length) {
        const lines = this.waiting.join('');
        this.copyRows += this.waitingRows;
        this.waiting = [];
        this.waitingRows = 0;
        await this.copy!.write(lines);
      }
      // No await from the check above to here, so no line can be left waiting.
      this.merging = null;
      if (this.copyRows >= this.chunkRows) this.mergeInBackground();
    };
    this.merging = merge().catch((error: unknown) => {
      this.failure ??= error;
      this.merging = null;
    });
  }

  /** Waits for a chunk being merged (and any that follows from lines waiting meanwhile). */
  private async settled(): Promise<void> {
    while (this.merging) await this.merging;
    if (this.failure) throw this.failure;
  }

  /** Stops staging without writing (the import was rejected; the rollback drops the stage). */
  async abandon(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    while (this.merging) await this.merging;
    await this.copy?.end().catch(() => undefined);
  }

  /** Merges what is left in the stage; the counts cover the whole file. */
  async finish(): Promise<WriteCounts> {
    await this.settled();
    this.ended = true;
    await this.copy!.end();
    this.copy = null;
    if (this.copyRows > 0) await this.mergeChunk();
    return { ...this.counts };
  }

  private async mergeChunk(): Promise<void> {
    // No ANALYZE of the stage: without statistics the planner sizes it from its pages, which
    // gives the same plans (hash aggregate, hash join on customers) for a fraction of the cost.
    const created = await this.tx.query<{ created: number }>(
      `WITH created AS (
         INSERT INTO customers (customer_id) SELECT DISTINCT customer_id FROM ${stageTable}
         ON CONFLICT (customer_id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS created FROM created`,
    );
    const { inserted, updated } = await this.upsert();
    this.counts.customersCreated += created.rows[0]?.created ?? 0;
    this.counts.inserted += inserted;
    this.counts.updated += updated;
  }

  /**
   * Most files name each (customer, order) once, so the stage goes in as it is. A file naming a
   * key twice makes that statement fail (an upsert may not touch a row twice); it is then undone
   * and the stage goes in again keeping only the last row per key, which needs a sort.
   */
  private async upsert(): Promise<{ inserted: number; updated: number }> {
    await this.tx.query('SAVEPOINT loopdesk_import_upsert');
    try {
      const counts = await this.upsertFrom(stageTable);
      await this.tx.query('RELEASE SAVEPOINT loopdesk_import_upsert');
      return counts;
    } catch (error) {
      if ((error as { code?: string }).code !== cardinalityViolation) throw error;
      await this.tx.query('ROLLBACK TO SAVEPOINT loopdesk_import_upsert');
    }
    // The default 4 MB of work_mem makes the sort spill to disk on large files.
    await this.tx.query(`SET LOCAL work_mem = '64MB'`);
    return this.upsertFrom(
      `(SELECT DISTINCT ON (customer_id, order_id) customer_id, order_id, occurred_at, amount,
          currency
        FROM ${stageTable} ORDER BY customer_id, order_id, seq DESC)`,
    );
  }

  private async upsertFrom(source: string): Promise<{ inserted: number; updated: number }> {
    const { rows } = await this.tx.query<{ inserted: number; updated: number }>(
      `WITH changed AS (
         INSERT INTO transactions AS t (customer_id, order_id, occurred_at, amount, currency)
         SELECT c.id, s.order_id, s.occurred_at, s.amount, s.currency
         FROM ${source} s JOIN customers c ON c.customer_id = s.customer_id
         ON CONFLICT (customer_id, order_id) DO UPDATE SET
           occurred_at = EXCLUDED.occurred_at, amount = EXCLUDED.amount,
           currency = EXCLUDED.currency
         WHERE (t.occurred_at, t.amount, t.currency) IS DISTINCT FROM
           (EXCLUDED.occurred_at, EXCLUDED.amount, EXCLUDED.currency)
         RETURNING (xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
         count(*) FILTER (WHERE NOT inserted)::int AS updated FROM changed`,
    );
    return { inserted: rows[0]?.inserted ?? 0, updated: rows[0]?.updated ?? 0 };
  }
}
