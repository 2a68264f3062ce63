import { isUtf8 } from 'node:buffer';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type CsvError } from 'csv-parse';

export type ImportFormat = 'csv' | 'ndjson';

/** One input row with the 1-based line it starts on, as the user sees it in an editor. */
export interface SourceRow {
  line: number;
  record: Record<string, unknown>;
}

/** A file-level problem (bad header, bad JSON, broken gzip); line 0 when not tied to a line. */
/** How every "no data rows" problem begins, so the CLI can say it in one line. */
export const noRowsMessage = 'the file has no rows';

export class SourceError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column?: string,
  ) {
    super(message);
  }
}

/** A CSV cell or an NDJSON string value; larger ones are refused while the file is read. */
const maxCellBytes = 64 * 1024;
/** A CSV record or an NDJSON line, so a runaway cell is stopped before it fills memory. */
const maxRowBytes = 1024 * 1024;
// A string of this many UTF-16 units or fewer cannot exceed maxCellBytes in UTF-8.
const maxCellUnitsUnchecked = Math.floor(maxCellBytes / 3);

const cellTooLarge = 'the value is larger than 64 KiB, the most a cell may hold';
const rowTooLarge = 'the row is larger than 1 MiB (a cell may hold at most 64 KiB)';

const isTooLarge = (text: string) =>
  text.length > maxCellUnitsUnchecked && Buffer.byteLength(text) > maxCellBytes;

interface ColumnRules {
  required: string[];
  /** When given, any other column is refused; when absent, extra columns are allowed. */
  allowed?: string[];
}

export interface ReadOptions {
  /** When absent: NDJSON if the first non-blank character is `{`, CSV otherwise. */
  format?: ImportFormat;
  columns?: ColumnRules;
  /** How messages name the input: a path, or "the request body". */
  sourceName?: string;
}

export interface RowSource {
  format: ImportFormat;
  rows: AsyncIterable<SourceRow[]>;
  /**
   * Stops reading. The rest of the input is left to flow away unread rather than destroyed, so
   * an HTTP request body is consumed to its end and its connection stays usable after a reply.
   */
  release(): void;
}

interface ByteSource {
  /** The next chunk, or null at the end of the input. */
  next(): Promise<Buffer | null>;
}

/**
 * Pulls chunks from a stream when asked. It keeps an 'error' listener for the stream's whole
 * life, so an error after reading stopped (a client that goes away) cannot become an unhandled
 * 'error' event that ends the process.
 */
class StreamReader implements ByteSource {
  private failure: Error | undefined;
  private ended = false;
  private released = false;
  private wake: (() => void) | undefined;

  constructor(private readonly stream: Readable) {
    stream.on('readable', this.notify);
    stream.on('end', this.onEnd);
    stream.on('close', this.onClose);
    stream.on('error', this.onError);
  }

  private readonly notify = () => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };
  private readonly onClose = () => {
    if (!this.ended) this.failure ??= new Error('the input closed before its end');
    this.notify();
  };
  private readonly onError = (error: Error) => {
    this.failure ??= error;
    this.notify();
  };

  async next(): Promise<Buffer | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.released) return null;
      const chunk: unknown = this.stream.read();
      if (chunk !== null) {
        if (Buffer.isBuffer(chunk)) return chunk;
        return typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
      }
      if (this.ended || this.stream.readableEnded) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.stream.off('readable', this.notify);
    this.notify();
    // resume() only takes effect once no 'readable' listener is left, which Node settles on
    // the next tick.
    if (!this.ended && !this.stream.destroyed) process.nextTick(() => this.stream.resume());
  }
}

/** Decompresses what `source` yields, starting with `head`; zlib's failures name the input. */
class GunzipReader implements ByteSource {
  private readonly gunzip = createGunzip();
  private readonly output = new StreamReader(this.gunzip);

