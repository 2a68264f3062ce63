import { Command, Option } from 'commander';
import { callServer, CliError, cliActor, withDatabaseOrServer } from '../cli-server.ts';
import {
  createToken,
  listTokens,
  revokeToken,
  revokeTokens,
  roles,
  type CreatedToken,
  type Role,
  type TokenInfo,
} from './store.ts';

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

/** `loopdesk token create | list | revoke`. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('Manage API tokens');
  token
    .command('create')
    .description('Issue a bearer token (printed once, on the last line; stored only as a hash)')
    .addOption(
      new Option('--role <role>', 'csr, supervisor, admin, or integration (a telephony system)')
        .choices(roles)
        .makeOptionMandatory(),
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
}
