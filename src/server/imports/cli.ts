import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { callServer, CliError, cliActor } from '../cli-server.ts';
import { readConfig, type ServerConfig } from '../config.ts';
import { openDb } from '../db/open.ts';
import { runningLocalServer, type LocalServerInfo } from '../local-server.ts';
import { importColumns, importKinds, type ImportKind } from './rows.ts';
import { ImportRejectedError, runImport, type FileProblem, type ImportResult } from './run.ts';
import { byteCounter, noRowsMessage, type ImportFormat } from './source.ts';

function formatFromName(file: string): ImportFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  if (name.endsWith('.csv')) return 'csv';
  return undefined;
}

function printProblems(errors: FileProblem[], total: number) {
  for (const problem of errors) {
    const where = [problem.line ? `line ${problem.line}` : null, problem.column]
      .filter(Boolean)
      .join(', ');
    process.stderr.write(`  ${where ? `${where}: ` : ''}${problem.message}\n`);
  }
  if (total > errors.length) process.stderr.write(`  … and ${total - errors.length} more\n`);
}

const singular: Record<ImportKind, string> = {
  customers: 'customer',
  identities: 'identity',
  transactions: 'transaction',
  contacts: 'contact',
  agents: 'agent',
};

/** `1 customer`, `3 identities`. */
function countOf(count: number, kind: ImportKind): string {
  return `${count} ${count === 1 ? singular[kind] : kind}`;
}

function printImportResult(file: string, result: ImportResult) {
  process.stdout.write(
    `Imported ${countOf(result.rows, result.kind)} from ${file}: ` +
      `${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged` +
      (result.customersCreated
        ? `; ${countOf(result.customersCreated, 'customers')} created for unknown customer_id`
        : '') +
      '\n',
  );
}

/** Words in lines of at most `width` characters. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The columns of each kind, for `loopdesk import --help`, from what the importer checks. */
function importColumnsHelp(): string {
  const width = Math.max(...importKinds.map((kind) => kind.length)) + 2;
  const lines = ['', 'Columns (a CSV header, or the keys of each NDJSON line):'];
  for (const kind of importKinds) {
    const { required, optional, note } = importColumns[kind];
    lines.push(`  ${kind.padEnd(width)}required: ${required.join(', ')}`);
    lines.push(`  ${''.padEnd(width)}optional: ${optional.join(', ')}`);
    for (const noteLine of note ? wrapWords(note, 92 - width) : []) {
      lines.push(`  ${''.padEnd(width)}${noteLine}`);
    }
  }
  lines.push(
    '',
    'Timestamps are ISO 8601 (a time without offset is UTC). A file with no rows, or any bad',
    "row, is refused whole with each problem's line and column.",
  );
  return `${lines.join('\n')}\n`;
}

/** The one-line reason for a file with no data rows, or null when it has rows. */
function noRowsReason(error: ImportRejectedError): string | null {
  const [problem] = error.errors;
  if (error.errorCount !== 1 || !problem?.message.startsWith(noRowsMessage)) return null;
  const rest = problem.message.slice(noRowsMessage.length).replace(/^[:,]\s*/, '');
  return rest ? `(${rest})` : '';
}

function printRejection(file: string | null, error: ImportRejectedError): void {
  const name = file ?? 'the file';
  const reason = noRowsReason(error);
  if (reason !== null) {
    process.stderr.write(
      `error: ${name} has no data rows to import${reason ? ` ${reason}` : ''}; nothing was written\n`,
    );
    return;
  }
  const count = `${error.errorCount} problem${error.errorCount === 1 ? '' : 's'}`;
  process.stderr.write(`error: ${name} was rejected, nothing was written (${count}):\n`);
  printProblems(error.errors, error.errorCount);
}

async function importLocally(config: ServerConfig, kind: ImportKind, file: string) {
  const size = (await stat(file)).size;
  const db = await openDb(config);
  const tty = Boolean(process.stderr.isTTY);
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `${kind} |{bar}| {percentage}% | {rows} rows`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let rows = 0;
  let lastLine = 0;
  bar?.start(size, 0, { rows: 0 });
  const counter = byteCounter((bytes) => bar?.update(bytes, { rows }));
  const fileStream = createReadStream(file);
  // pipe() does not pass errors on; the importer hears of them through the counter.
  fileStream.on('error', (error) =>
    counter.destroy(new CliError(`cannot read ${file}: ${error.message}`)),
  );
  try {
    const result = await runImport(db, kind, fileStream.pipe(counter), {
      settings: config,
      actor: cliActor(),
      format: formatFromName(file),
      sourceName: file,
      onProgress: (progress) => {
        rows = progress.rowsRead;
        if (!bar && rows - lastLine >= 50_000) {
          lastLine = rows;
          process.stderr.write(`${kind}: ${rows} rows read\n`);
        }
      },
    });
    bar?.update(size, { rows: result.rows });
    bar?.stop();
    printImportResult(file, result);
  } catch (error) {
    bar?.stop();
    throw error;
  } finally {
    // A rejected file need not be read to its end.
    fileStream.destroy();
    await db.close();
  }
}

async function importThroughServer(server: LocalServerInfo, kind: ImportKind, file: string) {
  process.stderr.write(
    `A LoopDesk server (pid ${server.pid}) holds the database; importing through ${server.url}\n`,
  );
  const format = formatFromName(file);
  const type = file.toLowerCase().endsWith('.gz')
    ? 'application/gzip'
    : format === 'ndjson'
      ? 'application/x-ndjson'
      : format === 'csv'
        ? 'text/csv'
        : 'application/octet-stream';
  const result = await callServer<ImportResult>(server, `/v1/imports/${kind}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    // Node needs this to stream a request body.
    duplex: 'half',
  } as RequestInit);
  printImportResult(file, result);
}

/** An import's rejection with the file it was about, so the message can name it. */
class FileRejectedError extends Error {
  constructor(
    readonly file: string,
    readonly rejection: ImportRejectedError,
  ) {
    super(rejection.message);
  }
}

/**
 * Prints an import's rejection (its problems, or that the file had no rows) and returns true;
 * false for any other error.
 */
export function reportImportRejection(error: unknown): boolean {
  if (error instanceof FileRejectedError) {
    printRejection(error.file, error.rejection);
    return true;
  }
  if (error instanceof ImportRejectedError) {
    printRejection(null, error);
    return true;
  }
  return false;
}

/** `loopdesk import <kind> <file>`. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import a CSV (with header) or NDJSON file, gzip accepted; all or nothing')
    .addArgument(program.createArgument('<kind>', 'what the file holds').choices(importKinds))
    .argument('<file>', 'path to the file')
    .addHelpText('after', importColumnsHelp())
    .action(async (kind: ImportKind, file: string) => {
      const config = readConfig();
      await stat(file).catch(() => {
        throw new CliError(`cannot read ${file}`);
      });
      const server = await runningLocalServer(config);
      try {
        if (server) await importThroughServer(server, kind, file);
        else await importLocally(config, kind, file);
      } catch (error) {
        if (error instanceof ImportRejectedError) throw new FileRejectedError(file, error);
        throw error;
      }
    });
}