  constructor(
    source: ByteSource,
    head: Buffer,
    private readonly sourceName: string,
  ) {
    void this.pump(source, head);
  }

  private async pump(source: ByteSource, head: Buffer): Promise<void> {
    const { gunzip } = this;
    try {
      for (let chunk: Buffer | null = head; chunk !== null; chunk = await source.next()) {
        if (gunzip.destroyed) return;
        if (!gunzip.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              gunzip.off('drain', done);
              gunzip.off('close', done);
              resolve();
            };
            gunzip.on('drain', done);
            gunzip.on('close', done);
          });
        }
      }
      if (!gunzip.destroyed) gunzip.end();
    } catch (error) {
      gunzip.destroy(error as Error);
    }
  }

  async next(): Promise<Buffer | null> {
    try {
      return await this.output.next();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('Z_')) throw error;
      throw new SourceError(
        code === 'Z_BUF_ERROR'
          ? `${this.sourceName} is not valid gzip: it ends before its compressed data does (cut short?)`
          : `${this.sourceName} is not valid gzip: its compressed data is damaged`,
        0,
      );
    }
  }

  stop(): void {
    this.output.release();
    this.gunzip.destroy();
  }
}

/** Gives back `head` first, then the rest of `source`. */
function prepend(head: Buffer, source: ByteSource): ByteSource {
  let first: Buffer | null = head.length ? head : null;
  return {
    next() {
      if (first === null) return source.next();
      const chunk = first;
      first = null;
      return Promise.resolve(chunk);
    },
  };
}

/** Reads until at least `bytes` bytes or the end, for sniffing gzip and the format. */
async function readHead(source: ByteSource, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const chunk = await source.next();
    if (chunk === null) break;
    parts.push(chunk);
    length += chunk.length;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Turns raw bytes into rows: gzip is recognised by its magic bytes, the format by `format` or
 * by the first non-blank character. The text must be UTF-8 without NUL characters, cells and
 * rows are capped in size, and an empty file is refused; problems name their line.
 */
export async function readRows(input: Readable, options: ReadOptions = {}): Promise<RowSource> {
  const sourceName = options.sourceName ?? 'the file';
  const raw = new StreamReader(input);
  let gunzip: GunzipReader | null = null;
  const release = () => {
    gunzip?.stop();
    raw.release();
  };
  try {
    let head = await readHead(raw, 2);
    let bytes: ByteSource = prepend(head, raw);
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      gunzip = new GunzipReader(raw, head, sourceName);
      head = await readHead(gunzip, 1);
      bytes = prepend(head, gunzip);
    }
    const firstChar = head
      .toString('utf8', 0, Math.min(head.length, 4096))
      .replace(/^\uFEFF/, '')
      .trimStart()[0];
    const format: ImportFormat = options.format ?? (firstChar === '{' ? 'ndjson' : 'csv');
    const text = new TextGuard(bytes);
    async function* rows(): AsyncGenerator<SourceRow[]> {
      try {
        yield* format === 'csv' ? csvRows(text, options.columns) : ndjsonRows(text);
      } finally {
        release();
      }
    }
    return { format, rows: rows(), release };
  } catch (error) {
    release();
    throw error;
  }
}

/** The first byte that cannot be imported: not UTF-8, or NUL (PostgreSQL text cannot hold it). */
interface BadByte {
  nul: boolean;
  byte: number;
}

function badByteMessage(bad: BadByte): string {
  if (bad.nul) return 'contains a NUL character, which cannot be stored';
  const hex = bad.byte.toString(16).toUpperCase().padStart(2, '0');
  return `is not valid UTF-8 (byte 0x${hex}); save the file as UTF-8`;
}

