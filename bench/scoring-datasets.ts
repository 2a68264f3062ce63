/**
 * Reads the shared data sets in place for the scoring tests and benchmarks (never copied into the
 * repo). LOOPDESK_DATASETS overrides the default ../shared/datasets beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Transaction } from '../src/scoring/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function datasetsDir(): string {
  return path.resolve(repoRoot, process.env.LOOPDESK_DATASETS ?? '../shared/datasets');
}

export type DatasetLocation = { path: string; reason: null } | { path: null; reason: string };

/** Where a data-set file is, or why it cannot be used. */
export function findDataset(relative: string): DatasetLocation {
  const file = path.join(datasetsDir(), relative);
  if (existsSync(file)) return { path: file, reason: null };
  return {
    path: null,
    reason: `data set ${relative} not found at ${file} (set LOOPDESK_DATASETS to the datasets folder)`,
  };
}

/** Under CI a missing data set is a failure; elsewhere the tests say why they were skipped. */
export const datasetsRequired = process.env.CI === 'true';

/**
 * CDNOW_sample.txt: whitespace-separated master_id, sample_id, YYYYMMDD, cds, dollars. The
 * sample id (1..2357) is the customer id used by the published summaries.
 */
export function readCdnowSample(file: string): Transaction[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const transactions: Transaction[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.trim().split(/\s+/);
    const [, sampleId, date, , dollars] = fields;
    if (
      fields.length !== 5 ||
      !sampleId ||
      !date ||
      !/^\d{8}$/.test(date) ||
      dollars === undefined
    ) {
      throw new Error(`${file} line ${index + 1}: expected 5 fields (ids, YYYYMMDD, cds, dollars)`);
    }
    const amount = Number(dollars);
    if (!Number.isFinite(amount))
      throw new Error(`${file} line ${index + 1}: dollar value "${dollars}"`);
    transactions.push({
      customerId: String(Number(sampleId)),
      at: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
      amount,
    });
  });
  return transactions;
}

/** A CSV file with a header line, as records of strings. */
export function readCsvRecords(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}
