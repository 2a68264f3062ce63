import type { Command } from 'commander';
import { platformSchema } from '../../contract/calls.ts';
import { callServer, CliError, cliActor, withDatabaseOrServer } from '../cli-server.ts';
import { mapTelephonyId } from './store.ts';

/** `loopdesk agents map <agent> <value> [--platform p]`. */
export function registerAgentCommands(program: Command): void {
  const agents = program.command('agents').description('Agents as telephony platforms name them');
  agents
    .command('map')
    .description(
      'Say which agent a telephony user id or email names, so calls posted for it reach ' +
        "that agent's panel (mapping a value again moves it)",
    )
    .argument('<agent>', 'the LoopDesk agent name (as on their token)')
    .argument('<value>', "the platform's user id or email for that agent")
    .option('--platform <platform>', 'only on this platform (twilio, aircall, ...); default: all')
    .action(async (agent: string, value: string, options: { platform?: string }) => {
      if (options.platform !== undefined && !platformSchema.safeParse(options.platform).success) {
        throw new CliError(
          `--platform "${options.platform}" is not a platform name: lower-case letters, digits ` +
            'and dashes (twilio, aircall, dialpad, amazon-connect).',
        );
      }
      if (!agent.trim() || !value.trim()) throw new CliError('Give an agent and a value.');
      const body = { agent, value, ...(options.platform ? { platform: options.platform } : {}) };
      const mapped = await withDatabaseOrServer(
        (db) => mapTelephonyId(db, { ...body, actor: cliActor() }),
        (server) =>
          callServer<Awaited<ReturnType<typeof mapTelephonyId>>>(
            server,
            '/v1/agents/telephony-ids',
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            },
          ),
      );
      process.stdout.write(
        `${mapped.value} now names ${mapped.agent}` +
          `${mapped.platform ? ` on ${mapped.platform}` : ' on every platform'}.\n`,
      );
    });
}