/** Bytes in the last sequence of `buffer` that are still waiting for their continuation bytes. */
function incompleteTail(buffer: Buffer): number {
  for (let back = 1; back <= Math.min(3, buffer.length); back += 1) {
    const byte = buffer[buffer.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** Offset of the first NUL or invalid UTF-8 sequence (RFC 3629: no overlongs or surrogates). */
function firstBadByte(buffer: Buffer): number {
  const length = buffer.length;
  let i = 0;
  while (i < length) {
    const byte = buffer[i]!;
    if (byte === 0) return i;
    if (byte < 0x80) {
      i += 1;
      continue;
    }
    let continuation: number;
    let low = 0x80;
    let high = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) continuation = 1;
    else if (byte >= 0xe0 && byte <= 0xef) {
      continuation = 2;
      if (byte === 0xe0) low = 0xa0;
      if (byte === 0xed) high = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      continuation = 3;
      if (byte === 0xf0) low = 0x90;
      if (byte === 0xf4) high = 0x8f;
    } else return i;
    if (i + continuation >= length) return i;
    const second = buffer[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k <= continuation; k += 1) {
      if ((buffer[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += continuation + 1;
  }
  return -1;
}

/**
 * Checks the input is UTF-8 without NUL, chunk by chunk. A character split between two chunks
 * is held back until its end arrives, so `text` always ends on a whole character.
 */
class TextGuard {
  private carry: Buffer | null = null;
  private done = false;

  constructor(private readonly source: ByteSource) {}

  /** The next checked bytes (null at the end), and the first bad byte right after them. */
  async next(): Promise<{ text: Buffer; bad?: BadByte } | null> {
    if (this.done) return null;
    const chunk = await this.source.next();
    let data: Buffer;
    if (chunk === null) {
      this.done = true;
      if (!this.carry) return null;
      data = this.carry;
      this.carry = null;
    } else {
      data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
      const tail = incompleteTail(data);
      this.carry = tail ? Buffer.from(data.subarray(data.length - tail)) : null;
      if (tail) data = data.subarray(0, data.length - tail);
    }
    if (isUtf8(data) && data.indexOf(0) === -1) return { text: data };
    const offset = firstBadByte(data);
    if (offset === -1) return { text: data };
    this.done = true;
    return {
      text: data.subarray(0, offset),
      bad: { nul: data[offset] === 0, byte: data[offset]! },
    };
  }
}

/**
 * csv-parse driven by hand, one chunk at a time, collecting `[first line, cells]` records.
 * Nothing is piped, so the parser never emits stream events; per-record stream items would
 * also cost more than the parsing itself on files of a few hundred thousand rows.
 */
class CsvRecords extends Parser {
  records: [number, string[]][] = [];
  private lastEnd = 0;
  private lastEmpty = 0;
  // csv-parse counts a CRLF inside a quoted cell as two lines; these are taken off again.
  private crlfInCells = 0;
  private sawCarriageReturn = false;

  constructor() {
    super({
      bom: true,
      // Cells are trimmed by the row schemas; trimming here too would cost a second pass.
      skip_empty_lines: true,
      // Rows are checked against the header, with the line in the message.
      relax_column_count: true,
      max_record_size: maxRowBytes,
    });
  }

  override push(record: unknown): boolean {
    if (record === null) return true;
    const cells = record as string[];
    this.records.push([this.startLine(), cells]);
    if (this.sawCarriageReturn) {
      for (const cell of cells) {
        for (let at = cell.indexOf('\r\n'); at !== -1; at = cell.indexOf('\r\n', at + 2)) {
          this.crlfInCells += 1;
        }
      }
    }
    // `info.lines` is the record's last line here: a quoted cell may span several lines.
    this.lastEnd = this.info.lines - this.crlfInCells;
    this.lastEmpty = this.info.empty_lines;
    return true;
  }

  /** The line the record being read starts on (skipped empty lines come before it). */
  startLine(): number {
    return this.lastEnd + 1 + (this.info.empty_lines - this.lastEmpty);
  }

  /** Parses a chunk, or the end of the input when `chunk` is null; gives back csv-parse's error. */
  feed(chunk: Buffer | null): CsvError | undefined {
    let failure: Error | null | undefined;
    const done = (error?: Error | null) => {
      failure = error;
    };
    if (chunk && !this.sawCarriageReturn) this.sawCarriageReturn = chunk.indexOf(13) !== -1;
    if (chunk) this._transform(chunk, 'utf8', done);
    else this._flush(done);
    return (failure ?? undefined) as CsvError | undefined;
  }
}

/** Trims names, and refuses unnamed, repeated, missing and (when rules say so) unknown columns. */
function readHeader(cells: string[], line: number, rules: ColumnRules | undefined): string[] {
  const header = cells.map((name) => name.trim());
  const problems: string[] = [];
  const firstAt = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') problems.push(`column ${index + 1} has no name`);
    else if (isTooLarge(name)) problems.push(`column ${index + 1}: ${cellTooLarge}`);
    else if (firstAt.has(name)) {
      problems.push(
        `column "${name}" appears twice (columns ${firstAt.get(name)! + 1} and ${index + 1})`,
      );
    } else firstAt.set(name, index);
  });
  if (rules) {
    const missing = rules.required.filter((column) => !firstAt.has(column));
    if (missing.length) problems.push(`missing column(s): ${missing.join(', ')}`);
    const unknown = rules.allowed
      ? [...firstAt.keys()].filter((column) => !rules.allowed!.includes(column))
      : [];
    if (unknown.length) {
      problems.push(
        `unknown column(s): ${unknown.join(', ')} (allowed: ${rules.allowed!.join(', ')})`,
      );
    }
  }
  if (problems.length) throw new SourceError(`header: ${problems.join('; ')}`, line);
  return header;
}

function csvProblem(error: CsvError, line: number, header: string[] | null): SourceError {
  const index = typeof error.column === 'number' ? error.column : undefined;
  const column = header && index !== undefined ? header[index] : undefined;
  const messages: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed: the file ends inside it',
    CSV_INVALID_CLOSING_QUOTE: 'a quoted cell has more text after its closing quote',
    INVALID_OPENING_QUOTE:
      'a quote inside an unquoted cell (quote the whole cell and double the quotes in it)',
    CSV_INVALID_OPENING_QUOTE:
      'a quote inside an unquoted cell (quote the whole cell and double the quotes in it)',
    CSV_MAX_RECORD_SIZE: rowTooLarge,
  };
  return new SourceError(messages[error.code] ?? `not valid CSV: ${error.message}`, line, column);
}

async function* csvRows(text: TextGuard, rules?: ColumnRules): AsyncGenerator<SourceRow[]> {
  const parser = new CsvRecords();
  let header: string[] | null = null;
  let headerLine = 0;
  let rowCount = 0;
  /** Rows from the records parsed so far; a record that cannot be a row ends them, with why. */
  const takeRows = (): { rows: SourceRow[]; problem?: SourceError } => {
    const rows: SourceRow[] = [];
    const records = parser.records;
    parser.records = [];
    for (const [line, cells] of records) {
      // A line of spaces is as blank as an empty one, which the parser skips.
      if (cells.length === 1 && cells[0]!.trim() === '') continue;
      if (header === null) {
        try {
          header = readHeader(cells, line, rules);
        } catch (error) {
          return { rows, problem: error as SourceError };
        }
        headerLine = line;
        continue;
      }
      if (cells.length !== header.length) {
        const count = `${cells.length} cell${cells.length === 1 ? '' : 's'}`;
        const problem = new SourceError(
          `the row has ${count} but the header has ${header.length} columns`,
          line,
        );
        return { rows, problem };
      }
      const record: Record<string, unknown> = {};
      for (let i = 0; i < cells.length; i += 1) {
        const cell = cells[i]!;
        if (cell.length > maxCellUnitsUnchecked && isTooLarge(cell)) {
          return { rows, problem: new SourceError(cellTooLarge, line, header[i]) };
        }
        // An empty CSV cell means "no value", like a missing NDJSON key.
        if (cell !== '') record[header[i]!] = cell;
      }
      rows.push({ line, record });
    }
    rowCount += rows.length;
    return { rows };
  };

  for (;;) {
    const checked = await text.next();
    const failure = parser.feed(checked ? checked.text : null);
    const { rows, problem } = takeRows();
    if (rows.length) yield rows;
    if (problem) throw problem;
    if (failure) throw csvProblem(failure, parser.startLine(), header);
    if (checked?.bad) throw locateBadByte(parser, header, checked.bad);
    if (!checked) break;
  }
  if (header === null) throw new SourceError(`${noRowsMessage}: it is empty`, 0);
  if (rowCount === 0) throw new SourceError(`${noRowsMessage}, only a header`, headerLine);
}

/**
 * The bad byte's record and cell. Every byte before it was fed to the parser, so one more
 * ordinary byte in its place, then the end of input, closes the record it is in: that byte
 * ends the record's last cell (or, inside an open quote, the parser says which cell).
 */
function locateBadByte(parser: CsvRecords, header: string[] | null, bad: BadByte): SourceError {
  parser.records = [];
  const failure = parser.feed(Buffer.from('x')) ?? parser.feed(null);
  const pushed = parser.records;
  const last = pushed.at(-1);
  let index: number | undefined;
  if (failure && typeof failure.column === 'number') index = failure.column;
  else if (last) index = last[1].length - 1;
  // Inside an open quote nothing was pushed for the bad byte's record: it is still being read.
  const start = failure || !last ? parser.startLine() : last[0];
  // The parser may have held back the header's line end until now.
  const names =
    header ??
    pushed
      .slice(0, failure ? pushed.length : -1)
      .find(([, cells]) => cells.length > 1 || cells[0]!.trim() !== '')?.[1]
      .map((name) => name.trim()) ??
    null;
  if (names === null) return new SourceError(`the header ${badByteMessage(bad)}`, start);
  const column = index === undefined ? undefined : names[index];
  return new SourceError(`the cell ${badByteMessage(bad)}`, start, column);
}

/** NDJSON lines, split by hand so that a line has a size limit (readline has none). */
async function* ndjsonRows(text: TextGuard): AsyncGenerator<SourceRow[]> {
  let line = 0;
  let rowCount = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let batch: SourceRow[] = [];
  const lineTooLong = (at: number) =>
    new SourceError('the line is longer than 1 MiB (a value may hold at most 64 KiB)', at);
  const addLine = (bytes: Buffer) => {
    line += 1;
    let lineText = bytes.toString('utf8');
    if (line === 1) lineText = lineText.replace(/^\uFEFF/, '');
    const record = parseJsonLine(lineText, line);
    if (record) batch.push({ line, record });
  };

  for (;;) {
    const checked = await text.next();
    if (!checked) {
      if (pendingBytes) addLine(Buffer.concat(pending));
      break;
    }
    const bytes = checked.text;
    let start = 0;
    for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
      if (pendingBytes + end - start > maxRowBytes) throw lineTooLong(line + 1);
      let lineBytes = bytes.subarray(start, end);
      if (pendingBytes) {
        lineBytes = Buffer.concat([...pending, lineBytes]);
        pending = [];
        pendingBytes = 0;
      }
      start = end + 1;
      try {
        addLine(lineBytes);
      } catch (error) {
        if (batch.length) yield batch;
        throw error;
      }
    }
    if (start < bytes.length) {
      pending.push(bytes.subarray(start));
      pendingBytes += bytes.length - start;
    }
    if (batch.length >= 1_000 || (checked.bad && batch.length)) {
      rowCount += batch.length;
      yield batch;
      batch = [];
    }
    if (pendingBytes > maxRowBytes) throw lineTooLong(line + 1);
    if (checked.bad) throw new SourceError(`the line ${badByteMessage(checked.bad)}`, line + 1);
  }
  rowCount += batch.length;
  if (batch.length) yield batch;
  if (rowCount === 0) throw new SourceError(noRowsMessage, 0);
}

/** One NDJSON line as a record (null when blank), with the checks JSON.parse does not make. */
function parseJsonLine(text: string, line: number): Record<string, unknown> | null {
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (!text.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 adds "(line 1 column N)", which reads as if it were the file's line.
    const reason = (error as Error).message.replace(/ \(line \d+ column \d+\)$/, '');
    throw new SourceError(`not valid JSON: ${reason}`, line);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SourceError('each line must be a JSON object', line);
  }
  const record: Record<string, unknown> = {};
  let keys = 0;
  for (const [key, field] of Object.entries(value)) {
    keys += 1;
    if (typeof field === 'string') {
      if (field.length > maxCellUnitsUnchecked && isTooLarge(field)) {
        throw new SourceError(cellTooLarge, line, key);
      }
    } else if (typeof field === 'object' && field !== null) {
      const nested = inspectNested(field);
      if (nested.tooLarge) throw new SourceError(cellTooLarge, line, key);
      keys += nested.keys;
    }
    if (field !== null && field !== '') record[key] = field;
  }
  // JSON.parse keeps the last of repeated keys without a word; in valid JSON every ':' outside
  // strings separates a key from its value, so fewer keys than those means a repeat.
  if (keys !== colonsOutsideStrings(text)) {
    const repeated = repeatedKey(text);
    if (repeated !== undefined) {
      throw new SourceError(`key "${repeated}" appears twice in this object`, line, repeated);
    }
  }
  if (text.includes('\\u0000')) {
    for (const [key, field] of Object.entries(value)) {
      if (key.includes('\0') || containsNul(field)) {
        throw new SourceError(
          'contains a NUL character (\\u0000), which cannot be stored',
          line,
          key,
        );
      }
    }
  }
  return record;
}

/** Keys in objects nested in a value, and whether any string in it is over the cell limit. */
function inspectNested(value: object): { keys: number; tooLarge: boolean } {
  let keys = 0;
  let tooLarge = false;
  const visit = (item: unknown) => {
    if (typeof item === 'string') {
      if (isTooLarge(item)) tooLarge = true;
    } else if (Array.isArray(item)) {
      for (const element of item) visit(element);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, field] of Object.entries(item)) {
        keys += 1;
        if (isTooLarge(key)) tooLarge = true;
        visit(field);
      }
    }
  };
  visit(value);
  return { keys, tooLarge };
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(containsNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, field]) => key.includes('\0') || containsNul(field));
  }
  return false;
}

/** The index of the quote that closes the JSON string opening at `open`. */
function closingQuote(text: string, open: number): number {
  let at = open + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

function colonsOutsideStrings(text: string): number {
  let colons = 0;
  let at = 0;
  for (;;) {
    const quote = text.indexOf('"', at);
    const end = quote === -1 ? text.length : quote;
    for (let i = at; i < end; i += 1) if (text.charCodeAt(i) === 58) colons += 1;
    if (quote === -1) return colons;
    at = closingQuote(text, quote) + 1;
  }
}

/** The first key repeated within one object of a valid JSON text, at any depth. */
function repeatedKey(text: string): string | undefined {
  const objects: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') {
      const end = closingQuote(text, i);
      const keys = objects.at(-1);
      if (keys && expectingKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectingKey = false;
      }
      i = end;
    } else if (char === '{') {
      objects.push(new Set());
      expectingKey = true;
    } else if (char === '[') {
      objects.push(null);
    } else if (char === '}' || char === ']') {
      objects.pop();
    } else if (char === ',') {
      expectingKey = Boolean(objects.at(-1));
    }
  }
  return undefined;
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
