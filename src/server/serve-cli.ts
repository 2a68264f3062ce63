import { Command, InvalidArgumentError, Option } from 'commander';
import { readConfig } from './config.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('must be a whole number from 0 to 65535');
  }
  return port;
}

/** `loopdesk serve`: the API, and the demo CRM at /demo. */
export function registerServeCommand(program: Command): void {
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
}
