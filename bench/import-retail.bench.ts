/**
 * Import speed on PostgreSQL: the real Online Retail data (541,909 invoice lines, summed per
 * invoice into the transactions format) through the LoopDesk importer, beside PostgreSQL's own
 * COPY of the same file into an equivalent table (same columns, same unique key and index; no
 * foreign key, no triggers: the goal's reference), and, for scale, COPY into the same table with
 * the foreign key to customers that `transactions` has. The importer runs its default path
 * (new rows with COPY straight into `transactions`) and, labelled, the previous one (COPY into
 * a stage, then an upsert).
 *   npx tsx bench/import-retail.bench.ts        (BENCH_DATABASE_URL, LOOPDESK_DATASETS)
 * Goal (issue 3): the importer within 2x of COPY.
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { runImport, type TransactionPath } from '../src/server/imports/run.ts';
import { freshSchema, dropSchema, withClient } from './lib/postgres.ts';
import { retailFile, writeRetailTransactions } from './lib/retail.ts';
import { median, note, printFigure } from './lib/stats.ts';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 3);
/** The real file is ~22k invoices; a 10-copy file of the same shape shows the per-row cost. */
const SIZES = [1, 10];
const schema = 'bench_import';
const settings = { phoneRegion: 'US', defaultCurrency: 'USD' };

