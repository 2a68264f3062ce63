import type { Queryable } from '../db/db.ts';
import { CopyIn, copyField } from './pg-copy.ts';
import type { TransactionRow } from './rows.ts';
import type { WriteCounts } from './writers.ts';

const stageTable = 'loopdesk_import_transactions';
/** SQLSTATE 21000: ON CONFLICT DO UPDATE met the same key twice in one statement. */
const cardinalityViolation = '21000';

/**
 * The PostgreSQL path for transaction files: rows stream with COPY into a temporary table with
 * no indexes, then one INSERT ... SELECT ... ON CONFLICT moves them into `transactions`, all in
 * the import's transaction (the stage is dropped at commit or rollback). One set-based upsert
 * costs far less than many batched ones, and COPY costs far less than parameter arrays.
 */
export class TransactionStage {
  private seq = 0;
  private ended = false;

  private constructor(
    private readonly tx: Queryable,
    private readonly copy: CopyIn,
  ) {}

  /** Null when the driver cannot COPY (PGlite); the caller then writes batches instead. */
  static async open(tx: Queryable): Promise<TransactionStage | null> {
    await tx.query(
      `CREATE TEMP TABLE ${stageTable} (seq int NOT NULL, customer_id text NOT NULL,
         order_id text NOT NULL, occurred_at timestamptz NOT NULL, amount numeric(14, 2) NOT NULL,
         currency text NOT NULL) ON COMMIT DROP`,
    );
    const copy = await CopyIn.open(
      tx,
      `COPY ${stageTable} (seq, customer_id, order_id, occurred_at, amount, currency) FROM STDIN`,
    );
    if (!copy) {
      await tx.query(`DROP TABLE ${stageTable}`);
      return null;
    }
    return new TransactionStage(tx, copy);
  }

  async add(rows: TransactionRow[]): Promise<void> {
    let lines = '';
    for (const row of rows) {
      this.seq += 1;
      lines += `${this.seq}\t${copyField(row.customerId)}\t${copyField(row.orderId)}\t${row.occurredAt}\t${row.amount}\t${copyField(row.currency)}\n`;
    }
    if (lines) await this.copy.write(lines);
  }

  /** Stops staging without writing (the import was rejected; the rollback drops the stage). */
  async abandon(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.copy.end().catch(() => undefined);
  }

  /** Ends the COPY and upserts the stage into `transactions`; later rows win on the same key. */
  async finish(): Promise<WriteCounts> {
    this.ended = true;
    await this.copy.end();
    // No ANALYZE of the stage: without statistics the planner sizes it from its pages, which
    // gives the same plans (hash aggregate, hash join on customers) for a fraction of the cost.
    const created = await this.tx.query<{ created: number }>(
      `WITH created AS (
         INSERT INTO customers (customer_id) SELECT DISTINCT customer_id FROM ${stageTable}
         ON CONFLICT (customer_id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS created FROM created`,
    );
    const counts = await this.upsert();
    return { ...counts, customersCreated: created.rows[0]?.created ?? 0 };
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
