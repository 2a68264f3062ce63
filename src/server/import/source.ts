import { createInterface } from 'node:readline';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser } from 'csv-parse';

export type ImportFormat = 'csv' | 'ndjson';

/** One input row with the 1-based line it starts on, as the user sees it in an editor. */
export interface SourceRow {
  line: number;
  record: Record<string, unknown>;
}

/** A file-level problem (bad header, bad JSON, broken gzip); line 0 when not tied to a line. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column?: string,
  ) {
    super(message);
  }
}

/** Reads the first chunk of a stream and gives back a stream that still starts with it. */
async function peek(stream: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  async function* rest() {
    if (head.length) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { head, stream: Readable.from(rest()) };
}

/**
 * Turns raw bytes into rows: gzip is recognised by its magic bytes, the format by `format` or,
 * when not given, by the first non-blank character (`{` means NDJSON).
 */
export interface ColumnRules {
  required: string[];
  /** When given, any other column is refused; when absent, extra columns are allowed. */
  allowed?: string[];
}

export async function readRows(
  input: Readable,
  format?: ImportFormat,
  columns?: ColumnRules,
): Promise<{ format: ImportFormat; rows: AsyncIterable<SourceRow[]> }> {
  let { head, stream } = await peek(input);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    stream.on('error', (error) => gunzip.destroy(error));
    ({ head, stream } = await peek(stream.pipe(gunzip)));
  }
  const firstChar = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()[0];
  const detected: ImportFormat = format ?? (firstChar === '{' ? 'ndjson' : 'csv');
  return {
    format: detected,
    rows: detected === 'csv' ? csvRows(stream, columns) : ndjsonRows(stream),
  };
}

/** A CSV header problem is one clear error on line 1 rather than the same error on every row. */
function checkHeader(header: string[], rules: ColumnRules | undefined): void {
  if (!rules) return;
  const missing = rules.required.filter((column) => !header.includes(column));
  const unknown = rules.allowed ? header.filter((column) => !rules.allowed!.includes(column)) : [];
  const problems = [
    missing.length ? `missing column(s): ${missing.join(', ')}` : null,
    unknown.length
      ? `unknown column(s): ${unknown.join(', ')} (allowed: ${rules.allowed!.join(', ')})`
      : null,
  ].filter(Boolean);
  if (problems.length) throw new SourceError(`header: ${problems.join('; ')}`, 1);
}

/**
 * csv-parse emitting, per input chunk, one array of `[line, cells]` records instead of one
 * object per record: `info: true` and per-record stream items cost more than the parsing itself
 * on files of a few hundred thousand rows. `info.lines` is read as each record is pushed, which
 * is the same value `info: true` would report.
 */
class NumberedBatchParser extends Parser {
  private pending: [number, string[]][] = [];

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) {
      this.flushPending();
      return super.push(null, encoding);
    }
    this.pending.push([this.info.lines, record as string[]]);
    return true;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      this.flushPending();
      callback(error);
    });
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error?: Error | null) => {
      this.flushPending();
      callback(error);
    });
  }

  private flushPending(): void {
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    super.push(batch);
  }
}

async function* csvRows(stream: Readable, rules?: ColumnRules): AsyncIterable<SourceRow[]> {
  let header: string[] | null = null;
  const parser = stream.pipe(
    new NumberedBatchParser({
      bom: true,
      // Cells are trimmed by the row schemas; trimming here too would cost a second pass.
      skip_empty_lines: true,
      // Rows are checked against the header below, with the line in the message.
      relax_column_count: true,
    }),
  );
  stream.on('error', (error) => parser.destroy(error));
  try {
    for await (const batch of parser as AsyncIterable<[number, string[]][]>) {
      const rows: SourceRow[] = [];
      for (const [line, cells] of batch) {
        if (header === null) {
          header = cells.map((name) => name.trim());
          checkHeader(header, rules);
          continue;
        }
        if (cells.length !== header.length) {
          throw new SourceError(
            `CSV: Invalid Record Length: columns length is ${header.length}, got ${cells.length} on line ${line}`,
            line,
          );
        }
        const record: Record<string, unknown> = {};
        for (let i = 0; i < cells.length; i += 1) {
          // An empty CSV cell means "no value", like a missing NDJSON key.
          if (cells[i] !== '') record[header[i]!] = cells[i];
        }
        rows.push({ line, record });
      }
      if (rows.length) yield rows;
    }
  } catch (error) {
    const csvError = error as { message: string; lines?: number; code?: string };
    if (csvError.code?.startsWith('CSV_')) {
      throw new SourceError(`CSV: ${csvError.message}`, csvError.lines ?? 0);
    }
    if (csvError.code === 'Z_DATA_ERROR' || csvError.code === 'Z_BUF_ERROR') {
      throw new SourceError(`gzip: ${csvError.message}`, 0);
    }
    throw error;
  }
}

/** NDJSON lines, handed on in arrays to keep per-row overhead out of large files. */
async function* ndjsonRows(stream: Readable): AsyncIterable<SourceRow[]> {
  let batch: SourceRow[] = [];
  for await (const row of ndjsonRowsOneByOne(stream)) {
    batch.push(row);
    if (batch.length >= 1_000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function* ndjsonRowsOneByOne(stream: Readable): AsyncIterable<SourceRow> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (!text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new SourceError(`not valid JSON: ${(error as Error).message}`, line);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new SourceError('each line must be a JSON object', line);
      }
      const record: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(value)) {
        if (field !== null && field !== '') record[key] = field;
      }
      yield { line, record };
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw new SourceError(`gzip: ${(error as Error).message}`, line);
    }
    throw error;
  }
}

/** Counts bytes flowing through, for progress against a known file size. */
export function byteCounter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
}