async function timeImporter(
  file: string,
  transactionPath: TransactionPath = 'direct',
): Promise<{ seconds: number; rows: number }> {
  const db = await freshSchema(schema);
  try {
    const started = performance.now();
    const result = await runImport(db, 'transactions', createReadStream(file), {
      settings,
      actor: 'bench',
      transactionPath,
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.inserted !== result.rows) {
      throw new Error(`importer inserted ${result.inserted} of ${result.rows} rows`);
    }
    return { seconds, rows: result.rows };
  } finally {
    await db.close();
  }
}

async function timeReimport(file: string): Promise<number> {
  const db = await freshSchema(schema);
  try {
    await runImport(db, 'transactions', createReadStream(file), { settings, actor: 'bench' });
    const started = performance.now();
    const again = await runImport(db, 'transactions', createReadStream(file), {
      settings,
      actor: 'bench',
    });
    if (again.inserted + again.updated !== 0) throw new Error('re-import changed rows');
    return (performance.now() - started) / 1000;
  } finally {
    await db.close();
  }
}

/**
 * COPY into a table shaped like `transactions` (external customer id kept as text): same
 * columns, primary key, unique key and secondary index. With `foreignKey`, its customer_id also
 * references a customers table that already holds every customer of the file (filled before
 * the clock starts), so PostgreSQL checks each row's customer as it does for `transactions`;
 * the plain one is the reference the goal is judged against.
 */
async function timeCopy(
  file: string,
  foreignKey: boolean,
): Promise<{ seconds: number; rows: number }> {
  await dropSchema(schema);
  return withClient(async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    if (foreignKey) {
      await client.query(`CREATE TABLE ${schema}.copy_customers (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id text NOT NULL UNIQUE)`);
      await client.query(
        `INSERT INTO ${schema}.copy_customers (customer_id) SELECT unnest($1::text[])`,
        [await customerIds(file)],
      );
    }
    await client.query(`CREATE TABLE ${schema}.copy_transactions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      customer_id text NOT NULL ${foreignKey ? `REFERENCES ${schema}.copy_customers (customer_id)` : ''},
      occurred_at timestamptz NOT NULL, amount numeric(14, 2) NOT NULL,
      order_id text NOT NULL, currency text NOT NULL, UNIQUE (customer_id, order_id))`);
    await client.query(
      `CREATE INDEX copy_transactions_customer_time ON ${schema}.copy_transactions (customer_id, occurred_at)`,
    );
    const started = performance.now();
    await client.query('BEGIN');
    await pipeline(
      createReadStream(file),
      client.query(
        copyFrom(`COPY ${schema}.copy_transactions (customer_id, occurred_at, amount, order_id, currency)
          FROM STDIN WITH (FORMAT csv, HEADER true)`),
      ),
    );
    await client.query('COMMIT');
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.copy_transactions`,
    );
    return { seconds, rows: rows[0]!.n };
  });
}

/** The file's distinct customer ids (its first column; the bench's own file has no quoting). */
async function customerIds(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const ids = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    if (line) ids.add(line.slice(0, line.indexOf(',')));
  }
  return [...ids];
}

async function main(): Promise<void> {
  if (!existsSync(retailFile)) {
    const message = `Online Retail data set not found at ${retailFile} (set LOOPDESK_DATASETS)`;
    if (process.env.CI === 'true') throw new Error(message);
    note(`skipped: ${message}`);
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'loopdesk-retail-'));
  try {
    for (const copies of SIZES) {
      const file = path.join(dir, `transactions-x${copies}.csv`);
      const conversion = await writeRetailTransactions(file, copies);
      const bytes = (await stat(file)).size;
      note(
        `x${copies}: ${conversion.invoiceLines} invoice lines, ${conversion.linesWithoutCustomer} without customer, ` +
          `${conversion.invoices} invoices (${conversion.cancellations} cancellations kept as negative amounts), ${bytes} bytes`,
      );
      const importer: number[] = [];
      const importerStaged: number[] = [];
      const copy: number[] = [];
      const copyWithForeignKey: number[] = [];
      let rows = 0;
      for (let run = 0; run < RUNS; run += 1) {
        // Alternate so drift in the shared machine's load hits both sides alike.
        const imported = await timeImporter(file);
        const importedStaged = await timeImporter(file, 'stage');
        const copied = await timeCopy(file, false);
        const copiedWithForeignKey = await timeCopy(file, true);
        if (imported.rows !== copied.rows || copiedWithForeignKey.rows !== copied.rows) {
          throw new Error(
            `importer read ${imported.rows} rows, COPY ${copied.rows}, COPY with FK ${copiedWithForeignKey.rows}`,
          );
        }
        rows = imported.rows;
        importer.push(imported.seconds);
        importerStaged.push(importedStaged.seconds);
        copy.push(copied.seconds);
        copyWithForeignKey.push(copiedWithForeignKey.seconds);
        note(
          `  run ${run + 1}: importer ${imported.seconds.toFixed(2)} s, ` +
            `importer via stage ${importedStaged.seconds.toFixed(2)} s, COPY ${copied.seconds.toFixed(2)} s, ` +
            `COPY with FK ${copiedWithForeignKey.seconds.toFixed(2)} s`,
        );
      }
      const importerSeconds = median(importer);
      const copySeconds = median(copy);
      const label = copies === 1 ? 'retail' : `retail_x${copies}`;
      printFigure(`import.${label}.importer`, {
        rows,
        seconds: importerSeconds,
        rows_per_s: Math.round(rows / importerSeconds),
        runs: RUNS,
      });
      // The previous PostgreSQL path (COPY into a stage, then an upsert), for comparison.
      const importerStagedSeconds = median(importerStaged);
      printFigure(`import.${label}.importer_via_stage`, {
        rows,
        seconds: importerStagedSeconds,
        rows_per_s: Math.round(rows / importerStagedSeconds),
        runs: RUNS,
      });
      printFigure(`import.${label}.copy`, {
        rows,
        seconds: copySeconds,
        rows_per_s: Math.round(rows / copySeconds),
        runs: RUNS,
      });
      const copyWithForeignKeySeconds = median(copyWithForeignKey);
      printFigure(`import.${label}.copy_with_fk`, {
        rows,
        seconds: copyWithForeignKeySeconds,
        rows_per_s: Math.round(rows / copyWithForeignKeySeconds),
        runs: RUNS,
      });
      printFigure(`import.${label}.ratio`, {
        importer_over_copy: importerSeconds / copySeconds,
        goal: '<=2',
        importer_over_copy_with_fk: importerSeconds / copyWithForeignKeySeconds,
        importer_via_stage_over_copy: importerStagedSeconds / copySeconds,
      });
      if (copies === 1) {
        const reimport = await timeReimport(file);
        printFigure(`import.${label}.reimport_unchanged`, {
          rows,
          seconds: reimport,
          rows_per_s: Math.round(rows / reimport),
        });
      }
    }
  } finally {
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
