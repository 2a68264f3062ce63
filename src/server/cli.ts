import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { callServer, CliError, withDatabaseOrServer } from './cli-server.ts';
import {
  createToken,
  listTokens,
  revokeToken,
  revokeTokens,
  roles,
  type CreatedToken,
  type Role,
  type TokenInfo,
} from './tokens/store.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openDb } from './db/open.ts';
import { importColumns, importKinds, type ImportKind } from './imports/rows.ts';
import {
  ImportRejectedError,
  runImport,
  type FileProblem,
  type ImportResult,
} from './imports/run.ts';
import { byteCounter, noRowsMessage, type ImportFormat } from './imports/source.ts';
import { runningLocalServer, type LocalServerInfo } from './local-server.ts';
import { registerScoringCommands } from './scoring/cli-commands.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('must be a whole number from 0 to 65535');
  }
  return port;
}

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

/** The columns of each kind, for `loopdesk import --help`, from what the importer checks. */
function importColumnsHelp(): string {
  const width = Math.max(...importKinds.map((kind) => kind.length)) + 2;
  const lines = ['', 'Columns (a CSV header, or the keys of each NDJSON line):'];
  for (const kind of importKinds) {
    const { required, optional, note } = importColumns[kind];
    lines.push(`  ${kind.padEnd(width)}required: ${required.join(', ')}`);
    lines.push(`  ${''.padEnd(width)}optional: ${optional.join(', ')}`);
    if (note) lines.push(`  ${''.padEnd(width)}${note}`);
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

function cliActor(): string {
  return `cli:${process.env.USER ?? 'local'}`;
}

function describeTeams(created: CreatedToken): string {
  const teams = created.teams;
  if (!teams?.length) return '';
  const isNew = (team: string) => (created.teamsCreated?.includes(team) ? ' (a new team)' : '');
  if (created.role === 'csr') return `, in team ${teams[0]}${isNew(teams[0]!)}`;
  return `, who sees team${teams.length === 1 ? '' : 's'} ${teams.join(', ')}`;
}

function printTokens(tokens: TokenInfo[]): void {
  const rows = [
    ['id', 'role', 'agent', 'created', 'revoked'],
    ...tokens.map((token) => [
      token.id,
      token.role,
      token.agentName,
      token.createdAt,
      token.revokedAt ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
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

function packageVersion(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function buildCli(): Command {
  const program = new Command('loopdesk')
    .description('LoopDesk customer-intelligence backend')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('serve')
    .description('Start the API (and the demo CRM at /demo)')
    .addOption(
      new Option('-p, --port <port>', 'port to listen on')
        .env('PORT')
        .default(8787)
        .argParser(parsePort),
    )
    .option('-H, --host <host>', 'interface to listen on', 'localhost')
    .option('--seed-demo', 'load the generated demo data set into an empty database', false)
    .action(async (options: { port: number; host: string; seedDemo: boolean }) => {
      const config = readConfig();
      // Loaded here so that the other commands start without compiling the whole app.
      const { closeOnSignals, startServer } = await import('./serve.ts');
      const server = await startServer({ config, ...options });
      closeOnSignals(server);
      if (server.seed?.seeded) {
        process.stdout.write(
          `Seeded demo data: ${server.seed.customers} customers, ${server.seed.transactions} transactions, ${server.seed.contacts} contacts\n`,
        );
      }
      process.stdout.write(
        `LoopDesk API listening on ${server.url} (database: ${server.db.kind === 'pglite' ? `embedded, ${config.dataDir}` : 'PostgreSQL'})\n` +
          `  demo CRM: ${server.url}/demo   API docs: ${server.url}/docs\n`,
      );
    });

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

  const token = program.command('token').description('Manage API tokens');
  token
    .command('create')
    .description('Issue a bearer token (printed once, on the last line; stored only as a hash)')
    .addOption(
      new Option('--role <role>', 'csr, supervisor or admin').choices(roles).makeOptionMandatory(),
    )
    .requiredOption('--name <agent>', 'the agent (or system) the token belongs to')
    .option(
      '--team <team>',
      "csr: the agent's team (made if new); supervisor: a team they see (repeat for more; " +
        'replaces their list)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .action(async (options: { role: Role; name: string; team?: string[] }) => {
      const teams = options.team;
      const created = await withDatabaseOrServer(
        (db) =>
          createToken(db, {
            role: options.role,
            agentName: options.name,
            actor: cliActor(),
            teams,
          }),
        (server) =>
          callServer<CreatedToken>(server, '/v1/tokens', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ role: options.role, name: options.name, teams }),
          }),
      );
      process.stdout.write(
        `Created a ${created.role} token for ${created.agentName}${describeTeams(created)}; ` +
          'keep it, it is shown once:\n',
      );
      process.stdout.write(`${created.token}\n`);
    });
  token
    .command('list')
    .description('List active tokens (id, role, agent, created); never the tokens themselves')
    .option('--name <agent>', "only this agent's tokens")
    .option('--all', 'include revoked tokens', false)
    .action(async (options: { name?: string; all: boolean }) => {
      const filter = { agentName: options.name, includeRevoked: options.all };
      const tokens = await withDatabaseOrServer(
        (db) => listTokens(db, filter),
        (server) => {
          const query = new URLSearchParams({ includeRevoked: String(filter.includeRevoked) });
          if (filter.agentName) query.set('agent', filter.agentName);
          return callServer<TokenInfo[]>(server, `/v1/tokens?${query}`, { method: 'GET' });
        },
      );
      printTokens(tokens);
    });
  token
    .command('revoke')
    .description('Revoke a token by id, or every active token of an agent')
    .option('--id <id>', 'the token id (see `loopdesk token list`)')
    .option('--name <agent>', "revoke all of this agent's active tokens")
    .action(async (options: { id?: string; name?: string }) => {
      if ((options.id === undefined) === (options.name === undefined)) {
        throw new CliError('say which tokens to revoke: --id <id> or --name <agent>, not both');
      }
      if (options.id !== undefined && !/^[1-9][0-9]{0,17}$/.test(options.id)) {
        throw new CliError(
          `--id must be a token id as \`loopdesk token list\` prints it, not ${options.id}`,
        );
      }
      const revoked = await withDatabaseOrServer(
        async (db) => {
          if (options.name !== undefined) {
            return revokeTokens(db, { agentName: options.name.trim() }, cliActor());
          }
          const result = await revokeToken(db, options.id!, cliActor());
          if (result.status === 'unknown') throw new CliError(`no token has id ${options.id}`);
          if (result.status === 'already') {
            throw new CliError(
              `token ${options.id} was already revoked at ${result.token.revokedAt}`,
            );
          }
          return [result.token];
        },
        async (server) => {
          if (options.name !== undefined) {
            const query = new URLSearchParams({ agent: options.name });
            return callServer<TokenInfo[]>(server, `/v1/tokens?${query}`, { method: 'DELETE' });
          }
          return [
            await callServer<TokenInfo>(server, `/v1/tokens/${options.id}`, { method: 'DELETE' }),
          ];
        },
      );
      if (!revoked.length) throw new CliError(`${options.name} has no active tokens`);
      process.stdout.write(`Revoked ${revoked.length} token${revoked.length === 1 ? '' : 's'}:\n`);
      printTokens(revoked);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async () => {
      const config = readConfig();
      const server = await runningLocalServer(config);
      if (server) {
        throw new CliError(
          `a LoopDesk server (pid ${server.pid}) holds the database and migrated it when it started`,
        );
      }
      const db = await openDb(config, { migrate: false });
      try {
        const applied = await migrate(db);
        const { rows } = await db.query<{ version: number }>(
          'SELECT max(version) AS version FROM schema_migrations',
        );
        process.stdout.write(
          `Database is at migration ${rows[0]?.version ?? 0}${applied.length ? ` (applied ${applied.join(', ')})` : ''}\n`,
        );
      } finally {
        await db.close();
      }
    });

  registerScoringCommands(program, cliActor);

  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof FileRejectedError) {
      printRejection(error.file, error.rejection);
    } else if (error instanceof ImportRejectedError) {
      printRejection(null, error);
    } else {
      process.stderr.write(`error: ${(error as Error).message}\n`);
    }
    process.exitCode = 1;
  }
}

await main();
