import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { registerAgentCommands } from './calls/cli.ts';
import { registerMigrateCommand } from './migrate-cli.ts';
import { registerImportCommand, reportImportRejection } from './imports/cli.ts';
import { registerScoringCommands } from './scoring/cli.ts';
import { registerServeCommand } from './serve-cli.ts';
import { registerTokenCommands } from './tokens/cli.ts';

function packageVersion(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The `loopdesk` program: each feature adds its own commands. */
export function buildCli(): Command {
  const program = new Command('loopdesk')
    .description('LoopDesk customer-intelligence backend')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });

  registerServeCommand(program);
  registerImportCommand(program);
  registerTokenCommands(program);
  registerMigrateCommand(program);
  registerScoringCommands(program);
  registerAgentCommands(program);

  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (!reportImportRejection(error)) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
    }
    process.exitCode = 1;
  }
}

await main();
